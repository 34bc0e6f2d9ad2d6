#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The cell tables are read through a nameref; sh -c scripts take "$1".
# shellcheck disable=SC2034,SC2016
# The close-and-status matrix of issue 26, generated: cases x peers x
# transports x sizes, for sockpipe and for duplex.
#
#   closematrix.sh sockpipe TRANSPORT   unix abstract tcp4 tcp6 udp
#   closematrix.sh duplex
#
# One line per cell on stdout: "ok CELL (MS ms)" or "not ok CELL: WHAT";
# "skip CELL: WHY" on stderr for the cells left out (EXCLUDED, or a peer
# that is not installed); the status is 1 if any cell is "not ok". A cell
# is CASE PEER SIDE TRANSPORT SIZE. The rule for every cell: every byte
# arrives (sha256 at both ends), or the status is non-zero and the message
# (-v's counts) says how much moved; nothing hangs: each cell has a
# deadline, and what it started is killed when it ends.
#
# make check runs the subset that pick (below) chooses: every case, peer,
# side, transport and size, each (case, peer, side) once, and every two
# factors' values together at least once. make stress (MATRIX_FULL=1)
# runs every cell at every size, with 300 MiB in place of 1 MiB+1.
# MATRIX_ONLY=REGEX runs only the cells whose name matches. The tools come
# from PATH (the BATS file puts build/ first).
set -u

FULL=${MATRIX_FULL:-0}
ONLY=${MATRIX_ONLY:-}
BIG=$(( 1024 * 1024 + 1 ))
[ "$FULL" = 1 ] && BIG=$(( 300 * 1024 * 1024 ))
SIZES=(0 1 65535 65536 "$BIG")
# A cell's deadline, seconds: a survivor that hangs fails here.
DL=${MATRIX_DEADLINE:-20}
[ "$FULL" = 1 ] && DL=120

