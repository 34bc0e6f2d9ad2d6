#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# duplex: two commands joined both ways.
# shellcheck disable=SC2016 # the commands' own scripts, for their shell

load helper
bats_require_minimum_version 1.5.0

# Side programs, as files, so the commands need no shell string juggling.
setup() {
	ipc_setup
	# ping: says ping, keeps the answer in $T/answer.
	cat > "$T/ping" <<-'SH'
	echo ping
	read -r r
	printf '%s\n' "$r" > "$1/answer"
	SH
	# pong: answers a line with the line and pong.
	cat > "$T/pong" <<-'SH'
	read -r p
	echo "${p}pong"
	SH
	# bulk DIR NAME: sends 20 MiB of random bytes and keeps what it gets.
	cat > "$T/bulk" <<-'SH'
	head -c 20M /dev/urandom > "$1/$2.sent"
	cat "$1/$2.sent" & exec >&-
	cat > "$1/$2.got"
	wait
	SH
}

@test "ping-pong: each command's output is the other's input" {
	run duplex sh "$T/ping" "$T" = sh "$T/pong"
	assert_success
	assert_output ''
	[ "$(cat "$T/answer")" = pingpong ]
}

@test "20 MiB each way at the same time: byte-exact, no deadlock" {
	run timeout 60 duplex sh "$T/bulk" "$T" a = sh "$T/bulk" "$T" b
	assert_success
	cmp "$T/a.sent" "$T/b.got"
	cmp "$T/b.sent" "$T/a.got"
}

@test "20 MiB each way with --trace: byte-exact, and all of it in the transcript" {
	run timeout 60 duplex --trace "$T/tr" sh "$T/bulk" "$T" a = sh "$T/bulk" "$T" b
	assert_success
	cmp "$T/a.sent" "$T/b.got"
	cmp "$T/b.sent" "$T/a.got"
	# 20 MiB each way plus a header line and a newline per chunk.
	[ "$(stat -c %s "$T/tr")" -gt $((40 * 1024 * 1024)) ]
	[ "$(grep -ac '^[12]>[12] [0-9.]* EOF$' "$T/tr")" -eq 2 ]
}

@test "each end closes when its writer exits: a reader to EOF ends" {
	run timeout 10 duplex printf 'a\nb\n' = sh -c "wc -l > '$T/n'"
	assert_success
	[ "$(tr -d ' ' < "$T/n")" = 2 ]
}

@test "status: COMMAND1's if it failed, else COMMAND2's" {
	run duplex sh -c 'exit 3' = sh -c 'exit 5'
	assert_failure 3
	run duplex true = sh -c 'exit 5'
	assert_failure 5
	run duplex sh -c 'exit 4' = true
	assert_failure 4
	run duplex true = true
	assert_success
}

@test "status: a command killed by signal N counts as 128+N, either side" {
	run duplex sh -c 'kill -TERM $$' = true
	assert_failure 143
	run duplex true = sh -c 'kill -KILL $$'
	assert_failure 137
}

@test "status: 127 for a command not found, 126 for one that cannot run" {
	run -127 duplex no-such-command-here = true
	assert_failure 127
	assert_output --partial "duplex: no-such-command-here: cannot run:"
	printf 'echo hi\n' > "$T/noexec"
	chmod 644 "$T/noexec"
	run duplex true = "$T/noexec"
	assert_failure 126
	assert_output --partial "$T/noexec: cannot run: Permission denied"
}

@test "--status-fd tells both statuses; -v says how each ended" {
	run duplex --status-fd 3 sh -c 'exit 3' = sh -c 'kill -TERM $$' 3>"$T/st"
	assert_failure 3
	[ "$(cat "$T/st")" = "3 143" ]
	run duplex -v true = sh -c 'kill -TERM $$'
	assert_failure 143
	assert_line "duplex: true: exited with status 0"
	assert_line "duplex: sh: killed by signal TERM (status 143)"
	run duplex --status-fd 3 true = true 3>/dev/full
	assert_failure 125
	assert_output "duplex: status fd 3: write error: No space left on device"
	run duplex --status-fd 9 true = true
	assert_failure 2
	assert_line --index 0 "duplex: --status-fd: 9 is not an open file descriptor"
	# Marked close-on-exec, 0-2 would start the commands without them.
	local n
	for n in 0 1 2; do
		run duplex --status-fd "$n" sh -c "echo ran > '$T/ran'" = true
		assert_failure 2
		assert_line --index 0 "duplex: --status-fd: $n is a standard stream: use 3 or more"
		[ ! -e "$T/ran" ]
	done
}

