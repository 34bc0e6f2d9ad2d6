#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# lib/: each piece and its messages, through tests/libtest.c.

bats_require_minimum_version 1.5.0
load helper

@test "numbers: decimal and hex, whole string, range-checked" {
	run libtest u64 42 0 100
	assert_success
	assert_output 42
	run libtest u64 0x1F 0 100
	assert_output 31
	run libtest u64 18446744073709551615 0 18446744073709551615
	assert_output 18446744073709551615
	run libtest i64 -7
	assert_output -7
}

@test "numbers: junk, signs, blanks and overflow are refused" {
	local bad
	for bad in "" abc 12x " 1" "1 " +1 -1 0x 0xg 1.5; do
		run libtest u64 "$bad" 0 100
		assert_failure 2
		assert_output "libtest: --n: invalid number '$bad'
Try 'libtest --help'."
	done
	run libtest u64 101 0 100
	assert_failure 2
	assert_line --index 0 "libtest: --n: '101' is out of range (0 to 100)"
	run libtest u64 18446744073709551616 0 18446744073709551615
	assert_failure 2
	assert_line --index 0 --partial "is out of range"
	run libtest i64 -101
	assert_line --index 0 "libtest: --n: '-101' is out of range (-100 to 100)"
	run libtest i64 --5
	assert_failure 2
}

@test "sizes: K, M, G are 1024-based" {
	run libtest size 0
	assert_output 0
	run libtest size 4K
	assert_output 4096
	run libtest size 3m
	assert_output 3145728
	run libtest size 2G
	assert_output 2147483648
	run libtest size 16777215G
	assert_output 18014397435740160
}

@test "sizes: bad suffixes and overflow are refused" {
	local bad
	for bad in "" K 4KB 4T 1.5K -1 4k4; do
		run libtest size "$bad"
		assert_failure 2
		assert_line --index 0 "libtest: --size: invalid size '$bad' (a number with an optional K, M or G)"
	done
	run libtest size 17179869184G
	assert_failure 2
	assert_line --index 0 "libtest: --size: '17179869184G' is too large (at most 18446744073709551615 bytes)"
}

@test "durations: units and fractions" {
	run libtest duration 2
	assert_output 2000000000
	run libtest duration 0.5
	assert_output 500000000
	run libtest duration .25s
	assert_output 250000000
	run libtest duration 250ms
	assert_output 250000000
	run libtest duration 1.5m
	assert_output 90000000000
	run libtest duration 2h
	assert_output 7200000000000
	run libtest duration 0
	assert_output 0
	run libtest duration 0.0000000019
	assert_output 1
}

@test "durations: bad forms and overflow are refused" {
	local bad
	for bad in "" s . .s 1x -1 1.2.3 "1 s" 1sec 1M; do
		run libtest duration "$bad"
		assert_failure 2
		assert_line --index 0 "libtest: --timeout: invalid duration '$bad' (a number with an optional unit ms, s, m or h)"
	done
	run libtest duration 9999999999999h
	assert_failure 2
	assert_line --index 0 "libtest: --timeout: duration '9999999999999h' is too long"
}

# Regression (fuzzing): the sum overflowed int64 in the fraction loop (UB,
# seen under -fsanitize=undefined), and m/h lost every fractional digit
# past ~10 (0.00000000009m gave 0).
@test "durations: the edge of int64 and long fractions of m and h are exact" {
	local big
	for big in 2562047.9h 9223372036.854775808 153722867.3m 9223372036854.775808ms; do
		run libtest duration "$big"
		assert_failure 2
		assert_line --index 0 "libtest: --timeout: duration '$big' is too long"
	done
	run libtest duration 9223372036.854775807
	assert_output 9223372036854775807
	run libtest duration 2562047.788015215h
	assert_output 9223372036854774000
	run libtest duration 0.00000000009m
	assert_output 5
	run libtest duration 0.000000000001h
	assert_output 3
	run libtest duration 0.99999999999999999999999999999999h
	assert_output 3599999999999
	run libtest duration 1.000000000000000000000000000000000000001
	assert_output 1000000000
}

@test "deadline: waits as long as it is told, woken by poll" {
	run libtest deadline 150ms
	assert_success
	[ "$output" -ge 150 ] && [ "$output" -lt 2000 ]
	run libtest deadline 0
	assert_output 0
}

