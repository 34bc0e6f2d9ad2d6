#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# sigrecv: the output format, counting, following, timeouts and readiness.

bats_require_minimum_version 1.5.0
load helper

# The exit status of background job PID in $STATUS.
waitst() { STATUS=0; wait "$1" || STATUS=$?; }

# lines_at_least N FILE: FILE has N lines or more.
lines_at_least() { [ "$(wc -l < "$2")" -ge "$1" ]; }

# Start sigrecv ARGS... in the background, ready once its pidfile exists.
receiver() {
	spawn sigrecv --pidfile "$T/recv.pid" "$@" > "$T/recv.out"
	RECV=$!
	wait_until 5 test -s "$T/recv.pid"
}

@test "one line per signal: NAME pid= uid=, value= only when queued" {
	receiver -c 2 USR1 USR2
	kill -USR1 "$RECV"
	sigsend --signal USR2 -q 0 "$RECV"
	waitst "$RECV"
	assert_equal "$STATUS" 0
	run cat "$T/recv.out"
	assert_line --index 0 "USR1 pid=$$ uid=0"
	assert_line --index 1 --regexp "^USR2 pid=[0-9]+ uid=0 value=0$"
	assert_equal "${#lines[@]}" 2
}

@test "the format reads apart with read and awk" {
	receiver RTMIN+1
	sigsend --signal RTMIN+1 -q -5 --pidfile "$T/recv.pid"
	wait "$RECV"
	local name pid uid value
	read -r name pid uid value < "$T/recv.out"
	assert_equal "$name" RTMIN+1
	assert_equal "${uid#uid=}" 0
	assert_equal "${value#value=}" -5
	run awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } print $1, f["value"] }' "$T/recv.out"
	assert_output "RTMIN+1 -5"
}

@test "-c N: exits after N signals; the pidfile is mode 600 and removed" {
	receiver --count 3 USR1
	run stat -c %a "$T/recv.pid"
	assert_output 600
	local i
	# USR1 is no real-time signal: one sent while another is pending is
	# lost, so each goes once sigrecv has written the one before.
	for i in 1 2 3; do
		sigsend --signal USR1 -q "$i" "$RECV"
		[ "$i" = 3 ] || wait_until 5 lines_at_least "$i" "$T/recv.out"
	done
	waitst "$RECV"
	assert_equal "$STATUS" 0
	run cut -d' ' -f1,4 "$T/recv.out"
	assert_output $'USR1 value=1\nUSR1 value=2\nUSR1 value=3'
	[ ! -e "$T/recv.pid" ]
}

# Two receivers on one pidfile: the second's file replaced the first's, so
# the first must not remove it when it ends (it would leave the second
# unreachable); each removes only the file that still holds what it wrote.
@test "--pidfile: two receivers on one pidfile: each removes only the file it wrote" {
	spawn sigrecv --pidfile "$T/w.pid" USR1 > /dev/null
	local first=$!
	wait_until 5 test -s "$T/w.pid"
	spawn sigrecv --pidfile "$T/w.pid" USR1 > /dev/null
	local second=$!
	# shellcheck disable=SC2016 # expanded by the inner shell
	wait_until 5 sh -c '[ "$(head -n 1 "$1")" = "$2" ]' _ "$T/w.pid" "$second"
	kill -USR1 "$first"
	waitst "$first"
	assert_equal "$STATUS" 0
	run head -n 1 "$T/w.pid"
	assert_output "$second"
	sigsend --signal USR1 --pidfile "$T/w.pid"
	waitst "$second"
	assert_equal "$STATUS" 0
	[ ! -e "$T/w.pid" ]
}

@test "-f: each line is written at once; a signal not listed ends it" {
	receiver -f USR1 HUP
	local pid=$RECV
	sigsend --signal USR1 -q 1 "$pid"
	wait_until 5 grep -q 'value=1' "$T/recv.out"
	sigsend --signal HUP "$pid"
	wait_until 5 grep -q '^HUP' "$T/recv.out"
	sigsend --signal 0 "$pid"
	sigsend --signal TERM "$pid"
	waitst "$pid"
	assert_equal "$STATUS" 143
	assert_equal "$(wc -l < "$T/recv.out")" 2
}

