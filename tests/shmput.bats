#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Background commands take their arguments as $0, $1 in single quotes:
# shellcheck disable=SC2016
# shmput: stdin into a POSIX object, a System V segment or a mapped file.

bats_require_minimum_version 1.5.0
load helper

# No temporary object of this test's shmput is left in /dev/shm or $T.
no_temp_left() {
	run find /dev/shm "$T" -maxdepth 1 \( -name ".$IPCUT_PREFIX*.shmput-*" -o -path "$T/*.shmput-*" \)
	assert_output ""
}

# shmput's temporary object for NAME exists.
temp_exists() {
	[ -n "$(find /dev/shm -maxdepth 1 -name ".${1#/}.shmput-*")" ]
}

hex_key() { printf '0x%08x' "$1"; }
# Process PID has ended: gone, or a zombie.
dead() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2> /dev/null; }
# "UID CUID MODE" of System V object ID of kind m or q, as ipcs shows it.
stat_owner() {
	ipcs -"$1" -i "$2" | sed -n 's/.*uid=\([0-9]*\).*cuid=\([0-9]*\).*/\1 \2/p;s/.*mode=0*\([0-7]*\).*/\1/p' | paste -sd' '
}

@test "POSIX: binary data with NULs and no newline round-trips, mode 600" {
	local n
	n=$(posix_name)
	printf 'a\0b\0\377c' > "$T/in"
	run shmput "$n" < "$T/in"
	assert_success
	assert_output ""
	shmcat "$n" | cmp - "$T/in"
	run stat -c %a "/dev/shm$n"
	assert_output 600
	no_temp_left
}

@test "POSIX: replacing keeps no trace of the old content; the mode at most 0600" {
	local n
	n=$(posix_name)
	printf 'a long old content' | shmput -m 640 "$n"
	printf 'new' | shmput "$n"
	run shmcat "$n"
	assert_output new
	run stat -c %a "/dev/shm$n"
	assert_output 600
	printf 'x' | shmput -m 400 "$n"
	printf 'y' | shmput "$n"
	run stat -c %a "/dev/shm$n"
	assert_output 400
	printf 'z' | shmput -m 644 "$n"
	run stat -c %a "/dev/shm$n"
	assert_output 644
}

@test "-m sets the mode exactly, whatever the umask" {
	local n
	n=$(posix_name)
	(umask 077 && printf x | shmput -m 0664 "$n")
	run stat -c %a "/dev/shm$n"
	assert_output 664
	(umask 077 && printf x | shmput -m 604 -F "$T/f")
	run stat -c %a "$T/f"
	assert_output 604
}

@test "System V: created with the input's size, key and mode 600; round-trips" {
	local k
	k=$(sysv_key 1)
	printf 'x\0y\0z' > "$T/in"
	run shmput -k "$k" < "$T/in"
	assert_success
	assert_output ""
	shmcat -k "$k" | cmp - "$T/in"
	run ipcs -m
	assert_line --regexp "^$(hex_key "$k") +[0-9]+ +root +600 +5 "
}

@test "System V: an existing segment gets the input at the start, the rest zeroed" {
	local k
	k=$(sysv_key 1)
	printf 'abcdefgh' | shmput -k "$k"
	printf 'XY' | shmput -k "$k"
	shmcat -k "$k" | cmp - <(printf 'XY\0\0\0\0\0\0')
}

@test "System V: --print-id prints the id; --new makes a private segment" {
	local k id
	k=$(sysv_key 2)
	run shmput --print-id -k "$k" <<<hello
	assert_success
	id=$output
	run shmcat -i "$id"
	assert_output hello
	run shmput --new --print-id <<<private
	assert_success
	id=$output
	run shmcat -i "$id"
	assert_output private
	ipcrm -m "$id"
	run shmput -k private --print-id -m 640 <<<p2
	assert_success
	id=$output
	run ipcs -m -i "$id"
	assert_output --partial "mode=0640"
	ipcrm -m "$id"
}

@test "file: -F round-trips binary data and keeps readers of the old file" {
	printf 'a\0b' > "$T/in"
	shmput -F "$T/f" < "$T/in"
	cmp "$T/f" "$T/in"
	exec 4< "$T/f"
	printf 'new content' | shmput -F "$T/f"
	run cat <&4
	exec 4<&-
	assert_output "$(printf 'a\0b')"
	run cat "$T/f"
	assert_output "new content"
	no_temp_left
}

@test "0 bytes round-trip (POSIX and file); an empty new segment is refused" {
	local n k
	n=$(posix_name)
	printf 'old' | shmput "$n"
	shmput "$n" </dev/null
	run shmcat "$n"
	assert_success
	assert_output ""
	shmput -F "$T/f" </dev/null
	run stat -c %s "$T/f"
	assert_output 0
	k=$(sysv_key 3)
	run shmput -k "$k" </dev/null
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): the input is empty, and a System V segment cannot be of size 0"
}

