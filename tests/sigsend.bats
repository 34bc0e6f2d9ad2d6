#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# sigsend: signals, values, pidfiles, waiting, escalation, safety.

bats_require_minimum_version 1.5.0
load helper

# The exit status of background job PID in $STATUS.
waitst() { STATUS=0; wait "$1" || STATUS=$?; }

rt() { read -r RTMIN RTMAX < <(sigtest rt); }

# Start sigrecv ARGS... in the background, ready once its pidfile exists.
receiver() {
	spawn sigrecv --pidfile "$T/recv.pid" "$@" > "$T/recv.out"
	RECV=$!
	wait_until 5 test -s "$T/recv.pid"
}

# Start sleep 60 in the background; $! is its PID once it runs sleep. Until
# the exec the child is the test shell, which catches TERM (bats' EXIT
# trap): a TERM sent then goes to that handler and is lost at the exec,
# and sleep runs its 60 s.
sleeper() {
	spawn sleep 60
	wait_until 5 grep -qx sleep "/proc/$!/comm"
}

# Start a process that ignores TERM; $IGN is its PID once the trap is set.
term_ignorer() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn sh -c 'trap "" TERM; echo ready > "$1"; exec sleep 60' _ "$T/ign.ready"
	IGN=$!
	wait_until 5 test -s "$T/ign.ready"
}

@test "sends TERM by default; the target dies of it" {
	sleeper
	local pid=$!
	run sigsend "$pid"
	assert_success
	assert_output ""
	waitst "$pid"
	assert_equal "$STATUS" 143
}

@test "--signal takes names, SIG names, any case, numbers and RTMIN+N" {
	rt
	local s
	for s in USR1 SIGUSR1 usr1 10 RTMIN+2 "RTMAX-$((RTMAX - RTMIN - 2))"; do
		receiver USR1 RTMIN+2
		run sigsend --signal "$s" "$RECV"
		assert_success
		wait "$RECV"
		run cat "$T/recv.out"
		assert_output --regexp "^(USR1|RTMIN\+2) pid=[0-9]+ uid=0$"
	done
}

@test "--signal 0 checks that the process exists and may be signalled" {
	sleeper
	run sigsend --signal 0 "$!"
	assert_success
	assert_output ""
	sh -c 'exit 0' &
	local dead=$!
	wait "$dead"
	run sigsend --signal 0 "$dead"
	assert_failure 1
	assert_output "sigsend: process $dead: no such process"
}

@test "-q: the value, the sender's PID and UID reach sigrecv" {
	receiver USR1
	sigsend --signal USR1 -q 42 "$RECV" &
	local sender=$!
	wait "$sender"
	wait "$RECV"
	run cat "$T/recv.out"
	assert_output "USR1 pid=$sender uid=0 value=42"
	receiver RTMIN
	run sigsend --signal RTMIN --value -2147483648 --pidfile "$T/recv.pid"
	assert_success
	wait "$RECV"
	run cat "$T/recv.out"
	assert_output --regexp "^RTMIN pid=[0-9]+ uid=0 value=-2147483648$"
}

@test "-q from an unprivileged user: its UID, read from sigrecv" {
	need_root
	mkdir "$T/n"
	chown 65534:65534 "$T/n"
	spawn as_nobody sigrecv --pidfile "$T/n/p" USR2 > "$T/out"
	local recv=$!
	wait_until 5 test -s "$T/n/p"
	# setpriv itself, not the as_nobody function, so $! is the sender.
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- \
		sigsend --signal USR2 -q 7 --pidfile "$T/n/p" &
	local sender=$!
	wait "$sender"
	wait "$recv"
	run cat "$T/out"
	assert_output "USR2 pid=$sender uid=65534 value=7"
}

