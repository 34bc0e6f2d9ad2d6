# shellcheck shell=bash
# SPDX-License-Identifier: ISC
# bats-ipcutils: throwaway IPC objects, assertions and deadlines for BATS
# tests of programs that talk over message queues, shared memory,
# semaphores, sockets and signals. Load it with
#     bats_load_library bats-ipcutils
# and see bats-ipcutils(7). It needs bats-support (loaded here if it is not
# yet) and the ipcutils tools on PATH.
#
# TARGET is what the ipcutils tools take: a POSIX name (/jobs) or the
# options naming a System V object (-k KEY, -i ID): every word before the
# last argument of an assertion is the TARGET.

if ! declare -F batslib_decorate >/dev/null; then
	bats_load_library bats-support
fi

# The run's tag: names and keys of two runs at once never meet.
_ipc_run=$(printf %s "${BATS_RUN_TMPDIR:-$$}" | cksum | cut -d' ' -f1)
_ipc_run=$((_ipc_run % 256))

# A suite with its own plan for names and keys sets IPC_NAME_PREFIX (names
# are then /PREFIX-TEST-N) and IPC_KEY_BASE (keys IPC_KEY_BASE + 0..255,
# shared by the tests of the run, which run one after another).

# The prefix of every POSIX name of the run, and of this test's.
_ipc_run_prefix() {
	if [ -n "${IPC_NAME_PREFIX-}" ]; then
		printf '%s-' "$IPC_NAME_PREFIX"
	else
		printf 'bipc-%d-' "$_ipc_run"
	fi
}
_ipc_prefix() { printf '%s%d-' "$(_ipc_run_prefix)" "${BATS_SUITE_TEST_NUMBER:-0}"; }

# The keys of this test: by default 0x6RRTTTNN, R the run, T the test (12
# bits), N from ipc_key N.
_ipc_keybase() {
	if [ -n "${IPC_KEY_BASE-}" ]; then
		echo $((IPC_KEY_BASE))
	else
		echo $(((0x6 << 28) | (_ipc_run << 20) | ((${BATS_SUITE_TEST_NUMBER:-0} & 0xfff) << 8)))
	fi
}

# ipc_name: a fresh POSIX name (/bipc-RUN-TEST-N), unique to this test of
# this run; ipc_teardown removes the objects made under it. The counter is
# a file, so name=$(ipc_name) counts up too.
ipc_name() {
	local seq=${BATS_TEST_TMPDIR:?ipc_name: call it from a test}/.ipc_seq n=0
	[ -f "$seq" ] && n=$(<"$seq")
	echo $((n + 1)) >"$seq"
	echo "/$(_ipc_prefix)$((n + 1))"
}

# ipc_key [N]: a System V key (0x hex) unique to this test, N = 0..255.
ipc_key() {
	local n=${1:-0}
	if [[ ! $n =~ ^[0-9]+$ ]] || ((n > 255)); then
		echo "ipc_key: $n: a number from 0 to 255" >&2
		return 2
	fi
	printf '0x%08x\n' $(($(_ipc_keybase) + n))
}

# _ipc_objects PREFIX KEYLO KEYHI: every object named PREFIX* or keyed in
# [KEYLO, KEYHI), one "KIND NAME-OR-KEY [ID]" per line, KIND as ipcls
# names it (ipcutils(7), OUTPUT FIELDS) and the key as ipcs writes it.
_ipc_objects() {
	local prefix=$1 lo=$2 hi=$3 dir kind key id rest f opt
	for dir in /dev/shm /dev/mqueue; do
		for f in "$dir/$prefix"*; do
			[ -e "$f" ] || continue
			[ "$dir" = /dev/shm ] && kind=shm || kind=mq
			echo "posix-$kind /${f##*/}"
		done
	done
	# glibc and musl keep a POSIX semaphore /NAME as /dev/shm/sem.NAME.
	for f in /dev/shm/sem."$prefix"*; do
		[ -e "$f" ] || continue
		f=${f##*/}
		echo "posix-sem /${f#sem.}"
	done
	for kind in shm msg sem; do
		case $kind in shm) opt=m ;; msg) opt=q ;; sem) opt=s ;; esac
		ipcs -"$opt" 2>/dev/null | while read -r key id rest; do
			[[ $key == 0x* && $id =~ ^[0-9]+$ ]] || continue
			((key >= lo && key < hi)) && echo "sysv-$kind $key $id"
		done
	done
}