@test "modes: octal only, at most 7777" {
	run libtest mode 600
	assert_output 0600
	run libtest mode 0640
	assert_output 0640
	run libtest mode 7777
	assert_output 7777
	local bad
	for bad in "" 8 u+rw 0x1 -1; do
		run libtest mode "$bad"
		assert_failure 2
		assert_line --index 0 "libtest: --mode: invalid mode '$bad' (octal digits, e.g. 600)"
	done
	run libtest mode 17777
	assert_line --index 0 "libtest: --mode: mode '17777' is out of range (at most 7777)"
}

@test "object names: POSIX NAME and /NAME" {
	run libtest target jobs
	assert_success
	assert_output $'posix /jobs\n/jobs'
	run libtest target /jobs
	assert_output $'posix /jobs\n/jobs'
	run libtest target "$(printf 'n%.0s' {1..255})"
	assert_success
}

@test "object names: bad POSIX names are usage errors" {
	run libtest target ""
	assert_failure 2
	assert_line --index 0 "libtest: empty object name; a POSIX name is NAME or /NAME"
	run libtest target /
	assert_failure 2
	run libtest target a/b
	assert_line --index 0 "libtest: 'a/b': a POSIX object name is one path component: NAME or /NAME"
	run libtest target //x
	assert_failure 2
	run libtest target ..
	assert_line --index 0 "libtest: '..' is not a valid object name"
	run libtest target "$(printf 'n%.0s' {1..256})"
	assert_line --index 0 "libtest: object name too long (256 bytes; at most 255)"
	run libtest target
	assert_failure 2
	assert_line --index 0 "libtest: no object given; name one: NAME, -k KEY, -i ID or --ftok PATH"
}

@test "object names: System V keys, ids and private" {
	run libtest target -k 0x2a
	assert_output $'sysv key 42\nkey 0x0000002a'
	run libtest target --key 4294967295
	assert_output $'sysv key -1\nkey 0xffffffff'
	run libtest target -i 7
	assert_output $'sysv id 7\nid 7'
	run libtest target -k private
	assert_output $'sysv key 0\nnew private object'
}

@test "object names: bad keys and ids, and two targets at once" {
	run libtest target -k 4294967296
	assert_failure 2
	assert_line --index 0 "libtest: --key: invalid key '4294967296' (decimal, 0x hex, or private)"
	run libtest target -k abc
	assert_failure 2
	run libtest target -k 0
	assert_line --index 0 "libtest: --key: key 0 is IPC_PRIVATE; say '-k private' for a new private object"
	run libtest target -i -1
	assert_failure 2
	assert_line --index 0 "libtest: --id: invalid identifier '-1' (0 to 2147483647, as ipcs shows it)"
	run libtest target -k 1 jobs
	assert_failure 2
	assert_line --index 0 "libtest: more than one object given (already key 0x00000001); name one: NAME, -k KEY, -i ID or --ftok PATH"
	run libtest target -k 1 -i 2
	assert_failure 2
}

@test "object names: --ftok makes the key ftok(3) makes" {
	touch "$T/f"
	run libtest target --ftok "$T/f"
	assert_success
	local ino dev key
	ino=$(stat -c %i "$T/f")
	dev=$(stat -c %d "$T/f")
	key=$(( (1 << 24) | ((dev & 0xff) << 16) | (ino & 0xffff) ))
	assert_line --index 0 "sysv key $key"
	run libtest target --ftok "$T/f:a"
	key=$(( (97 << 24) | ((dev & 0xff) << 16) | (ino & 0xffff) ))
	assert_line --index 0 "sysv key $key"
	assert_line --index 1 --partial "(ftok $T/f:97)"
	run libtest target --ftok "$T/f:200"
	assert_success
}

@test "object names: --ftok errors" {
	run libtest target --ftok "$T/missing"
	assert_failure 1
	assert_output "libtest: $T/missing: cannot make a key with ftok: No such file or directory"
	touch "$T/f"
	run libtest target --ftok "$T/f:0"
	assert_failure 2
	assert_line --index 0 "libtest: --ftok: invalid project id '0' (1 to 255, or one character)"
	run libtest target --ftok "$T/f:256"
	assert_failure 2
	run libtest target --ftok ":1"
	assert_line --index 0 "libtest: --ftok: missing path (PATH[:PROJ])"
}

