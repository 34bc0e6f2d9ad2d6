#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# mqrecv: receiving, waiting, draining, and never losing a message.

bats_require_minimum_version 1.5.0
load helper

qn() { echo "/${IPCUT_PREFIX}q$1"; }
setup() { ipc_setup; }
teardown() {
	local i
	for i in 1 2 3; do mqrecv -s -u "$(qn "$i")" >/dev/null 2>&1; done
	ipc_teardown
}

# messages Q: how many wait in queue Q (mqrecv -s).
messages() {
	mqrecv -s "$@" | sed -n 's/^messages: //p'
}

# left_or_lost N I ERR Q...: the reader left: N messages wait in queue Q,
# or N - 1 and ERR counts message I of mqrecv's run, which it had written,
# as lost (it takes the next once the reader has read the last, and the
# reader may leave before it reads that one).
left_or_lost() {
	local n=$1 i=$2 err=$3 left
	shift 3
	left=$(messages "$@")
	[ "$left" -eq "$n" ] && ! grep -q lost "$err" && return
	[ "$left" -eq $((n - 1)) ] && grep -q "1 message lost, message $i of this run" "$err" && return
	echo "queue: $left; expected $n, or $((n - 1)) with one lost: $(cat "$err")" >&2
	return 1
}

@test "mqrecv: one message by default, -c N for N" {
	q=$(qn 1)
	mqsend "$q" a b c d
	run mqrecv "$q"
	assert_success
	assert_output a
	run mqrecv -c 2 "$q"
	assert_output "b
c"
	assert_queue_length "$q" 1
}

@test "mqrecv: waits for a message, and a waiting -f sees each at once" {
	q=$(qn 1)
	mqsend "$q" first
	mqrecv "$q" >/dev/null
	spawn mqrecv -f "$q" > "$T/out"
	mqsend "$q" one two three
	wait_until 10 bash -c "[ \$(wc -l < '$T/out') -eq 3 ]"
	mqsend "$q" four
	wait_until 10 bash -c "[ \$(wc -l < '$T/out') -eq 4 ]"
	run cat "$T/out"
	assert_output "one
two
three
four"
}

@test "mqrecv: -f | head -n 3: what head did not read stays in the queue (POSIX and System V)" {
	# One message at a time in the pipe: head reads no more than its 3,
	# and the 4th, if written before head left, is counted lost.
	q=$(qn 1)
	seq 10 | mqsend "$q"
	run bash -c "mqrecv -f '$q' 2>'$T/err' | head -n 3"
	assert_output "$(seq 3)"
	left_or_lost 7 4 "$T/err" "$q"
	run tail -n 1 "$T/err"
	assert_output --regexp "^mqrecv: (standard output: write error: Broken pipe|$q: 1 message lost, message 4 of this run: the reader left before reading all of standard output)$"
	left=$(messages "$q")
	run bash -c "mqrecv -c $left '$q' | sort -n"
	assert_output "$(seq $((11 - left)) 10)"
	k=$(sysv_key 1)
	seq 10 | mqsend -k "$k"
	run bash -c "mqrecv -f -k $k 2>'$T/err' | head -n 3"
	assert_output "$(seq 3)"
	left_or_lost 7 4 "$T/err" -k "$k"
	left=$(messages -k "$k")
	run bash -c "mqrecv -c $left -k $k | sort -n"
	assert_output "$(seq $((11 - left)) 10)"
}

@test "mqrecv: a reader that stops reading leaves the rest in the queue" {
	q=$(qn 1)
	seq 10 | mqsend "$q"
	run bash -c "mqrecv -f '$q' 2>'$T/err' | { read -r a; read -r b; echo \$a \$b; }"
	assert_output "1 2"
	left_or_lost 8 3 "$T/err" "$q"
	left=$(messages "$q")
	run bash -c "mqrecv -c $left '$q' | sort -n"
	assert_output "$(seq $((11 - left)) 10)"
}

