#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# lib/signame (signal names and numbers) and lib/pidfile, through tests/sigtest.c.

bats_require_minimum_version 1.5.0
load helper

rt() { read -r RTMIN RTMAX < <(sigtest rt); }

@test "signame: names with or without SIG, in any case, and numbers" {
	local s
	for s in TERM SIGTERM term SigTerm 15; do
		run sigtest parse "$s"
		assert_success
		assert_output 15
	done
	run sigtest parse USR1
	assert_output 10
	run sigtest parse 0
	assert_output 0
	run sigtest parse IOT
	assert_output 6
	run sigtest parse cld
	assert_output 17
	run sigtest parse SIGPOLL
	assert_output 29
}

@test "signame: RTMIN+N and RTMAX-N, up to the ends of the range" {
	rt
	run sigtest parse RTMIN
	assert_output "$RTMIN"
	run sigtest parse sigrtmin+3
	assert_output "$((RTMIN + 3))"
	run sigtest parse RTMAX
	assert_output "$RTMAX"
	run sigtest parse RTMAX-2
	assert_output "$((RTMAX - 2))"
	run sigtest parse "RTMIN+$((RTMAX - RTMIN))"
	assert_output "$RTMAX"
	run sigtest parse "RTMAX-$((RTMAX - RTMIN))"
	assert_output "$RTMIN"
	run sigtest parse "$RTMAX"
	assert_output "$RTMAX"
}

@test "signame: numbers back to names, real-time ones split at the middle" {
	rt
	run sigtest name 15
	assert_output TERM
	run sigtest name 9
	assert_output KILL
	run sigtest name 6
	assert_output ABRT
	run sigtest name "$RTMIN"
	assert_output RTMIN
	run sigtest name "$((RTMIN + 1))"
	assert_output RTMIN+1
	run sigtest name "$RTMAX"
	assert_output RTMAX
	run sigtest name "$((RTMAX - 1))"
	assert_output RTMAX-1
	# Every named signal goes back to its own number.
	local n name
	for ((n = 1; n <= RTMAX; n++)); do
		sigtest named "$n" || continue
		name=$(sigtest name "$n")
		[ "$(sigtest parse "$name")" = "$n" ] || { echo "$n -> $name"; false; }
	done
	# 0 and the numbers the C library keeps have no name: their number.
	run sigtest name 0
	assert_output 0
	if ((RTMIN > 32)); then
		run sigtest named 32
		assert_failure 1
		run sigtest name 32
		assert_output 32
	fi
}

@test "signame: unknown names and numbers out of range are usage errors" {
	rt
	local bad
	for bad in "" FOO SIG TERMX " TERM" -15 +15 RTMIN+ RTMIN-1 RTMAX+1 RTMIN+x 1.5; do
		run sigtest parse "$bad"
		assert_failure 2
		assert_output "sigtest: unknown signal '$bad' (a name such as TERM, a number, RTMIN+N or RTMAX-N)
Try 'sigtest --help'."
	done
	run sigtest parse FOO 1
	assert_line --index 0 "sigtest: --signal: unknown signal 'FOO' (a name such as TERM, a number, RTMIN+N or RTMAX-N)"
	run sigtest parse "$((RTMAX + 1))"
	assert_failure 2
	assert_line --index 0 "sigtest: signal '$((RTMAX + 1))' is out of range (0 to $RTMAX)"
	run sigtest parse "RTMIN+$((RTMAX - RTMIN + 1))"
	assert_failure 2
	assert_line --index 0 "sigtest: signal 'RTMIN+$((RTMAX - RTMIN + 1))' is out of range (0 to $RTMAX)"
	run sigtest parse RTMAX-99999999999999999999999
	assert_failure 2
	assert_line --index 0 --partial "is out of range"
	run sigtest parse 99999999999999999999999
	assert_failure 2
	assert_line --index 0 --partial "is out of range"
	run sigtest parse 0 1
	assert_failure 2
	assert_line --index 0 "sigtest: --signal: signal '0' is out of range (1 to $RTMAX)"
}

@test "pidfile: one positive number, optional newline" {
	printf '123\n' > "$T/p"
	run sigtest readpid "$T/p"
	assert_success
	assert_output 123
	printf '456' > "$T/p"
	run sigtest readpid "$T/p"
	assert_output 456
}

@test "pidfile: the PID, then start= its start time on a line of its own" {
	printf '123\nstart=4567\n' > "$T/p"
	run sigtest readpid "$T/p"
	assert_success
	assert_output $'123\nstart 4567'
	printf '123\nstart=0' > "$T/p"
	run sigtest readpid "$T/p"
	assert_output $'123\nstart 0'
	# What is written is this process's start time, as /proc says it.
	sigtest writepid "$T/p" $$
	run sigtest readpid "$T/p"
	assert_output "$$"$'\n'"start $(sed 's/.*) //' "/proc/$$/stat" | cut -d' ' -f20)"
}

@test "pidfile: missing, empty and malformed files are named" {
	run sigtest readpid "$T/missing"
	assert_failure 1
	assert_output "sigtest: $T/missing: cannot open pidfile: No such file or directory"
	: > "$T/p"
	run sigtest readpid "$T/p"
	assert_failure 1
	assert_output "sigtest: $T/p: pidfile is empty"
	local bad
	for bad in 'abc' '0' '-1' '12 ' ' 12' '1\n2\n' '1\nstart=2\n3\n' '12\n\n' '1\nstart=02\n' \
		'1\nstart=-2\n' '1\nstart= 2' '1\nstart=' '1\nstart=99999999999999999999999' '0x10' '012' '99999999999' '1\0' '1\n2\0'; do
		# shellcheck disable=SC2059 # the format is the test data
		printf -- "$bad" > "$T/p"
		run sigtest readpid "$T/p"
		assert_failure 1
		assert_output "sigtest: $T/p: pidfile does not hold one positive process ID"
	done
	head -c 100 /dev/zero | tr '\0' 1 > "$T/p"
	run sigtest readpid "$T/p"
	assert_failure 1
	mkdir "$T/d"
	run sigtest readpid "$T/d"
	assert_failure 1
	assert_output "sigtest: $T/d: pidfile is not a regular file"
}

@test "pidfile: written whole by rename, mode 600 whatever the umask, nothing left over" {
	run sigtest writepid "$T/p" 42
	assert_success
	assert_equal "$(head -n 1 "$T/p")" 42
	assert_equal "$(stat -c %a "$T/p")" 600
	(umask 000 && sigtest writepid "$T/p" 43)
	assert_equal "$(head -n 1 "$T/p")" 43
	assert_equal "$(stat -c %a "$T/p")" 600
	run ls -A "$T"
	assert_output $'p\ntmp'
	(cd "$T" && sigtest writepid rel 7)
	assert_equal "$(head -n 1 "$T/rel")" 7
	run sigtest writepid "$T/nodir/p" 1
	assert_failure 1
	assert_output --partial "sigtest: $T/nodir/p: cannot write pidfile: No such file or directory"
}