# The cells left out, in one place: "CASE PEER SIDE TRANSPORT" globs
# (SIDE: sockpipe connects (c) or listens (l)), and why.
EXCLUDED=(
	"* nc * abstract|nc (OpenBSD) has no abstract socket addresses"
	"* ncat * abstract|ncat has no abstract socket addresses"
	"halfclose nc c *|nc -l stops sending when its client half-closes (sockpipe(1), Peers differ): it returns once the socket's input has ended and its own input buffer is empty, mid-stream"
	"halfclose ncat c *|ncat -l stops sending when its client half-closes (sockpipe(1), Peers differ)"
	"reset* * * unix|a unix socket has no reset"
	"reset* * * abstract|a unix socket has no reset"
	"reset* * * udp|UDP has no connection to reset"
	"reset* nc * *|nc cannot set SO_LINGER 0"
	"reset* ncat * *|ncat cannot set SO_LINGER 0"
	"reset* sockpipe * *|the resetting peer is tests/sockpeer"
	"reset* socat * *|socat's linger=0 resets at its close, not before or during a reply: the resetting peer is tests/sockpeer"
	"!(reset*) sockpeer * *|tests/sockpeer is the resetting peer of the reset cases only"
	"reset* * l *|sockpeer only listens: the resetting side is the server"
	"halfclose * * udp|UDP has no half-close"
	"recv * * udp|UDP has no end of stream to close first"
	"kill * * udp|UDP has no stream to kill a peer in"
	"quit * * udp|UDP has no acknowledgement for --quit-on-eof to wait on"
	"leave * * udp|UDP: the reader case is the stream one"
	"both * * udp|UDP has no end of stream: both directions at once need --idle-timeout"
	"send * l udp|a UDP listener waits for its first datagram: it cannot send first"
	"send socat c udp|socat -d -d names port 0 for a UDP4-RECVFROM listener: its port cannot be learnt"
	"send ncat * udp|ncat -u stops at its first datagram's sender only after it: left to nc and socat"
)
# matches LIST CELL: whether CELL matches a glob of LIST; WHY is the
# first such glob's reason.
matches() {
	local -n list=$1
	local e glob
	for e in "${list[@]}"; do
		glob=${e%%|*}
		# shellcheck disable=SC2053 # a glob on purpose
		if [[ $2 == $glob ]]; then
			WHY=${e#*|}
			return 0
		fi
	done
	return 1
}

W=$(mktemp -d "${TMPDIR:-/tmp}/closematrix.XXXXXX") || exit 1
PIDS=()
# shellcheck source=tests/killtree.bash
source "$(dirname "${BASH_SOURCE[0]}")/killtree.bash"
# reap: kill every process the cell started, and wait for them.
reap() {
	local p
	for p in "${PIDS[@]}"; do
		kill_tree "$p"
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	PIDS=()
}
trap 'reap; [ -n "${MATRIX_KEEP:-}" ] || rm -rf "$W"' EXIT
trap 'exit 1' INT TERM HUP

# start CMD...: run CMD in the background, killed at the cell's end.
# (<&0: a background job would get /dev/null.)
start() {
	"$@" <&0 6>&- 7>&- 9>&- &
	PIDS+=("$!")
}

# The time in microseconds, without a fork (the waits below run under load).
now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
# A FIFO that nobody writes: read -t on it is a sleep without a fork.
mkfifo "$W/nap" && exec 9<> "$W/nap"
# until_dl CMD...: run CMD until it succeeds or the cell's deadline passes.
until_dl() {
	until "$@"; do
		(( ${EPOCHREALTIME//[!0-9]/} < END )) || return 1
		read -r -t 0.01 -u 9
	done
	return 0
}
# gone PID: PID has exited (a zombie counts as gone).
gone() {
	local s
	read -r s 2> /dev/null < "/proc/$1/stat" || return 0
	s=${s##*) }
	[ "${s%% *}" = Z ]
}
# The conditions waited on (until_dl runs a command, so each is a function).
has_sockets() { [ "$(sockets_of "$1")" -ge "$2" ]; }
has_bytes() { [ "$(size_of "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
has_children() { [ "$(pgrep -c -P "$1")" -ge "$2" ]; }
sockets_of() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
gone_either() { gone "$1" || gone "$2"; }
# descendants PID: every process under PID.
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}
# where PID: what PID waits in, and on what: its state for a hang's message.
where() {
	local f
	printf 'in %s (state %s; %s)' "$(cat "/proc/$1/wchan" 2>/dev/null)" \
		"$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" "$(head -3 "/proc/$1/stack" 2>/dev/null | tr '\n' ' ')"
	for f in "/proc/$1/fd/"*; do
		printf ', fd %s %s' "${f##*/}" "$(readlink "$f")"
	done
	printf '; its children:'
	pgrep -a -P "$1" | tr '\n' ';'
}
# wait_dl PID: ST is its status once it ends, or 200 if the deadline
# passed (then HUNG says where it was).
wait_dl() {
	ST=200
	until_dl gone "$1" || { HUNG=$(where "$1"); kill_tree "$1"; wait "$1" 2>/dev/null; return; }
	ST=0
	wait "$1" || ST=$?
}
size_of() { stat -c %s "$1"; }
# same A B: A and B hold the same bytes (their sha256s are equal).
same() {
	local x y
	{ read -r x _; read -r y _; } < <(sha256sum "$1" "$2")
	[ "$x" = "$y" ]
}
# starts A B: A's bytes are the start of B's.
starts() { cmp -s -n "$(size_of "$1")" "$1" "$2"; }

# data N [WHICH]: D, a file of N random bytes, made once per run (WHICH:
# another one, for the other direction).
data() {
	D="$W/data.${2:-a}.$1"
	[ -e "$D" ] || head -c "$1" /dev/urandom > "$D"
}

# A port that nobody listens on now, for ncat (which cannot say which port
# 0 gave it): below the ephemeral range, checked free with ss.
port_used() { [ -n "$(ss -Htuln "sport = :$1")" ]; }
free_port() {
	local p i
	for (( i = 0; i < 50; i++ )); do
		p=$(( 20000 + (RANDOM + N * 7919) % 10000 ))
		port_used "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# The address each side names, per transport: set ADDR_SP (sockpipe's
# form), and for the peers PEER_HOST/PEER_PORT or PEER_PATH.
N=0
new_names() {
	N=$((N + 1))
	PATH_S="$W/s$N"
	ABS="closematrix-$$-$N"
}

# port_from FILE: the port a listener wrote (--print-port, nc -v, socat -d -d).
port_from() {
	until_dl grep -qE '^[0-9]+$|Listening on|listening on|Bound on' "$1" || return 1
	grep -oE '^[0-9]+$|[0-9]+$' "$1" | head -1
}
# listening NAME: a unix socket named NAME (a path, or @NAME if abstract)
# listens: flag __SO_ACCEPTCON in /proc/net/unix. A bound name is not
# enough: connecting between a peer's bind and its listen is refused.
listening() {
	awk -v n="$1" '$4 == "00010000" && $NF == n { f = 1 } END { exit !f }' /proc/net/unix
}

# peer_io MODE: the peer's stdin and stdout for MODE (see peer_listen) in
# the caller's in and out.
peer_io() {
	in=/dev/null out=/dev/null
	case $1 in
	sink) out=$C/pout ;;
	source) in=$PIN ;;
	both) in=$PIN out=$C/pout ;;
	esac
}

# peer_listen PEER MODE TRANSPORT: start PEER listening, its stdin and stdout
# as given by MODE (sink: reads to EOF into $C/pout, sends nothing; source:
# sends $PIN, reads nothing; both: sends $PIN and reads into $C/pout);
# set CONNECT_SP, the address sockpipe connects to. Fails if not ready.
peer_listen() {
	local peer=$1 mode=$2 tr=$3 port="" host=127.0.0.1 fam=4
	[ "$tr" = tcp6 ] && { host=::1; fam=6; }
	local in out
	peer_io "$mode"
	case $peer:$tr in
	sockpipe:unix) start sockpipe -l "unix:$PATH_S" < "$in" > "$out" 2> "$C/perr" ;;
	sockpipe:abstract) start sockpipe -l "abstract:$ABS" < "$in" > "$out" 2> "$C/perr" ;;
	sockpipe:tcp*) start sockpipe -l --print-port=3 "tcp$fam:$([ "$fam" = 6 ] && echo "[::1]" || echo "$host"):0" \
		< "$in" > "$out" 2> "$C/perr" 3> "$C/port" ;;
	sockpipe:udp) start sockpipe -l -a -r --print-port=3 "udp:127.0.0.1:0" < "$in" > "$out" 2> "$C/perr" 3> "$C/port" ;;
	socat:*)
		local a u=-u
		case $tr in
		unix) a="UNIX-LISTEN:$PATH_S" ;;
		abstract) a="ABSTRACT-LISTEN:$ABS" ;;
		tcp4) a="TCP4-LISTEN:0,bind=127.0.0.1" ;;
		tcp6) a="TCP6-LISTEN:0,bind=[::1]" ;;
		udp) a="UDP4-RECVFROM:0,bind=127.0.0.1" ;;
		esac
		case $mode in
		sink) start socat -d -d -u "$a" "CREATE:$C/pout" 2> "$C/port" ;;
		source) start socat -d -d -u "OPEN:$PIN" "$a" 2> "$C/port" ;;
		both) start socat -d -d -t 30 "$a" "SYSTEM:cat < '$PIN' & cat > '$C/pout'; wait" 2> "$C/port" ;;
		esac
		[ $u ] ;;
	nc:unix) start nc -N -lU "$PATH_S" < "$in" > "$out" 2> "$C/perr" ;;
	nc:tcp*) start nc -N -vl "$host" 0 < "$in" > "$out" 2> "$C/port" ;;
	nc:udp) start nc -u -vl "$host" 0 < "$in" > "$out" 2> "$C/port" ;;
	ncat:unix) start ncat -lU "$PATH_S" < "$in" > "$out" 2> "$C/perr" ;;
	ncat:tcp*|ncat:udp)
		port=$(free_port) || return 1
		local u=()
		[ "$tr" = udp ] && u=(-u)
		start ncat "${u[@]}" -"$fam" -l "$host" "$port" < "$in" > "$out" 2> "$C/perr"
		until_dl port_used "$port" || return 1 ;;
	esac
	case $tr in
	unix)
		# sockpipe's socket file appears once it listens (it binds a
		# temporary name, then renames it); the others' at their bind.
		if [ "$peer" = sockpipe ]; then
			until_dl test -S "$PATH_S" || return 1
		else
			until_dl listening "$PATH_S" || return 1
		fi
		CONNECT_SP="unix:$PATH_S" ;;
	abstract) until_dl listening "@$ABS" || return 1; CONNECT_SP="abstract:$ABS" ;;
	tcp4|tcp6|udp)
		[ -n "$port" ] || port=$(port_from "$C/port") || return 1
		local proto=tcp
		[ "$tr" = udp ] && proto=udp
		if [ "$fam" = 6 ]; then CONNECT_SP="$proto:[::1]:$port"; else CONNECT_SP="$proto:127.0.0.1:$port"; fi ;;
	esac
}