# A standard signal is pending or not: values queued while one is pending
# are dropped by the kernel, and only real-time signals queue each one.
# sigsend exits 0 for each send all the same, so sigsend(1) must say so.
@test "-q on a standard signal: sends while one is pending merge, as sigsend(1) says" {
	receiver -c 2 USR1 USR2
	kill -STOP "$RECV"
	wait_until 5 grep -q '^State:.*stopped' "/proc/$RECV/status"
	local i
	for i in 1 2 3 4 5; do
		sigsend --signal USR1 -q "$i" "$RECV"
	done
	kill -CONT "$RECV"
	sigsend --signal USR2 "$RECV"
	wait "$RECV"
	run cut -d' ' -f1,4 "$T/recv.out"
	assert_output "USR1 value=1"$'\n'"USR2"
	run sh -c 'mandoc -Tutf8 "$1" | col -b | tr -s " \t\n" "   "' _ "$BATS_TEST_DIRNAME/../man/sigsend.1"
	assert_output --partial "a standard signal"
	assert_output --partial "merge"
}

@test "kill --queue (procps, util-linux) delivers its value to sigrecv" {
	/bin/kill --help 2>&1 | grep -q -- --queue || skip "this kill has no --queue"
	receiver USR1
	/bin/kill -s USR1 --queue 7 "$RECV" &
	local sender=$!
	wait "$sender"
	wait "$RECV"
	run cat "$T/recv.out"
	assert_output "USR1 pid=$sender uid=0 value=7"
}

@test "1,000 queued RTMIN values all arrive, in order" {
	receiver -c 1000 RTMIN
	local i
	for ((i = 1; i <= 1000; i++)); do
		sigsend --signal RTMIN -q "$i" "$RECV" || break
	done
	wait "$RECV"
	run awk '{ sub(/value=/, "", $4); print $1, $4 }' "$T/recv.out"
	assert_equal "${#lines[@]}" 1000
	assert_output "$(seq 1000 | sed 's/^/RTMIN /')"
}

@test "--pidfile: the PID in the file is signalled" {
	sleeper
	local pid=$!
	echo "$pid" > "$T/pid"
	run sigsend --pidfile "$T/pid"
	assert_success
	waitst "$pid"
	assert_equal "$STATUS" 143
}

@test "--pidfile: a pidfile naming a PID that has exited gives no such process" {
	sh -c 'exit 0' &
	local dead=$!
	wait "$dead"
	echo "$dead" > "$T/pid"
	run sigsend --pidfile "$T/pid"
	assert_failure 1
	assert_output "sigsend: $T/pid: process $dead: no such process"
	run sigsend --signal KILL --pidfile "$T/pid"
	assert_failure 1
}

# sigrecv killed by KILL leaves its pidfile; a later process given the
# same PID (forced with ns_last_pid in a PID namespace of our own) must not
# get the signal meant for the receiver. The start time in the file tells.
@test "--pidfile: a pidfile whose process died and whose PID was reused is refused" {
	need_root
	# shellcheck disable=SC2016 # expanded by the inner shell
	run unshare --pid --fork --mount-proc bash -c '
		sigrecv --pidfile "$1/w.pid" USR1 > /dev/null &
		for ((i = 0; i < 500; i++)); do [ -s "$1/w.pid" ] && break; sleep 0.01; done
		read -r pid < "$1/w.pid"
		start=$(sed -n "s/^start=//p" "$1/w.pid")
		kill -KILL "$pid"
		wait "$pid" 2> /dev/null
		# A process started in the same clock tick has the same start
		# time (sigsend(1) says so): wait for the next tick.
		for ((i = 0; i < 1000; i++)); do
			[ "$(cut -d " " -f 22 /proc/self/stat)" -gt "$start" ] && break
		done
		echo $((pid - 1)) > /proc/sys/kernel/ns_last_pid
		sleep 60 &
		[ "$!" = "$pid" ] || { echo "PID $pid not reused: got $!"; exit 3; }
		sigsend --pidfile "$1/w.pid"
		echo "sigsend: $?"
		if kill -0 "$pid" 2> /dev/null; then echo "sleep: alive"; else echo "sleep: killed"; fi' _ "$T"
	assert_success
	# (bash may say first that sigrecv was killed)
	assert_line --regexp "^sigsend: $T/w.pid: process [0-9]+: not the process that wrote the pidfile"
	assert_line "sigsend: 1"
	assert_line "sleep: alive"
}

