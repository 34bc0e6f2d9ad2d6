#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# mqsend, and mqsend and mqrecv together (delivery, limits, back-pressure).

bats_require_minimum_version 1.5.0
load helper

# /dev/mqueue may not be mounted, so the helper cannot find POSIX queues to
# remove: tests name theirs with qn N and teardown removes them.
qn() { echo "/${IPCUT_PREFIX}q$1"; }
setup() { ipc_setup; }
teardown() {
	local i
	for i in 1 2 3; do mqrecv -s -u "$(qn "$i")" >/dev/null 2>&1; done
	ipc_teardown
}

@test "mqsend: each MESSAGE argument is one message, in order" {
	q=$(qn 1)
	run mqsend "$q" one "two words" ""
	assert_success
	assert_output ""
	mqrecv -c 3 "$q" > "$T/out"
	printf 'one\ntwo words\n\n' | cmp - "$T/out"
}

@test "mqsend: stdin lines, NUL records and -a whole input" {
	q=$(qn 1)
	printf 'a\nb\nlast' | mqsend "$q"
	run mqrecv -n -c 10 "$q"
	assert_output "a
b
last"
	printf 'x\0y z\0' | mqsend -0 "$q"
	run bash -c "mqrecv -c 2 -0 '$q' | tr '\\0' '|'"
	assert_output "x|y z|"
	printf 'a\0b\n\0c' | mqsend -a "$q"
	mqrecv -r "$q" > "$T/out"
	printf 'a\0b\n\0c' | cmp - "$T/out"
	printf '' | mqsend -a "$q"
	run mqrecv -s "$q"
	assert_line "messages: 1"
	mqrecv -r "$q" > "$T/out"
	[ ! -s "$T/out" ]
}

@test "mqsend: a new queue is mode 600, or -m; an existing one is used as it is" {
	q=$(qn 1)
	mqsend "$q" x
	run mqrecv -s "$q"
	assert_line "mode: 0600"
	assert_line "max-messages: $(cat /proc/sys/fs/mqueue/msg_default)"
	mqsend -m 640 --max-msgs 3 --msg-size 100 "$(qn 2)" x
	run mqrecv -s "$(qn 2)"
	assert_line "mode: 0640"
	assert_line "max-messages: 3"
	assert_line "message-size: 100"
	mqsend --max-msgs 5 "$(qn 2)" y
	run mqrecv -s "$(qn 2)"
	assert_line "mode: 0640"
	assert_line "max-messages: 3"
	assert_line "messages: 2"
}

@test "mqsend: System V queue by key, mode 600 in ipcs -q; types" {
	k=$(sysv_key 1)
	mqsend -k "$k" hello
	printf -v hex '0x%08x' "$k"
	run ipcs -q
	assert_line --regexp "^$hex +[0-9]+ +root +600 +5 +1 *$"
	mqsend -k "$k" --type 7 seven
	run mqrecv -k "$k" -P -c 2
	assert_output "1	hello
7	seven"
}

@test "mqsend: -k private makes a new queue and prints its identifier" {
	run mqsend -k private hi
	assert_success
	assert_output --regexp '^[0-9]+$'
	id=$output
	run mqrecv -i "$id" -u
	assert_output hi
	run mqrecv -i "$id" -n
	assert_failure 1
}

@test "mqsend: --ftok names a System V queue" {
	touch "$T/f"
	mqsend --ftok "$T/f:7" hi
	run mqrecv --ftok "$T/f:7" -u
	assert_output hi
}

@test "mqsend: -E fails on a missing queue and creates nothing" {
	q=$(qn 1)
	run mqsend -E "$q" x
	assert_failure 1
	assert_output "mqsend: $q: no such message queue"
	run mqsend -E -k "$(sysv_key 2)" x
	assert_failure 1
	assert_output --regexp "^mqsend: key 0x[0-9a-f]{8}: no such message queue$"
	run mqrecv -s "$q"
	assert_failure 1
}