# The PIDs of duplex's children, once both have started (run their
# command): not duplex's watcher, a fork of duplex.
children_of() {
	local pids
	pids=$(ps -o pid=,comm= --ppid "$1" | awk '$2 != "duplex" { print $1 }' | tr '\n' ' ')
	[ "$(wc -w <<<"$pids")" -eq 2 ] && echo "$pids"
}

gone() {
	local p
	for p; do ! kill -0 "$p" 2>/dev/null || return 1; done
}

@test "SIGTERM to duplex reaches both commands and what they started" {
	spawn duplex sh -c "sleep 1000 & echo \$! > '$T/g1'; wait" = sleep 1000
	local d=$! kids
	wait_until 10 children_of "$d"
	wait_until 10 test -s "$T/g1"
	kids=$(children_of "$d")
	kill -TERM "$d"
	local st=0
	wait "$d" || st=$?
	[ "$st" -eq 143 ]
	# shellcheck disable=SC2086 # two PIDs
	wait_until 10 gone $kids "$(cat "$T/g1")"
}

@test "SIGKILL to duplex leaves no command behind" {
	spawn duplex sleep 1000 = sleep 1000
	local d=$! kids
	wait_until 10 children_of "$d"
	kids=$(children_of "$d")
	kill -KILL "$d"
	# shellcheck disable=SC2086 # two PIDs
	wait_until 10 gone $kids
}

@test "SIGKILL to duplex leaves nothing behind: what the commands started dies too" {
	spawn duplex sh -c "sleep 1000 & echo \$! > '$T/g1'; wait" \
		= sh -c "sleep 1000 & echo \$! > '$T/g2'; wait"
	local d=$! kids
	wait_until 10 children_of "$d"
	wait_until 10 test -s "$T/g1" -a -s "$T/g2"
	kids=$(children_of "$d")
	kill -KILL "$d"
	# shellcheck disable=SC2086 # two PIDs
	wait_until 10 gone $kids "$(cat "$T/g1")" "$(cat "$T/g2")" || {
		kill "$(cat "$T/g1")" "$(cat "$T/g2")"
		false
	}
}

@test "duplex ends of its own accord: what a command left running stays, no watcher left" {
	run timeout 20 duplex sh -c "sleep 1000 >/dev/null 2>&1 & echo \$! > '$T/g1'" = true
	assert_success
	kill -0 "$(cat "$T/g1")"
	kill "$(cat "$T/g1")"
	# The watcher (a fork of duplex) is waited for: gone when duplex is.
	spawn duplex sleep 1000 = sleep 1000
	local d=$! w st=0
	wait_until 10 children_of "$d"
	w=$(ps -o pid=,comm= --ppid "$d" | awk '$2 == "duplex" { print $1 }')
	[ -n "$w" ]
	kill -TERM "$d"
	wait "$d" || st=$?
	[ "$st" -eq 143 ]
	run ! kill -0 "$w"
}

@test "INT and HUP are passed on too" {
	local sig d st
	for sig in INT HUP; do
		# A background job starts with INT ignored; duplex keeps what it
		# was given, so give it the default.
		spawn sigdefault duplex sleep 1000 = sleep 1000
		d=$!
		wait_until 10 children_of "$d"
		kill -"$sig" "$d"
		st=0
		wait "$d" || st=$?
		[ "$st" -eq $((128 + $(kill -l "$sig"))) ]
	done
}

@test "--grace: the other side gets TERM after DURATION, then KILL" {
	run timeout 20 duplex --grace 100ms true = sleep 1000
	assert_failure 143
	run timeout 20 duplex -v --grace 0.1 sh -c "trap '' TERM; sleep 1000" = true
	assert_failure 137
	assert_line --partial "sh: still running 0.1s after true ended: sending TERM"
	assert_line --partial "sh: still running 0.1s after true ended: sending KILL"
}