@test "-T: 124 when nothing came in time; what came is printed" {
	run sigrecv -T 200ms USR1
	assert_failure 124
	assert_output "sigrecv: no signal within 200ms"
	receiver -c 3 --timeout 1 USR1
	sigsend --signal USR1 "$RECV"
	wait_until 5 test -s "$T/recv.out"
	waitst "$RECV"
	assert_equal "$STATUS" 124
	run cat "$T/recv.out"
	assert_output --regexp "^USR1 pid=[0-9]+ uid=0$"
	run sigrecv -f -T 100ms USR1
	assert_failure 124
	assert_output "sigrecv: no signal within 100ms"
}

@test "-f -T: stops at the deadline, status 0 if anything came" {
	receiver -f -T 1 USR1
	sigsend --signal USR1 "$RECV"
	waitst "$RECV"
	assert_equal "$STATUS" 0
	assert_equal "$(wc -l < "$T/recv.out")" 1
}

@test "--pidfile: a sender that waits for the pidfile never kills it (100 times)" {
	local i pid st
	for ((i = 0; i < 100; i++)); do
		sigrecv --pidfile "$T/p" USR1 > "$T/out" &
		pid=$!
		wait_until 5 test -s "$T/p"
		kill -USR1 "$(head -n 1 "$T/p")"
		st=0
		wait "$pid" || st=$?
		[ "$st" -eq 0 ] || { echo "round $i: status $st"; false; }
		grep -q '^USR1 ' "$T/out"
		wait_until 5 test ! -e "$T/p"
	done
}

@test "a signal the parent ignored is still received" {
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn sh -c 'trap "" USR1 INT; exec sigrecv -c 2 --pidfile "$1" USR1 INT' _ "$T/p" > "$T/out"
	local pid=$!
	wait_until 5 test -s "$T/p"
	kill -USR1 "$pid"
	kill -INT "$pid"
	waitst "$pid"
	assert_equal "$STATUS" 0
	# Taken in either order: both pending at once, the lower number first.
	run sort <(cut -d' ' -f1 "$T/out")
	assert_output $'INT\nUSR1'
}

@test "--pidfile: a pidfile that cannot be written is an error" {
	run sigrecv --pidfile "$T/nodir/p" USR1
	assert_failure 1
	assert_output "sigrecv: $T/nodir/p: cannot write pidfile: No such file or directory"
}

@test "KILL, STOP, 0, unknown signals and bad options are usage errors" {
	run sigrecv KILL
	assert_failure 2
	assert_output "sigrecv: 'KILL': KILL cannot be caught, blocked or waited for
Try 'sigrecv --help'."
	run sigrecv USR1 SIGSTOP
	assert_failure 2
	assert_line --index 0 "sigrecv: 'SIGSTOP': STOP cannot be caught, blocked or waited for"
	run sigrecv 9
	assert_failure 2
	run sigrecv 0
	assert_failure 2
	assert_line --index 0 --regexp "^sigrecv: signal '0' is out of range \(1 to [0-9]+\)$"
	run sigrecv FOO
	assert_failure 2
	assert_line --index 0 "sigrecv: unknown signal 'FOO' (a name such as TERM, a number, RTMIN+N or RTMAX-N)"
	run sigrecv
	assert_failure 2
	assert_line --index 0 "sigrecv: no signal given: name one or more, e.g. USR1"
	run sigrecv -c 0 USR1
	assert_failure 2
	assert_line --index 0 "sigrecv: --count: '0' is out of range (1 to 18446744073709551615)"
	run sigrecv -c 2 -f USR1
	assert_failure 2
	assert_line --index 0 "sigrecv: --count and --follow exclude each other"
	run sigrecv -T never USR1
	assert_failure 2
	assert_line --index 0 "sigrecv: --timeout: invalid duration 'never' (a number with an optional unit ms, s, m or h)"
}

@test "stdout errors: /dev/full at the first signal, which is named; a closed pipe at once" {
	spawn sigrecv --pidfile "$T/p" USR1 > /dev/full 2> "$T/err"
	local pid=$!
	wait_until 5 test -s "$T/p"
	sigsend --signal USR1 "$pid"
	waitst "$pid"
	assert_equal "$STATUS" 1
	run cat "$T/err"
	assert_output --regexp "^sigrecv: signal USR1 pid=[0-9]+ uid=0 lost: standard output: write error: No space left on device$"
	# The reader has gone before any signal: sigrecv sees it and ends.
	spawn closedpipe sigrecv --pidfile "$T/p" USR1 2> "$T/err"
	pid=$!
	waitst "$pid"
	assert_equal "$STATUS" 1
	assert_equal "$(cat "$T/err")" "sigrecv: standard output: write error: Broken pipe"
}