@test "mqrecv: -n -c 100 on a queue of 5 drains 5 with status 0; -n on empty gives 124" {
	q=$(qn 1)
	seq 5 | mqsend "$q"
	run mqrecv -n -c 100 "$q"
	assert_success
	assert_output "$(seq 5)"
	run mqrecv -n "$q"
	assert_failure 124
	assert_output "mqrecv: $q: no message waiting"
	run mqrecv -n -f "$q"
	assert_failure 124
	assert_output ""
	k=$(sysv_key 1)
	seq 5 | mqsend -k "$k"
	run mqrecv -n -f -k "$k"
	assert_success
	assert_output "$(seq 5)"
}

# Issue 23.3: -T is the total time, as in every tool; --idle-timeout the
# wait for each message (what -T was).
@test "mqrecv: -T bounds a -f drain in all, --idle-timeout each wait" {
	q=$(qn 1)
	mqsend "$q" first
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn sh -c 'for i in $(seq 15); do sleep 0.2; mqsend "$0" "m$i"; done' "$q"
	local feeder=$!
	# Messages keep coming, each within 0.2 s: only -T ends the drain.
	run timeout 10 mqrecv -f -T 1 "$q"
	assert_success
	assert_line --index 0 first
	[ "${#lines[@]}" -lt 10 ]
	run timeout 10 mqrecv -f --idle-timeout 1 "$q"
	assert_success
	assert_line --index "$((${#lines[@]} - 1))" m15
	wait "$feeder" # (a bare wait would wait for bats' timeout watchdog too)
	run mqrecv --idle-timeout 0.2 "$q"
	assert_failure 124
	assert_output "mqrecv: $q: no message within 0.2s"
}

@test "mqrecv: -T 0.2 on an empty queue gives 124 and takes nothing" {
	q=$(qn 1)
	mqsend "$q" x
	mqrecv "$q" >/dev/null
	run mqrecv -T 0.2 "$q"
	assert_failure 124
	assert_output "mqrecv: $q: no message within 0.2s"
	k=$(sysv_key 1)
	mqsend -k "$k" x
	mqrecv -k "$k" >/dev/null
	run mqrecv -T 200ms -k "$k"
	assert_failure 124
	assert_output --regexp "^mqrecv: key 0x[0-9a-f]+: no message within 200ms$"
	# Having given up, it took nothing: a message sent after it stays.
	mqsend -k "$k" z
	assert_queue_length -k "$k" 1
	mqsend "$q" y
	run mqrecv -T 5 "$q"
	assert_success
	assert_output y
}

@test "mqrecv: System V type selection with 0, >0 and <0" {
	k=$(sysv_key 1)
	mqsend -k "$k" --type 5 five
	mqsend -k "$k" --type 2 two
	mqsend -k "$k" --type 9 nine
	mqsend -k "$k" --type 3 three
	run mqrecv -k "$k" --type 9 -P
	assert_output "9	nine"
	run mqrecv -k "$k" --type -4 -P
	assert_output "2	two"
	run mqrecv -k "$k" --type 0 -P
	assert_output "5	five"
	run mqrecv -k "$k" -n --type 7
	assert_failure 124
	run mqrecv -k "$k" -P
	assert_output "3	three"
}

@test "mqrecv: binary messages and empty ones round-trip with -a and -r" {
	q=$(qn 1)
	head -c 3000 /dev/urandom > "$T/bin"
	printf 'a\0\0b\n' >> "$T/bin"
	mqsend -a "$q" < "$T/bin"
	mqrecv -r "$q" > "$T/out"
	cmp "$T/bin" "$T/out"
	mqsend -a "$q" < /dev/null
	mqrecv -r "$q" > "$T/out"
	[ ! -s "$T/out" ]
	k=$(sysv_key 1)
	mqsend -a -k "$k" < "$T/bin"
	mqrecv -r -k "$k" > "$T/out"
	cmp "$T/bin" "$T/out"
}

@test "mqrecv: no message is truncated: the largest a queue takes comes out whole" {
	q=$(qn 1)
	local size
	size=$(cat /proc/sys/fs/mqueue/msgsize_max)
	mqsend --msg-size "$size" --max-msgs 2 "$q" start
	mqrecv "$q" >/dev/null
	head -c "$size" /dev/urandom > "$T/bin"
	mqsend -a "$q" < "$T/bin"
	mqrecv -r "$q" > "$T/out"
	cmp "$T/bin" "$T/out"
	k=$(sysv_key 1)
	head -c "$(cat /proc/sys/kernel/msgmax)" /dev/urandom > "$T/bin"
	mqsend -a -k "$k" < "$T/bin"
	mqrecv -r -k "$k" > "$T/out"
	cmp "$T/bin" "$T/out"
}