# peer_connect PEER MODE TRANSPORT ADDR_PORT: start PEER connecting to
# sockpipe's listener (path or port as the transport needs).
peer_connect() {
	local peer=$1 mode=$2 tr=$3 port=$4 host=127.0.0.1 fam=4
	[ "$tr" = tcp6 ] && { host=::1; fam=6; }
	local in out
	peer_io "$mode"
	case $peer:$tr in
	sockpipe:unix) start sockpipe "unix:$PATH_S" < "$in" > "$out" 2> "$C/perr" ;;
	sockpipe:abstract) start sockpipe "abstract:$ABS" < "$in" > "$out" 2> "$C/perr" ;;
	sockpipe:tcp4) start sockpipe "tcp:127.0.0.1:$port" < "$in" > "$out" 2> "$C/perr" ;;
	sockpipe:tcp6) start sockpipe "tcp:[::1]:$port" < "$in" > "$out" 2> "$C/perr" ;;
	sockpipe:udp) start sockpipe --quit-on-eof -a "udp:127.0.0.1:$port" < "$in" > "$out" 2> "$C/perr" ;;
	socat:*)
		local a
		case $tr in
		unix) a="UNIX-CONNECT:$PATH_S" ;;
		abstract) a="ABSTRACT-CONNECT:$ABS" ;;
		tcp4) a="TCP4:127.0.0.1:$port" ;;
		tcp6) a="TCP6:[::1]:$port" ;;
		udp) a="UDP4-SENDTO:127.0.0.1:$port" ;;
		esac
		case $mode in
		sink) start socat -u "$a" "CREATE:$C/pout" 2> "$C/perr" ;;
		source) start socat -u "OPEN:$PIN" "$a" 2> "$C/perr" ;;
		both) start socat -t 30 "$a" "SYSTEM:cat < '$PIN' & cat > '$C/pout'; wait" 2> "$C/perr" ;;
		esac ;;
	nc:unix) start nc -N -U "$PATH_S" < "$in" > "$out" 2> "$C/perr" ;;
	nc:tcp*) start nc -N "$host" "$port" < "$in" > "$out" 2> "$C/perr" ;;
	nc:udp) start nc -u "$host" "$port" < "$in" > "$out" 2> "$C/perr" ;;
	ncat:unix) start ncat -U "$PATH_S" < "$in" > "$out" 2> "$C/perr" ;;
	ncat:tcp*) start ncat -"$fam" "$host" "$port" < "$in" > "$out" 2> "$C/perr" ;;
	ncat:udp) start ncat -u "$host" "$port" < "$in" > "$out" 2> "$C/perr" ;;
	esac
}

