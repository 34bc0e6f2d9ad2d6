#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# sempost: add permits, create race-free, refuse what -E, -x and -m refuse;
# interop with sem_open/sem_post/sem_getvalue and python3-sysv-ipc.
# shellcheck disable=SC2016 # commands run in their own shells

load helper

value() { semwait -s "$@" | sed -n 's/^value: //p'; }
field() { local f=$1; shift; semwait -s "$@" | sed -n "s/^$f: //p"; }
# The file of POSIX semaphore $1: glibc's /dev/shm/sem.NAME, musl's /dev/shm/NAME.
semfile() { if [ -e "/dev/shm/sem.${1#/}" ]; then echo "/dev/shm/sem.${1#/}"; else echo "/dev/shm/${1#/}"; fi; }
no_sem() { [ ! -e "/dev/shm/sem.${1#/}" ] && [ ! -e "/dev/shm/${1#/}" ]; }
hexkey() { printf '0x%08x' "$1"; }
PY=/usr/bin/python3

@test "sempost -c 4 makes a semaphore of 4 permits, mode 600 (POSIX and System V)" {
	local s k; s=$(posix_name); k=$(sysv_key 1)
	run sempost -c 4 "$s"
	assert_success
	assert_output ""
	[ "$(value "$s")" = 4 ]
	[ "$(stat -c %a "$(semfile "$s")")" = 600 ]
	sempost -c 4 -k "$k"
	[ "$(value -k "$k")" = 4 ]
	[ "$(field mode -k "$k")" = 0600 ]
	[ "$(field semaphores -k "$k")" = 1 ]
	# An existing one gets more.
	sempost "$s"
	sempost -c 2 -k "$k"
	[ "$(value "$s")" = 5 ]
	[ "$(value -k "$k")" = 6 ]
}

@test "sempost -m sets the mode whatever the umask" {
	local s k; s=$(posix_name); k=$(sysv_key 2)
	(umask 077 && sempost -m 644 "$s" && sempost -m 640 -k "$k")
	[ "$(stat -c %a "$(semfile "$s")")" = 644 ]
	[ "$(field mode -k "$k")" = 0640 ]
	# The same mode again is fine.
	sempost -m 644 "$s"
	[ "$(value "$s")" = 2 ]
}

@test "sempost -m for an existing semaphore of another mode or owner is refused" {
	local s k; s=$(posix_name); k=$(sysv_key 3)
	sempost -m 644 "$s"
	sempost -m 644 -k "$k"
	run sempost -m 600 "$s"
	assert_failure 1
	assert_output "sempost: $s: exists with mode 644, not 600 as -m asks; left as it is"
	run sempost -m 600 -k "$k"
	assert_failure 1
	[ "$(value "$s")" = 1 ]
	[ "$(value -k "$k")" = 1 ]
}

@test "sempost -m for one that belongs to another user is refused" {
	need_root
	local s; s=$(posix_name)
	sempost -m 666 "$s"
	run as_nobody sempost -m 666 "$s"
	assert_failure 1
	assert_output "sempost: $s: exists and belongs to root; left as it is"
	[ "$(value "$s")" = 1 ]
	# Without -m it may post: the mode lets it.
	as_nobody sempost "$s"
	[ "$(value "$s")" = 2 ]
}

@test "sempost -E refuses a missing semaphore, -x an existing one" {
	local s k; s=$(posix_name); k=$(sysv_key 4)
	run sempost -E "$s"
	assert_failure 1
	assert_output "sempost: $s: no such semaphore"
	no_sem "$s"
	run sempost -E -k "$k"
	assert_failure 1
	assert_output "sempost: key $(hexkey "$k"): no such semaphore"
	run ipcs -s
	refute_output --partial "$(hexkey "$k")"
	sempost -x "$s"
	sempost -x -k "$k"
	run sempost -x "$s"
	assert_failure 1
	assert_output "sempost: $s: the semaphore already exists"
	run sempost -x -k "$k"
	assert_failure 1
	[ "$(value "$s")" = 1 ]
	[ "$(value -k "$k")" = 1 ]
	run sempost -x -E "$s"
	assert_failure 2
}

@test "sempost: 20 at once on a missing semaphore make one, of value 20" {
	local s k i pids=(); s=$(posix_name); k=$(sysv_key 5)
	for i in $(seq 20); do
		spawn sempost "$s"
		pids+=("$!")
		spawn sempost -k "$k"
		pids+=("$!")
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	[ "$(value "$s")" = 20 ]
	[ "$(value -k "$k")" = 20 ]
	[ "$(ipcs -s | grep -c "$(hexkey "$k")")" = 1 ]
}