@test "a 256 MiB object round-trips through a pipe" {
	local n
	n=$(posix_name)
	yes 0123456789abcdef | head -c 256M | shmput "$n"
	run stat -c %s "/dev/shm$n"
	assert_output 268435456
	cmp <(shmcat "$n") <(yes 0123456789abcdef | head -c 256M)
}

@test "--size pads with zeros; longer input is refused and nothing changes" {
	local n k
	n=$(posix_name)
	printf abc | shmput --size 6 "$n"
	shmcat "$n" | cmp - <(printf 'abc\0\0\0')
	run shmput --size 2 "$n" <<<toolong
	assert_failure 1
	assert_output "shmput: $n: input is more than 2 bytes; --size is 2"
	shmcat "$n" | cmp - <(printf 'abc\0\0\0')
	no_temp_left
	k=$(sysv_key 4)
	printf abc | shmput --size 1K -k "$k"
	run ipcs -m
	assert_line --regexp "^$(hex_key "$k") +[0-9]+ +root +600 +1024 "
	run shmput --size 2K -k "$k" </dev/null
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): the segment is 1024 bytes; a System V segment cannot be resized to 2048"
	run shmput --size 4 -k "$(sysv_key 5)" <<<toolong
	assert_failure 1
	assert_output "shmput: key $(hex_key "$(sysv_key 5)"): input is more than 4 bytes; --size is 4"
	run ipcs -m
	refute_output --partial "$(hex_key "$(sysv_key 5)")"
}

@test "System V: input larger than the segment is refused with both sizes, nothing written" {
	local k
	k=$(sysv_key 1)
	printf 12345 | shmput -k "$k"
	run shmput -k "$k" <<<"too long"
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is more than 5 bytes; the segment holds 5"
	run shmcat -k "$k"
	assert_output 12345
	printf 'abcdefgh' > "$T/in"
	run shmput -k "$k" < "$T/in"
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is 8 bytes; the segment holds 5"
}

@test "--offset patches in place (POSIX, file, System V); past the end is refused" {
	local n k
	n=$(posix_name)
	printf 'hello world' | shmput "$n"
	printf 'W' | shmput --offset 6 "$n"
	run shmcat "$n"
	assert_output "hello World"
	printf '!!' | shmput --offset 10 "$n"
	run shmcat "$n"
	assert_output "hello Worl!!"
	printf 'hello' > "$T/f"
	printf J | shmput --offset 0 -F "$T/f"
	run cat "$T/f"
	assert_output Jello
	k=$(sysv_key 1)
	printf 'abcdef' | shmput -k "$k"
	printf 'XY' | shmput --offset 2 -k "$k"
	run shmcat -k "$k"
	assert_output abXYef
	run shmput --offset 5 -k "$k" <<<"XY"
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is more than 1 byte; from the offset the segment has room for 1"
	run shmput --offset 7 -k "$k" </dev/null
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): offset 7 is past the end of the segment (6 bytes)"
	run shmcat -k "$k"
	assert_output abXYef
}

@test "-x fails on an existing object, -E on a missing one" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 1)
	run shmput -E "$n" <<<x
	assert_failure 1
	assert_output "shmput: $n: no such shared memory object"
	run shmput -E -k "$k" <<<x
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): no shared memory segment has this key"
	run shmput -E -F "$T/nofile" <<<x
	assert_failure 1
	assert_output "shmput: $T/nofile: no such file"
	shmput -x "$n" <<<first
	run shmput -x "$n" <<<second
	assert_failure 1
	assert_output "shmput: $n: already exists"
	shmput -x -k "$k" <<<first
	run shmput -x -k "$k" <<<second
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): already exists"
	run shmcat "$n"
	assert_output first
	shmput -E "$n" <<<third
	run shmcat "$n"
	assert_output third
	no_temp_left
}