# ipc_teardown: remove every object this test made under ipc_name and
# ipc_key. Call it from teardown.
ipc_teardown() {
	local kind name id base
	base=$(_ipc_keybase)
	while read -r kind name id; do
		case $kind in
		posix-shm) rm -f "/dev/shm$name" ;;
		posix-mq) rm -f "/dev/mqueue$name" ;;
		posix-sem) rm -f "/dev/shm/sem.${name#/}" ;;
		sysv-shm) ipcrm -m "$id" 2>/dev/null ;;
		sysv-msg) ipcrm -q "$id" 2>/dev/null ;;
		sysv-sem) ipcrm -s "$id" 2>/dev/null ;;
		esac
	done < <(_ipc_objects "$(_ipc_prefix)" "$base" $((base + 256)))
	return 0
}

# assert_no_ipc_leak: fail, naming them, if objects made under ipc_name or
# ipc_key by any test of this run are still there.
assert_no_ipc_leak() {
	local lo=$(((0x6 << 28) | (_ipc_run << 20))) span=$((1 << 20)) left
	if [ -n "${IPC_KEY_BASE-}" ]; then
		lo=$((IPC_KEY_BASE)) span=256
	fi
	left=$(_ipc_objects "$(_ipc_run_prefix)" "$lo" $((lo + span)))
	[ -z "$left" ] && return 0
	batslib_print_kv_single_or_multi 8 'objects' "$left" |
		batslib_decorate 'IPC objects of this run left behind' | fail
}

# _ipc_split VAR ARGS...: the last argument into VAR, the rest into
# _ipc_target.
_ipc_split() {
	local -n _last=$1
	shift
	if [ "$#" -lt 2 ]; then
		return 1
	fi
	_last=${!#}
	_ipc_target=("${@:1:$#-1}")
}

# _ipc_assert_stat WIDTH WHAT FIELD DIFFERS WANT CMD...: the line
# "FIELD: WANT" is in what CMD TARGET prints; else a bats-assert style
# failure naming WHAT (keys padded to WIDTH) under the heading DIFFERS.
_ipc_assert_stat() {
	local width=$1 what=$2 field=$3 differs=$4 want=$5 stat have
	shift 5
	if ! stat=$("$@" "${_ipc_target[@]}" 2>&1); then
		batslib_print_kv_single "$width" "$what" "${_ipc_target[*]}" 'error' "$stat" |
			batslib_decorate "$what cannot be read" | fail
		return
	fi
	have=$(sed -n "s/^$field: //p" <<<"$stat")
	[ "$have" = "$want" ] && return 0
	batslib_print_kv_single "$width" "$what" "${_ipc_target[*]}" 'expected' "$want" 'actual' "$have" |
		batslib_decorate "$differs" | fail
}

# assert_queue_length TARGET N: the queue holds N messages (mqrecv -s).
assert_queue_length() {
	local want _ipc_target
	_ipc_split want "$@" || { echo "usage: assert_queue_length TARGET N" >&2; return 2; }
	_ipc_assert_stat 8 queue messages 'queue length differs' "$want" mqrecv -s
}

# assert_sem_value TARGET N: the semaphore's value is N (semwait -s).
assert_sem_value() {
	local want _ipc_target
	_ipc_split want "$@" || { echo "usage: assert_sem_value TARGET N" >&2; return 2; }
	_ipc_assert_stat 9 semaphore value 'semaphore value differs' "$want" semwait -s
}

# assert_shm_content [--offset OFF] [--length LEN] TARGET EXPECTED: the
# shared memory (from OFF, LEN bytes; default all of it) holds exactly
# EXPECTED.
assert_shm_content() {
	local opts=() want have _ipc_target
	while :; do
		case $1 in
		--offset) opts+=(--offset "$2"); shift 2 ;;
		--length) opts+=(--length "$2"); shift 2 ;;
		*) break ;;
		esac
	done
	_ipc_split want "$@" ||
		{ echo "usage: assert_shm_content [--offset OFF] [--length LEN] TARGET EXPECTED" >&2; return 2; }
	# The x keeps trailing newlines, which $( ) would drop.
	if ! have=$(shmcat "${opts[@]}" "${_ipc_target[@]}" 2>&1 && echo x); then
		batslib_print_kv_single 8 'object' "${_ipc_target[*]}" 'error' "$have" |
			batslib_decorate 'shared memory cannot be read' | fail
		return
	fi
	have=${have%x}
	[ "$have" = "$want" ] && return 0
	batslib_print_kv_single_or_multi 8 'object' "${_ipc_target[*]} ${opts[*]}" \
		'expected' "$want" 'actual' "$have" |
		batslib_decorate 'shared memory content differs' | fail
}