@test "sempost: counts out of range are usage errors; an overflow names the limit" {
	local s k; s=$(posix_name); k=$(sysv_key 6)
	run sempost -c 0 "$s"
	assert_failure 2
	assert_line --index 1 "Try 'sempost --help'."
	run sempost -c 32768 -k "$k"
	assert_failure 2
	assert_output --partial "32767"
	run sempost -c 2147483648 "$s"
	assert_failure 2
	run sempost -c -1 "$s"
	assert_failure 2
	no_sem "$s"
	sempost -c 32767 -k "$k"
	run sempost -k "$k"
	assert_failure 1
	assert_output "sempost: key $(hexkey "$k"): value 32767 + 1 would pass the limit of 32767 (SEMVMX); nothing added"
	[ "$(value -k "$k")" = 32767 ]
	# Near SEM_VALUE_MAX without 2^31 sem_post calls (13 s, minutes under
	# ASan): glibc's sem_t keeps the value in the low 32 bits of its first
	# 8 bytes, so the test writes 2147483640 there.
	sempost "$s"
	printf '\xf8\xff\xff\x7f\x00\x00\x00\x00' |
		dd of="/dev/shm/sem.${s#/}" bs=8 count=1 conv=notrunc status=none
	[ "$(value "$s")" = 2147483640 ] || skip "not glibc's sem_t: the value is not where the test wrote it"
	sempost -c 7 "$s"
	run sempost -c 5 "$s"
	assert_failure 1
	assert_output --partial "(SEM_VALUE_MAX); nothing added"
	[ "$(value "$s")" = 2147483647 ]
}

@test "sempost as an unprivileged user: permission denied, nothing changed" {
	need_root
	local s k; s=$(posix_name); k=$(sysv_key 7)
	sempost "$s"
	sempost -k "$k"
	run as_nobody sempost "$s"
	assert_failure 1
	assert_output "sempost: $s: permission denied"
	run as_nobody sempost -k "$k"
	assert_failure 1
	assert_output --partial "permission denied"
	[ "$(value "$s")" = 1 ]
	[ "$(value -k "$k")" = 1 ]
}

@test "sempost -k private prints the new set's identifier; -i posts to it" {
	local id
	run sempost -c 2 -k private
	assert_success
	id=$output
	[[ $id =~ ^[0-9]+$ ]]
	sempost -i "$id"
	[ "$(value -i "$id")" = 3 ]
	ipcrm -s "$id"
	run sempost -i "$id"
	assert_failure 1
	assert_output --partial "no semaphore set with that identifier"
	run sempost -x -i 1
	assert_failure 2
}

@test "sempost --all-of makes a set that holds every member, posts all at once" {
	local k; k=$(sysv_key 8)
	sempost -c 2 -k "$k" --all-of 1,3
	[ "$(field semaphores -k "$k")" = 4 ]
	[ "$(field values -k "$k")" = 0,2,0,2 ]
	run sempost -k "$k" --all-of 0,4
	assert_failure 1
	assert_output "sempost: key $(hexkey "$k"): the set has only 4 semaphores"
	[ "$(field values -k "$k")" = 0,2,0,2 ]
	run sempost --all-of 0 "$(posix_name)"
	assert_failure 2
	run sempost --all-of 0,x -k "$k"
	assert_failure 2
}

@test "sempost --ftok names a System V set by a file" {
	touch "$T/f"
	sempost --ftok "$T/f:7"
	[ "$(value --ftok "$T/f:7")" = 1 ]
	semwait -u --ftok "$T/f:7"
}

@test "sempost usage errors: bad option, no target, extra operand, bad name" {
	run sempost --bogus
	assert_failure 2
	assert_line --index 1 "Try 'sempost --help'."
	run sempost
	assert_failure 2
	run sempost "$(posix_name)" extra
	assert_failure 2
	assert_output --partial "extra operand 'extra'"
	run sempost a/b
	assert_failure 2
	run sempost -m 999 "$(posix_name)"
	assert_failure 2
}

@test "interop: sem_open/sem_post/sem_getvalue and the tools see the same POSIX semaphore" {
	local s; s=$(posix_name)
	semtest "$s" post 3
	[ "$(value "$s")" = 3 ]
	semwait -c 2 "$s"
	[ "$(semtest "$s" value)" = 1 ]
	sempost -c 4 "$s"
	[ "$(semtest "$s" value)" = 5 ]
	semtest "$s" wait 5
	run semwait -n "$s"
	assert_failure 124
	# A waiter in C is woken by sempost.
	spawn semtest "$s" wait 1
	local pid=$!
	sempost "$s"
	wait "$pid"
	[ "$(semtest "$s" value)" = 0 ]
}