@test "a segment made by ipcmk -M is written through -i and read back" {
	local id
	id=$(ipcmk -M 16 -p 600 | grep -o '[0-9]*$')
	printf 'via ipcmk' | shmput -i "$id"
	run shmcat -i "$id" --length 9
	ipcrm -m "$id"
	assert_output "via ipcmk"
}

@test "a process that keeps the segment attached sees writes; --offset touches only its bytes" {
	local k
	k=$(sysv_key 1)
	printf 'abcdefgh' | shmput -k "$k"
	spawn shmwatch "$k" 2 > "$T/seen"
	wait_until 5 grep -q attached "$T/seen"
	printf 'XYZ' | shmput -k "$k"
	wait_until 5 grep -q 'XYZ' "$T/seen"
	printf '12' | shmput --offset 4 -k "$k"
	# Not just "12": the "attached ID SIZE" line may hold it.
	wait_until 5 grep -qF 'XYZ\00012' "$T/seen"
	run cat "$T/seen"
	assert_line --index 1 'abcdefgh'
	assert_line --index 2 'XYZ\000\000\000\000\000'
	assert_line --index 3 'XYZ\00012\000\000'
}

@test "a temporary object is never left behind: refused input, a signal" {
	local n
	n=$(posix_name)
	run shmput --size 1 "$n" <<<xx
	assert_failure 1
	run shmput --size 1 -F "$T/f" <<<xx
	assert_failure 1
	no_temp_left
	[ ! -e "/dev/shm$n" ]
	[ ! -e "$T/f" ]
	mkfifo "$T/fifo"
	exec 5<> "$T/fifo"
	# An async command's stdin is /dev/null unless it redirects it itself.
	spawn sh -c 'exec shmput "$0" < "$1"' "$n" "$T/fifo" # opening a FIFO blocks: not here
	local pid=$!
	echo partial >&5
	wait_until 5 temp_exists "$n"
	kill -TERM "$pid"
	wait "$pid" || true
	exec 5>&-
	no_temp_left
	[ ! -e "/dev/shm$n" ]
}

# Every signal that kills takes the temporary object with it: those that
# dump core (XFSZ under ulimit -f, XCPU, ABRT, SYS, and a SEGV or BUS sent
# by another process) and 32 to 34, which the C library keeps for itself
# and its sigaction refuses (issue 21.15). shmput dies of the signal.
@test "a temporary object is never left behind: SIGXFSZ, XCPU, ABRT, SYS, SEGV and BUS sent, 32-34" {
	local n sig st
	n=$(posix_name)
	run bash -c 'ulimit -f 1024 && head -c 2M /dev/zero | shmput "$0"' "$n"
	assert_equal "$status" $((128 + 25))
	no_temp_left
	[ ! -e "/dev/shm$n" ]
	mkfifo "$T/fifo"
	local sigs=(XCPU ABRT SYS 32 33 34)
	# Under AddressSanitizer, SEGV and BUS are its own handler's to report.
	[[ $IPCUTILS_BIN == */asan ]] || sigs+=(SEGV BUS)
	for sig in "${sigs[@]}"; do
		exec 5<> "$T/fifo"
		spawn sigdefault sh -c 'ulimit -c 0; exec shmput "$0" < "$1"' "$n" "$T/fifo"
		local pid=$!
		echo partial >&5
		wait_until 5 temp_exists "$n"
		kill -s "$sig" "$pid" 2> /dev/null || kill "-$sig" "$pid"
		# Dead, or it would hang the wait (a zombie, or already reaped by bash).
		wait_until 10 dead "$pid" || fail "$sig: shmput still runs"
		st=0
		wait "$pid" || st=$?
		exec 5>&-
		[ "$st" -gt 128 ] || fail "$sig: shmput exited $st, not of the signal"
		run find /dev/shm -maxdepth 1 -name ".${n#/}.shmput-*"
		[ -z "$output" ] || fail "$sig: left $output"
	done
	[ ! -e "/dev/shm$n" ]
}