@test "mqsend: a record larger than the queue's message size is refused, those before it sent" {
	q=$(qn 1)
	mqsend --msg-size 10 "$q" start
	run mqsend "$q" < <(printf 'ok\n0123456789\n01234567890\nnever\n')
	assert_failure 1
	assert_output "mqsend: $q: message 3 is 11 bytes; the queue takes at most 10 (mq_msgsize; 2 sent)"
	run mqrecv -n -c 10 "$q"
	assert_output "start
ok
0123456789"
	run mqsend "$q" fine 01234567890
	assert_failure 1
	assert_output "mqsend: $q: message 2 is 11 bytes; the queue takes at most 10 (mq_msgsize; 1 sent)"
	k=$(sysv_key 1)
	run mqsend -a -k "$k" < <(head -c 9000 /dev/zero)
	assert_failure 1
	assert_output "mqsend: key $(printf '0x%08x' "$k"): message 1 is more than $(cat /proc/sys/kernel/msgmax) bytes; the queue takes at most $(cat /proc/sys/kernel/msgmax) (msgmax, /proc/sys/kernel/msgmax; 0 sent)"
}

@test "mqsend: -n on a full queue gives 124 and says how many were sent" {
	q=$(qn 1)
	run mqsend -n --max-msgs 3 "$q" 1 2 3 4 5
	assert_failure 124
	assert_output "mqsend: $q: the queue is full; 3 messages sent"
	k=$(sysv_key 1)
	run mqsend -n -k "$k" < <(seq 100000)
	assert_failure 124
	assert_output --regexp "^mqsend: key 0x[0-9a-f]+: the queue is full; [0-9]+ messages sent$"
}

# Issue 23.3: -T is the total time a tool may wait, as in every tool;
# --idle-timeout is the wait for each message.
@test "mqsend: -T bounds all the waiting together, --idle-timeout each message" {
	q=$(qn 1)
	mqsend --max-msgs 1 "$q" x
	# A reader takes one message every 0.6 s: each of a, b, c waits less
	# than 1.5 s, but c is sent only 1.8 s after the start.
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn sh -c 'for i in 1 2 3; do sleep 0.6; mqrecv "$0" >/dev/null; done' "$q"
	reader=$!
	run mqsend -T 1.5 "$q" a b c
	assert_failure 124
	# (2 sent on time; a loaded machine may start the reader late)
	assert_output --regexp "^mqsend: $q: the queue is still full after 1\.5s; [012] messages? sent$"
	wait "$reader" # (a bare wait would wait for bats' timeout watchdog too)
	mqrecv -n -c 5 "$q" >/dev/null || true
	mqsend "$q" x
	# shellcheck disable=SC2016 # expanded by the inner shell
	spawn sh -c 'for i in 1 2 3 4; do sleep 0.6; mqrecv "$0" >/dev/null; done' "$q"
	reader=$!
	run mqsend --idle-timeout 1.5 "$q" a b c
	assert_success
	wait "$reader" # (a bare wait would wait for bats' timeout watchdog too)
	run mqsend --idle-timeout 0.2 "$q" y z
	assert_failure 124
	assert_output "mqsend: $q: the queue stayed full for 0.2s; 1 message sent"
}

@test "mqsend: -T gives 124 when the queue stays full, POSIX and System V" {
	q=$(qn 1)
	mqsend --max-msgs 1 "$q" x
	run mqsend -T 0.2 "$q" y
	assert_failure 124
	assert_output "mqsend: $q: the queue is still full after 0.2s; 0 messages sent"
	k=$(sysv_key 1)
	head -c 8000 /dev/zero | mqsend -a -k "$k"
	head -c 8000 /dev/zero | mqsend -a -k "$k"
	run mqsend -T 200ms -a -k "$k" < <(head -c 8000 /dev/zero)
	assert_failure 124
	assert_output --partial "the queue is still full after 200ms; 0 messages sent"
	# Nothing of the refused message went in.
	assert_queue_length -k "$k" 2
	assert_queue_length "$q" 1
}

@test "mqsend: blocks while the queue is full and goes on when there is room" {
	q=$(qn 1)
	spawn mqsend --max-msgs 2 "$q" 1 2 3 4 5
	pid=$!
	wait_until 5 bash -c "mqrecv -s '$q' 2>/dev/null | grep -qx 'messages: 2'"
	kill -0 "$pid"
	run mqrecv -c 5 "$q"
	assert_output "$(seq 5)"
	wait "$pid"
}