@test "--pidfile: missing and malformed pidfiles are named" {
	run sigsend --pidfile "$T/missing"
	assert_failure 1
	assert_output "sigsend: $T/missing: cannot open pidfile: No such file or directory"
	printf '12 34\n' > "$T/pid"
	run sigsend --pidfile "$T/pid"
	assert_failure 1
	assert_output "sigsend: $T/pid: pidfile does not hold one positive process ID"
	: > "$T/pid"
	run sigsend --pidfile "$T/pid"
	assert_output "sigsend: $T/pid: pidfile is empty"
	echo 0 > "$T/pid"
	run sigsend --pidfile "$T/pid"
	assert_failure 1
	assert_output "sigsend: $T/pid: pidfile does not hold one positive process ID"
}

@test "several targets: all are attempted, each failure named, status 1" {
	sleeper
	local a=$!
	sleeper
	local b=$!
	sh -c 'exit 0' &
	local dead=$!
	wait "$dead"
	run sigsend "$a" "$dead" --pidfile "$T/missing" "$b"
	assert_failure 1
	assert_line --index 0 "sigsend: $T/missing: cannot open pidfile: No such file or directory"
	assert_line --index 1 "sigsend: process $dead: no such process"
	assert_equal "${#lines[@]}" 2
	waitst "$a"
	assert_equal "$STATUS" 143
	waitst "$b"
	assert_equal "$STATUS" 143
}

@test "permission denied: nobody signalling root's process" {
	need_root
	sleeper
	local pid=$!
	run as_nobody sigsend "$pid"
	assert_failure 1
	assert_output "sigsend: process $pid: permission denied"
	run as_nobody sigsend --signal 0 "$pid"
	assert_failure 1
	assert_output "sigsend: process $pid: permission denied"
	run as_nobody sigsend -q 1 "$pid"
	assert_output "sigsend: process $pid: permission denied"
	sigsend --signal 0 "$pid"
}

@test "PIDs 0, -1 and negative ones are refused; nothing is sent" {
	run sigsend 0
	assert_failure 2
	assert_output "sigsend: '0' is refused: kill(2) would signal its own process group; say -g PGID
Try 'sigsend --help'."
	run sigsend -- -1
	assert_failure 2
	assert_line --index 0 "sigsend: '-1' is refused: kill(2) would signal every process"
	run sigsend -- -42
	assert_failure 2
	assert_line --index 0 "sigsend: '-42' is refused: kill(2) would signal process group 42; say -g 42"
	run sigsend -1
	assert_failure 2
	assert_output "sigsend: PIDs must be positive; kill(2) would read a negative one as a process group (use -g PGID)
Try 'sigsend --help'."
	# One bad operand: nothing is sent to the good one either.
	sleeper
	run sigsend "$!" 0
	assert_failure 2
	sigsend --signal 0 "$!"
	local bad
	for bad in abc 12x "" " 1" +5 0x10 1.5; do
		run sigsend "$bad"
		assert_failure 2
		assert_line --index 0 "sigsend: '$bad' is not a process ID (a positive number)"
	done
	run sigsend 2147483648
	assert_failure 2
	assert_line --index 0 "sigsend: '2147483648' is out of range (1 to 2147483647)"
	run sigsend 99999999
	assert_failure 1
	assert_output "sigsend: process 99999999: no such process"
}