@test "records: lines, last one without newline, empty lines kept" {
	run libtest records nl 100 < <(printf 'a\n\nbcd\nlast')
	assert_output $'1:a\n0:\n3:bcd\n4:last'
	run libtest records nl 100 < /dev/null
	assert_output ""
}

@test "records: NUL-delimited and whole input" {
	run libtest records nul 100 < <(printf 'a b\0c\nd\0')
	assert_output $'3:a b\n3:c\nd'
	run bash -c "printf 'x\\0y\\nz' | libtest records whole 100 | od -An -c | tr -s ' '"
	assert_output " 5 : x \\0 y \\n z \\n"
	run libtest records whole 100 < /dev/null
	assert_output "0:"
}

@test "records: too long ones are counted and skipped, the rest go on" {
	run libtest records nl 3 < <(printf 'abc\nabcdef\nxy\n')
	assert_output $'3:abc\ntoobig 2 6\n2:xy'
	run libtest records whole 3 < <(printf 'abcd')
	assert_output "toobig 1 4"
	# A record longer than the read buffer, skipped across many reads.
	run libtest records nl 10 < <(head -c 1000000 /dev/zero | tr '\0' x; printf '\nok\n')
	assert_output $'toobig 1 1000000\n2:ok'
}

@test "records: big input read in large blocks, not byte by byte" {
	command -v strace >/dev/null || skip "no strace"
	seq 100000 > "$T/in"
	run strace -f -c -e trace=read libtest records nl 100 < "$T/in" > /dev/null
	local reads
	reads=$(awk '$NF == "read" { print $4 }' <<<"$output")
	[ "$reads" -lt 50 ]
}

@test "records: output batched, and a write error is reported" {
	command -v strace >/dev/null || skip "no strace"
	seq 100000 > "$T/in"
	run strace -c -e trace=write libtest records nl 100 < "$T/in"
	local writes
	writes=$(awk '$NF == "write" { print $4 }' <<<"$output")
	[ "$writes" -lt 50 ]
	run bash -c 'libtest records nl 100 < "$1" > /dev/full' _ "$T/in"
	assert_failure 1
	assert_output "libtest: standard output: write error: No space left on device"
}

@test "diagnostics: a trailing colon appends the system error" {
	run libtest die thing
	assert_failure 1
	errno_msg=$(libtest die thing 2>&1 | sed 's/.*: //')
	[ -n "$errno_msg" ]
	run libtest nothing
	assert_failure 2
	assert_output $'libtest: unknown command \'nothing\'\nTry \'libtest --help\'.'
}

@test "close-stdout: a buffered write that fails is an error" {
	run bash -c 'libtest puts hello > /dev/full'
	assert_failure 1
	assert_output "libtest: standard output: write error: No space left on device"
	run closedpipe libtest puts hello
	assert_failure 1
	assert_output "libtest: standard output: write error: Broken pipe"
}

@test "exec: 127 for a missing command, 126 for one that cannot run" {
	run -127 libtest exec "$T/nonexistent"
	assert_failure 127
	assert_output "libtest: $T/nonexistent: cannot run: No such file or directory"
	printf 'x' > "$T/noexec"
	run libtest exec "$T/noexec"
	assert_failure 126
	assert_output --partial "cannot run: Permission denied"
	run libtest exec true
	assert_success
}

@test "helper: posix_name gives a new name each time, even in a subshell" {
	local a b
	a=$(posix_name)
	b=$(posix_name)
	[ "$a" != "$b" ]
	assert_regex "$a" "^/ipcut-[0-9]+-[0-9]+-1$"
}

@test "helper: spawn CMD < FILE gives CMD that file as stdin" {
	echo data > "$T/in"
	spawn tee "$T/out" < "$T/in" > /dev/null
	wait "$!"
	assert_equal "$(cat "$T/out")" data
}

@test "cleanup: a temporary name beside the target, removed on a fatal signal" {
	local sig name
	# A background job inherits what its parent ignores (INT and QUIT in a
	# script, ALRM under bats --jobs, 32 and 33 under make): sigdefault
	# sets every signal to its default first.
	for sig in TERM HUP INT USR1 ALRM 32 33 34; do
		sigdefault libtest cleanup "$T/target" > "$T/name" &
		local pid=$!
		wait_until 5 test -s "$T/name"
		name=$(<"$T/name")
		[[ $name == "$T/.target.libtest-"???????? ]]
		[ -f "$name" ]
		kill -"$sig" "$pid"
		local st=0
		wait "$pid" || st=$?
		# It died of the signal itself (128 + N), after removing the file.
		local num=$sig
		[[ $sig =~ ^[0-9]+$ ]] || num=$(kill -l "$sig")
		assert_equal "$st" $((128 + num))
		[ ! -e "$name" ]
	done
}

