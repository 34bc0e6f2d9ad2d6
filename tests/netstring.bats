#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --netstring (LEN:BYTES,), the one binary-safe framing of lib/record,
# through every record reader and writer: mqsend, mqrecv, sockpipe.

bats_require_minimum_version 1.5.0
load helper

# Each argument as a netstring, as printf's %b reads it.
ns() {
	local a
	for a in "$@"; do
		printf '%d:%b,' "$(printf '%b' "$a" | wc -c)" "$a"
	done
}

# size_is FILE N: FILE holds N bytes now.
size_is() {
	[ "$(wc -c < "$1")" -eq "$2" ]
}

@test "netstring: every byte value, alone and all together, round-trips through a queue" {
	local q i b all=
	q=$(posix_name)
	for i in {0..255}; do
		printf -v b '\\x%02x' "$i"
		all+=$b
		printf '1:%b,' "$b"
	done > "$T/in"
	printf '256:%b,' "$all" >> "$T/in"
	spawn mqsend --netstring "$q" < "$T/in"
	wait_until 5 test -e "/dev/mqueue$q"
	mqrecv --netstring -c 257 "$q" > "$T/out"
	cmp "$T/in" "$T/out"
}

@test "netstring: sizes 0, 1 and the queue's maximum pass; one past it is refused" {
	local q
	q=$(posix_name)
	head -c 64 /dev/zero | tr '\0' '\n' | { printf '0:,1:\n,64:'; cat; printf ','; } > "$T/in"
	mqsend --netstring --msg-size 64 "$q" < "$T/in"
	mqrecv --netstring -c 3 "$q" > "$T/out"
	cmp "$T/in" "$T/out"
	{ cat "$T/in"; head -c 65 /dev/zero | { printf '65:'; cat; printf ','; }; } > "$T/in2"
	run mqsend --netstring "$q" < "$T/in2"
	assert_failure 1
	assert_output "mqsend: $q: message 4 is 65 bytes; the queue takes at most 64 (mq_msgsize; 3 sent)"
	run mqrecv -n -c 10 --netstring "$q"
	assert_success
	[ "${#output}" -gt 64 ]
}

@test "netstring: a stream cut inside a record is an error naming its offset" {
	local q
	q=$(posix_name)
	run mqsend --netstring "$q" < <(printf '3:abc,5:ab')
	assert_failure 1
	assert_output "mqsend: standard input: netstring 2, byte 10: the input ends inside it (1 sent)"
	run mqrecv -n -c 10 "$q"
	assert_output "abc"
	run mqsend --netstring "$q" < <(printf '3:abc,5:')
	assert_output "mqsend: standard input: netstring 2, byte 8: the input ends inside it (1 sent)"
	run mqsend --netstring "$q" < <(printf '3:abc,12')
	assert_output "mqsend: standard input: netstring 2, byte 8: the input ends inside it (1 sent)"
}

@test "netstring: hostile lengths are refused, nothing sent" {
	local q
	q=$(posix_name)
	run mqsend --netstring "$q" < <(printf '01:a,')
	assert_failure 1
	assert_output "mqsend: standard input: netstring 1, byte 1: a length with a leading zero (0 sent)"
	run mqsend --netstring "$q" < <(printf '12345678901234567890:a,')
	assert_failure 1
	assert_output "mqsend: standard input: netstring 1, byte 19: a length of more than 19 digits (0 sent)"
	run mqsend --netstring "$q" < <(printf '1:ab,')
	assert_failure 1
	assert_output "mqsend: standard input: netstring 1, byte 3: no ',' after the record (0 sent)"
	run mqsend --netstring "$q" < <(printf '2x:ab,')
	assert_output "mqsend: standard input: netstring 1, byte 1: no ':' after the length (0 sent)"
	run mqsend --netstring "$q" < <(printf ':ab,')
	assert_output "mqsend: standard input: netstring 1, byte 0: no length where a netstring starts (0 sent)"
	run mqsend --netstring "$q" < <(printf '9999999999999999999:')
	assert_failure 1
	assert_output --partial "message 1 is 9999999999999999999 bytes; the queue takes at most"
	test ! -e "/dev/mqueue$q" # made by this run, nothing reached it: removed
}

@test "netstring: messages with newlines and NULs cross mqrecv | mqsend whole" {
	local a b
	a=$(posix_name)
	b=$(posix_name)
	ns 'one\nline' 'nul\0byte' '' ',:' > "$T/in"
	mqsend --netstring "$a" < "$T/in"
	mqrecv --netstring -n -c 4 "$a" | mqsend --netstring "$b"
	mqrecv --netstring -c 4 "$b" > "$T/out"
	cmp "$T/in" "$T/out"
	run mqsend --netstring "$b" one
	assert_failure 2
	assert_output --partial "--null, --all and --netstring frame standard input"
}

@test "netstring: sockpipe datagrams carry one netstring each" {
	spawn sockpipe -l --netstring "unix-dgram:$T/d" > "$T/out"
	wait_for_socket --timeout 5 "$T/d"
	ns 'a\nb' 'c\0' '' > "$T/in"
	sockpipe --netstring --quit-on-eof "unix-dgram:$T/d" < "$T/in"
	wait_until 5 size_is "$T/out" "$(wc -c < "$T/in")"
	cmp "$T/in" "$T/out"
	run sockpipe --netstring --quit-on-eof "unix-dgram:$T/d" < <(printf '3:ab')
	assert_failure 1
	assert_output "sockpipe: standard input: netstring 1, byte 4: the input ends inside it"
}

@test "netstring: a sockpipe -l --keep sink writes each connection's records whole" {
	spawn sockpipe -l --keep --netstring "unix:$T/s" > "$T/out" 2> "$T/err"
	wait_for_socket --timeout 5 "$T/s"
	# a record left half sent by one client while another sends a whole one
	exec 5> >(sockpipe --quit-on-eof "unix:$T/s")
	printf '5:ab' >&5
	ns 'x\ny' | sockpipe --quit-on-eof "unix:$T/s"
	wait_until 5 size_is "$T/out" 6
	printf 'cde,4:fg' >&5
	exec 5>&-
	wait_until 5 grep -q 'inside a netstring' "$T/err"
	run cat "$T/out"
	assert_output "$(ns 'x\ny' abcde)"
	assert_output --partial "3:x"
	run cat "$T/err"
	assert_output --regexp "^sockpipe: unix:$T/s: .*: the stream ends at byte 12 inside a netstring; its 4 bytes dropped$"
	printf '01:a,' | sockpipe --quit-on-eof "unix:$T/s"
	wait_until 5 grep -q 'leading zero' "$T/err"
	assert_equal "$(tail -1 "$T/err" | sed 's/.*: the netstring/the netstring/')" \
		"the netstring starting at byte 0: a length with a leading zero; connection dropped"
}

@test "netstring: sockpipe takes it for datagrams and -l --keep, not a plain stream" {
	run sockpipe --netstring "unix:$T/s"
	assert_failure 2
	assert_line --index 0 "sockpipe: --netstring is for datagram addresses and -l --keep, not unix:$T/s"
	run sockpipe -l --netstring tcp::0
	assert_failure 2
}