@test "interop: python3-sysv-ipc and the tools see the same System V set" {
	"$PY" -c 'import sysv_ipc' 2>/dev/null || skip "python3-sysv-ipc not installed"
	local k; k=$(sysv_key 9)
	"$PY" -c 'import sys, sysv_ipc
s = sysv_ipc.Semaphore(int(sys.argv[1]), sysv_ipc.IPC_CREX, 0o600, 2)' "$k"
	[ "$(value -k "$k")" = 2 ]
	sempost -c 3 -k "$k"
	run "$PY" -c 'import sys, sysv_ipc
s = sysv_ipc.Semaphore(int(sys.argv[1]))
s.acquire(0); print(s.value)' "$k"
	assert_success
	assert_output 4
	semwait -c 4 -k "$k"
	run "$PY" -c 'import sys, sysv_ipc
print(sysv_ipc.Semaphore(int(sys.argv[1])).value)' "$k"
	assert_output 0
	"$PY" -c 'import sys, sysv_ipc
s = sysv_ipc.Semaphore(int(sys.argv[1])); s.release(); s.release()' "$k"
	[ "$(value -k "$k")" = 2 ]
	run semwait -n -c 3 -k "$k"
	assert_failure 124
}

# Issue 25 item 7: a planted file under a semaphore's name used to kill with SIGBUS.
@test "a planted file that is no semaphore is refused, not mapped (SIGBUS)" {
	need_root
	local s f; s=$(posix_name); f=/dev/shm/sem.${s#/}
	as_nobody touch "$f"
	for cmd in "sempost $s" "semwait -s $s" "semwait -n $s"; do
		run $cmd
		assert_failure 1
		assert_output --regexp "^${cmd%% *}: $s: not a semaphore: $f is 0 bytes, a semaphore [0-9]+ \(owner nobody\); left as it is\$"
	done
	rm "$f"
	mkfifo -m 666 "$f"
	run sempost "$s"
	assert_failure 1
	assert_output --partial "is not a regular file"
	rm "$f"
	ln -s /dev/zero "$f"
	run sempost "$s"
	assert_failure 1
	assert_output --partial "is a symbolic link"
}

# Item 9: bits a semaphore cannot have; a set whose size cannot be read.
@test "sempost -m refuses setuid and sticky bits; --all-of past a set we cannot read" {
	need_root
	local s k; s=$(posix_name); k=$(sysv_key 20)
	run sempost -m 4755 "$s"
	assert_failure 2
	assert_line --index 0 "sempost: --mode: '4755': a semaphore has only permission bits (at most 777)"
	run sempost -m 1600 -k "$k"
	assert_failure 2
	no_sem "$s"
	sempost -m 622 -k "$k"
	run as_nobody semwait -n -k "$k" --all-of 1,3
	assert_failure 1
	assert_output "semwait: key $(hexkey "$k"): the set has fewer semaphores than --all-of names"
	run as_nobody sempost -k "$k" --all-of 1
	assert_failure 1
	assert_output --partial "the set has fewer semaphores than --all-of names"
}

@test "-W waits for an existing semaphore instead of making one; -T bounds it (issue 23.2)" {
	local s pid st=0
	s=$(posix_name)
	spawn sempost -W -T 30 "$s"
	pid=$!
	wait_until 10 watching "$pid"
	[ ! -e "/dev/shm/sem.${s#/}" ]
	sempost -c 2 "$s"
	wait "$pid" || st=$?
	assert_equal "$st" 0
	run semwait -s "$s"
	assert_line "value: 3"
	s=$(posix_name)
	run sempost -W -T 100ms "$s"
	assert_failure 124
	assert_output "sempost: $s: no such semaphore within 100ms"
	[ ! -e "/dev/shm/sem.${s#/}" ]
	run sempost -T 1 "$s"
	assert_failure 2
}

@test "--init N makes a semaphore at N once, --set N sets it, 0 included, POSIX and System V (issue 23.5)" {
	local s k
	s=$(posix_name)
	k=$(sysv_key 5)
	for t in "$s" "-k $k"; do
		# shellcheck disable=SC2086 # -k KEY is two words
		{
			sempost --init 3 $t
			sempost --init 3 $t   # a re-run leaves it alone
			run semwait -s $t
			assert_line "value: 3"
			sempost --set 1 $t
			run semwait -s $t
			assert_line "value: 1"
			sempost --set 0 $t
			run semwait -s $t
			assert_line "value: 0"
			semwait -s -u $t > /dev/null
			sempost --init 0 $t   # a semaphore the waiter may start on
			run semwait -n $t
			assert_failure 124
			sempost --set 2 $t
			semwait -c 2 -n -u $t
		}
	done
	run sempost --init 1 -c 2 "$s"
	assert_failure 2
	run sempost --init 1 --set 1 "$s"
	assert_failure 2
	run sempost --init 1 -E "$s"
	assert_failure 2
	run sempost --set 40000 -k "$k"
	assert_failure 2
	run semwait -s -k "$k"
	assert_failure 1   # nothing made
}

# Issue 25.5: the permits of semwait holders killed with SIGKILL.
@test "sempost --recover: two at once post each lost permit once (issue 25.5)" {
	local s h a st i; s=$(posix_name)
	sempost -c 3 "$s"
	for i in 1 2 3; do
		spawn semwait "$s" -- sleep 100
	done
	wait_until 5 eval '[ "$(field held "$s")" = 3 ]'
	for h in $(field held-by "$s" | tr , " "); do
		kill -KILL "${h%:*}"
	done
	wait_until 5 eval '[ "$(field lost "$s")" = 3 ]'
	[ "$(value "$s")" = 0 ]
	# The first recovery is held at its first look at a holder
	# (kill(PID, 0)) while the second recovers everything.
	spawn strace -o "$T/st" -e trace=kill -e inject=kill:delay_enter=2000000:when=1 \
		sempost --recover "$s" > "$T/a"
	a=$!
	wait_until 5 grep -q '^kill(' "$T/st"
	run sempost --recover "$s"
	assert_success
	assert_line "recovered: 3"
	st=0
	wait "$a" || st=$?
	[ "$st" -eq 0 ]
	assert_equal "$(cat "$T/a")" "recovered: 0"
	[ "$(value "$s")" = 3 ]
	[ "$(field lost "$s")" = 0 ]
}

@test "sempost --recover never takes the permits of a live holder, even a stopped one (issue 25.5)" {
	local s pid holder st; s=$(posix_name)
	sempost -c 2 "$s"
	spawn semwait -c 2 "$s" -- sh -c 'echo $$ > "$1"; exec sleep 100' sh "$T/pid"
	pid=$!
	wait_until 5 test -s "$T/pid"
	wait_until 5 eval '[ "$(field held "$s")" = 2 ]'
	holder=$(field held-by "$s")
	holder=${holder%:2}
	run sempost --recover "$s"
	assert_success
	assert_output "recovered: 0"
	kill -STOP "$holder"
	run sempost --recover "$s"
	assert_output "recovered: 0"
	[ "$(value "$s")" = 0 ]
	kill -CONT "$holder"
	kill -TERM "$(cat "$T/pid")"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	[ "$(value "$s")" = 2 ]
	[ "$(field held "$s")" = 0 ]
}

@test "sempost --recover refuses a record semwait did not write; semwait still gives back (issue 25.5)" {
	local s f; s=$(posix_name)
	sempost -c 2 "$s"
	f=$(semfile "$s")
	yes garbage | head -c 4064 >> "$f"
	run sempost --recover "$s"
	assert_failure 1
	assert_output "sempost: $s: the record of holders is not one semwait wrote ($f); nothing recovered"
	[ "$(value "$s")" = 2 ]
	run semwait -s "$s"
	assert_success
	assert_line "held: ?"
	assert_line "lost: ?"
	assert_line "semwait: $s: the record of holders in $f is not one semwait wrote"
	# A holder that cannot record itself says so, and still gives back.
	run semwait -c 2 "$s" -- true
	assert_success
	assert_output --partial "permits lost to a crash of the holder cannot be recovered"
	[ "$(value "$s")" = 2 ]
	# Our tag, but a slot no semwait writes (PID 2^31-1, past any PID).
	s=$(posix_name)
	sempost -c 2 "$s"
	semwait "$s" -- true
	f=$(semfile "$s")
	[ "$(stat -c %s "$f")" = 4096 ]
	printf '\377\377\377\177\005\000\000\000' | dd of="$f" bs=1 seek=272 conv=notrunc status=none
	run sempost --recover "$s"
	assert_failure 1
	assert_output "sempost: $s: the record of holders is not one semwait wrote ($f); nothing recovered"
	[ "$(value "$s")" = 2 ]
	# A planted file is refused before it is mapped.
	s=$(posix_name)
	touch "/dev/shm/sem.${s#/}"
	run sempost --recover "$s"
	assert_failure 1
	assert_output --partial "not a semaphore"
}

@test "sempost --recover: usage errors, missing semaphore (issue 25.5)" {
	local s; s=$(posix_name)
	run sempost --recover -k 1234
	assert_failure 2
	assert_line --index 0 "sempost: --recover is for POSIX semaphores; System V's SEM_UNDO loses nothing"
	run sempost --recover -c 2 "$s"
	assert_failure 2
	run sempost --recover --set 1 "$s"
	assert_failure 2
	run sempost --recover "$s"
	assert_failure 1
	assert_output "sempost: $s: no such semaphore"
	no_sem "$s"
}
