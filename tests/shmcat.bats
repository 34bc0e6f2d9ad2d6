#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Background commands take their arguments as $0, $1 in single quotes:
# shellcheck disable=SC2016
# shmcat: a shared memory object, segment or mapped file to stdout; and
# the target layer it shares with shmput (lib/shm.c).

bats_require_minimum_version 1.5.0
load helper

# PID has an inotify watch in place (shmcat -W is waiting).
watching() {
	grep -qs '^inotify wd:' /proc/"$1"/fdinfo/*
}

hex_key() { printf '0x%08x' "$1"; }

@test "whole content, and parts with --offset and --length (POSIX, System V, file)" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 1)
	printf '0123456789' | shmput "$n"
	printf '0123456789' | shmput -k "$k"
	printf '0123456789' > "$T/f"
	for t in "$n" "-k $k" "-F $T/f"; do
		# shellcheck disable=SC2086
		{
			run shmcat $t
			assert_output 0123456789
			run shmcat --offset 3 $t
			assert_output 3456789
			run shmcat --offset 2 --length 4 $t
			assert_output 2345
			run shmcat --offset=10 $t
			assert_success
			assert_output ""
			run shmcat --length 0 $t
			assert_success
			assert_output ""
		}
	done
}

@test "an offset or a length past the end is an error that says how much there is" {
	local n
	n=$(posix_name)
	printf '0123456789' | shmput "$n"
	run shmcat --offset 11 "$n"
	assert_failure 1
	assert_output "shmcat: $n: offset 11 is past the end (10 bytes)"
	run shmcat --offset 4 --length 7 "$n"
	assert_failure 1
	assert_output "shmcat: $n: 7 bytes from offset 4 go past the end: there are 6 (10 in all)"
	run shmcat --length 1K -k "$(sysv_key 1)"
	assert_failure 1
}

@test "missing objects: POSIX, key, id, file, ftok path" {
	local n k q
	n=$(posix_name)
	k=$(sysv_key 1)
	run shmcat "$n"
	assert_failure 1
	assert_output "shmcat: $n: no such shared memory object"
	run shmcat -k "$k"
	assert_failure 1
	assert_output "shmcat: key $(hex_key "$k"): no shared memory segment has this key"
	q=$(ipcmk -Q -p 600 | grep -o '[0-9]*$')
	run shmcat -i "$q"
	ipcrm -q "$q"
	assert_failure 1
	assert_output "shmcat: id $q: no shared memory segment has this identifier (ipcs -m lists them)"
	run shmcat -F "$T/none"
	assert_failure 1
	assert_output "shmcat: $T/none: no such file"
	run shmcat --ftok "$T/none:1"
	assert_failure 1
	assert_output "shmcat: $T/none: cannot make a key with ftok: No such file or directory"
	mkfifo "$T/fifo"
	run shmcat -F "$T/fifo"
	assert_failure 1
	assert_output "shmcat: $T/fifo: not a regular file"
}

@test "usage errors" {
	run shmcat
	assert_failure 2
	assert_line --index 0 "shmcat: no object given; name one: NAME, -k KEY, -i ID, --ftok PATH or -F PATH"
	run shmcat -k private
	assert_failure 2
	assert_line --index 0 "shmcat: -k private names no existing segment; use -i ID"
	run shmcat -T 1 x
	assert_failure 2
	assert_line --index 0 "shmcat: --timeout: only with --wait-exist"
	run shmcat -W -T 1x x
	assert_failure 2
	assert_line --index 0 --partial "shmcat: --timeout: invalid duration '1x'"
	run shmcat --length abc x
	assert_failure 2
	assert_line --index 0 --partial "shmcat: --length: invalid size 'abc'"
	run shmcat --offset 1Q x
	assert_failure 2
	assert_line --index 0 --partial "shmcat: --offset: invalid size '1Q'"
	run shmcat -i 2147483648
	assert_failure 2
	assert_line --index 0 --partial "shmcat: --id: invalid identifier '2147483648'"
	run shmcat -F a b
	assert_failure 2
	assert_line --index 0 "shmcat: more than one object given (already a); name one: NAME, -k KEY, -i ID, --ftok PATH or -F PATH"
	run shmcat -k 5 -i 6
	assert_failure 2
	assert_line --index 0 --partial "more than one object given (already key 0x00000005)"
	run shmcat -F ''
	assert_failure 2
	assert_line --index 0 "shmcat: --file: empty path"
	run shmcat x y
	assert_failure 2
	assert_line --index 0 "shmcat: extra operand 'y'"
}

@test "-W waits for a POSIX object to be put, then writes it" {
	local n pid
	n=$(posix_name)
	spawn sh -c 'exec shmcat -W -T 10 "$0" > "$1"' "$n" "$T/out"
	pid=$!
	wait_until 5 watching "$pid"
	printf 'handed over' | shmput "$n"
	wait "$pid"
	run cat "$T/out"
	assert_output "handed over"
}

@test "-W -u is a one-shot hand-off; -W on an existing object does not wait" {
	local n
	n=$(posix_name)
	printf first | shmput "$n"
	run shmcat -W -u "$n"
	assert_output first
	[ ! -e "/dev/shm$n" ]
	spawn sh -c 'exec shmcat -W -u -T 10 "$0" > "$1"' "$n" "$T/out"
	local pid=$!
	wait_until 5 watching "$pid"
	printf second | shmput "$n"
	wait "$pid"
	run cat "$T/out"
	assert_output second
	[ ! -e "/dev/shm$n" ]
}

@test "-W for a System V key and for a file" {
	local k pid
	k=$(sysv_key 1)
	spawn sh -c 'exec shmcat -W -T 10 -k "$0" > "$1"' "$k" "$T/out"
	pid=$!
	printf 'sysv' | shmput -k "$k"
	wait "$pid"
	run cat "$T/out"
	assert_output sysv
	spawn sh -c 'exec shmcat -W -T 10 -F "$0" > "$1"' "$T/f" "$T/out2"
	pid=$!
	wait_until 5 watching "$pid"
	printf 'file' | shmput -F "$T/f"
	wait "$pid"
	run cat "$T/out2"
	assert_output file
}

@test "-W -T gives up with status 124 when nothing appears" {
	local n
	n=$(posix_name)
	run shmcat -W -T 0.2 "$n"
	assert_failure 124
	assert_output "shmcat: $n: did not appear within 0.2s"
	run shmcat -W -T 150ms -k "$(sysv_key 1)"
	assert_failure 124
	assert_output "shmcat: key $(hex_key "$(sysv_key 1)"): did not appear within 150ms"
}

@test "-u removes what it read (POSIX, System V, file)" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 1)
	printf a | shmput "$n"
	printf b | shmput -k "$k"
	printf c > "$T/f"
	run shmcat -u "$n"
	assert_output a
	run shmcat -u -k "$k"
	assert_output b
	run shmcat -u -F "$T/f"
	assert_output c
	[ ! -e "/dev/shm$n" ]
	[ ! -e "$T/f" ]
	run ipcs -m
	refute_output --partial "$(hex_key "$k")"
}

@test "stdout to /dev/full or a closed pipe fails, and -u then removes nothing" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 1)
	printf data | shmput "$n"
	printf data | shmput -k "$k"
	run bash -c "shmcat -u $n > /dev/full"
	assert_failure 1
	assert_output "shmcat: standard output: write error: No space left on device"
	run bash -c "shmcat -u -k $k > /dev/full"
	assert_failure 1
	assert_output "shmcat: standard output: write error: No space left on device"
	run closedpipe shmcat -u "$n"
	assert_failure 1
	assert_output "shmcat: standard output: write error: Broken pipe"
	run closedpipe shmcat -u -k "$k"
	assert_failure 1
	assert_output "shmcat: standard output: write error: Broken pipe"
	[ -e "/dev/shm$n" ]
	run shmcat -k "$k"
	assert_output data
}

@test "output to a file and to an appending file (the write fallback)" {
	local n
	n=$(posix_name)
	printf 'abc\0def' | shmput "$n"
	shmcat "$n" > "$T/out"
	cmp "$T/out" <(printf 'abc\0def')
	printf 'x' > "$T/app"
	shmcat "$n" >> "$T/app"
	cmp "$T/app" <(printf 'xabc\0def')
}

@test "permission denied: another user's 0600 object" {
	need_root
	local n k
	n=$(posix_name)
	k=$(sysv_key 1)
	printf secret | shmput "$n"
	printf secret | shmput -k "$k"
	run as_nobody shmcat "$n"
	assert_failure 1
	assert_output "shmcat: $n: cannot open: Permission denied"
	run as_nobody shmcat -k "$k"
	assert_failure 1
	assert_output "shmcat: key $(hex_key "$k"): cannot open segment: Permission denied"
	printf shared | shmput -m 644 "$n"
	run as_nobody shmcat "$n"
	assert_success
	assert_output shared
}

@test "a reader looping over shmcat never sees a mix of two replacing writers' contents" {
	local n i out a b
	n=$(posix_name)
	a=$(head -c 65536 /dev/zero | tr '\0' A)
	b=$(head -c 65536 /dev/zero | tr '\0' B)
	printf '%s' "$a" | shmput "$n"
	# The writer stops when told, so no shmput of it outlives the test.
	spawn bash -c 'for ((i = 0; i < 2000; i++)); do [ -e "$3" ] && break
		printf "%s" "$1" | shmput "$0"; printf "%s" "$2" | shmput "$0"; done' \
		"$n" "$a" "$b" "$T/stop"
	local writer=$! bad=""
	for ((i = 0; i < 200; i++)); do
		out=$(shmcat "$n")
		[ "$out" = "$a" ] || [ "$out" = "$b" ] || { bad="read $i: ${#out} bytes"; break; }
	done
	touch "$T/stop"
	wait "$writer"
	[ -z "$bad" ] || { echo "mixed content at $bad" >&2; false; }
}

# Issue 9: -u takes exactly one object, and only what was delivered.

@test "-u removes only what the reader read: a reader that leaves early keeps the object" {
	local n
	n=$(posix_name)
	head -c 65536 /dev/zero | tr '\0' a | shmput "$n"
	run bash -c 'shmcat -u "$0" 2>"$1" | head -c1 >/dev/null; echo "${PIPESTATUS[0]}"' "$n" "$T/err"
	assert_output 1
	run cat "$T/err"
	assert_output --regexp "^shmcat: $n: the reader left with [0-9]+ bytes unread; the object is kept\$"
	[ "$(stat -c %s "/dev/shm$n")" = 65536 ]
	run bash -c 'shmcat -u "$0" | wc -c' "$n"
	assert_output 65536
	[ ! -e "/dev/shm$n" ]
	head -c 65536 /dev/zero | shmput -k "$(sysv_key 1)"
	run bash -c 'shmcat -u -k "$0" | head -c1 >/dev/null; echo "${PIPESTATUS[0]}"' "$(sysv_key 1)"
	assert_line --index 1 1
	run shmcat -k "$(sysv_key 1)" --length 4
	assert_success
}

# A signal that kills while the object is taken (renamed aside) gives it
# its name back: SIGXFSZ when stdout is a file past ulimit -f once left it
# as .NAME.shmcat-PID, its name gone, for the next taker to wait on in
# vain (issue 21.15).
@test "-u killed by SIGXFSZ (a file past ulimit -f) gives the object its name back" {
	local n
	n=$(posix_name)
	head -c 2M /dev/zero | shmput "$n"
	run bash -c 'ulimit -f 1024 && exec shmcat -u "$0" > "$1"' "$n" "$T/out"
	assert_equal "$status" $((128 + 25))
	[ -e "/dev/shm$n" ]
	run find /dev/shm -maxdepth 1 -name ".${n#/}.shmcat-*"
	assert_output ""
	run bash -c 'shmcat -W -T 5 -u "$0" | wc -c' "$n"
	assert_success
	assert_output 2097152
	[ ! -e "/dev/shm$n" ]
}

@test "two -W -u waiters on one name: exactly one takes the object" {
	local n i a b sa sb
	n=$(posix_name)
	for ((i = 0; i < 8; i++)); do
		spawn sh -c 'exec shmcat -W -u -T 1 "$0" > "$1"' "$n" "$T/a"
		a=$!
		spawn sh -c 'exec shmcat -W -u -T 1 "$0" > "$1"' "$n" "$T/b"
		b=$!
		wait_until 5 watching "$a"
		wait_until 5 watching "$b"
		printf 'message %d' "$i" | shmput "$n"
		sa=0 sb=0
		wait "$a" || sa=$?
		wait "$b" || sb=$?
		[ "$(cat "$T/a" "$T/b")" = "message $i" ] || fail "round $i: a='$(cat "$T/a")' b='$(cat "$T/b")'"
		[ $((sa + sb)) = 124 ] || fail "round $i: statuses $sa and $sb"
		[ ! -e "/dev/shm$n" ] || fail "round $i: the object is left"
	done
}

@test "a closed stdout is an error naming it; -u then removes nothing" {
	local n
	n=$(posix_name)
	printf data | shmput "$n"
	run bash -c 'exec shmcat -u "$0" >&-' "$n"
	assert_failure 1
	assert_output "shmcat: standard output is closed"
	run shmcat "$n"
	assert_output data
}

@test "-f writes each new version whole as it is put in place, and waits for a missing one" {
	local n pid
	n=$(posix_name)
	spawn sh -c 'exec shmcat -f "$0" > "$1"' "$n" "$T/out"
	pid=$!
	wait_until 5 watching "$pid"
	printf 'v1\n' | shmput "$n"
	wait_until 5 grep -qx v1 "$T/out"
	printf 'v2\n' | shmput "$n"
	wait_until 5 grep -qx v2 "$T/out"
	printf '3' | shmput --offset 1 "$n"
	wait_until 5 grep -qx v3 "$T/out"
	rm "/dev/shm$n"
	printf 'v4\n' | shmput "$n"
	wait_until 5 grep -qx v4 "$T/out"
	run cat "$T/out"
	assert_output $'v1\nv2\nv3\nv4'
	kill "$pid"
}

@test "-f ends with status 1 when its reader leaves; usage errors" {
	local n
	n=$(posix_name)
	printf 'v1\n' | shmput "$n"
	run timeout 10 bash -c 'shmcat -f "$0" 2>"$1" | head -c2; echo " ${PIPESTATUS[0]}"' "$n" "$T/err"
	assert_output "v1 1"
	run cat "$T/err"
	assert_output "shmcat: standard output: write error: Broken pipe"
	run shmcat -f -k 1
	assert_failure 2
	assert_line --index 0 "shmcat: --follow: only for a POSIX object or a file (a System V segment has no change events)"
	run shmcat -f -u "$n"
	assert_failure 2
	assert_line --index 0 "shmcat: --follow: not with --unlink"
	run shmcat -s --length 1 "$n"
	assert_failure 2
	assert_line --index 0 "shmcat: --stat: not with --length or --offset"
}

@test "-s prints size, mode, owner and times; for System V the attach count and pids" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 1)
	printf 'abc' | shmput -m 640 "$n"
	run shmcat -s "$n"
	assert_success
	assert_line --index 0 "kind: posix-shm"
	assert_line --index 1 "name: $n"
	assert_line --index 2 "size: 3"
	assert_line --index 3 "mode: 0640"
	assert_line --index 4 "owner: root"
	assert_line --index 5 --regexp '^modified: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
	printf 'abcd' | shmput -k "$k"
	spawn shmwatch "$k" 2 > "$T/seen"
	local pid=$!
	wait_until 5 grep -q attached "$T/seen"
	run shmcat -s -k "$k"
	assert_success
	assert_line --index 0 "kind: sysv-shm"
	assert_line --index 1 "name: $(hex_key "$k")"
	assert_line --index 2 "key: $(hex_key "$k")"
	assert_line --index 4 "size: 4"
	assert_line "attached: 1"
	assert_line "last-pid: $pid"
	run shmcat -s -F "$T/none"
	assert_failure 1
}