@test "cleanup: removed when the tool exits through die() too" {
	# A target in a missing directory: make() fails, nothing is left.
	run libtest cleanup "$T/none/target"
	assert_failure 1
	assert_output --partial "$T/none/target: No such file or directory"
}

@test "link: the small tools' --stat does not bring in ipcls's scanner or table" {
	command -v nm >/dev/null || skip "no nm"
	local t syms
	for t in sempost semwait mqsend mqrecv shmput shmcat; do
		syms=$(nm "$IPCUTILS_BIN/$t") || fail "$t: nm cannot read its symbols"
		[ -n "$syms" ] || skip "$t: stripped"
		run grep -wE 'ipcobj_scan|holders_scan|ipcfmt_print' <<<"$syms"
		assert_failure
	done
}

@test "prefix: the longest match decides, deny wins a tie, --allow closes the rest" {
	local addr rules want
	while IFS='|' read -r addr rules want; do
		# shellcheck disable=SC2086 # rules are words
		run libtest prefix "$addr" $rules
		assert_success
		assert_output "$want"
	done <<-'EOF2'
	10.1.2.3||allowed (no rule)
	10.1.2.3|-10.0.0.0/8|refused --deny 10.0.0.0/8
	10.1.2.3|-10.0.0.0/8 +10.1.0.0/16|allowed --allow 10.1.0.0/16
	10.2.0.1|-10.0.0.0/8 +10.1.0.0/16|refused --deny 10.0.0.0/8
	10.1.2.3|+10.1.2.3 -10.1.2.3/32|refused --deny 10.1.2.3/32
	10.1.2.3|-10.1.2.3 +10.1.2.3|refused --deny 10.1.2.3
	192.168.0.1|+10.0.0.0/8|refused (no rule)
	192.168.0.1|-10.0.0.0/8|allowed (no rule)
	::ffff:10.1.2.3|-10.0.0.0/8|refused --deny 10.0.0.0/8
	10.1.2.3|-::ffff:10.0.0.0/104|refused --deny ::ffff:10.0.0.0/104
	::1|+::1 -::/0|allowed --allow ::1
	::2|+::1 -::/0|refused --deny ::/0
	127.0.0.1|-0.0.0.0/0 +127.0.0.0/8|allowed --allow 127.0.0.0/8
	10.128.0.1|-10.0.0.0/9|allowed (no rule)
	10.127.0.1|-10.0.0.0/9|refused --deny 10.0.0.0/9
	fd00::1|+fd00::/8|allowed --allow fd00::/8
	fe00::1|+fd00::/8|refused (no rule)
	EOF2
}

@test "prefix: a malformed one is a usage error that says why" {
	local p why
	while IFS='|' read -r p why; do
		run libtest prefix 10.0.0.1 "-$p"
		assert_failure 2
		assert_line --index 0 "libtest: --deny: '$p': $why; a prefix is ADDRESS or ADDRESS/LEN (10.0.0.0/8, ::1, fd00::/8)"
	done <<-'EOF2'
	|not an IPv4 or IPv6 address
	x|not an IPv4 or IPv6 address
	01.2.3.4|not an IPv4 or IPv6 address
	1.2.3|not an IPv4 or IPv6 address
	1.2.3.4 |not an IPv4 or IPv6 address
	[::1]|not an IPv4 or IPv6 address
	/8|not an IPv4 or IPv6 address
	1.2.3.4/|bad length (/0 to /32 for IPv4)
	1.2.3.4/33|bad length (/0 to /32 for IPv4)
	1.2.3.4/08|bad length (/0 to /32 for IPv4)
	1.2.3.4/-1|bad length (/0 to /32 for IPv4)
	1.2.3.4/+8|bad length (/0 to /32 for IPv4)
	1.2.3.4/8/8|bad length (/0 to /32 for IPv4)
	::/129|bad length (/0 to /128 for IPv6)
	10.1.2.3/8|address bits set past the prefix length
	fd00::1/8|address bits set past the prefix length
	EOF2
}