@test "without --grace duplex waits for the other side" {
	run timeout 20 duplex true = sh -c 'sleep 0.3; exit 4'
	assert_failure 4
}

# sed block-buffers its output into a pipe: a dialogue with it deadlocks
# unless it has a terminal.
@test "--pty B: a program that buffers into a pipe answers line by line" {
	run timeout 20 duplex --pty B sh "$T/ping" "$T" = sed 's/$/pong/'
	assert_success
	[ "$(cat "$T/answer")" = pingpong ]
}

@test "--pty A: that side's input and output are a terminal, the other's not" {
	run timeout 20 duplex --pty A sh -c '[ -t 0 ] && [ -t 1 ] && echo tty; read -r x; echo "$x" > "$0/b"' "$T" \
		= sh -c "read -r x; echo \"\$x\" > '$T/a'; [ -t 0 ] || echo pipe"
	assert_success
	[ "$(cat "$T/a")" = tty ]
	[ "$(cat "$T/b")" = pipe ]
}

@test "--pty with --trace: the terminal side's chunks are in the transcript" {
	run timeout 20 duplex --pty B --trace "$T/tr" sh "$T/ping" "$T" = sed 's/$/pong/'
	assert_success
	[ "$(cat "$T/answer")" = pingpong ]
	run grep -c -x -e ping -e pingpong "$T/tr"
	assert_output 2
}

@test "--pty: the terminal side reads to end of file when the other side ends" {
	run timeout 20 duplex --pty B printf 'one\ntwo' = sh -c "cat > '$T/got'"
	assert_success
	[ "$(cat "$T/got")" = "$(printf 'one\ntwo')" ]
}

@test "--pty: a 10000-byte line and a Ctrl-D byte reach the terminal side whole" {
	{ head -c 10000 /dev/zero | tr '\0' x; printf '\nab\n\4cd\n'; } > "$T/in"
	run timeout 20 duplex --pty B cat "$T/in" = sh -c "cat > '$T/got'"
	assert_success
	cmp "$T/in" "$T/got"
	# The other way, and with the terminal on the reading side of COMMAND1.
	run timeout 20 duplex --pty A sh -c "cat > '$T/got2'" = cat "$T/in"
	assert_success
	cmp "$T/in" "$T/got2"
	# Every byte value, lines of any length.
	head -c 1M /dev/urandom > "$T/in"
	run timeout 60 duplex --pty B cat "$T/in" = sh -c "cat > '$T/got'"
	assert_success
	cmp "$T/in" "$T/got"
}

@test "--pty: what the terminal side writes reaches the other side as it is" {
	{ head -c 10000 /dev/zero | tr '\0' y; printf '\r\nab\n\4\3cd\n'; } > "$T/in"
	run timeout 20 duplex --pty A cat "$T/in" = sh -c "cat > '$T/got'"
	assert_success
	cmp "$T/in" "$T/got"
}

@test "--pty: the terminal side leaves input unread: duplex drops it and ends" {
	# Its input full, then the command gone: the master says POLLHUP and
	# takes nothing more; duplex spun on it for ever.
	run timeout -s KILL 20 duplex --pty A sh -c 'exec 0<&-; sleep 0.5' = seq 100000
	[ "$status" -ne 137 ]
	run timeout -s KILL 20 duplex --pty B seq 100000 = sh -c 'exec 0<&-; sleep 0.5'
	[ "$status" -ne 137 ]
}

@test "--fds: the channels on fds 6 and 7, stdin and stdout left alone" {
	run duplex --fds sh -c 'echo hi >&7; read -r x <&6; echo "1 got $x $DUPLEX_IN_FD $DUPLEX_OUT_FD"' \
		= sh -c 'read -r x <&6; echo "$x!" >&7; echo "2 saw $x"'
	assert_success
	assert_line "1 got hi! 6 7"
	assert_line "2 saw hi"
}

