#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# mqrecv's delivery contract (issue 21): across every output kind and
# reader, each message taken is delivered, put back, or counted lost in
# mqrecv's exit message; never one duplicated, never one lost in silence.

bats_require_minimum_version 1.5.0
load helper

M=200

# fill PREFIX QUEUE...: the messages PREFIX1 .. PREFIX$M.
fill() {
	local p=$1
	shift
	seq -f "$p%g" "$M" | mqsend "$@"
}

# lost ERR...: how many messages the exit messages count as lost.
lost() {
	cat "$@" 2>/dev/null | sed -nE 's/.* ([0-9]+) (messages? )?lost.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }'
}

# accounted PREFIX WRITERS ERR... -- QUEUE...: every message PREFIX1 ..
# PREFIX$M is in $T/out (delivered), still in QUEUE (or drained from it
# into $T/drained), or counted lost in
# ERR; none is both delivered and in the queue, and no more are counted
# lost than WRITERS (one each at most).
accounted() {
	local p=$1 writers=$2 errs=() n have dups left
	shift 2
	while [ "$1" != -- ]; do errs+=("$1"); shift; done
	shift
	left=$(mqrecv -s "$@" | sed -n 's/^messages: //p')
	: > "$T/left"
	[ "$left" -eq 0 ] || mqrecv -n -c "$left" "$@" > "$T/left"
	[ ! -f "$T/drained" ] || cat "$T/drained" >> "$T/left"
	left=$(wc -l < "$T/left")
	grep -ax "${p}[0-9]*" "$T/out" > "$T/got" || true
	n=$(lost "${errs[@]}")
	dups=$(sort "$T/got" "$T/left" | uniq -d | wc -l)
	have=$(sort -u "$T/got" "$T/left" | wc -l)
	echo "$p: delivered $(wc -l < "$T/got"), in the queue $left, counted lost $n, duplicated $dups" >&2
	cat "${errs[@]}" >&2
	[ "$dups" -eq 0 ] && (( M - have <= n && n <= writers ))
}

# The readers: a loop that takes 20 lines and leaves, and head -n 20.
# shellcheck disable=SC2016,SC2034
read20='n=0; while read -r l; do echo "$l"; n=$((n + 1)); [ $n -ge 20 ] && break; done'
# shellcheck disable=SC2034
head20='head -n 20'

# socketpair WRITER READER: WRITER's stdout is a unix stream socket whose
# peer is READER's stdin (what systemd gives a service, or socat's EXEC).
socketpair() {
	timeout 60 /usr/bin/python3 -c '
import socket, subprocess, sys
a, b = socket.socketpair()
w = subprocess.Popen(["bash", "-c", sys.argv[1]], stdout=a)
r = subprocess.Popen(["bash", "-c", sys.argv[2]], stdin=b)
a.close()
b.close()
r.wait()
sys.exit(w.wait())' "$1" "$2"
}

# deliver KIND READER: mqrecv -f on key 1 (m1 ..) writes into an output of
# KIND, which READER reads; $T/out is what READER read.
deliver() {
	local kind=$1 reader="{ $2; } > '$T/out'" k1 k2 w
	k1=$(sysv_key 1) k2=$(sysv_key 2)
	w="mqrecv -f -k $k1 2> '$T/err1'"
	case $kind in
	pipe) w="$w | $reader" ;;
	# Another writer's bytes wait in the pipe before mqrecv's.
	backlog) w="{ seq -f 'x%g' 3000; $w; } | $reader" ;;
	# Two mqrecv share one pipe (issue 21.2).
	mqrecv2) w="{ mqrecv -n -f -k $k2 2> '$T/err2' & $w & wait; } | $reader" ;;
	# An unrelated writer puts lines into the same pipe (issue 21.3).
	printf) w="{ printf 'x\\n'; $w & printf 'y\\n'; wait; } | $reader" ;;
	socket) socketpair "$w" "$reader"; return ;;
	# mqrecv runs as nobody on root's pipe: /proc/self/fd/1 is not its own.
	nobody) w="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- $w | $reader" ;;
	noproc) w="unshare --mount --propagation private bash -c \"umount -l /proc && $w\" | $reader" ;;
	esac
	timeout 60 bash -c "$w"
}

@test "issue 21.1-6: every output kind x reader: delivered, put back or counted lost" {
	need_root
	local kind reader k1 k2 bad=0
	k1=$(sysv_key 1) k2=$(sysv_key 2)
	for kind in pipe backlog mqrecv2 printf socket nobody noproc; do
		for reader in read20 head20; do
			# head reads what is in the pipe: another writer's lines too,
			# which it consumes without printing them.
			[[ $kind == @(mqrecv2|printf) && $reader == head20 ]] && continue
			fill m -m 666 -k "$k1"
			fill n -m 666 -k "$k2"
			rm -f "$T/err1" "$T/err2"
			echo "== $kind | $reader" >&2
			deliver "$kind" "${!reader}" || true
			accounted m 1 "$T/err1" -- -k "$k1" || bad=1
			if [ "$kind" = mqrecv2 ]; then
				accounted n 1 "$T/err2" -- -k "$k2" || bad=1
			else
				mqrecv -s -u -k "$k2" > /dev/null
			fi
			mqrecv -s -u -k "$k1" > /dev/null
		done
	done
	[ "$bad" -eq 0 ]
}

