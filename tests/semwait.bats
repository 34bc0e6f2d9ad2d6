#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# semwait: take permits, hold them for a command, wait for zero, time out.
# shellcheck disable=SC2016 # commands run in their own shells

load helper
bats_require_minimum_version 1.5.0

# The value semwait -s reports for TARGET...
value() { semwait -s "$@" | sed -n 's/^value: //p'; }
# Field F of semwait -s for TARGET...
field() { local f=$1; shift; semwait -s "$@" | sed -n "s/^$f: //p"; }
is_value() { local want=$1; shift; [ "$(value "$@")" = "$want" ]; }
is_field() { local f=$1 want=$2; shift 2; [ "$(field "$f" "$@")" = "$want" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
either_gone() { gone "$1" || gone "$2"; }
# No file for POSIX semaphore $1: glibc's /dev/shm/sem.NAME, musl's /dev/shm/NAME.
no_sem() { [ ! -e "/dev/shm/sem.${1#/}" ] && [ ! -e "/dev/shm/${1#/}" ]; }
# Process $1 sleeps (waits for something).
sleeping() { [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = S ]; }
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

@test "semwait takes one permit; -s prints the value and takes nothing" {
	local s; s=$(posix_name)
	sempost -c 3 "$s"
	run semwait "$s"
	assert_success
	assert_output ""
	run semwait -s "$s"
	assert_success
	assert_line "value: 2"
	assert_line "kind: posix-sem"
	assert_line "mode: 0600"
	is_value 2 "$s"
}

@test "semwait -s on a System V set: value, waiters, last pid" {
	local k; k=$(sysv_key 1)
	sempost -k "$k" -c 2
	run semwait -s -k "$k"
	assert_success
	assert_line "value: 2"
	assert_line "kind: sysv-sem"
	assert_line "waiting: 0"
	assert_line "waiting-zero: 0"
	assert_line --regexp '^last-pid: [1-9][0-9]*$'
	assert_line --regexp "^key: 0x[0-9a-f]{8}$"
}

@test "semwait -c N takes all N or none (POSIX and System V)" {
	local s k; s=$(posix_name); k=$(sysv_key 2)
	sempost -c 3 "$s"
	sempost -c 3 -k "$k"
	run semwait -n -c 4 "$s"
	assert_failure 124
	assert_output "semwait: $s: not enough permits free"
	is_value 3 "$s"
	run semwait -n -c 4 -k "$k"
	assert_failure 124
	is_value 3 -k "$k"
	semwait -c 3 "$s"
	semwait -c 3 -k "$k"
	is_value 0 "$s"
	is_value 0 -k "$k"
}

@test "semwait blocks until a permit is posted" {
	local s k; s=$(posix_name); k=$(sysv_key 3)
	sempost -c 1 "$s" && semwait "$s"
	spawn semwait "$s"
	local p1=$!
	sempost -k "$k" -c 1 && semwait -k "$k"
	spawn semwait -k "$k"
	local p2=$!
	wait_until 5 is_field waiting 1 -k "$k"
	kill -0 "$p1"
	sempost "$s"
	sempost -k "$k"
	wait_until 5 gone "$p1"
	wait_until 5 gone "$p2"
	is_value 0 "$s"
	is_value 0 -k "$k"
}

@test "semwait -T waits its whole time, then 124, taking nothing" {
	local s k t0 ms; s=$(posix_name); k=$(sysv_key 4)
	sempost "$s" && semwait "$s"
	sempost -k "$k" && semwait -k "$k"
	for target in "$s" "-k $k"; do
		t0=$(ms_now)
		# shellcheck disable=SC2086 # -k KEY is two words
		run semwait -T 300ms $target
		ms=$(( $(ms_now) - t0 ))
		assert_failure 124
		assert_output --partial "not enough permits free within 300ms"
		# Not early: that is the contract. How late is the bench's business;
		# a wait that ignores its deadline hangs the test into its timeout.
		(( ms >= 300 )) || { echo "took ${ms}ms"; false; }
		# It took nothing: a post after it gave up stays there.
		# shellcheck disable=SC2086
		sempost $target && is_value 1 $target
		# shellcheck disable=SC2086
		semwait $target
	done
	t0=$(ms_now)
	run semwait -T 0.2 -c 2 "$s"
	ms=$(( $(ms_now) - t0 ))
	assert_failure 124
	(( ms >= 200 )) || { echo "took ${ms}ms"; false; }
	# It held nothing when it gave up.
	sempost "$s" && is_value 1 "$s"
}

@test "semwait -n on an empty semaphore: 124 at once" {
	local s; s=$(posix_name)
	sempost "$s" && semwait "$s"
	run semwait -n "$s"
	assert_failure 124
	assert_output "semwait: $s: not enough permits free"
}

@test "3 permits, 9 concurrent semwait S -- job: 3 at once, never more" {
	local s k target i pids
	s=$(posix_name); k=$(sysv_key 5)
	# Each job stays inside until it has seen three inside at once (then
	# "$1/three" lets every later job through), or for 100 looks at most:
	# a semwait that admits fewer than 3 at once leaves no "three".
	cat > "$T/job" <<-'EOF'
	#!/bin/bash
	touch "$1/in.$$"
	for _ in $(seq 100); do
		n=$(find "$1" -name 'in.*' | wc -l)
		echo "$n" >> "$1/seen"
		[ "$n" -lt 3 ] || touch "$1/three"
		[ ! -e "$1/three" ] || break
		sleep 0.05
	done
	rm "$1/in.$$"
	echo done >> "$1/done"
	EOF
	chmod +x "$T/job"
	sempost -c 3 "$s"
	sempost -c 3 -k "$k"
	for target in "$s" "-k $k"; do
		mkdir "$T/r"
		pids=()
		for i in 1 2 3 4 5 6 7 8 9; do
			# shellcheck disable=SC2086 # -k KEY is two words
			spawn semwait $target -- "$T/job" "$T/r"
			pids+=("$!")
		done
		for i in "${pids[@]}"; do
			wait "$i"
		done
		[ "$(wc -l < "$T/r/done")" -eq 9 ]
		[ "$(sort -n "$T/r/seen" | tail -1)" -le 3 ]
		# Three did run together.
		[ -e "$T/r/three" ]
		# shellcheck disable=SC2086
		is_value 3 $target
		rm -rf "$T/r"
	done
}

@test "System V: a holder killed with SIGKILL gives its permit back" {
	local k; k=$(sysv_key 6)
	sempost -k "$k"
	# semwait execs COMMAND: its PID is COMMAND's, the undo goes with it.
	spawn semwait -k "$k" -- sh -c 'echo $$ > "$1"; exec sleep 100' sh "$T/pid"
	wait_until 5 test -s "$T/pid"
	[ "$(cat "$T/pid")" = "$!" ]
	is_value 0 -k "$k"
	kill -KILL "$!"
	wait_until 5 is_value 1 -k "$k"
	# A command that forks: killing the process semwait became is enough.
	spawn semwait -k "$k" -- bash -c 'sleep 100; true'
	wait_until 5 is_value 0 -k "$k"
	kill -KILL "$!"
	wait_until 5 is_value 1 -k "$k"
}

@test "System V: permits held for a command are back when it ends, whatever its status" {
	local k; k=$(sysv_key 7)
	sempost -k "$k" -c 2
	run semwait -c 2 -k "$k" -- sh -c 'exit 3'
	assert_failure 3
	is_value 2 -k "$k"
	run semwait -k "$k" -- sh -c 'kill -TERM $$'
	assert_failure 143
	is_value 2 -k "$k"
}

@test "POSIX: TERM and INT reach the command; semwait posts when it ends" {
	local s sig st; s=$(posix_name)
	sempost -c 2 "$s"
	for sig in TERM INT; do
		rm -f "$T/pid"
		spawn semwait -c 2 "$s" -- sigdefault sh -c 'echo $$ > "$1"; exec sleep 100' sh "$T/pid"
		local pid=$!
		wait_until 5 test -s "$T/pid"
		is_value 0 "$s"
		kill -"$sig" "$pid"
		st=0
		wait "$pid" || st=$?
		[ "$st" -eq $(( 128 + $(kill -l "$sig") )) ]
		is_value 2 "$s"
	done
}

@test "POSIX: a command's status is semwait's; the permit comes back" {
	local s; s=$(posix_name)
	sempost "$s"
	run semwait "$s" -- sh -c 'echo held; exit 7'
	assert_failure 7
	assert_output "held"
	is_value 1 "$s"
}

@test "a signal while waiting ends semwait with no permit taken" {
	local s k; s=$(posix_name); k=$(sysv_key 8)
	sempost "$s"
	sempost -k "$k"
	# -c 2 with one free: neither kind holds the one while it waits.
	spawn semwait -c 2 "$s"
	local p1=$!
	spawn semwait -c 2 -k "$k"
	local p2=$!
	wait_until 5 is_field waiting 1 -k "$k"
	wait_until 5 sleeping "$p1"
	is_value 1 "$s"
	kill -TERM "$p1" "$p2"
	local st=0
	wait "$p1" || st=$?
	[ "$st" -eq 143 ]
	st=0
	wait "$p2" || st=$?
	[ "$st" -eq 143 ]
	is_value 1 "$s"
	is_value 1 -k "$k"
}

@test "semwait retries a wait cut by EINTR; -T still holds" {
	command -v strace > /dev/null || skip "no strace"
	local k t0 ms; k=$(sysv_key 16)
	sempost -k "$k"
	run strace -f -o /dev/null -e inject=semtimedop:error=EINTR:when=1 semwait -T 2 -k "$k"
	assert_success
	is_value 0 -k "$k"
	t0=$(ms_now)
	run strace -f -o /dev/null -e inject=semtimedop:error=EINTR:when=1 semwait -T 300ms -k "$k"
	ms=$(( $(ms_now) - t0 ))
	assert_failure 124
	(( ms >= 300 )) || { echo "took ${ms}ms"; false; }
	is_value 0 -k "$k"
}

@test "POSIX: two -c 2 takers never split the permits between them" {
	local s; s=$(posix_name)
	sempost "$s" && semwait "$s"
	spawn semwait -T 5 -c 2 "$s"
	local a=$!
	spawn semwait -T 5 -c 2 "$s"
	local b=$!
	sempost -c 2 "$s"
	# One of them has both; the other still waits for two.
	wait_until 5 either_gone "$a" "$b"
	sempost -c 2 "$s"
	local st=0
	wait "$a" || st=$?
	[ "$st" -eq 0 ]
	wait "$b" || st=$?
	[ "$st" -eq 0 ]
	is_value 0 "$s"
}

@test "semwait -z waits until the value is 0: a barrier" {
	local k; k=$(sysv_key 9)
	sempost -k "$k" -c 2
	spawn semwait -z -k "$k"
	local pid=$!
	wait_until 5 is_field waiting-zero 1 -k "$k"
	semwait -k "$k"
	kill -0 "$pid"
	semwait -k "$k"
	wait "$pid"
	run semwait -z -n -k "$k"
	assert_success
	sempost -k "$k"
	run semwait -z -n -k "$k"
	assert_failure 124
	assert_output --partial "the value is not 0"
	run semwait -z -T 100ms -k "$k"
	assert_failure 124
}

@test "semwait -z does not pass a set that was never posted (sem_otime 0)" {
	/usr/bin/python3 -c 'import sysv_ipc' 2>/dev/null || skip "python3-sysv-ipc not installed"
	local k; k=$(sysv_key 17)
	# Made, not yet initialized: what a creator leaves between semget and its first semop.
	/usr/bin/python3 -c 'import sys, sysv_ipc
sysv_ipc.Semaphore(int(sys.argv[1]), sysv_ipc.IPC_CREX, 0o600, 0)' "$k"
	is_field last-op - -k "$k"
	run semwait -z -n -k "$k"
	assert_failure 124
	run semwait -z -T 100ms -k "$k"
	assert_failure 124
	spawn semwait -z -T 5s -k "$k"
	local pid=$!
	sempost -k "$k"
	semwait -k "$k"
	wait "$pid"
	run semwait -z -n -k "$k"
	assert_success
}

@test "semwait --all-of takes one of each member in one operation, or none" {
	local k; k=$(sysv_key 10)
	sempost -k "$k" --all-of 0,1,2
	is_field values 1,1,1 -k "$k"
	semwait -k "$k" --all-of 0,2
	is_field values 0,1,0 -k "$k"
	run semwait -n -k "$k" --all-of 1,2
	assert_failure 124
	is_field values 0,1,0 -k "$k"
	run semwait -n -k "$k" --all-of 1,3
	assert_failure 1
	assert_output "semwait: key $(printf '0x%08x' "$k"): the set has only 3 semaphores"
	sempost -k "$k" --all-of 0,2
	run semwait -k "$k" --all-of 0,1,2 -- sh -c 'semwait -s -k "$1" | grep ^values:' sh "$k"
	assert_success
	assert_output "values: 0,0,0"
	is_field values 1,1,1 -k "$k"
}

@test "semwait -u removes the semaphore afterwards" {
	local s k; s=$(posix_name); k=$(sysv_key 11)
	sempost "$s"
	sempost -k "$k"
	semwait -u "$s"
	semwait -u -k "$k"
	run semwait -s "$s"
	assert_failure 1
	assert_output "semwait: $s: no such semaphore"
	run semwait -s -k "$k"
	assert_failure 1
	sempost "$s"
	semwait -s -u "$s" > /dev/null
	no_sem "$s"
}

@test "semwait errors: missing semaphore, bad counts, options that do not fit" {
	local s k; s=$(posix_name); k=$(sysv_key 12)
	run semwait -n "$s"
	assert_failure 1
	assert_output "semwait: $s: no such semaphore"
	run semwait -n -k "$k"
	assert_failure 1
	assert_output "semwait: key $(printf '0x%08x' "$k"): no such semaphore"
	run semwait -i 2147483647
	assert_failure 1
	assert_output --partial "no semaphore set with that identifier"
	sempost "$s"
	run semwait -c 0 "$s"
	assert_failure 2
	assert_line --index 1 "Try 'semwait --help'."
	run semwait -c 32768 -k "$k"
	assert_failure 2
	assert_output --partial "32767"
	run semwait -c 2147483648 "$s"
	assert_failure 2
	run semwait -z "$s"
	assert_failure 2
	assert_output --partial "--zero is for System V"
	run semwait --all-of 0,1 "$s"
	assert_failure 2
	run semwait -k "$k" --all-of 1,1
	assert_failure 2
	assert_output --partial "member 1 given twice"
	run semwait -k "$k" --all-of 0000000000000000000000000000000000000001
	assert_failure 2
	run semwait -k "$k" --all-of 0,
	assert_failure 2
	run semwait -u "$s" -- true
	assert_failure 2
	run semwait -s "$s" -- true
	assert_failure 2
	run semwait -T soon "$s"
	assert_failure 2
	run semwait --bogus "$s"
	assert_failure 2
	run semwait
	assert_failure 2
	run semwait "$s" --
	assert_failure 2
	assert_output --partial "no COMMAND after --"
	run semwait "$s" extra
	assert_failure 2
	assert_output --partial "extra operand 'extra' (a COMMAND comes after --)"
	is_value 1 "$s"
}

@test "semwait with COMMAND: 125 when semwait fails, 126/127 when it cannot run" {
	local s k; s=$(posix_name); k=$(sysv_key 13)
	run semwait "$s" -- true
	assert_failure 125
	assert_output "semwait: $s: no such semaphore"
	sempost "$s"
	sempost -k "$k"
	run -127 semwait "$s" -- /nonexistent/cmd
	assert_failure 127
	is_value 1 "$s"
	run -127 semwait -k "$k" -- /nonexistent/cmd
	assert_failure 127
	is_value 1 -k "$k"
	touch "$T/noexec"
	run semwait "$s" -- "$T/noexec"
	assert_failure 126
	run semwait -k "$k" -- "$T/noexec"
	assert_failure 126
	is_value 1 "$s"
	is_value 1 -k "$k"
}

@test "semwait as an unprivileged user: permission denied, nothing taken" {
	need_root
	local s k; s=$(posix_name); k=$(sysv_key 14)
	sempost -c 2 "$s"
	sempost -c 2 -k "$k"
	run as_nobody semwait "$s"
	assert_failure 1
	assert_output "semwait: $s: permission denied"
	run as_nobody semwait -k "$k"
	assert_failure 1
	assert_output --partial "permission denied"
	run as_nobody semwait -u -k "$k"
	assert_failure 1
	is_value 2 "$s"
	is_value 2 -k "$k"
	sempost -m 666 -k "$(sysv_key 15)"
	run as_nobody semwait -k "$(sysv_key 15)" -- true
	assert_success
	is_value 1 -k "$(sysv_key 15)"
}

@test "semwait -s to /dev/full fails; closed stdout is named" {
	local s; s=$(posix_name)
	sempost "$s"
	run bash -c "semwait -s '$s' > /dev/full"
	assert_failure 1
	assert_output --partial "write error"
	run bash -c "semwait -s '$s' >&-"
	assert_failure 1
	assert_output "semwait: standard output is closed"
	# Taking needs no stdout.
	run bash -c "semwait '$s' >&-"
	assert_success
}

@test "semwait and sempost: a hand-off between two scripts" {
	local s; s=$(posix_name)
	sempost "$s" && semwait "$s"
	spawn bash -c 'semwait "$1" && echo got > "$2"' sh "$s" "$T/got"
	local pid=$!
	[ ! -e "$T/got" ]
	sempost "$s"
	wait "$pid"
	[ "$(cat "$T/got")" = got ]
	is_value 0 "$s"
}

# The semwait that the background job $1 runs under strace (helper.bash's
# strace is a function: the job is a subshell, strace its child).
traced() {
	local p=$1 i
	for i in 1 2 3; do
		p=$(pgrep -P "$p" | head -1)
		[ -n "$p" ] || return 1
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = semwait ] && { echo "$p"; return 0; }
	done
	return 1
}
# state PID: the state letter in /proc/PID/stat (T stopped, Z zombie).
state() { sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null; }

# Issue 25 item 1: a stop after a successful take used to die with the permits taken.
@test "a TERM after a successful take gives the permits back (POSIX -c N, System V)" {
	command -v strace > /dev/null || skip "no strace"
	local s k n=20000000 st; s=$(posix_name); k=$(sysv_key 20)
	# Taking 20000000 POSIX permits takes a while: semwait is stopped in
	# the middle, sent TERM, and let go: it gives them back and dies of
	# the TERM. A stop that lands once the take is over (past its last
	# look at the flag, before it returns: seen once in 14 gate runs) is
	# too late, and semwait exits 0 with every permit taken, as 0 says;
	# so does one that finds it done and gone (a fast machine, a slow
	# test shell). Then the test tries again, with four times as many.
	local caught='' stopped
	for _ in 1 2 3 4 5; do
		sempost -c "$n" "$s"
		spawn semwait -c "$n" "$s"
		local pid=$!
		wait_until 10 eval '[ "$(value "$s")" -lt "$n" ]'
		# (A zombie takes the STOP too: only a stopped one was caught.)
		stopped=
		if kill -STOP "$pid" 2>/dev/null &&
			wait_until 5 eval '[[ $(state "$pid") == [TZ] ]]' &&
			[ "$(state "$pid")" = T ]; then
			kill -TERM "$pid"
			kill -CONT "$pid"
			stopped=1
		fi
		st=0
		wait "$pid" || st=$?
		if [ -n "$stopped" ] && [ "$st" -eq 143 ]; then
			caught=1
			break
		fi
		[ "$st" -eq 0 ]
		is_value 0 "$s"
		n=$((n * 4))
	done
	[ -n "$caught" ]
	is_value "$n" "$s"
	# System V, no COMMAND: TERM while semtimedop, which succeeds, returns.
	sempost -k "$k"
	spawn strace -o "$T/st" -e trace=semtimedop -e inject=semtimedop:delay_exit=3000000 semwait -k "$k"
	local sp=$! w
	# semwait's PID first: the delay (3 s) is the window for the TERM.
	w=$(wait_until 5 traced "$sp")
	wait_until 5 grep -q DELAYED "$T/st"
	kill -TERM "$w"
	st=0
	wait "$sp" || st=$?
	[ "$st" -eq 143 ]
	is_value 1 -k "$k"
}

# Item 2: the exact reproduction; TERM while the 4th rt_sigaction is delayed.
@test "a TERM while semwait sets its handlers stops it at once, nothing taken" {
	command -v strace > /dev/null || skip "no strace"
	local s st; s=$(posix_name)
	sempost "$s" && semwait "$s"
	spawn strace -o "$T/st" -e trace=rt_sigaction -e inject=rt_sigaction:delay_exit=3000000:when=4 semwait "$s"
	local sp=$! w
	# semwait's PID first: the delay (3 s) is the window for the TERM.
	w=$(wait_until 5 traced "$sp")
	wait_until 5 grep -q DELAYED "$T/st"
	kill -TERM "$w"
	wait_until 5 gone "$sp"
	st=0
	wait "$sp" || st=$?
	[ "$st" -eq 143 ]
	is_value 0 "$s"
}

# Item 3: every signal that would kill semwait gives the permits back,
# ends the command and kills semwait. A background job ignores INT and
# QUIT, and ALRM under bats --jobs: env puts them back to default.
@test "POSIX: USR1, USR2, ALRM, XCPU, QUIT give the permits back and end the command" {
	local s k sig st cmd; s=$(posix_name); k=$(sysv_key 21)
	sempost "$s"
	for sig in USR1 USR2 ALRM XCPU QUIT; do
		rm -f "$T/pid"
		spawn sigdefault semwait "$s" -- sh -c 'echo $$ > "$1"; exec sleep 100' sh "$T/pid"
		local pid=$!
		wait_until 5 test -s "$T/pid"
		cmd=$(cat "$T/pid")
		is_value 0 "$s"
		kill -"$sig" "$pid"
		st=0
		wait "$pid" || st=$?
		[ "$st" -eq $(( 128 + $(kill -l "$sig") )) ] || { echo "$sig: status $st"; false; }
		wait_until 5 gone "$cmd"
		is_value 1 "$s"
	done
	# While waiting, on both kinds: nothing taken, nothing lost.
	sempost -k "$k"
	spawn sigdefault semwait -c 2 "$s"
	local p1=$!
	spawn sigdefault semwait -c 2 -k "$k"
	local p2=$!
	wait_until 5 is_field waiting 1 -k "$k"
	kill -USR1 "$p1" "$p2"
	st=0
	wait "$p1" || st=$?
	[ "$st" -eq 138 ]
	st=0
	wait "$p2" || st=$?
	[ "$st" -eq 138 ]
	is_value 1 "$s"
	is_value 1 -k "$k"
}

# Item 4: the command inherited semwait's handler before exec and ate the TERM.
@test "POSIX: a TERM passed on before the command's exec ends it" {
	command -v strace > /dev/null || skip "no strace"
	local s st; s=$(posix_name)
	sempost "$s"
	# when= counts in each process: the command's second try along PATH
	# (the first directories are the build's, without sh).
	spawn strace -f -o "$T/st" -e trace=execve -e inject=execve:delay_enter=3000000:when=2 \
		semwait "$s" -- sh -c 'echo ran > "$1"' sh "$T/ran"
	local sp=$! w
	# semwait's PID first: the delay (3 s) is the window for the TERM.
	w=$(wait_until 5 traced "$sp")
	wait_until 5 eval '[ "$(grep -c "execve(.*\[\"sh\"" "$T/st")" -ge 2 ]'
	kill -TERM "$w"
	st=0
	wait "$sp" || st=$?
	[ "$st" -eq 143 ]
	[ ! -e "$T/ran" ]
	is_value 1 "$s"
}

# Item 5: a holder gives the permits back when semwait is killed.
@test "POSIX: SIGKILL of semwait ends the command and gives the permits back" {
	local s cmd; s=$(posix_name)
	sempost -c 2 "$s"
	spawn semwait -c 2 "$s" -- sh -c 'echo $$ > "$1"; exec sleep 100' sh "$T/pid"
	local pid=$!
	wait_until 5 test -s "$T/pid"
	cmd=$(cat "$T/pid")
	is_value 0 "$s"
	kill -KILL "$pid"
	wait_until 5 gone "$cmd"
	wait_until 5 is_value 2 "$s"
	# The command killed: semwait gives them back, dies of the same.
	rm "$T/pid"
	spawn semwait -c 2 "$s" -- sh -c 'echo $$ > "$1"; exec sleep 100' sh "$T/pid"
	pid=$!
	wait_until 5 test -s "$T/pid"
	kill -KILL "$(cat "$T/pid")"
	local st=0
	wait "$pid" || st=$?
	[ "$st" -eq 137 ]
	is_value 2 "$s"
}

# Item 5: the holder itself killed (SIGKILL, the OOM killer): its record
# in the semaphore's file shows the permits lost, with its PID, and
# sempost --recover gives them back, once.
@test "POSIX: SIGKILL of the holder: semwait -s shows the permits lost with its PID, sempost --recover gives them back (issue 25.5)" {
	local s pid holder st; s=$(posix_name)
	sempost -c 3 "$s"
	spawn semwait -c 2 "$s" -- sh -c 'echo $$ > "$1"; exec sleep 100' sh "$T/pid" 2> "$T/err"
	pid=$!
	wait_until 5 test -s "$T/pid"
	wait_until 5 is_field held 2 "$s"
	holder=$(field held-by "$s")
	holder=${holder%:2}
	# The holder is semwait's child, not the command.
	[ "$(ps -o ppid= -p "$holder" | tr -d ' ')" = "$pid" ]
	run semwait -s "$s"
	assert_line "held-by: $holder:2"
	assert_line "lost: 0"
	kill -KILL "$holder"
	wait_until 5 is_field lost 2 "$s"
	run semwait -s "$s"
	assert_line "held: 0"
	assert_line "lost-by: $holder:2"
	assert_line "value: 1"
	run ipcls --noheadings -o lost --name "${s#/}"
	assert_output "2"
	ipcls --json -o lost --name "${s#/}" | grep -qF '{"lost":2}'
	run sempost --recover "$s"
	assert_success
	assert_output "recovered: 2
recovered-from: $holder:2"
	is_value 3 "$s"
	is_field lost 0 "$s"
	run ipcls --noheadings -o lost --name "${s#/}"
	assert_output "0"
	run sempost --recover "$s"
	assert_output "recovered: 0"
	# semwait ends as its command does, says what happened and posts
	# nothing itself: the value stays where the recovery put it.
	kill -TERM "$(cat "$T/pid")"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	is_value 3 "$s"
	grep -qF "semwait: $s: the holder of the permits was killed" "$T/err"
}

# Item 6: -c N on POSIX holds nothing while it waits.
@test "POSIX: semwait -c N holds nothing while it waits; a flock on the file stops nobody" {
	local s st; s=$(posix_name)
	sempost -c 3 "$s"
	spawn semwait -c 5 -T 20 "$s"
	local big=$!
	wait_until 5 sleeping "$big"
	run semwait -T 2 "$s"
	assert_success
	is_value 2 "$s"
	sempost -c 3 "$s"
	st=0
	wait "$big" || st=$?
	[ "$st" -eq 0 ]
	is_value 0 "$s"
	# A reader's flock on the file once held every multi-permit taker.
	sempost -c 4 "$s"
	chmod 644 "/dev/shm/sem.${s#/}"
	spawn as_nobody flock "/dev/shm/sem.${s#/}" sleep 100
	wait_until 5 eval 'lslocks -n -o PATH | grep -q "sem.${s#/}"'
	run semwait -c 2 -T 1 "$s"
	assert_success
	is_value 2 "$s"
}

# Item 8: -T 0 tries once.
@test "semwait -T 0 tries once, on both kinds" {
	local s k; s=$(posix_name); k=$(sysv_key 22)
	sempost -c 2 "$s"
	sempost -c 2 -k "$k"
	semwait -T 0 "$s"
	semwait -T 0 -k "$k"
	semwait -T 0 -c 1 "$s"
	is_value 0 "$s"
	is_value 1 -k "$k"
	run semwait -T 0 -c 2 -k "$k"
	assert_failure 124
	assert_output --regexp ': not enough permits free within 0s$'
	run semwait -T 0 "$s"
	assert_failure 124
	semwait -k "$k"
	semwait -z -T 0 -k "$k"
	sempost -k "$k"
	run semwait -z -T 0 -k "$k"
	assert_failure 124
	assert_output --regexp ': the value is not 0 within 0s$'
}

@test "-W waits for the semaphore to appear, POSIX and System V; -T bounds both waits (issue 23.2)" {
	local s k pid st=0
	s=$(posix_name)
	spawn semwait -W -T 30 "$s"
	pid=$!
	wait_until 10 watching "$pid"
	sempost "$s"
	wait "$pid" || st=$?
	assert_equal "$st" 0
	k=$(sysv_key 1)
	spawn semwait -W -T 30 -k "$k"
	pid=$!
	kill -0 "$pid"
	sempost -k "$k"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 0
	s=$(posix_name)
	run semwait -W -T 100ms "$s"
	assert_failure 124
	assert_output "semwait: $s: no such semaphore within 100ms"
}
