# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# The one helper every test file loads: `load helper`.
#
# It gives each test
#   $T              a scratch directory of its own (removed in teardown);
#                   TMPDIR points into it, so temporary FIFOs land there
#   posix_name      a unique POSIX object name (/ipcut-...), removed in teardown
#   sysv_key N      a unique System V key (N = 0..255), removed in teardown
#   spawn CMD...    a background process, killed in teardown ($! as usual)
#   wait_until S CMD...  run CMD until it succeeds, at most S seconds
#   as_nobody CMD...     run CMD as an unprivileged user (needs root)
#   need_root       skip the test unless running as root
# A file that needs its own setup/teardown defines them and calls
# ipc_setup / ipc_teardown from them.

bats_load_library bats-support
bats_load_library bats-assert
# bats-ipcutils, the library for users' suites (bats-ipcutils(7)): its
# assertions and waits. Loaded first, so this file's ipc_setup and
# ipc_teardown replace the library's; ipc_setup points its names and keys
# into this test's.
# shellcheck source=bats/ipcutils/load.bash
source "$BATS_TEST_DIRNAME/../bats/ipcutils/load.bash"

: "${IPCUTILS_BIN:=$BATS_TEST_DIRNAME/../build}"
IPCUTILS_BIN=$(cd "$IPCUTILS_BIN" && pwd)
PATH="$IPCUTILS_BIN:$IPCUTILS_BIN/tests:$PATH"
export PATH IPCUTILS_BIN
: "${IPCUT_DIR:=/tmp}" "${IPCUT_RUN:=0}"

ipc_setup() {
	T="$IPCUT_DIR/t$BATS_SUITE_TEST_NUMBER"
	mkdir -p "$T/tmp"
	chmod 0755 "$T" "$T/tmp"
	export TMPDIR="$T/tmp"
	IPCUT_PREFIX="ipcut-$IPCUT_RUN-$BATS_SUITE_TEST_NUMBER-"
	# Keys 0x40000000 | run << 22 | test << 8 | n: see sysv_key.
	IPCUT_KEYBASE=$(( 0x40000000 | (IPCUT_RUN << 22) | ((BATS_SUITE_TEST_NUMBER & 0x3fff) << 8) ))
	BG_PIDS=()
	IPC_NAME_PREFIX=${IPCUT_PREFIX%-} IPC_KEY_BASE=$IPCUT_KEYBASE
}

# shellcheck source=tests/killtree.bash
source "$BATS_TEST_DIRNAME/killtree.bash"

ipc_teardown() {
	local pid key
	for pid in "${BG_PIDS[@]}"; do
		kill_tree "$pid"
		wait "$pid" 2>/dev/null
	done
	rm -f /dev/shm/"$IPCUT_PREFIX"* /dev/shm/sem."$IPCUT_PREFIX"* /dev/mqueue/"$IPCUT_PREFIX"*
	local kind id rest
	for kind in m q s; do
		ipcs -"$kind" | while read -r key id rest; do
			[[ $key == 0x* ]] || continue
			(( key >= IPCUT_KEYBASE && key < IPCUT_KEYBASE + 256 )) || continue
			ipcrm -"$kind" "$id" 2>/dev/null
		done
	done
	rm -rf "${T:?}"
	true
}

setup() { ipc_setup; }
teardown() { ipc_teardown; }

# A fresh POSIX object name, with its slash: /ipcut-R-N-S. The counter
# lives in a file, so q=$(posix_name) (a subshell) still counts up.
posix_name() {
	local n=0
	[ -f "$T/.seq" ] && n=$(<"$T/.seq")
	echo $((n + 1)) > "$T/.seq"
	echo "/$IPCUT_PREFIX$((n + 1))"
}

# A System V key, decimal, unique to this test: sysv_key 0 .. sysv_key 255.
sysv_key() {
	echo $(( IPCUT_KEYBASE + ${1:-0} ))
}

# `spawn CMD < FILE` works: without <&0, bash gives a background job
# /dev/null for stdin.
# Start CMD in the background; teardown kills it. $! is its PID, and CMD
# has started by the time spawn returns. Until it execs CMD the child is a
# copy of the test's shell, whose own handlers catch TERM, INT, HUP and
# the rest (bash installs them for bats' EXIT trap) and whose signal mask
# still blocks some: a signal sent to $! at once was swallowed by that copy,
# which then exec'd CMD as if nothing came (sigsend's "-w sends CONT after
# the signal to a stopped target" saw a sleep 'still running after 5s' 1
# run in 5; a STOP sent at once caught the copy before its exec 79 times in
# 200), or ran bats' EXIT trap and printed a second result for the test.
# So the child is forked without the EXIT trap, and spawn waits (at most
# 5 s) until /proc shows CMD's own command line. A shell function or
# builtin never execs: no wait for those.
spawn() {
	local exit_trap i
	exit_trap=$(trap -p EXIT)
	trap - EXIT
	"$@" <&0 &
	BG_PIDS+=("$!")
	eval "${exit_trap:-trap - EXIT}"
	[ "$(type -t "$1")" = file ] || return 0
	for (( i = 0; i < 500; i++ )); do
		cmp -s "/proc/$!/cmdline" "/proc/$BASHPID/cmdline" 2>/dev/null || return 0
		sleep 0.01
	done
}

# Run CMD until it succeeds or SECONDS pass; fail (status 1) on timeout.
# blocked_in PID SYSCALL: is process PID in that system call now?
blocked_in() {
	local nr
	nr=$(printf '#include <sys/syscall.h>\nSYS_%s\n' "$2" | cpp -P | tail -n 1)
	[ "$(cut -d ' ' -f 1 "/proc/$1/syscall" 2>/dev/null)" = "$nr" ]
}

wait_until() {
	local limit=$1 end
	shift
	end=$(( $(date +%s%N) + ${limit%.*} * 1000000000 ))
	until "$@"; do
		if (( $(date +%s%N) > end )); then
			echo "wait_until: timed out after ${limit}s: $*" >&2
			return 1
		fi
		sleep 0.01
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to test as another user"
}

# Skip unless this machine has the IPv6 loopback address ::1 (a kernel
# booted with ipv6.disable=1, or a container without it): what the machine
# lacks, never what the tool under test does.
need_ipv6_loopback() {
	grep -qi '^0\{31\}1 [0-9a-f]* [0-9a-f]* [0-9a-f]* [0-9a-f]* *lo$' /proc/net/if_inet6 2>/dev/null ||
		skip "no IPv6 loopback address (::1) on this machine"
}

# Run CMD as nobody, with no supplementary groups and no capabilities.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- "$@"
}

# A closed pipe on stdout: `run closedpipe CMD...` runs CMD with stdout a
# pipe whose reader has already exited (tests/closedpipe.c); $output then
# holds what CMD said on stderr.

# LeakSanitizer cannot work under ptrace: a tool run under strace (to
# count or inject system calls) in the ASan suite runs without it.
strace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 command strace "$@"
}

# watching PID: PID has an inotify descriptor, so a -W (--wait-exist) wait
# is in place and an object made now is seen being made.
watching() {
	find "/proc/$1/fd" -lname 'anon_inode:inotify' 2>/dev/null | grep -q .
}