@test "mqsend: priorities come out highest first, FIFO within one" {
	q=$(qn 1)
	mqsend --priority 1 "$q" one
	mqsend --priority 9 "$q" nine
	mqsend "$q" zero
	mqsend --priority 5 "$q" five-a five-b
	run mqrecv -P -c 5 "$q"
	assert_output "9	nine
5	five-a
5	five-b
1	one
0	zero"
}

# four_by_four TARGET...: 4 mqsend and 4 mqrecv -f at once on an existing
# queue; every one of 10,000 messages must come out exactly once.
four_by_four() {
	local i pids=() prods=()
	for i in 0 1 2 3; do
		spawn mqrecv -f "$@" > "$T/out$i"
		pids+=("$!")
	done
	for i in 0 1 2 3; do
		seq $((i * 2500 + 1)) $((i * 2500 + 2500)) | mqsend "$@" &
		prods+=("$!")
	done
	for i in "${prods[@]}"; do wait "$i"; done
	wait_until 60 bash -c "[ \$(cat '$T'/out? | wc -l) -ge 10000 ]"
	kill -TERM "${pids[@]}"
	for i in "${pids[@]}"; do wait "$i"; done
	sort -n "$T"/out? > "$T/all"
	seq 10000 | cmp - "$T/all"
}

@test "mqsend: 4 producers and 4 consumers, 10,000 messages each delivered once (POSIX)" {
	q=$(qn 1)
	mqsend --max-msgs 10 "$q" start
	mqrecv "$q" >/dev/null
	four_by_four "$q"
}

@test "mqsend: 4 producers and 4 consumers, 10,000 messages each delivered once (System V)" {
	k=$(sysv_key 1)
	mqsend -k "$k" start
	mqrecv -k "$k" >/dev/null
	four_by_four -k "$k"
}

@test "mqsend: limits the system refuses name the limit" {
	need_root
	local max size
	max=$(cat /proc/sys/fs/mqueue/msg_max)
	size=$(cat /proc/sys/fs/mqueue/msgsize_max)
	cd "$T"
	run as_nobody mqsend --max-msgs $((max + 1)) "$(qn 1)" x
	assert_failure 1
	assert_output "mqsend: $(qn 1): cannot create: --max-msgs $((max + 1)) is above the system's limit of $max messages per queue (/proc/sys/fs/mqueue/msg_max; more needs CAP_SYS_RESOURCE)"
	run as_nobody mqsend --msg-size $((size + 1)) "$(qn 1)" x
	assert_failure 1
	assert_output "mqsend: $(qn 1): cannot create: --msg-size $((size + 1)) is above the system's limit of $size bytes (/proc/sys/fs/mqueue/msgsize_max; more needs CAP_SYS_RESOURCE)"
	run bash -c "ulimit -q 1000 && mqsend --max-msgs 2 --msg-size 1K '$(qn 1)' x"
	assert_failure 1
	assert_output --partial "cannot create: this user's queues would exceed RLIMIT_MSGQUEUE, 1000 bytes (ulimit -q"
	run mqrecv -s "$(qn 1)"
	assert_failure 1
}

@test "mqsend: permission denied on another user's queue" {
	need_root
	mqsend "$(qn 1)" x
	mqsend -k "$(sysv_key 1)" x
	cd "$T"
	run as_nobody mqsend "$(qn 1)" y
	assert_failure 1
	assert_output "mqsend: $(qn 1): permission denied"
	run as_nobody mqsend -k "$(sysv_key 1)" y
	assert_failure 1
	assert_output --regexp "^mqsend: key 0x[0-9a-f]+: permission denied$"
}