@test "mqrecv: -0 and -P framing" {
	q=$(qn 1)
	mqsend --priority 3 "$q" x y
	run bash -c "mqrecv -0 -P -c 2 '$q' | tr '\\0' '|'"
	assert_output "3	x|3	y|"
}

@test "mqrecv: -s prints attributes and takes nothing; -u removes the queue" {
	q=$(qn 1)
	mqsend --max-msgs 4 --msg-size 128 "$q" a b
	run mqrecv -s "$q"
	assert_success
	assert_output --regexp "^kind: posix-mq
name: $q
mode: 0600
owner: root
group: root
max-messages: 4
message-size: 128
messages: 2
changed: [0-9-]+T[0-9:]+Z$"
	run mqrecv -u -c 2 "$q"
	assert_output "a
b"
	run mqrecv -s "$q"
	assert_failure 1
	assert_output "mqrecv: $q: no such message queue"
	k=$(sysv_key 1)
	mqsend -k "$k" hello
	run mqrecv -s -k "$k"
	assert_line "kind: sysv-msg"
	assert_line "name: $(printf 0x%08x "$k")"
	assert_line "key: $(printf 0x%08x "$k")"
	assert_line "mode: 0600"
	assert_line "messages: 1"
	assert_line "bytes: 5"
	assert_line "message-size: $(cat /proc/sys/kernel/msgmax)"
	run mqrecv -u -k "$k"
	assert_output hello
	run mqrecv -k "$k"
	assert_failure 1
	assert_output --regexp "^mqrecv: key 0x[0-9a-f]+: no such message queue$"
}

@test "mqrecv: -f ends with status 0 on SIGTERM and SIGINT, all it took written" {
	q=$(qn 1)
	local sig
	for sig in TERM INT; do
		mqsend "$q" one two
		mqrecv -f "$q" > "$T/out" &
		pid=$!
		wait_until 10 bash -c "[ \$(wc -l < '$T/out') -eq 2 ]"
		kill -"$sig" "$pid"
		wait "$pid"
		run cat "$T/out"
		assert_output "one
two"
	done
	k=$(sysv_key 1)
	mqsend -k "$k" one
	mqrecv -f -k "$k" > "$T/out" &
	pid=$!
	wait_until 10 bash -c "[ \$(wc -l < '$T/out') -eq 1 ]"
	kill -TERM "$pid"
	wait "$pid"
}

@test "mqrecv: stdout to /dev/full puts the message back and says so" {
	q=$(qn 1)
	mqsend --priority 4 "$q" keep
	run bash -c "mqrecv -n '$q' > /dev/full"
	assert_failure 1
	assert_output "mqrecv: $q: 1 message put back into the queue
mqrecv: standard output: write error: No space left on device"
	run mqrecv -P "$q"
	assert_output "4	keep"
	k=$(sysv_key 1)
	mqsend -k "$k" --type 6 a b c
	# One message at a time: the first write fails, with a in hand only.
	# It goes back behind those of its type.
	run bash -c "mqrecv -n -c 3 -k $k > /dev/full"
	assert_failure 1
	assert_line --index 0 --regexp "^mqrecv: key 0x[0-9a-f]+: 1 message put back into the queue$"
	run mqrecv -P -c 3 -k "$k"
	assert_output "6	b
6	c
6	a"
}

@test "mqrecv: a reader that has gone: nothing is taken" {
	q=$(qn 1)
	mqsend "$q" a b
	run closedpipe mqrecv -f "$q"
	assert_failure 1
	assert_output "mqrecv: standard output: write error: Broken pipe"
	assert_queue_length "$q" 2
	k=$(sysv_key 1)
	mqsend -k "$k" a
	run closedpipe mqrecv -k "$k"
	assert_failure 1
	assert_queue_length -k "$k" 1
}