# sp_listen TRANSPORT OPTION...: start sockpipe -l -v (stdin, stdout from the
# caller's redirections of this function); SP its PID, SP_PORT its port.
sp_listen() {
	local tr=$1
	shift
	case $tr in
	unix) start sockpipe -l -v "$@" "unix:$PATH_S" 2> "$C/serr" ;;
	abstract) start sockpipe -l -v "$@" "abstract:$ABS" 2> "$C/serr" ;;
	tcp4) start sockpipe -l -v --print-port=3 "$@" "tcp:127.0.0.1:0" 2> "$C/serr" 3> "$C/spport" ;;
	tcp6) start sockpipe -l -v --print-port=3 "$@" "tcp:[::1]:0" 2> "$C/serr" 3> "$C/spport" ;;
	udp) start sockpipe -l -v -a -r --print-port=3 "$@" "udp:127.0.0.1:0" 2> "$C/serr" 3> "$C/spport" ;;
	esac
	SP=$!
	SP_PORT=""
	case $tr in
	unix) until_dl test -S "$PATH_S" ;;
	abstract) until_dl listening "@$ABS" ;;
	*) SP_PORT=$(port_from "$C/spport") ;;
	esac
}
# sp_connect TRANSPORT OPTION...: start sockpipe -v connecting to CONNECT_SP.
sp_connect() {
	local tr=$1
	shift
	[ "$tr" = udp ] && set -- --quit-on-eof -a -r "$@"
	start sockpipe -v "$@" "$CONNECT_SP" 2> "$C/serr"
	SP=$!
}

# sp_accepted TRANSPORT: sockpipe -l has its connection (it stops
# listening then).
sp_accepted() {
	case $1 in
	unix) [ ! -e "$PATH_S" ] ;;
	abstract) ! listening "@$ABS" ;;
	*) ! port_used "$SP_PORT" ;;
	esac
}

# reader_awaited: sockpipe waits for its reader to take the rest (it
# watches the pipe with inotify then), or has let its standard output go.
reader_awaited() {
	find "/proc/$SP/fd" -lname 'anon_inode:inotify' 2> /dev/null | grep -q . || stdout_ended
}

# stdout_ended: sockpipe has closed its standard output (it puts
# /dev/null in its place).
stdout_ended() {
	[ ! "/proc/$SP/fd/1" -ef "$SPOUT" ]
}

# counts: SENT and RECV, what sockpipe -v said it moved ("none" without
# its line).
counts() {
	local l
	SENT=none RECV=none
	while IFS= read -r l; do
		if [[ $l =~ ([0-9]+)\ bytes\ sent,\ ([0-9]+)\ received ]]; then
			SENT=${BASH_REMATCH[1]} RECV=${BASH_REMATCH[2]}
		fi
	done < "$C/serr"
}

# The cell's verdict: FAIL WHAT, or nothing.
FAILED=""
fail() { [ -n "$FAILED" ] || FAILED="$*"; }

# check_status ST [OK_IF_ZERO]: the survivor ended in time; a non-zero
# status comes with a message.
check_ended() {
	[ "$1" = 200 ] && { fail "sockpipe still running after ${DL}s ($HUNG): $(head -c 300 "$C/serr")"; return 1; }
	return 0
}