@test "mqsend: bad options and values are usage errors" {
	local q
	q=$(qn 1)
	run mqsend
	assert_failure 2
	assert_line --index 0 "mqsend: no object given; name one: NAME, -k KEY, -i ID or --ftok PATH"
	run mqsend --priority 32768 "$q" x
	assert_failure 2
	assert_line --index 0 "mqsend: --priority: '32768' is out of range (0 to 32767)"
	run mqsend --type 0 -k 5 x
	assert_failure 2
	assert_line --index 0 --partial "mqsend: --type: '0' is out of range (1 to"
	run mqsend --type 3 "$q" x
	assert_failure 2
	assert_line --index 0 "mqsend: --type is for System V queues; a POSIX queue takes --priority"
	run mqsend --priority 3 -k 5 x
	assert_failure 2
	assert_line --index 0 "mqsend: --priority is for POSIX queues; a System V queue takes --type"
	run mqsend --max-msgs 0 "$q" x
	assert_failure 2
	run mqsend --msg-size 1X "$q" x
	assert_failure 2
	run mqsend -T soon "$q" x
	assert_failure 2
	run mqsend -a "$q" x
	assert_failure 2
	run mqsend a/b x
	assert_failure 2
	run mqsend -m 8888 "$q" x
	assert_failure 2
	run mqrecv -s "$q"
	assert_failure 1
}

@test "mqsend: an identifier that is not a queue" {
	run mqsend -i 2147483647 x
	assert_failure 1
	assert_output "mqsend: id 2147483647: no message queue with that identifier"
}

@test "issue 10.7: -x refuses an existing queue; -m refuses one with another mode or owner" {
	need_root
	q=$(qn 1)
	cd "$T"
	as_nobody mqsend -m 666 "$q" bait
	run mqsend -m 600 "$q" secret
	assert_failure 1
	assert_output "mqsend: $q: exists with mode 666 and owner nobody, not mode 600 and owner root; nothing sent"
	run mqsend -x "$q" secret
	assert_failure 1
	assert_output "mqsend: $q: exists already (--exclusive); nothing sent"
	run mqrecv -c 2 -n "$q"
	assert_output bait
	k=$(sysv_key 1)
	as_nobody mqsend -m 666 -k "$k" bait
	run mqsend -m 600 -k "$k" secret
	assert_failure 1
	assert_output --partial "exists with mode 666 and owner nobody, not mode 600 and owner root; nothing sent"
	run mqsend -x -k "$k" secret
	assert_failure 1
	run mqsend -x "$(qn 2)" new
	assert_success
	run mqsend -m 600 "$(qn 2)" again
	assert_success
}

# nobody makes a 0600 queue and gives it to root with IPC_SET: as its
# creator, nobody still reads it, so root's -m 600 must refuse it.
@test "issue 21.9: -m refuses a System V queue another user created, whoever owns it now" {
	need_root
	local k id
	k=$(sysv_key 1)
	as_nobody mqsend -m 600 -k "$k" bait
	id=$(ipcs -q | awk -v k="$(printf '0x%08x' "$k")" '$1 == k { print $2 }')
	as_nobody ipcset q "$id" 0
	run mqsend -m 600 -k "$k" 'root secret'
	assert_failure 1
	assert_output "mqsend: key $(printf '0x%08x' "$k"): exists with mode 600 and owner root, creator nobody, not mode 600 and owner root; nothing sent"
	run as_nobody mqrecv -n -c 2 -k "$k"
	assert_output bait
}

@test "issue 10.13: -k private prints its id at once and removes the queue when it fails" {
	head -c 20000 /dev/zero | tr '\0' x > "$T/big"
	run mqsend -k private -a < "$T/big"
	assert_failure 1
	id=${lines[0]}
	[[ $id =~ ^[0-9]+$ ]]
	run mqrecv -s -i "$id"
	assert_failure 1
	# A full private queue: the id is out before mqsend blocks.
	head -c 8000 /dev/zero > "$T/8k"
	{ for i in 1 2 3; do cat "$T/8k"; echo; done; } > "$T/lines"
	spawn mqsend -k private < "$T/lines" > "$T/id"
	wait_until 10 test -s "$T/id"
	ipcrm -q "$(cat "$T/id")"
}

@test "issue 10.14: -a refuses endless input as soon as it passes the message size" {
	q=$(qn 1)
	run timeout 10 mqsend -a "$q" < /dev/zero
	assert_failure 1
	assert_output "mqsend: $q: message 1 is more than 8192 bytes; the queue takes at most 8192 (mq_msgsize; 0 sent)"
}