@test "usage errors: bad options and values, conflicting targets" {
	run shmput
	assert_failure 2
	assert_output "shmput: no object given; name one: NAME, -k KEY, -i ID, --ftok PATH, -F PATH or --new
Try 'shmput --help'."
	run shmput -k abc </dev/null
	assert_failure 2
	assert_line --index 0 "shmput: --key: invalid key 'abc' (decimal, 0x hex, or private)"
	run shmput -k 0x100000000 </dev/null
	assert_failure 2
	run shmput -i -1 </dev/null
	assert_failure 2
	assert_line --index 0 --partial "shmput: --id: invalid identifier '-1'"
	run shmput --size 1X x </dev/null
	assert_failure 2
	assert_line --index 0 "shmput: --size: invalid size '1X' (a number with an optional K, M or G)"
	run shmput --offset -3 x </dev/null
	assert_failure 2
	assert_line --index 0 --partial "shmput: --offset: invalid size '-3'"
	run shmput -m 999 x </dev/null
	assert_failure 2
	assert_line --index 0 --partial "shmput: --mode:"
	run shmput -x -E x </dev/null
	assert_failure 2
	assert_line --index 0 "shmput: --exclusive and --no-create exclude each other"
	run shmput --print-id x </dev/null
	assert_failure 2
	assert_line --index 0 "shmput: --print-id: only for System V segments"
	run shmput -F "$T/f" x </dev/null
	assert_failure 2
	assert_line --index 0 --partial "shmput: more than one object given (already $T/f)"
	run shmput -k 1 -F "$T/f" </dev/null
	assert_failure 2
	assert_line --index 0 --partial "more than one object given (already key 0x00000001)"
	run shmput a b </dev/null
	assert_failure 2
	assert_line --index 0 "shmput: extra operand 'b'"
	run shmput a/b </dev/null
	assert_failure 2
	[ ! -e "$T/f" ]
}

@test "missing objects: an id that is not a segment, an ftok path that does not exist" {
	local q
	q=$(ipcmk -Q -p 600 | grep -o '[0-9]*$')
	run shmput -i "$q" <<<x
	ipcrm -q "$q"
	assert_failure 1
	assert_output "shmput: id $q: no shared memory segment has this identifier (ipcs -m lists them)"
	run shmput --ftok "$T/nothere" <<<x
	assert_failure 1
	assert_output "shmput: $T/nothere: cannot make a key with ftok: No such file or directory"
	mkfifo "$T/fifo"
	run shmput -F "$T/fifo" <<<x
	assert_failure 1
	assert_output "shmput: $T/fifo: not a regular file"
	run shmput -F "$T" <<<x
	assert_failure 1
	assert_output "shmput: $T: not a regular file"
}

@test "--ftok names a segment both tools find" {
	local id
	touch "$T/anchor"
	id=$(printf 'by ftok' | shmput --print-id --ftok "$T/anchor:7")
	run shmcat --ftok "$T/anchor:7"
	ipcrm -m "$id"
	assert_output "by ftok"
}

@test "permission denied: another user's 0600 object" {
	need_root
	local n k
	n=$(posix_name)
	k=$(sysv_key 1)
	printf secret | shmput "$n"
	printf secret | shmput -k "$k"
	run as_nobody shmput "$n" <<<x
	assert_failure 1
	assert_output "shmput: $n: cannot open: Permission denied"
	run as_nobody shmput -k "$k" <<<x
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): cannot open segment: Permission denied"
	run shmcat "$n"
	assert_output secret
	run shmcat -k "$k"
	assert_output secret
}