# _ipc_deadline ARGS...: with "--timeout S" first, S seconds (default
# $IPC_TIMEOUT or 10) into _ipc_limit and the end time in microseconds
# into _ipc_end; the remaining arguments in _ipc_args.
_ipc_deadline() {
	_ipc_limit=${IPC_TIMEOUT:-10}
	if [ "${1-}" = --timeout ]; then
		_ipc_limit=$2
		shift 2
	fi
	_ipc_end=$(_ipc_after "$_ipc_limit")
	_ipc_args=("$@")
}

# _ipc_after S: the time in microseconds S seconds (0.25 and the like) from now.
_ipc_after() {
	local int=${1%%.*} frac=
	[[ $1 == *.* ]] && frac=${1#*.}
	frac=${frac}000000
	echo $((${EPOCHREALTIME/./} + 10#${int:-0} * 1000000 + 10#${frac:0:6}))
}

# _ipc_until CMD...: run CMD until it succeeds or _ipc_end passes.
_ipc_until() {
	until "$@" >/dev/null 2>&1; do
		((${EPOCHREALTIME/./} > _ipc_end)) && return 1
		sleep 0.01
	done
}

# wait_for_queue [--timeout S] TARGET: until the queue exists.
wait_for_queue() {
	local _ipc_limit _ipc_end _ipc_args
	_ipc_deadline "$@"
	_ipc_until mqrecv -s "${_ipc_args[@]}" && return 0
	batslib_print_kv_single 8 'queue' "${_ipc_args[*]}" 'waited' "${_ipc_limit}s" |
		batslib_decorate 'queue did not appear' | fail
}

# _ipc_listening PATH: a socket file, or abstract:NAME bound by someone.
_ipc_listening() {
	case $1 in
	abstract:*) grep -q " @${1#abstract:}\$" /proc/net/unix ;;
	*) [ -S "$1" ] ;;
	esac
}

# wait_for_socket [--timeout S] PATH: until PATH is a socket file (or
# abstract:NAME is bound).
wait_for_socket() {
	local _ipc_limit _ipc_end _ipc_args
	_ipc_deadline "$@"
	_ipc_until _ipc_listening "${_ipc_args[0]}" && return 0
	batslib_print_kv_single 8 'socket' "${_ipc_args[0]}" 'waited' "${_ipc_limit}s" |
		batslib_decorate 'socket did not appear' | fail
}

# wait_for_signal [--timeout S] SIG... -- CMD [ARG]...: start a receiver
# (sigrecv) for SIG, run CMD with the receiver's PID in $IPC_SIGNAL_PID,
# and print the line sigrecv gives for the first signal that comes
# ("USR1 pid=PID uid=UID [value=N]"). Fails if none comes in time.
wait_for_signal() {
	local _ipc_limit _ipc_end _ipc_args sigs=() dir pid line rc
	_ipc_deadline "$@"
	set -- "${_ipc_args[@]}"
	while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
		sigs+=("$1")
		shift
	done
	if [ "$#" -lt 2 ] || [ "${#sigs[@]}" -eq 0 ]; then
		echo "usage: wait_for_signal [--timeout S] SIG... -- CMD [ARG]..." >&2
		return 2
	fi
	shift
	dir=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/sig.XXXXXX") || return 1
	sigrecv -T "$_ipc_limit" --pidfile "$dir/pid" "${sigs[@]}" >"$dir/line" &
	pid=$!
	# sigrecv starts in well under a second: its own deadline, not the signal's.
	if ! _ipc_end=$(_ipc_after 10) _ipc_until test -s "$dir/pid"; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		echo "wait_for_signal: sigrecv did not start" | fail
		return
	fi
	# The pidfile's first line: the second is sigrecv's start time.
	IPC_SIGNAL_PID=$(head -n 1 "$dir/pid") "$@"
	wait "$pid"
	rc=$?
	line=$(<"$dir/line")
	rm -rf "$dir"
	if [ "$rc" -eq 0 ]; then
		printf '%s\n' "$line"
		return 0
	fi
	batslib_print_kv_single 8 'signals' "${sigs[*]}" 'command' "$*" 'waited' "${_ipc_limit}s" |
		batslib_decorate 'no signal came' | fail
}