@test "-g signals a process group; group 1, --wait and --value are refused" {
	spawn setsid sleep 60
	local pid=$!
	wait_until 5 test "$(ps -o pgid= "$pid" | tr -d ' ')" = "$pid"
	run sigsend --signal 0 -g "$pid"
	assert_success
	run sigsend --group "$pid"
	assert_success
	waitst "$pid"
	assert_equal "$STATUS" 143
	run sigsend -g "$pid"
	assert_failure 1
	assert_output "sigsend: process group $pid: no such process"
	run sigsend -g 1
	assert_failure 2
	assert_line --index 0 "sigsend: --group: process group 1 is refused: kill(2) would read -1 as every process"
	run sigsend -g 0
	assert_failure 2
	run sigsend -g -5
	assert_failure 2
	assert_line --index 0 "sigsend: --group: '-5' is refused: kill(2) would signal process group 5; say -g 5"
	run sigsend -w -g 12345
	assert_failure 2
	assert_line --index 0 "sigsend: --wait: cannot wait for process group 12345; name its processes"
	run sigsend -q 1 -g 12345
	assert_failure 2
	assert_line --index 0 "sigsend: --value: sigqueue(3) signals one process, not process group 12345"
}

@test "--wait returns promptly when the target exits, child or not" {
	sleeper
	local pid=$!
	local t0=$SECONDS
	run sigsend --wait "$pid"
	assert_success
	(( SECONDS - t0 < 5 ))
	# A process that exits on its own, not sigsend's child: --signal 0 -w.
	spawn sleep 0.3
	run sigsend --signal 0 -w -T 20 "$!"
	assert_success
	assert_output ""
	# Already gone once signalled (KILL is instant): still fine.
	sleeper
	run sigsend --signal KILL -w "$!"
	assert_success
}

@test "--kill-after stops a process that ignores TERM" {
	term_ignorer
	run sigsend --kill-after 200ms "$IGN"
	assert_success
	assert_output "sigsend: process $IGN: still running after 200ms; sending KILL"
	run sigsend --signal 0 "$IGN"
	assert_failure 1
	# A process that obeys TERM is never sent KILL.
	sleeper
	run sigsend --kill-after 10 "$!"
	assert_success
	assert_output ""
}

@test "-T: 124 for a process that ignores TERM, naming only the survivors" {
	term_ignorer
	# Beside it a process that has exited but is not reaped: its parent,
	# sleep, never waits. Not a sleep dying of the TERM: on a loaded machine
	# that one may still run after 300ms, and sigsend names it rightly.
	# The child exits once told to, when its parent is surely sleep.
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn sh -c '(for i in $(seq 500); do [ -e "$1.go" ] && exit; sleep 0.01; done) &
		echo $! > "$1"; exec sleep 60' _ "$T/gone"
	wait_until 5 grep -qx sleep "/proc/$!/comm"
	local gone
	gone=$(<"$T/gone")
	touch "$T/gone.go"
	wait_until 5 grep -q '^[0-9]* ([a-z]*) Z' "/proc/$gone/stat"
	run sigsend -w -T 300ms "$gone" "$IGN"
	assert_failure 124
	assert_output "sigsend: process $IGN: still running after 300ms"
	sigsend --signal 0 "$IGN"
	# -T shorter than -k: the KILL never comes.
	run sigsend --kill-after 10 --timeout 100ms "$IGN"
	assert_failure 124
	assert_output "sigsend: process $IGN: still running after 100ms"
	# -T longer than -k: KILL, then the wait ends in time.
	run sigsend --kill-after 100ms -T 20 "$IGN"
	assert_success
}

@test "without pidfd_open (old kernels): kill, sigqueue and a polled wait" {
	command -v strace >/dev/null || skip "no strace"
	sleeper
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e inject=pidfd_open:error=ENOSYS sigsend -w -T 20 "$!"
	assert_success
	receiver USR1
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e inject=pidfd_open:error=ENOSYS sigsend --signal USR1 -q 5 "$RECV"
	assert_success
	wait "$RECV"
	run cat "$T/recv.out"
	assert_output --regexp "^USR1 pid=[0-9]+ uid=0 value=5$"
	term_ignorer
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e inject=pidfd_open:error=ENOSYS sigsend --kill-after 100ms "$IGN"
	assert_success
	run sigsend --signal 0 "$IGN"
	assert_failure 1
}