# The creator of a System V segment keeps the owner's rights whatever
# IPC_SET made the owner: nobody makes a 0600 segment, gives it to root,
# and would read what root writes with -m 600 (issue 21.9). A 0666 segment
# of nobody's is no place for it either (issue 21.11).
@test "-m: a segment another user made, or owns, is refused and left as it was" {
	need_root
	local k id
	k=$(sysv_key 1)
	id=$(as_nobody sh -c 'printf bait | shmput --print-id -m 600 --size 64 -k "$0"' "$k")
	as_nobody ipcset m "$id" 0
	run stat_owner m "$id"
	assert_output "0 65534 600"
	run shmput -m 600 -k "$k" <<<'root secret'
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): exists with mode 600 and owner root, creator nobody, not mode 600 and owner root; nothing written"
	run as_nobody sh -c 'shmcat -k "$0" | tr -d "\0"' "$k"
	assert_output bait
	k=$(sysv_key 2)
	as_nobody sh -c 'printf bait | shmput -m 666 --size 64 -k "$0"' "$k"
	run shmput -m 600 -k "$k" <<<'root secret'
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): exists with mode 666 and owner nobody, not mode 600 and owner root; nothing written"
	run as_nobody sh -c 'shmcat -k "$0" | tr -d "\0"' "$k"
	assert_output bait
	# One's own segment with that mode is written as before.
	k=$(sysv_key 3)
	printf old | shmput -m 600 -k "$k"
	run sh -c 'printf new | shmput -m 600 -k "$0"' "$k"
	assert_success
}

# --offset writes in place: an object nobody planted, 0666, would get root's
# data and keep its mode and owner (issue 21.10). Planted before (-m
# refuses it), or planted while shmput reads a slow stdin, after it found
# no object and so meant to make it (0600, its own).
@test "--offset: an object another user planted, before or while stdin is read, is refused" {
	need_root
	local n
	n=$(posix_name)
	as_nobody sh -c 'printf bait > "$0" && chmod 666 "$0"' "/dev/shm$n"
	run sh -c 'echo secret | shmput -m 600 --offset 0 "$0"' "$n"
	assert_failure 1
	assert_output "shmput: $n: exists with mode 666 and owner nobody, not mode 600 and owner root; nothing written"
	run cat "/dev/shm$n"
	assert_output bait
	n=$(posix_name)
	mkfifo "$T/in"
	spawn sh -c 'shmput --offset 0 "$0" < "$1"; echo "status $?"' "$n" "$T/in" > "$T/res" 2>&1
	local w
	exec {w}> "$T/in"
	# Twice a pipe's size: written only once shmput reads, past its checks.
	head -c 131072 /dev/zero >&"$w"
	as_nobody sh -c 'printf bait > "$0" && chmod 666 "$0"' "/dev/shm$n"
	exec {w}>&-
	wait_until 10 grep -q '^status' "$T/res"
	run cat "$T/res"
	assert_output "shmput: $n: exists with mode 666 and owner nobody, not mode 600 and owner root; nothing written
status 1"
	run cat "/dev/shm$n"
	assert_output bait
}

@test "--print-id to /dev/full or a closed pipe fails, and the new segment is removed" {
	local k
	k=$(sysv_key 1)
	run bash -c "shmput --print-id -k $k <<<x >/dev/full"
	assert_failure 1
	assert_output "shmput: standard output: write error: No space left on device"
	run closedpipe shmput --print-id -k "$k" <<<x
	assert_failure 1
	assert_output "shmput: standard output: write error: Broken pipe"
	run ipcs -m
	refute_output --partial "$(hex_key "$k")"
}

# Issue 9: the edges of shmput.

@test "replacing another user's object never keeps its mode (POSIX, -F in a sticky directory)" {
	need_root
	local n
	n=$(posix_name)
	as_nobody sh -c ': > "$0" && chmod 666 "$0"' "/dev/shm$n"
	echo secret | shmput "$n"
	run stat -c '%a %U' "/dev/shm$n"
	assert_output "600 root"
	mkdir -m 1777 "$T/pub"
	as_nobody sh -c ': > "$0" && chmod 666 "$0"' "$T/pub/f"
	echo secret | shmput -F "$T/pub/f"
	run stat -c '%a %U' "$T/pub/f"
	assert_output "600 root"
	run as_nobody cat "$T/pub/f"
	assert_failure
}

@test "as nobody, replacing one's own 0400 object works, as rename allows" {
	need_root
	local n
	n=$(posix_name)
	as_nobody shmput -m 400 "$n" <<<old
	run as_nobody shmput "$n" <<<new
	assert_success
	run shmcat "$n"
	assert_output new
	run stat -c '%a %U' "/dev/shm$n"
	assert_output "400 nobody"
}