# sp_cell CASE PEER SIDE TRANSPORT SIZE: one sockpipe cell.
sp_cell() {
	local case=$1 peer=$2 side=$3 tr=$4 n=$5 d st k extra=0 keep
	data "$n"; d=$D
	PIN=$d
	: > "$C/sout"
	local spin=/dev/null spout=$C/sout pmode=sink opts=()
	# How sockpipe's stdin and the peer are set up, per case.
	case $case in
	send) spin=$d pmode=sink ;;
	recv|leave) spin=$C/in pmode=source; mkfifo "$C/in" ;;
	halfclose) spin=/dev/null pmode=source ;;
	both)
		data "$n" b; PIN=$D
		pmode=both spin=$d
		# nc -l and ncat -l stop sending when their client half-closes
		# (see EXCLUDED): sockpipe's input stays open until the reply has
		# ended.
		case $peer:$side in nc:c|ncat:c) spin=$C/in; mkfifo "$C/in" ;; esac ;;
	kill) spin=$C/in pmode=sink; mkfifo "$C/in" ;;
	quit) pmode=both spin=$d opts=(--quit-on-eof); data "$BIG" b; PIN=$D ;;
	esac
	if [ "$case" = leave ]; then
		mkfifo "$C/o"
		spout=$C/o
		# Two ways to leave, KEEP bytes unread. Sockpipe connecting: the
		# reader reads half and leaves at once, sockpipe perhaps still
		# writing (it opens the FIFO itself: opened here, it would wait).
		# Sockpipe listening: the reader holds the FIFO read-write (as
		# exec 3<> does), reads all but what any pipe holds (4 KiB at
		# most, so that sockpipe's writes all end), and leaves only once
		# sockpipe waits on it (watches the pipe: release_out in
		# lib/relay.c) or has let its standard output go.
		keep=$(( n - n / 2 ))
		if [ "$side" = c ]; then
			start sh -c 'exec head -c "$1" < "$2" > /dev/null' head "$((n - keep))" "$C/o"
		else
			(( keep <= 4096 )) || keep=4096
			mkfifo "$C/go"
			exec 6<> "$C/go"
			start sh -c 'head -c "$1" > /dev/null; read -r _ < "$2"' head "$((n - keep))" "$C/go" <> "$C/o"
		fi
	fi
	SPOUT=$spout
	[ -p "$C/in" ] && exec 7<> "$C/in"
	if [ "$side" = c ]; then
		peer_listen "$peer" "$pmode" "$tr" || { fail "the peer did not listen"; return; }
		sp_connect "$tr" "${opts[@]}" < "$spin" > "$spout"
	else
		sp_listen "$tr" "${opts[@]}" < "$spin" > "$spout"
		peer_connect "$peer" "$pmode" "$tr" "$SP_PORT"
	fi
	local peerpid=${PIDS[-1]}
	[ "$side" = l ] || peerpid=${PIDS[-2]}
	case $case in
	recv|leave)
		if [ "$case:$side" = leave:l ]; then
			until_dl reader_awaited || fail "sockpipe never waited on its reader"
			echo go >&6
		fi
		# The input stays open until sockpipe's standard output ends.
		until_dl stdout_ended
		exec 7>&- ;;
	both)
		if [ -p "$C/in" ]; then
			start cat "$d" >&7
			until_dl gone "${PIDS[-1]}" || fail "sockpipe stopped reading its input"
			until_dl stdout_ended
			exec 7>&-
		fi ;;
	kill)
		start cat "$d" >&7
		k=${PIDS[-1]}
		# Mid-stream: connected, and half of it has arrived.
		if [ "$side" = l ]; then
			until_dl sp_accepted "$tr" || { fail "the peer never connected"; return; }
		else
			until_dl has_sockets "$SP" 1
		fi
		until_dl has_bytes "$C/pout" "$((n / 2))"
		kill -KILL "$peerpid"
		until_dl gone "$peerpid"
		# One byte more once the peer is gone, if sockpipe still reads
		# (this end of the FIFO is open for reading too: a writer never
		# sees EPIPE).
		until_dl gone_either "$k" "$SP"
		if gone "$k" && ! gone "$SP"; then
			printf x >&7
			extra=1
		fi
		exec 7>&- ;;
	esac
	wait_dl "$SP"; st=$ST
	check_ended "$st" || return
	local sent recv sout pout
	counts; sent=$SENT recv=$RECV
	[ "$tr" = udp ] || [ "$sent" != none ] || { fail "no -v line: status $st, $(head -c 300 "$C/serr")"; return; }
	sout=$(size_of "$C/sout")
	if [ "$case" != leave ] && [ "$tr" != udp ]; then
		[ "$recv" = "$sout" ] || fail "-v says $recv bytes received, $sout were written out"
	fi
	# What the peer must have had, and what sockpipe must have written.
	local want_p="" want_s=""
	case $case in
	send|quit) want_p=$d ;;
	recv|halfclose) want_s=$PIN ;;
	both) want_p=$d want_s=$PIN ;;
	esac
	if [ "$case" = quit ] && ! starts "$C/sout" "$PIN"; then
		fail "what sockpipe wrote is not what the peer sent"
	fi
	# --quit-on-eof against a peer still talking: sockpipe closes with the
	# peer's bytes unread, so the peer's next write fails (a reset over
	# TCP, EPIPE on a unix socket). socat then exits 1 ('Broken pipe')
	# without reading what its socket already holds of sockpipe's input,
	# and nc and ncat may too: that loss is the peer's. What sockpipe
	# promises is that all it sent is acknowledged (in the peer's socket)
	# before it exits 0: against socat, nc and ncat the cell holds the peer
	# to a prefix of the input and -v's count to all of it; sockpipe as the
	# peer reads to its end, so there every byte must arrive.
	local prefix=""
	[ "$case" != quit ] || [ "$peer" = sockpipe ] || prefix=1
	# The peer's end, bounded: a sink ends at the end of its input.
	if [ -n "$want_p" ]; then
		if [ "$tr" = udp ]; then
			[ "$st" != 0 ] || until_dl has_bytes "$C/pout" "$n"
		else
			wait_dl "$peerpid"; [ "$ST" != 200 ] || fail "the peer never ended"
		fi
	fi
	pout=0
	[ ! -e "$C/pout" ] || pout=$(size_of "$C/pout")
	if [ "$st" = 0 ]; then
		if [ -n "$prefix" ]; then
			starts "$C/pout" "$want_p" || fail "what the peer got is not the start of sockpipe's input"
		elif [ -n "$want_p" ] && ! same "$want_p" "$C/pout"; then
			fail "status 0, but the peer got $pout bytes of $n (sha256 differs)"
		fi
		[ -z "$want_s" ] || same "$want_s" "$C/sout" ||
			fail "status 0, but sockpipe wrote $sout bytes of $(size_of "$want_s") (sha256 differs)"
		case $case in
		kill) { [ "$sent" != none ] && [ "$pout" = "$((n + extra))" ]; } ||
			fail "status 0 after its peer was killed: -v says $sent bytes sent, the peer got $pout of $((n + extra))" ;;
		leave) [ "$keep" = 0 ] || fail "status 0, but its reader left with $keep bytes unread" ;;
		esac
		[ -z "$want_p" ] || [ "$tr" = udp ] || [ "$sent" = "$n" ] || fail "-v says $sent bytes sent of $n"
	else
		grep -q '^sockpipe: ' "$C/serr" || fail "status $st without a message"
		if [ "$case" = kill ] && [ "$sent" != none ] && [ "$sent" -lt "$pout" ]; then
			fail "-v says $sent bytes sent, the peer got $pout"
		fi
		case $tr:$case:$n in
		udp:send:*) [ "$n" -gt 65507 ] || fail "status $st: $(head -c 300 "$C/serr")" ;;
		*:kill:*|*:leave:*|*:quit:*) ;;
		*) fail "status $st: $(grep -v 'bytes sent,' "$C/serr" | head -c 300)" ;;
		esac
	fi
}