@test "-L lists every signal; -L SIG converts either way" {
	rt
	run sigsend -L
	assert_success
	assert_line --index 0 "1 HUP"
	assert_line "15 TERM"
	assert_line "$RTMIN RTMIN"
	assert_line "$((RTMIN + 1)) RTMIN+1"
	assert_line "$((RTMAX - 1)) RTMAX-1"
	assert_line --index $((${#lines[@]} - 1)) "$RTMAX RTMAX"
	assert_equal "${#lines[@]}" $((31 + RTMAX - RTMIN + 1))
	run sigsend -L TERM sigusr1 9 RTMIN+1 "$RTMAX"
	assert_success
	assert_output "15
10
KILL
$((RTMIN + 1))
RTMAX"
	run sigsend --list FOO
	assert_failure 2
	assert_line --index 0 "sigsend: unknown signal 'FOO' (a name such as TERM, a number, RTMIN+N or RTMAX-N)"
}

@test "bad options and values are usage errors" {
	rt
	run sigsend --signal FOO 1
	assert_failure 2
	assert_output "sigsend: --signal: unknown signal 'FOO' (a name such as TERM, a number, RTMIN+N or RTMAX-N)
Try 'sigsend --help'."
	run sigsend --signal $((RTMAX + 1)) 1
	assert_failure 2
	assert_line --index 0 "sigsend: --signal: signal '$((RTMAX + 1))' is out of range (0 to $RTMAX)"
	run sigsend -q 2147483648 1
	assert_failure 2
	assert_line --index 0 "sigsend: --value: '2147483648' is out of range (-2147483648 to 2147483647)"
	run sigsend -q abc 1
	assert_line --index 0 "sigsend: --value: invalid number 'abc'"
	run sigsend -T 1x -w 1
	assert_failure 2
	assert_line --index 0 "sigsend: --timeout: invalid duration '1x' (a number with an optional unit ms, s, m or h)"
	run sigsend --kill-after soon 1
	assert_failure 2
	run sigsend -T 1 1
	assert_failure 2
	assert_line --index 0 "sigsend: --timeout bounds the wait: give --wait, --wait-exist or --kill-after too"
	run sigsend
	assert_failure 2
	assert_line --index 0 "sigsend: no process given: name a PID, --pidfile FILE or -g PGID"
	run sigsend --signal
	assert_failure 2
	assert_line --index 1 "Try 'sigsend --help'."
}

@test "stdout errors: -L to /dev/full and to a closed pipe" {
	run bash -c 'sigsend -L > /dev/full'
	assert_failure 1
	assert_output "sigsend: standard output: write error: No space left on device"
	run closedpipe sigsend -L
	assert_failure 1
	assert_output "sigsend: standard output: write error: Broken pipe"
}

@test "issue 10.9: signal numbers are decimal only, as in kill(1)" {
	sleeper
	local pid=$!
	run sigsend --signal 0x9 "$pid"
	assert_failure 2
	assert_line --index 0 "sigsend: --signal: unknown signal '0x9' (a name such as TERM, a number, RTMIN+N or RTMAX-N)"
	run sigsend -L 0x9
	assert_failure 2
	run sigsend --signal 0 "$pid"
	assert_success
}

@test "issue 11: RTMIN+x is an unknown signal, whatever errno held" {
	run sigsend -L RTMIN+x
	assert_failure 2
	assert_line --index 0 "sigsend: unknown signal 'RTMIN+x' (a name such as TERM, a number, RTMIN+N or RTMAX-N)"
	run sigsend -L RTMIN+99999999999999999999 RTMIN+x
	assert_failure 2
	assert_output --partial "is out of range"
}

@test "issue 10.10: with few descriptors every PID is still signalled, or named" {
	local pids=() i
	for i in $(seq 30); do
		sleeper
		pids+=("$!")
	done
	run bash -c 'ulimit -n 20; exec sigsend --signal 0 "$@"' _ "${pids[@]}"
	assert_success
	assert_output ""
	run bash -c 'ulimit -n 20; exec sigsend "$@"' _ "${pids[@]}"
	assert_success
	for i in "${pids[@]}"; do
		wait_until 5 bash -c "! kill -0 $i 2>/dev/null"
	done
}

@test "issue 10.10: a thread ID is signalled as kill(1) does: its process" {
	/usr/bin/python3 -c 'import threading; print(1)' >/dev/null 2>&1 || skip "no python3"
	# shellcheck disable=SC2016
	spawn /usr/bin/python3 -c '
import threading, time, sys
e = threading.Event()
def run():
    open(sys.argv[1], "w").write(str(threading.get_native_id()))
    e.wait()
threading.Thread(target=run, daemon=True).start()
time.sleep(60)' "$T/tid"
	local pid=$!
	wait_until 5 test -s "$T/tid"
	local tid
	tid=$(cat "$T/tid")
	[ "$tid" != "$pid" ]
	run sigsend "$tid"
	assert_success
	waitst "$pid"
	assert_equal "$STATUS" 143
}

@test "issue 10.11: -L checks every operand before printing anything" {
	run sigsend -L 0 64 65
	assert_failure 2
	refute_line "0"
	assert_line --index 0 --partial "signal '65' is out of range"
}

@test "issue 10.11: --pidfile refuses what is not a regular file; -g of its own group is refused" {
	mkfifo "$T/fifo"
	run timeout 5 sigsend --pidfile "$T/fifo"
	assert_failure 1
	assert_output "sigsend: $T/fifo: pidfile is not a regular file"
	need_root
	cd "$T"
	# shellcheck disable=SC2016
	run as_nobody setsid bash -c 'sigsend -g "$(ps -o pgid= $$ | tr -d " ")"; echo "status $?"'
	assert_line "status 2"
	assert_line --index 0 --partial "is sigsend's own process group"
}

@test "issue 10.16: durations are printed with their unit" {
	term_ignorer
	run sigsend -w -T 0.2 "$IGN"
	assert_failure 124
	assert_output "sigsend: process $IGN: still running after 0.2s"
	run sigsend -w -T 200ms "$IGN"
	assert_output "sigsend: process $IGN: still running after 200ms"
}

@test "issue 11: sigsend frees what it allocates (LeakSanitizer)" {
	sleeper
	ASAN_OPTIONS=detect_leaks=1 run sigsend --signal 0 "$!" 1
	refute_output --partial "LeakSanitizer"
	ASAN_OPTIONS=detect_leaks=1 run sigsend -L TERM
	refute_output --partial "LeakSanitizer"
}

@test "beyond: --signal 0 -w waits for a process it may not signal, as pidwait does" {
	need_root
	sleeper
	local pid=$!
	cd "$T"
	spawn setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- sigsend --signal 0 -w "$pid"
	local waiter=$!
	# Ready once it holds the pidfd (setpriv execs sigsend in place).
	wait_until 5 bash -c "ls -l /proc/$waiter/fd 2>/dev/null | grep -q pidfd"
	kill "$pid"
	wait_until 5 bash -c "! kill -0 $waiter 2>/dev/null"
	waitst "$waiter"
	assert_equal "$STATUS" 0
	run as_nobody sigsend --signal TERM -w 1
	assert_failure 1
	assert_output "sigsend: process 1: permission denied"
}

@test "beyond: -w sends CONT after the signal to a stopped target" {
	sleeper
	local pid=$!
	kill -STOP "$pid"
	wait_until 5 bash -c "[ \"\$(ps -o stat= -p $pid | cut -c1)\" = T ]"
	run timeout 10 sigsend -w -T 5 "$pid"
	assert_success
	waitst "$pid"
	assert_equal "$STATUS" 143
}

@test "beyond: --escalate DURATION:SIG steps escalate, as util-linux kill's --timeout does" {
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn sh -c 'trap "" TERM HUP; echo ready > "$1"; exec sleep 60' _ "$T/ign.ready"
	local pid=$!
	wait_until 5 test -s "$T/ign.ready"
	run sigsend --signal TERM --escalate 100ms:HUP --escalate=0.1:KILL "$pid"
	assert_success
	assert_output "sigsend: process $pid: still running after 100ms; sending HUP
sigsend: process $pid: still running after 0.1s; sending KILL"
	waitst "$pid"
	assert_equal "$STATUS" 137
	sleeper
	pid=$!
	run sigsend "$pid" --escalate 5:QUIT -w
	assert_success
	waitst "$pid"
	assert_equal "$STATUS" 143
	run sigsend -T 1 1
	assert_failure 2
	# The two-word step of 0.1.0 is refused, with the new spelling.
	run sigsend -T 5 QUIT -w 1
	assert_failure 2
	assert_line --index 0 "sigsend: 'QUIT' is not a process ID; a step is written --escalate DURATION:QUIT"
	run sigsend --escalate 5:NOPE 1
	assert_failure 2
	assert_line --index 0 "sigsend: --escalate: unknown signal 'NOPE' (a name such as TERM, a number, RTMIN+N or RTMAX-N)"
	run sigsend --escalate 1x:KILL 1
	assert_failure 2
	assert_line --index 0 "sigsend: --escalate: invalid duration '1x' (a number with an optional unit ms, s, m or h)"
	# Issue 23.3: -T is only the timeout; a step has its own option.
	run sigsend -T 5:KILL 1
	assert_failure 2
	assert_line --index 0 "sigsend: --timeout: '5:KILL': a step is written --escalate 5:KILL"
	run sigsend --escalate 5 1
	assert_failure 2
	assert_line --index 0 "sigsend: --escalate: '5': a step is DURATION:SIG"
}

@test "-W waits for a --pidfile pidfile to appear; -T bounds it (issue 23.2)" {
	local pid st=0
	spawn sigsend -W -T 30 --signal USR1 --pidfile "$T/w.pid"
	pid=$!
	wait_until 10 watching "$pid"
	spawn sigrecv -c 1 --pidfile "$T/w.pid" USR1 > "$T/got"
	local rx=$!
	wait "$pid" || st=$?
	assert_equal "$st" 0
	st=0
	wait "$rx" || st=$?
	assert_equal "$st" 0
	grep -q '^USR1 ' "$T/got"
	run sigsend -W -T 100ms --pidfile "$T/none.pid"
	assert_failure 124
	assert_output "sigsend: $T/none.pid: no pidfile within 100ms"
	run sigsend -W 1
	assert_failure 2
}

@test "bash completion: signal names after --escalate DURATION: (bash splits the word at ':')" {
	local top=$BATS_TEST_DIRNAME/..
	# shellcheck source=/dev/null
	. "$top/completions/sigsend"
	local COMP_WORDS COMP_CWORD COMPREPLY
	COMP_WORDS=(sigsend --escalate 5s : KI)
	COMP_CWORD=4
	_comp_cmd_sigsend
	[ "${COMPREPLY[*]}" = KILL ]
	COMP_WORDS=(sigsend --escalate 5s :)
	COMP_CWORD=3
	_comp_cmd_sigsend
	[[ " ${COMPREPLY[*]} " == *" HUP "* && " ${COMPREPLY[*]} " == *" KILL "* ]]
	# Not after another option's ':'.
	COMP_WORDS=(sigsend --pidfile a : KI)
	COMP_CWORD=4
	_comp_cmd_sigsend
	[[ " ${COMPREPLY[*]} " != *" KILL "* ]]
}