@test "--offset never changes the size unless the patch reaches past the end, and then to its end" {
	local n
	n=$(posix_name)
	printf 0123456789 | shmput "$n"
	printf ab | ASAN_OPTIONS=detect_leaks=0 strace -f -o "$T/trace" -e trace=fallocate,ftruncate shmput --offset 3 "$n"
	run grep -E 'fallocate|ftruncate' "$T/trace"
	assert_output ""
	run shmcat "$n"
	assert_output 012ab56789
	printf XYZ | shmput --offset 9 "$n"
	run shmcat "$n"
	assert_output 012ab5678XYZ
	# Two patches at once never leave anything but their bytes.
	for ((i = 0; i < 20; i++)); do
		printf 0123456789 | shmput "$n"
		printf AAAAA | shmput --offset 0 "$n" & printf BBBBB | shmput --offset 5 "$n"
		wait $!
		run shmcat "$n"
		assert_output AAAAABBBBB
	done
}

# A 1 MiB tmpfs in $T/mnt with less than 1 MiB free; unmounted in teardown.
small_tmpfs() {
	mkdir "$T/mnt"
	mount -t tmpfs -o size=1m tmpfs "$T/mnt" || skip "cannot mount a tmpfs here"
	head -c 960K /dev/zero > "$T/mnt/fill"
}

teardown() {
	mountpoint -q "$T/mnt" 2>/dev/null && umount "$T/mnt"
	ipc_teardown
}

@test "input from a pipe needs only its own size on a nearly full tmpfs" {
	need_root
	small_tmpfs
	printf 0123456789 > "$T/in"
	shmput -F "$T/mnt/f" < "$T/in"
	run bash -c 'printf hello | cat | shmput --offset 0 -F "$0/mnt/f"' "$T"
	assert_success
	run cat "$T/mnt/f"
	assert_output hello56789
	run bash -c 'printf hello | cat | shmput -F "$0/mnt/g"' "$T"
	assert_success
	run cat "$T/mnt/g"
	assert_output hello
}

# Input of unknown size grows its object by doubling; where the file system
# has no room for that, only for what the input needs, the mapping is that
# smaller size, and reading must stop at its end: it once read on into
# whatever lay past it ("Bad address", or memory overwritten; issue 21.14).
@test "input from a pipe larger than half a small tmpfs: read into the mapping only" {
	need_root
	mkdir "$T/mnt"
	mount -t tmpfs -o size=4m tmpfs "$T/mnt" || skip "cannot mount a tmpfs here"
	head -c 3M /dev/urandom > "$T/in"
	local i
	for i in 1 2 3; do
		run bash -c 'cat "$0/in" | shmput -F "$0/mnt/f"' "$T"
		assert_success
		cmp "$T/in" "$T/mnt/f"
		rm "$T/mnt/f"
	done
}

@test "a refused patch changes nothing and makes nothing" {
	local n
	n=$(posix_name)
	run bash -c 'printf ab | shmput --size 10 --offset 9 "$0"' "$n"
	assert_failure 1
	assert_output "shmput: $n: input is more than 1 byte; from the offset there is room for 1"
	[ ! -e "/dev/shm$n" ]
	printf 0123 | shmput "$n"
	run bash -c 'printf ab | shmput --size 10 --offset 9 "$0"' "$n"
	assert_failure 1
	run shmcat "$n"
	assert_output 0123
}

@test "concurrent writers to a missing System V key all succeed" {
	local k i
	k=$(sysv_key 7)
	for ((i = 0; i < 30; i++)); do
		printf abc | shmput -k "$k" & local p1=$!
		printf abc | shmput -k "$k" & local p2=$!
		printf abc | shmput -k "$k" || fail "round $i: third writer failed"
		wait "$p1" || fail "round $i: first writer failed"
		wait "$p2" || fail "round $i: second writer failed"
		ipcrm -M "$k"
	done
}