# rst_cell WHEN TRANSPORT SIZE: sockpipe sends SIZE bytes to tests/sockpeer,
# which resets the connection before, during or after its reply.
rst_cell() {
	local when=$1 tr=$2 n=$3 d st fam=4 sout
	[ "$tr" = tcp6 ] && fam=6
	data "$n"; d=$D
	data "$n" b; PIN=$D
	start sockpeer rst "$when" "$fam" < "$PIN" > "$C/port" 2> "$C/perr"
	local port
	port=$(port_from "$C/port") || { fail "sockpeer did not listen"; return; }
	if [ "$fam" = 6 ]; then CONNECT_SP="tcp:[::1]:$port"; else CONNECT_SP="tcp:127.0.0.1:$port"; fi
	sp_connect "$tr" < "$d" > "$C/sout"
	wait_dl "$SP"; st=$ST
	check_ended "$st" || return
	counts
	sout=$(size_of "$C/sout")
	[ "$RECV" = "$sout" ] || fail "-v says $RECV bytes received, $sout were written out"
	starts "$C/sout" "$PIN" || fail "what sockpipe wrote is not the reply"
	if [ "$st" = 0 ]; then
		[ "$when" != before ] || [ "$n" = 0 ] || fail "status 0 though the peer reset before reading the request"
		same "$C/sout" "$PIN" || fail "status 0, but $sout bytes of the $n-byte reply (sha256 differs)"
	else
		grep -q '^sockpipe: .*\(reset\|Broken pipe\)' "$C/serr" || fail "status $st: $(head -c 300 "$C/serr")"
	fi
}