@test "issue 21.1: a pipe with a backlog: mqrecv takes nothing until it drains; the queue keeps all" {
	k=$(sysv_key 1)
	seq 1000 | mqsend -k "$k"
	head -c 14336 /dev/zero | tr '\0' '\n' > "$T/backlog"
	run timeout 60 bash -c "{ cat '$T/backlog'; mqrecv -f -k $k; } | { n=0; while read -r l; do n=\$((n + 1)); [ \$n -ge 20 ] && break; done; }"
	assert_output --partial "write error: Broken pipe"
	refute_output --partial "lost"
	assert_queue_length -k "$k" 1000
}

# termreader FILE: copy stdin to FILE, 8 bytes at a time; TERM kills it
# only while it waits, never between a read and its copy, so FILE holds
# all it read.
termreader() {
	/usr/bin/python3 -c '
import os, select, signal, sys
term = [signal.SIGTERM]
signal.pthread_sigmask(signal.SIG_BLOCK, term)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
out = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
while True:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, term)
    select.select([0], [], [])
    signal.pthread_sigmask(signal.SIG_BLOCK, term)
    b = os.read(0, 8)
    if not b:
        break
    os.write(out, b)' "$1"
}
export -f termreader

@test "issue 21.5: TERM to the process group while a producer runs: nothing lost in silence" {
	local q pgid M=5000
	for _ in 1 2 3; do
		q=$(posix_name)
		mqsend --max-msgs 10 "$q" start
		mqrecv "$q" > /dev/null
		rm -f "$T/out" "$T/err1" "$T/drained"
		spawn bash -c "seq -f 'm%g' $M | mqsend '$q'"
		local producer=$!
		setsid bash -c "mqrecv -f '$q' 2> '$T/err1' | termreader '$T/out'" &
		pgid=$!
		wait_until 20 bash -c "[ -s '$T/out' ] && [ \"\$(wc -l < '$T/out')\" -ge 30 ]"
		kill -TERM -- "-$pgid"
		wait "$pgid" || true
		# Drain the rest while the producer finishes; a file takes all.
		mqrecv -f "$q" > "$T/drained" &
		local drain=$!
		wait "$producer"
		wait_until 20 bash -c "[ \"\$(mqrecv -s '$q' | sed -n 's/^messages: //p')\" -eq 0 ]"
		kill -TERM "$drain"
		wait "$drain"
		accounted m 1 "$T/err1" -- "$q"
		mqrecv -s -u "$q" > /dev/null
	done
}

@test "issue 21.8: output that fails with a full queue and a live producer risks one message" {
	k=$(sysv_key 1)
	# The producer keeps the queue full (msgmnb bytes; messages of 2 to 6
	# bytes): a message taken cannot go back.
	local mnb M
	mnb=$(cat /proc/sys/kernel/msgmnb)
	M=$((mnb / 3))
	spawn bash -c "seq -f 'm%g' $M | mqsend -k $k"
	local producer=$!
	wait_until 20 bash -c "[ \"\$(mqrecv -s -k $k | sed -n 's/^bytes: //p')\" -ge $((mnb - 1000)) ]"
	run -1 bash -c "mqrecv -f -k $k 2> '$T/err1' > /dev/full"
	mqrecv -f -k "$k" > "$T/drained" &
	local drain=$!
	wait "$producer"
	wait_until 20 bash -c "[ \"\$(mqrecv -s -k $k | sed -n 's/^messages: //p')\" -eq 0 ]"
	kill -TERM "$drain"
	wait "$drain"
	: > "$T/out"
	accounted m 1 "$T/err1" -- -k "$k"
}

@test "issue 21.4: shmcat -u into a socket whose reader read nothing keeps the object (lib/outq)" {
	local name
	name=$(posix_name)
	seq 1000 | shmput "$name"
	# The reader waits until the bytes are there, then leaves unread.
	socketpair "shmcat -u '$name' 2> '$T/err1'; echo \$? > '$T/st'" \
		"/usr/bin/python3 -c 'import select; select.select([0], [], [])'"
	assert_equal "$(cat "$T/st")" 1
	run cat "$T/err1"
	assert_output --regexp "^shmcat: $name: the reader left with [0-9]+ bytes? unread; the object is kept$"
	run shmcat "$name"
	assert_output "$(seq 1000)"
}