@test "endless input stops at SIZE+1 bytes and is refused with both sizes" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 8)
	run timeout 20 shmput --size 1M "$n" </dev/zero
	assert_failure 1
	assert_output "shmput: $n: input is more than 1048576 bytes; --size is 1048576"
	run timeout 20 bash -c 'yes | shmput --size 1K "$0"' "$n"
	assert_failure 1
	assert_output "shmput: $n: input is more than 1024 bytes; --size is 1024"
	run timeout 20 shmput --size 1K -k "$k" </dev/zero
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is more than 1024 bytes; --size is 1024"
	[ ! -e "/dev/shm$n" ]
	run ipcs -m
	refute_output --partial "$(hex_key "$k")"
}

@test "endless input to a new System V segment stops at SHMMAX" {
	need_root
	local k
	k=$(sysv_key 9)
	unshare -i true || skip "cannot make an IPC namespace here"
	run timeout 20 unshare -i sh -c 'echo 1048576 > /proc/sys/kernel/shmmax && exec shmput -k "$0" </dev/zero' "$k"
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is more than 1048576 bytes; a new segment can hold at most 1048576 (SHMMAX, /proc/sys/kernel/shmmax)"
}

# SHMALL bounds all segments together, in pages: what it leaves is the
# most a new one can be, and input is held only up to that (issue 21.16).
@test "endless input to a new System V segment stops at what SHMALL leaves, and names it" {
	need_root
	local k pg
	k=$(sysv_key 9)
	pg=$(getconf PAGESIZE)
	unshare -i true || skip "cannot make an IPC namespace here"
	run timeout 20 unshare -i sh -c 'echo 300 > /proc/sys/kernel/shmall &&
		head -c $((44 * $1)) /dev/zero | shmput -k private > /dev/null &&
		exec shmput -k "$0" < /dev/zero' "$k" "$pg"
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is more than $((256 * pg)) bytes; a new segment can hold at most $((256 * pg)) (SHMALL, /proc/sys/kernel/shmall, less the pages in use)"
}

# Bytes of memory that the file or object PATH really holds.
held() { echo $(( $(stat -c '%b * %B' "$1") )); }

@test "sizes are set sparsely: only the bytes written take memory" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 10)
	printf x | shmput --offset 1G "$n"
	run stat -c %s "/dev/shm$n"
	assert_output 1073741825
	(( $(held "/dev/shm$n") < 1048576 ))
	printf x | shmput --size 1G "$n"
	(( $(held "/dev/shm$n") < 1048576 ))
	shmput --size 1G -k "$k" </dev/null
	printf x | shmput --offset 5 -k "$k"
	printf x | shmput -k "$k"
	run awk -v k="$k" '$1 == k { print $15 }' /proc/sysvipc/shm
	(( output < 1048576 ))
}

@test "a closed stdin or stdout is an error naming it; nothing is made" {
	local n k
	n=$(posix_name)
	k=$(sysv_key 11)
	run bash -c 'exec shmput "$0" <&-' "$n"
	assert_failure 1
	assert_output "shmput: standard input is closed"
	[ ! -e "/dev/shm$n" ]
	run bash -c 'exec shmput --print-id -k "$0" <<<x >&-' "$k"
	assert_failure 1
	assert_output "shmput: standard output is closed"
	run ipcs -m
	refute_output --partial "$(hex_key "$k")"
}

@test "--new without --print-id prints the id; --size 0 and oversize messages say what happened" {
	local id k
	k=$(sysv_key 12)
	run shmput --new <<<private
	assert_success
	id=$output
	run shmcat -i "$id"
	ipcrm -m "$id"
	assert_output private
	run shmput --size 0 -k "$k" <<<x
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is more than 0 bytes; --size is 0"
	run shmput --size 0 -k "$k" </dev/null
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): --size 0: a System V segment cannot be empty"
	run shmput --size 1000 -k "$k" < <(head -c 2000 /dev/zero)
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): input is more than 1000 bytes; --size is 1000"
	run ipcs -m
	refute_output --partial "$(hex_key "$k")"
	printf 1 | shmput -k "$k"
	run shmput --offset 2 -k "$k" </dev/null
	assert_failure 1
	assert_output "shmput: key $(hex_key "$k"): offset 2 is past the end of the segment (1 byte)"
}