@test "mqrecv: a reader that leaves while mqrecv waits ends it" {
	q=$(qn 1)
	mqsend "$q" a
	mqrecv "$q" > /dev/null
	run timeout 10 bash -c "mqrecv -f '$q' | true; exit \${PIPESTATUS[0]}"
	assert_failure 1
	assert_output "mqrecv: standard output: write error: Broken pipe"
	k=$(sysv_key 1)
	mqsend -k "$k" a
	mqrecv -k "$k" > /dev/null
	run timeout 10 bash -c "mqrecv -f -k $k | true; exit \${PIPESTATUS[0]}"
	assert_failure 1
}

@test "mqrecv: missing queue, permission denied, an id that is not a queue" {
	q=$(qn 1)
	run mqrecv "$q"
	assert_failure 1
	assert_output "mqrecv: $q: no such message queue"
	run mqrecv -i 2147483647
	assert_failure 1
	assert_output "mqrecv: id 2147483647: no message queue with that identifier"
	need_root
	mqsend "$q" secret
	mqsend -k "$(sysv_key 1)" secret
	cd "$T"
	run as_nobody mqrecv "$q"
	assert_failure 1
	assert_output "mqrecv: $q: permission denied"
	run as_nobody mqrecv -k "$(sysv_key 1)"
	assert_failure 1
	assert_output --regexp "^mqrecv: key 0x[0-9a-f]+: permission denied$"
	assert_queue_length "$q" 1
}

@test "mqrecv: bad options and values are usage errors" {
	q=$(qn 1)
	run mqrecv
	assert_failure 2
	assert_line --index 1 "Try 'mqrecv --help'."
	run mqrecv -c 0 "$q"
	assert_failure 2
	assert_line --index 0 --partial "mqrecv: --count: '0' is out of range (1 to"
	run mqrecv -c 2 -f "$q"
	assert_failure 2
	assert_line --index 0 "mqrecv: --count and --follow exclude each other"
	run mqrecv --type 1 "$q"
	assert_failure 2
	assert_line --index 0 "mqrecv: --type is for System V queues"
	run mqrecv -k private
	assert_failure 2
	run mqrecv "$q" extra
	assert_failure 2
	assert_line --index 0 "mqrecv: extra operand 'extra'"
	run mqrecv -T -1 "$q"
	assert_failure 2
	run mqrecv --type x -k 5
	assert_failure 2
}

@test "issue 10.1: a reader that stops after 20 lines leaves the other 980 in the queue" {
	k=$(sysv_key 1)
	seq 1000 | mqsend -k "$k"
	run timeout 20 bash -c "mqrecv -f -k $k 2>'$T/err' | { n=0; while read -r l; do n=\$((n+1)); [ \$n -ge 20 ] && break; done; }"
	left_or_lost 980 21 "$T/err" -k "$k"
	run grep -c . "$T/err"
	(( output <= 1 ))
	n=$(messages -k "$k")
	run timeout 20 bash -c "mqrecv -c 100 -k $k 2>'$T/err' | { for i in \$(seq 20); do read -r l; done; }"
	left_or_lost $((n - 20)) 21 "$T/err" -k "$k"
	q=$(qn 1)
	seq 10 | mqsend "$q"
	run timeout 20 bash -c "mqrecv -c 8 '$q' 2>'$T/err' | { for i in 1 2 3; do read -r l; done; }"
	left_or_lost 7 4 "$T/err" "$q"
	left=$(messages "$q")
	run bash -c "mqrecv -c $left '$q' | sort -n"
	assert_output "$(seq $((11 - left)) 10)"
}

# putting_back SHPID STATUSFILE: mqrecv, the child of shell SHPID, waits
# to put a message back, or has ended (STATUSFILE written).
putting_back() {
	local p
	[ -s "$2" ] || { p=$(pgrep -P "$1" -x mqrecv) && blocked_in "$p" mq_timedsend; }
}

@test "issue 10.2: putting back into a full queue waits for room; one summary line" {
	q=$(qn 1)
	mqsend --max-msgs 2 "$q" a b
	# mqrecv takes a and cannot write it; the producer fills the queue
	# again, so a waits for room until the consumer below makes some.
	spawn mqsend "$q" c d
	spawn bash -c "mqrecv -n '$q' > /dev/full 2> '$T/err'; echo \$? > '$T/st'"
	# The consumer starts once mqrecv has taken a: it is waiting to put it
	# back, or has put it back already (under load, started first, it
	# found the queue empty and exited 124).
	wait_until 10 putting_back "$!" "$T/st"
	run bash -c "mqrecv -c 4 '$q' | sort"
	assert_output "a
b
c
d"
	wait_until 10 test -s "$T/st"
	assert_equal "$(cat "$T/st")" 1
	run cat "$T/err"
	assert_output "mqrecv: $q: 1 message put back into the queue
mqrecv: standard output: write error: No space left on device"
}