# duplex_cell CASE SIZE: one duplex cell. Each side writes SIZE bytes (more
# than a pipe holds from 65536 up) before it reads what the other wrote.
duplex_cell() {
	local case=$1 n=$2 a b st t0 opts=() da db
	data "$n"; da=$D
	data "$n" b; db=$D
	a=(sh -c 'cat "$1"; exec cat > "$2"' a "$da" "$C/oa")
	b=(sh -c 'cat "$1"; exec cat > "$2"' b "$db" "$C/ob")
	case $case in
	trace) opts=(--trace "$C/tr") ;;
	ptyA) opts=(--pty A) ;;
	ptyB) opts=(--pty B) ;;
	sigA) a=(sh -c 'head -c "$1" > /dev/null; kill -KILL $$' a "$((n / 2))") ;;
	earlyB) b=(sh -c 'head -c "$1" > /dev/null' b "$((n / 2))") ;;
	grace)
		a=(sh -c 'cat "$1"' a "$da")
		b=(sh -c 'trap "" TERM; cat > /dev/null; exec sleep 100' b)
		opts=(--grace 0.2) ;;
	kill9)
		a=(sh -c 'cat "$1"; cat > "$2"; exec sleep 100' a "$da" "$C/oa")
		b=(sh -c 'cat "$1"; cat > "$2"; exec sleep 100' b "$db" "$C/ob") ;;
	esac
	t0=$(now_us)
	start duplex "${opts[@]}" "${a[@]}" = "${b[@]}" 2> "$C/derr"
	local dp=$!
	if [ "$case" = kill9 ]; then
		# Mid-stream: each side has written some of its SIZE bytes.
		until_dl has_children "$dp" 2 || { fail "no children"; return; }
		until_dl has_bytes "$C/ob" "$((n / 2))" || { fail "nothing moved"; return; }
		local kids
		kids=$(descendants "$dp")
		kill -KILL "$dp"
		wait "$dp" 2>/dev/null
		local k
		for k in $kids; do
			until_dl gone "$k" || fail "child $k of duplex outlived its kill -9"
		done
		return
	fi
	wait_dl "$dp"; st=$ST
	[ "$st" != 200 ] || { fail "duplex still running after ${DL}s ($HUNG)"; return; }
	case $case in
	both|trace|ptyA|ptyB)
		[ "$st" = 0 ] || fail "status $st: $(head -c 300 "$C/derr")"
		same "$da" "$C/ob" || fail "B got $(size_of "$C/ob") of $n bytes (sha256 differs)"
		same "$db" "$C/oa" || fail "A got $(size_of "$C/oa") of $n bytes (sha256 differs)" ;;
	sigA) [ "$st" = 137 ] || fail "status $st, not 137 (A killed)" ;;
	earlyB)
		# B left: what A wrote more than the pipes held is refused (SIGPIPE).
		[ "$st" = 141 ] || { [ "$st" = 0 ] && [ "$n" -le 65536 ]; } ||
			fail "status $st after B left early, $n bytes written" ;;
	grace)
		# TERM ignored, so KILL 0.2 s after it: 137, in well under a second.
		[ "$st" = 137 ] || fail "status $st, not 137 (KILL after the grace)"
		(( ($(now_us) - t0) / 1000 < 5000 )) || fail "took $(( ($(now_us) - t0) / 1000 )) ms" ;;
	esac
	if [ "$case" = trace ]; then
		# The transcript, direction by direction, is what moved, byte for byte.
		python3 - "$C/tr" "$C/t12" "$C/t21" <<-'PY' || fail "the transcript does not parse"
		import sys
		d = open(sys.argv[1], 'rb').read()
		out = {b'1>2': bytearray(), b'2>1': bytearray()}
		i = 0
		while i < len(d):
		    j = d.index(b'\n', i)
		    f = d[i:j].split(b' ')
		    i = j + 1
		    if f[2] in (b'EOF', b'GONE'):
		        continue
		    k = int(f[2])
		    out[f[0]] += d[i:i + k]
		    assert d[i + k:i + k + 1] == b'\n'
		    i += k + 1
		open(sys.argv[2], 'wb').write(out[b'1>2'])
		open(sys.argv[3], 'wb').write(out[b'2>1'])
		PY
		cmp -s "$da" "$C/t12" || fail "the transcript's 1>2 is not what A wrote"
		cmp -s "$db" "$C/t21" || fail "the transcript's 2>1 is not what B wrote"
	fi
}

# cell CASE PEER SIDE TRANSPORT SIZE: run one cell with its deadline, say
# its verdict and how long it took.
TOTAL_BAD=0
cell() {
	local name="$*" t0
	[ -z "$ONLY" ] || [[ $name =~ $ONLY ]] || return 0
	if [ "$2" != duplex ] && ! command -v "$2" > /dev/null; then
		echo "skip $name: $2 is not installed"
		return 0
	fi
	C="$W/c"
	rm -rf "$C"
	mkdir "$C"
	new_names
	FAILED=""
	t0=$(now_us)
	END=$(( t0 + DL * 1000000 ))
	case $1:$2 in
	reset-*) rst_cell "${1#reset-}" "$4" "$5" ;;
	*:duplex) duplex_cell "$1" "$5" ;;
	*) sp_cell "$@" ;;
	esac
	reap
	exec 6>&- 7>&-
	rm -f "$PATH_S"
	if [ -z "$FAILED" ]; then
		echo "ok $name ($(( ($(now_us) - t0) / 1000 )) ms)"
	else
		echo "not ok $name: $FAILED"
		TOTAL_BAD=$((TOTAL_BAD + 1))
	fi
}

# The factors. The reset cases' peer is tests/sockpeer, which resets the
# connection (SO_LINGER 0): before, during or after its reply.
CASES=(send recv halfclose both kill quit leave reset-before reset-during reset-after)
PEERS=(sockpipe socat nc ncat sockpeer)
SIDES=(c l)
TRANSPORTS=(unix abstract tcp4 tcp6 udp)