@test "--trace: both directions in order, marked with direction and time" {
	run duplex --trace "$T/tr" sh "$T/ping" "$T" = sh "$T/pong"
	assert_success
	[ "$(stat -c %a "$T/tr")" = 600 ]
	run sed -nE 's/^([12]>[12]) [0-9]+\.[0-9]{6} ([0-9]+|EOF|GONE)$/\1 \2/p' "$T/tr"
	assert_line --index 0 "1>2 5"
	assert_line --index 1 "2>1 9"
	# Then both ends, at once, in either order: each ends by its writer
	# leaving (EOF) or its reader leaving (GONE), whichever duplex saw first.
	[ "${#lines[@]}" -eq 4 ]
	assert_line --regexp '^1>2 (EOF|GONE)$'
	assert_line --regexp '^2>1 (EOF|GONE)$'
	run cat "$T/tr"
	assert_line --index 1 ping
	assert_line --index 3 pingpong # bats drops the empty line between
	# Times never go back.
	run awk '/^[12]>[12] / { if ($2 < last) bad = 1; last = $2 } END { exit bad }' "$T/tr"
	assert_success
}

@test "--trace to /dev/full: said once, the commands still finish, status 125" {
	run duplex --trace /dev/full sh "$T/ping" "$T" = sh "$T/pong"
	assert_failure 125
	assert_line --index 0 "duplex: /dev/full: write error: No space left on device"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cat "$T/answer")" = pingpong ]
	run duplex --trace "$T/no/such/dir" true = true
	assert_failure 125
	assert_output "duplex: $T/no/such/dir: cannot create the transcript: No such file or directory"
}

@test "the separator: the first '=' only; -S for a literal '=' in COMMAND1" {
	run duplex true = sh -c "echo \"\$1\" > '$T/eq1'" sh =
	assert_success
	[ "$(cat "$T/eq1")" = "=" ]
	run duplex -S :: sh -c "echo \"\$1\" > '$T/eq'" sh = :: true
	assert_success
	[ "$(cat "$T/eq")" = "=" ]
}

@test "usage errors: status 2, nothing run" {
	run duplex true
	assert_failure 2
	assert_line --index 0 "duplex: missing '=' between the two commands"
	assert_line --index 1 "Try 'duplex --help'."
	run duplex = true
	assert_failure 2
	assert_line --index 0 "duplex: missing COMMAND1 before '='"
	# The word an option took is named with it (issue 23.7).
	run duplex --trace cat = cat
	assert_failure 2
	assert_line --index 0 "duplex: missing COMMAND1 before '=': --trace took 'cat' as its argument"
	run duplex --trace=cat = cat
	assert_line --index 0 "duplex: missing COMMAND1 before '=': --trace took 'cat' as its argument"
	run duplex true =
	assert_failure 2
	assert_line --index 0 "duplex: missing COMMAND2 after '='"
	run duplex
	assert_failure 2
	run duplex -x true = true
	assert_failure 2
	assert_line --index 0 "duplex: invalid option -- 'x'"
	run duplex --pty C true = true
	assert_failure 2
	run duplex --grace soon true = true
	assert_failure 2
	run duplex --fds --pty A true = true
	assert_failure 2
	run duplex -S '' true = true
	assert_failure 2
}

@test "options end at COMMAND1: its own options are left to it" {
	run duplex sh -c 'echo "$1" >&2' sh -v = true
	assert_success
	assert_output -- "-v"
}

@test "duplex's own stdout and stderr closed or /dev/full" {
	run sh -c "duplex sh '$T/ping' '$T' = sh '$T/pong' >&- 2>&-"
	assert_success
	[ "$(cat "$T/answer")" = pingpong ]
	run -127 sh -c "duplex no-such-command-here = true > /dev/full 2>/dev/full"
	assert_failure 127
	run sh -c "duplex -v true = true 2>&-"
	assert_success
}

@test "duplex and sockpipe: a command talks to a server through a socket" {
	spawn sockpipe -l -e "unix:$T/s" -- sh "$T/pong"
	wait_for_socket --timeout 10 "$T/s"
	# The client ends its output once it has its answer (a peer's close
	# does not stop sockpipe sending: only the end of its input does), and
	# reads to the end: sockpipe counts a reader that left before the
	# socket closed as an error.
	run timeout 20 duplex sh -c '. "$1/ping"; exec >&-; cat > /dev/null' sh "$T" = sockpipe "unix:$T/s"
	assert_success
	[ "$(cat "$T/answer")" = pingpong ]
}