@test "issue 10.3: put back into a System V queue writable through its group" {
	need_root
	k=$(sysv_key 1)
	mqsend -m 660 -k "$k" a b c
	/usr/bin/python3 -c 'import sys, sysv_ipc; q = sysv_ipc.MessageQueue(int(sys.argv[1])); q.gid = 65534' "$k"
	cd "$T"
	run as_nobody bash -c "mqrecv -n -c 3 -k $k > /dev/full"
	assert_failure 1
	assert_line --index 0 --regexp "^mqrecv: key 0x[0-9a-f]+: 1 message put back into the queue$"
	assert_queue_length -k "$k" 3
}

@test "issue 10.4: a tiny -T always returns; -T 0 tries once on both kinds" {
	k=$(sysv_key 1)
	mqsend -k "$k" x
	mqrecv -k "$k" >/dev/null
	local i
	for i in $(seq 30); do
		run timeout 5 mqrecv -T 0.000001 -k "$k"
		assert_failure 124
	done
	mqsend -k "$k" y
	run mqrecv -T 0 -k "$k"
	assert_success
	assert_output y
	q=$(qn 1)
	mqsend --max-msgs 1 "$q" full
	head -c "$(cat /proc/sys/kernel/msgmax)" /dev/zero > "$T/big"
	while mqsend -n -k "$k" -a < "$T/big" 2>/dev/null; do :; done
	for i in $(seq 30); do
		run timeout 5 mqsend -T 0.00001 -k "$k" more
		assert_failure 124
		run timeout 5 mqsend -T 0.00001 "$q" more
		assert_failure 124
	done
	run mqrecv -T 0 "$q"
	assert_output full
}

@test "issue 10.5: four mqrecv into one pipe never split a record" {
	k=$(sysv_key 1)
	local line
	line=$(printf '%0300d' 0)
	spawn bash -c "for i in \$(seq 4000); do echo \"\$i $line\"; done | mqsend -k $k"
	wait_until 10 bash -c "[ \"\$(mqrecv -s -k $k 2>/dev/null | sed -n 's/^messages: //p')\" -gt 0 ]"
	{ for i in 1 2 3 4; do mqrecv -f -k "$k" --idle-timeout 3 & done; wait; } | cat > "$T/out"
	run grep -cvE "^[0-9]+ $line\$" "$T/out"
	assert_output 0
	run wc -l < "$T/out"
	assert_output 4000
}

@test "issue 10.6: four slow workers share 80 jobs fairly" {
	k=$(sysv_key 1)
	seq 80 | mqsend -k "$k"
	local i pids=()
	for i in 1 2 3 4; do
		# The sleep is each job's work, not a wait for anything.
		mqrecv -f -n -k "$k" | while read -r j; do sleep 0.02; echo "$j" >> "$T/w$i"; done &
		pids+=("$!")
	done
	# By PID: a bare wait also waits for bats' BATS_TEST_TIMEOUT watchdog.
	wait "${pids[@]}"
	cat "$T"/w* | sort -n > "$T/all"
	run cat "$T/all"
	assert_output "$(seq 80)"
	for i in 1 2 3 4; do
		n=$(wc -l < "$T/w$i")
		echo "worker $i: $n"
		(( n <= 30 ))
	done
}

@test "issue 10.14: -s escapes control characters in what it prints" {
	q="$(qn 1)"$'\nmessages: 999'
	mqsend "$q" x
	run mqrecv -s "$q"
	assert_success
	assert_line "name: $(qn 1)\\x0amessages:\\x20999"
	refute_line "messages: 999"
	mqrecv -s -u "$q" >/dev/null
}