# feasible: every "CASE PEER SIDE TRANSPORT" of the matrix, one a line;
# with a transport, the excluded ones of that transport as "skip" lines
# on standard error.
feasible() {
	local c p s t
	for c in "${CASES[@]}"; do
		for p in "${PEERS[@]}"; do
			for s in "${SIDES[@]}"; do
				for t in "${TRANSPORTS[@]}"; do
					if ! matches EXCLUDED "$c $p $s $t"; then
						echo "$c $p $s $t"
					elif [ "$t" = "${1:-}" ]; then
						echo "skip $c $p $s $t: $WHY" >&2
					fi
				done
			done
		done
	done
}

# pick < FEASIBLE: the cells make check runs, "CASE PEER SIDE TRANSPORT
# SIZE" one a line. Two rules, in this order:
#  1. every (case, peer, side) once, on the transport and at the size
#     that bring the most pairs not yet covered (see 2), the least used
#     transport and size first when several do as well;
#  2. then, until there are none left, cells for the pairs not yet
#     covered: every two factors' values that occur together in the full
#     matrix (case and transport, peer and size, side and transport...)
#     occur together in some cell (all-pairs testing).
# So every case, peer, side, transport and size is run, and each against
# every other, in a few dozen cells rather than the cross product's
# thousand; make stress runs the cross product. The same table for every
# transport's run: each runs its rows.
pick() {
	awk -v sizes="${SIZES[*]}" '
	# gain(c): how many of candidate c pairs are not covered yet.
	function gain(c,   i, g) {
		for (i = 1; i <= 10; i++)
			g += !(K[c, i] in have)
		return g
	}
	function take(c,   i) {
		for (i = 1; i <= 10; i++)
			have[K[c, i]] = 1
		used[T[c]]++
		used[Z[c]]++
		print CELL[c]
	}
	# best(lo, hi): the best candidate of rows lo..hi (at any size), its
	# gain in G.
	function best(lo, hi,   c, b, g, u, bu) {
		G = -1
		for (c = (lo - 1) * ns + 1; c <= hi * ns; c++) {
			g = gain(c)
			u = used[T[c]] + used[Z[c]]
			if (g > G || (g == G && u < bu)) {
				G = g; bu = u; b = c
			}
		}
		return b
	}
	{ row[NR] = $0 }
	END {
		# Candidate (r - 1) * ns + z: row r at size z, and its 10 pairs.
		ns = split(sizes, S, " ")
		for (r = 1; r <= NR; r++)
			for (z = 1; z <= ns; z++) {
				c = (r - 1) * ns + z
				split(row[r], f, " ")
				f[5] = S[z]
				CELL[c] = row[r] " " S[z]
				T[c] = "t" f[4]
				Z[c] = "z" f[5]
				m = 0
				for (i = 1; i <= 5; i++)
					for (j = i + 1; j <= 5; j++)
						K[c, ++m] = i ":" f[i] "|" j ":" f[j]
			}
		# Rule 1: the rows of one (case, peer, side) are consecutive.
		for (lo = 1; lo <= NR; lo = hi + 1) {
			split(row[lo], a, " ")
			for (hi = lo; hi < NR; hi++) {
				split(row[hi + 1], b, " ")
				if (a[1] != b[1] || a[2] != b[2] || a[3] != b[3])
					break
			}
			take(best(lo, hi))
		}
		# Rule 2: a pair that occurs in no candidate is never "not covered".
		for (c = best(1, NR); G > 0; c = best(1, NR))
			take(c)
	}'
}

main() {
	local c n cells
	case ${1:-} in
	sockpipe)
		local tr=${2:?transport}
		if [ "$FULL" = 1 ]; then
			cells=$(feasible "$tr" | while read -r c; do
				for n in "${SIZES[@]}"; do echo "$c $n"; done
			done)
		else
			cells=$(feasible "$tr" | pick)
		fi
		# Not read line by line from standard input: the cells' commands inherit it.
		local rows row
		mapfile -t rows <<< "$cells"
		for row in "${rows[@]}"; do
			read -r -a c <<< "$row"
			[ "${c[3]}" != "$tr" ] || cell "${c[@]}"
		done ;;
	duplex)
		# Each case at one size, the sizes in turn (all under make stress).
		local i=0
		for c in both trace ptyA ptyB sigA earlyB grace kill9; do
			if [ "$FULL" = 1 ]; then
				for n in "${SIZES[@]}"; do cell "$c" duplex - - "$n"; done
			else
				cell "$c" duplex - - "${SIZES[$(( i++ % ${#SIZES[@]} ))]}"
			fi
		done ;;
	*) echo "usage: closematrix.sh sockpipe unix|abstract|tcp4|tcp6|udp | closematrix.sh duplex" >&2; exit 2 ;;
	esac
	[ "$TOTAL_BAD" = 0 ]
}
main "$@"