@test "issue 10.12: System V size limits name msgmax and msgmnb" {
	k=$(sysv_key 1)
	head -c 9000 /dev/zero > "$T/big"
	run mqsend -a -k "$k" < "$T/big"
	assert_failure 1
	assert_output --partial "(msgmax, /proc/sys/kernel/msgmax; 0 sent)"
}

@test "issue 10.12: RLIMIT_MSGQUEUE: the user's other queues are named when they use the budget" {
	need_root
	cd "$T"
	# shellcheck disable=SC2016 # expanded by the inner shell
	run as_nobody bash -c 'ulimit -q 20000 && mqsend --max-msgs 2 --msg-size 8K "$1" x && mqsend --max-msgs 2 --msg-size 4K "$2" y' _ "$(qn 1)" "$(qn 2)"
	assert_failure 1
	assert_output --partial "a queue of 2 messages of 4096 bytes takes more than 8192, and this user's other queues already use part of it"
}

@test "issue 21.7: a queue mqsend made and failed to fill is removed only while it holds nothing but its own messages" {
	# The first mqsend makes the queue, then waits for its input (until
	# $T/go is written); another producer sends 5; the first then fails
	# on its record 1. The 5 stay (POSIX and System V).
	local kind
	for kind in posix sysv; do
		local q=("$(qn 1)") big='%040d\n' opts=(--msg-size 16)
		if [ "$kind" = sysv ]; then
			q=(-k "$(sysv_key 1)") big='%09000d\n' opts=()
		fi
		rm -f "$T/go" "$T/st" && mkfifo "$T/go"
		spawn bash -c "{ read -r _ < '$T/go'; printf '$big' 0; } | mqsend ${opts[*]} ${q[*]} 2> '$T/err'; echo \$? > '$T/st'"
		wait_until 10 mqrecv -s "${q[@]}"
		seq 5 | mqsend "${q[@]}"
		echo > "$T/go"
		wait_until 10 test -s "$T/st"
		assert_equal "$(cat "$T/st")" 1
		run cat "$T/err"
		assert_line --index 0 --partial "message 1 is"
		assert_queue_length "${q[@]}" 5
		# Alone, it removes the queue it made.
		mqrecv -s -u "${q[@]}" > /dev/null
		rm -f "$T/go" "$T/st" && mkfifo "$T/go"
		spawn bash -c "{ read -r _ < '$T/go'; printf '$big' 0; } | mqsend ${opts[*]} ${q[*]} 2> '$T/err'; echo \$? > '$T/st'"
		wait_until 10 mqrecv -s "${q[@]}"
		echo > "$T/go"
		wait_until 10 test -s "$T/st"
		run mqrecv -s "${q[@]}"
		assert_failure 1
	done
	# -k private: another producer sends to the identifier it printed.
	rm -f "$T/go" "$T/st" && mkfifo "$T/go"
	spawn bash -c "{ read -r _ < '$T/go'; printf '%09000d\n' 0; } | mqsend -k private > '$T/id' 2> '$T/err'; echo \$? > '$T/st'"
	wait_until 10 test -s "$T/id"
	mqsend -i "$(cat "$T/id")" other
	echo > "$T/go"
	wait_until 10 test -s "$T/st"
	assert_queue_length -i "$(cat "$T/id")" 1
	ipcrm -q "$(cat "$T/id")"
}

@test "-W waits for an existing queue instead of making one; -T bounds it (issue 23.2)" {
	local q pid st=0
	q=$(posix_name)
	spawn mqsend -W -T 30 "$q" hello
	pid=$!
	wait_until 10 watching "$pid"
	[ ! -e "/dev/mqueue/${q#/}" ]
	mqsend --max-msgs 3 "$q" first
	wait "$pid" || st=$?
	assert_equal "$st" 0
	# Made with "first" in one step for mqsend, two for the kernel: the
	# waiter may send between the queue's creation and "first".
	run bash -c 'mqrecv -c 2 "$1" | sort' _ "$q"
	assert_output "first
hello"
	local q2
	q2=$(posix_name)
	run mqsend -W -T 100ms "$q2" x
	assert_failure 124
	assert_output "mqsend: $q2: no such message queue within 100ms"
	[ ! -e "/dev/mqueue/${q2#/}" ]
	run mqsend -W -x "$q" x
	assert_failure 2
}