@test "two scripts pass values both ways with sigsend and sigrecv" {
	# B answers each value it receives with value + 100.
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn bash -c '
		for i in 1 2 3; do
			line=$(sigrecv --pidfile "$1/b.pid" USR1) || exit 1
			set -- "$1" $line
			sigsend --signal USR2 -q $(( ${5#value=} + 100 )) --pidfile "$1/a.pid" || exit 1
		done' _ "$T"
	local i reply
	for i in 1 2 3; do
		rm -f "$T/a.pid"
		# Our own receiver first, then the request: the reply cannot be early.
		sigrecv --pidfile "$T/a.pid" USR2 > "$T/reply" &
		local r=$!
		wait_until 5 test -s "$T/a.pid"
		wait_until 5 test -s "$T/b.pid"
		sigsend --signal USR1 -q "$i" --pidfile "$T/b.pid"
		wait "$r"
		reply=$(awk '{ print $4 }' "$T/reply")
		assert_equal "$reply" "value=$((i + 100))"
	done
}

@test "issue 10.8: a killed sigrecv removes its pidfile and dies of the same signal" {
	local sig pid
	# sigdefault: every signal at its default, whatever the job inherits
	# (tests/sigdefault.c).
	for sig in TERM HUP INT USR2 ALRM 32 33 34; do
		rm -f "$T/p"
		spawn sigdefault sigrecv -f --pidfile "$T/p" USR1
		pid=$!
		wait_until 5 test -s "$T/p"
		kill -"$sig" "$pid"
		wait_until 5 bash -c "! kill -0 $pid 2>/dev/null"
		waitst "$pid"
		[ ! -e "$T/p" ] || { echo "signal $sig left the pidfile"; false; }
		local num=$sig
		[[ $sig =~ ^[0-9]+$ ]] || num=$(sigsend -L "$sig")
		assert_equal "$STATUS" $((128 + num))
	done
}

@test "issue 10.8: signals the C library reserves are usage errors" {
	local s
	for s in $(seq 32 "$(( $(sigtest rt | cut -d' ' -f1) - 1 ))"); do
		run timeout 5 sigrecv -T 0.1 "$s"
		assert_failure 2
		assert_line --index 0 "sigrecv: '$s': the C library reserves signal $s for itself"
	done
}

@test "issue 10.16: the timeout is printed with its unit" {
	run sigrecv -T 0.1 USR1
	assert_failure 124
	assert_output "sigrecv: no signal within 0.1s"
	run sigrecv -T 100ms USR1
	assert_output "sigrecv: no signal within 100ms"
}

@test "beyond: -v adds code= (user, queue, kernel, tkill...) after the other fields" {
	receiver -v -c 2 USR1 USR2
	kill -USR1 "$RECV"
	sigsend --signal USR2 -q 7 "$RECV"
	waitst "$RECV"
	assert_equal "$STATUS" 0
	run cat "$T/recv.out"
	assert_line --index 0 "USR1 pid=$$ uid=0 code=user"
	assert_line --index 1 --regexp "^USR2 pid=[0-9]+ uid=0 value=7 code=queue$"
}

@test "issue 21.18: -f | head -n 1: sigrecv notices the reader left; a signal it cannot write is named" {
	spawn bash -c "sigrecv -f --pidfile '$T/p' USR1 2> '$T/err' | head -n 1 > '$T/out'; echo \${PIPESTATUS[0]} > '$T/st'"
	wait_until 10 test -s "$T/p"
	sigsend --signal USR1 -q 7 --pidfile "$T/p"
	# No second signal: sigrecv must see by itself that head has gone.
	wait_until 10 test -s "$T/st"
	assert_equal "$(cat "$T/st")" 1
	run cat "$T/out"
	assert_output --regexp "^USR1 pid=[0-9]+ uid=0 value=7$"
	run cat "$T/err"
	assert_output "sigrecv: standard output: write error: Broken pipe"
	# A signal taken that cannot be written is named, with its value.
	spawn sigrecv --pidfile "$T/p2" USR1 > /dev/full 2> "$T/err"
	local pid=$!
	wait_until 10 test -s "$T/p2"
	sigsend --signal USR1 -q 9 "$pid"
	waitst "$pid"
	assert_equal "$STATUS" 1
	run cat "$T/err"
	assert_output --regexp "^sigrecv: signal USR1 pid=[0-9]+ uid=0 value=9 lost: standard output: write error: No space left on device$"
}