@test "issue 10.14: -f notices its POSIX queue was removed and made again" {
	q=$(qn 1)
	mqsend "$q" a
	spawn bash -c "mqrecv -f '$q' > '$T/out' 2> '$T/err'; echo \$? > '$T/st'"
	wait_until 10 test -s "$T/out"
	# Stopped while the queue is removed and made again, so that it sees
	# both at once (awake, it may see the removal first: then it says so
	# without the new one).
	local r
	r=$(pgrep -P "$!" -x mqrecv)
	kill -STOP "$r"
	mqrecv -s -u "$q" >/dev/null
	mqsend "$q" b
	kill -CONT "$r"
	wait_until 10 test -s "$T/st"
	assert_equal "$(cat "$T/st")" 1
	run cat "$T/err"
	assert_output "mqrecv: $q: the queue was removed (a new one has its name); stopping"
}

@test "beyond: -s shows what ipcs -q -i shows; --json for scripts" {
	k=$(sysv_key 1)
	mqsend -k "$k" hello
	run mqrecv -s -k "$k"
	assert_line "creator: root"
	assert_line "creator-group: root"
	assert_line --regexp "^last-send: [0-9-]+T[0-9:]+Z$"
	assert_line "last-receive: -"
	assert_line --regexp "^last-sender-pid: [1-9][0-9]*$"
	assert_line "last-receiver-pid: 0"
	run bash -c "mqrecv -s --json -k $k | /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); print(d[\"messages\"], d[\"kind\"], d[\"last_receive\"])'"
	assert_output "1 sysv-msg None"
	q="$(qn 1)"$'\n"x'
	mqsend "$q" a
	run bash -c "mqrecv -s --json \"\$1\" | /usr/bin/python3 -c 'import json, sys; print(repr(json.load(sys.stdin)[\"name\"]))'" _ "$q"
	assert_output "'$(qn 1)\\n\"x'"
	mqrecv -s -u "$q" >/dev/null
	run mqrecv --json -k "$k"
	assert_failure 2
}

@test "-W waits for the queue to appear (POSIX by inotify, System V key by a look every 10 ms); -T bounds it (issue 23.2)" {
	local q k pid st=0
	q=$(posix_name)
	spawn mqrecv -W -T 30 "$q" > "$T/out"
	pid=$!
	wait_until 10 watching "$pid"
	mqsend "$q" job1
	wait "$pid" || st=$?
	assert_equal "$st" 0
	assert_equal "$(cat "$T/out")" job1
	k=$(sysv_key 1)
	spawn mqrecv -W -T 30 -k "$k" > "$T/out"
	pid=$!
	kill -0 "$pid"
	mqsend -k "$k" job2
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 0
	assert_equal "$(cat "$T/out")" job2
	q=$(posix_name)
	run mqrecv -W -T 100ms "$q"
	assert_failure 124
	assert_output "mqrecv: $q: no such message queue within 100ms"
}

@test "a reader that leaves early: the rest keep their order; status 1 under pipefail (issue 23.8)" {
	local q
	q=$(posix_name)
	seq 10 | mqsend "$q"
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr bash -o pipefail -c 'mqrecv -f -n "$1" | { read -r a; read -r b; echo "$a $b"; }' sh "$q"
	assert_failure 1
	assert_output "1 2"
	# Message 3 is still first, or was left unread in the pipe and is
	# named as lost: never put back behind the others.
	# shellcheck disable=SC2154 # run --separate-stderr sets it
	local lost=$stderr
	run mqrecv -f -n -u "$q"
	if [[ $lost == *"message 3 of this run"* ]]; then
		assert_output "$(seq 4 10)"
	else
		assert_output "$(seq 3 10)"
	fi
	# Priorities order what is left as they order everything.
	mqsend --priority 1 "$q" low1 low2
	mqsend --priority 5 "$q" high1 high2
	# shellcheck disable=SC2016 # expanded by the inner shell
	run --separate-stderr bash -o pipefail -c 'mqrecv -f -n "$1" | { read -r a; echo "$a"; }' sh "$q"
	assert_failure 1
	assert_output high1
	lost=$stderr
	run mqrecv -f -n -u "$q"
	if [[ $lost == *"message 2 of this run"* ]]; then
		assert_output "low1
low2"
	else
		assert_output "high2
low1
low2"
	fi
}
