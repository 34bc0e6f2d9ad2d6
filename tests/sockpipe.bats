#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# sockpipe: addresses, both modes, end of stream, datagrams, interop, errors.

bats_require_minimum_version 1.5.0
load helper

FORMS='an address is one of unix:PATH, abstract:NAME, unix-dgram:PATH, tcp:HOST:PORT, tcp:[IPV6]:PORT, udp:HOST:PORT, tcp4: tcp6: udp4: udp6:'

# The port a server wrote first to FILE (--print-port, nc -v, socat -d -d).
port_of() {
	wait_until 5 grep -qE '^[0-9]+$|Listening on|listening on' "$1" || return 1
	grep -oE '^[0-9]+$|[0-9]+$' "$1" | head -1
}

# An echo server on ADDRESS (sockpipe -l --keep -e cat); a tcp one's port in $T/port.
echo_server() {
	local pp=()
	[[ $1 == tcp* ]] && pp=(--print-port=1)
	spawn sockpipe -le --keep "${pp[@]}" "$@" -- cat > "$T/port"
}

# count_is -l|-c FILE N: FILE has N lines (-l) or bytes (-c) now.
count_is() {
	test "$(wc "$1" < "$2")" -eq "$3"
}

# children_of PID N: PID has N children now.
children_of() {
	test "$(ps -o pid= --ppid "$1" | wc -l)" -eq "$2"
}

@test "malformed addresses are usage errors that show the forms" {
	local a why
	while IFS='|' read -r a why; do
		run sockpipe "$a"
		assert_failure 2
		assert_line --index 0 "sockpipe: $a: $why; $FORMS"
		assert_line --index 1 "Try 'sockpipe --help'."
	done <<-'EOF'
	nosuch:x|unknown address type
	hostname|not an address
	tcp:host|missing ':PORT'
	tcp:host:|missing port
	tcp:::1:80|an IPv6 address needs brackets: [ADDRESS]:PORT
	tcp:[::1|'[' without ']'
	tcp:[::1]80|missing ':PORT' after ']'
	udp:h:65536|port out of range (0 to 65535)
	tcp:h:8_0|bad port (a number or a service name)
	tcp::-1|bad port (a number or a service name)
	tcp::0x50|bad port (a number or a service name)
	tcp:[::1]:80x|bad port (a number or a service name)
	unix:|empty path
	abstract:|empty name
	EOF
	run sockpipe "unix:/$(printf 'x%.0s' {1..120})"
	assert_failure 2
	assert_line --index 0 --partial "path too long (at most 107 bytes)"
}

@test "a port with many leading zeros is that port (no overflow)" {
	echo_server tcp::0
	local port zeros
	port=$(port_of "$T/port")
	zeros=$(printf '0%.0s' {1..60})
	run sockpipe "tcp:127.0.0.1:$zeros$port" <<<"zeros"
	assert_success
	assert_output "zeros"
}

@test "bad options and combinations are usage errors" {
	run sockpipe
	assert_failure 2
	assert_line --index 0 "sockpipe: missing ADDRESS"
	run sockpipe --keep unix:/x
	assert_line --index 0 "sockpipe: --keep needs --listen"
	run sockpipe --print-port tcp::0
	assert_line --index 0 "sockpipe: --print-port needs --listen"
	run sockpipe -l --print-port unix:/x
	assert_line --index 0 "sockpipe: --print-port needs a tcp or udp address"
	run sockpipe -l -e unix:/x
	assert_line --index 0 "sockpipe: --exec: missing COMMAND after the address"
	run sockpipe -l unix:/x cat
	assert_line --index 0 "sockpipe: extra operand 'cat' (a command needs --exec)"
	run sockpipe -lR 1 unix:/x
	assert_line --index 0 "sockpipe: --retry is for connecting, not with --listen"
	run sockpipe -le udp::0 -- cat
	assert_line --index 0 "sockpipe: --exec needs a stream address, not udp::0"
	run sockpipe --idle-timeout 1x unix:/x
	assert_failure 2
	assert_line --index 0 --partial "sockpipe: --idle-timeout: invalid duration '1x'"
	run sockpipe -l --keep --max-conns 0 unix:/x
	assert_failure 2
	assert_line --index 0 --partial "sockpipe: --max-conns: '0' is out of range"
	run sockpipe -l -m 999 unix:/x
	assert_failure 2
	assert [ ! -e /x ]
	run sockpipe -m 600 unix:/x
	assert_failure 2
	assert_line --index 0 "sockpipe: --mode needs --listen"
	run sockpipe --max-conns 3 unix:/x
	assert_failure 2
	assert_line --index 0 "sockpipe: --max-conns needs --keep"
	run sockpipe -a unix:/x
	assert_failure 2
	assert_line --index 0 "sockpipe: --all is for datagram addresses, not unix:/x"
	run sockpipe -l -0 tcp::0
	assert_line --index 0 "sockpipe: --null is for datagram addresses, not tcp::0"
}

@test "a closed standard input or output is an error that names it" {
	echo_server "unix:$T/s"
	wait_for_socket --timeout 5 "$T/s"
	# In sh -c: run's own capture pipe would fill a closed fd 0.
	run sh -c "exec sockpipe 'unix:$T/s' <&-"
	assert_failure 1
	assert_output "sockpipe: standard input is closed"
	run bash -c "exec sockpipe 'unix:$T/s' 2>&1 >&- <<<x"
	assert_failure 1
	assert_output "sockpipe: standard output is closed"
	# A log sink needs no input.
	spawn sh -c "exec sockpipe -l --keep 'unix:$T/sink' <&- > '$T/log'"
	wait_for_socket --timeout 5 "$T/sink"
	sockpipe "unix:$T/sink" <<<"line"
	wait_until 5 grep -q line "$T/log"
}

# The end-of-stream table of man/sockpipe.1, row by row, and its tests:
#   standard input ends                 request/response: ... answers after EOF
#   standard input ends, with --quit-on-eof        --quit-on-eof stops at end of input ...
#   peer closes first                   end of stream: the peer closes first, unix / tcp,
#                                       a listener sends all of stdin ...
#   ... standard input stays open       end of stream: ... stdin stays open ...
#   peer closes first, with --quit-on-eof          end of stream: ... with --quit-on-eof ...
#   standard input ends, with --quit-on-eof (tcp)  --quit-on-eof over tcp: a server that talks while it reads ...
#   peer closes first: stdout closed    the peer's end of stream closes standard output ...
#   reader leaves with bytes unread     a reader of standard output that leaves ...
#   peer resets the connection          a peer that resets the connection is an error
#   peer closes before reading all      end of stream: a reply that came before a reset ...
#   nothing moves for --idle-timeout                --idle-timeout: nothing moved ...; -l --keep --idle-timeout ...; -le --keep --idle-timeout ...
#   standard output fails               standard output errors: /dev/full and a closed pipe
#   SIGINT, SIGTERM, SIGHUP             unix sockets: ... removed on SIGINT; unix-dgram:
#                                       ... removed on SIGTERM; end of stream: SIGHUP
@test "request/response: a sockpipe server that answers after EOF" {
	spawn sockpipe -l -e "unix:$T/s" -- sh -c 'sleep 0.2; wc -l; echo done'
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe "unix:$T/s" < <(printf 'a\nb\nc\n')
	assert_success
	assert_output "3
done"
	# The server exits after its one connection and removes its socket.
	wait_until 5 test ! -e "$T/s"
}

@test "request/response: a socat server that answers after EOF" {
	command -v socat >/dev/null || skip "no socat"
	spawn socat -t 5 "UNIX-LISTEN:$T/s" SYSTEM:'wc -c; echo done'
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe "unix:$T/s" <<<"hello"
	assert_success
	assert_output "6
done"
}

@test "end of stream: the peer closes first, unix: stdin still all sent (64 MiB)" {
	spawn sockpipe -l "unix:$T/s" < /dev/null > "$T/out"
	local server=$!
	wait_for_socket --timeout 5 "$T/s"
	run sh -c "head -c 64M /dev/zero | sockpipe 'unix:$T/s'"
	assert_success
	wait "$server"
	run wc -c < "$T/out"
	assert_output 67108864
}

@test "end of stream: the peer closes first, tcp to nc -N -l: all 20 MiB arrive" {
	command -v nc >/dev/null || skip "no nc"
	spawn nc -N -vl 127.0.0.1 0 < /dev/null > "$T/out" 2> "$T/nc"
	local port
	port=$(port_of "$T/nc")
	run sh -c "head -c 20M /dev/zero | sockpipe tcp:127.0.0.1:$port"
	assert_success
	wait_until 10 count_is -c "$T/out" 20971520
}

@test "end of stream: a listener sends all of stdin to a client whose stdin is empty" {
	seq 1 1000000 > "$T/lines"
	# stdin a pipe, as in the report
	spawn sockpipe -l --print-port=1 tcp::0 < <(cat "$T/lines") > "$T/port"
	local port
	port=$(port_of "$T/port")
	run sh -c "sockpipe tcp:127.0.0.1:$port < /dev/null > '$T/got'"
	assert_success
	cmp "$T/lines" "$T/got"
}

@test "end of stream: the peer closes first, with --quit-on-eof: stdin still all sent" {
	spawn sockpipe -l "unix:$T/s" < /dev/null > "$T/out"
	wait_for_socket --timeout 5 "$T/s"
	seq 1 200000 > "$T/lines"
	run sh -c "cat '$T/lines' | sockpipe --quit-on-eof 'unix:$T/s'"
	assert_success
	wait_until 10 count_is -c "$T/out" "$(wc -c < "$T/lines")"
	cmp "$T/lines" "$T/out"
}

@test "end of stream: the peer closes first, stdin stays open: sockpipe keeps sending" {
	spawn sockpipe -l "unix:$T/s" < /dev/null > "$T/out"
	wait_for_socket --timeout 5 "$T/s"
	mkfifo "$T/in"
	sockpipe "unix:$T/s" < "$T/in" &
	local client=$!
	exec 5> "$T/in"
	echo first >&5
	wait_until 5 grep -q first "$T/out"
	echo second >&5
	wait_until 5 grep -q second "$T/out"
	exec 5>&-
	wait "$client"
}

@test "end of stream: a reply that came before a reset is written out (20 runs)" {
	spawn sockpeer reply 20 > "$T/port"
	local port i
	port=$(port_of "$T/port")
	head -c 4M /dev/zero > "$T/in"
	for i in $(seq 20); do
		run sockpipe "tcp:127.0.0.1:$port" < "$T/in"
		assert_failure 1
		assert_line --index 0 "reply"
		assert_line --index 1 --regexp "^sockpipe: tcp:127.0.0.1:$port: (cannot send to the peer|cannot receive from the peer): (Connection reset by peer|Broken pipe)\$"
	done
}

@test "end of stream: SIGHUP removes the socket file, and the signal ends sockpipe" {
	spawn sockpipe -l "unix:$T/s" < /dev/null
	local server=$!
	wait_for_socket --timeout 5 "$T/s"
	kill -HUP "$server"
	wait_until 5 test ! -e "$T/s"
	local st=0
	wait "$server" || st=$?
	assert_equal "$st" 129
}

@test "--quit-on-eof stops at end of input without waiting for the peer" {
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe -l "unix:$T/s" < "$T/in"
	wait_for_socket --timeout 5 "$T/s"
	run timeout 10 sockpipe --quit-on-eof "unix:$T/s" <<<"x"
	assert_success
}

@test "256 MiB round-trips byte-exact over unix (pipes: splice) and tcp (files)" {
	head -c 256M /dev/urandom > "$T/data"
	echo_server "unix:$T/s"
	wait_for_socket --timeout 5 "$T/s"
	# shellcheck disable=SC2002 # pipes on both sides: the splice path
	cat "$T/data" | sockpipe "unix:$T/s" | cat > "$T/out"
	cmp "$T/data" "$T/out"
	rm "$T/out"
	echo_server tcp:localhost:0
	sockpipe "tcp:127.0.0.1:$(port_of "$T/port")" < "$T/data" > "$T/out"
	cmp "$T/data" "$T/out"
}

@test "-l --keep: 20 concurrent clients, every line whole, none interleaved" {
	spawn sockpipe -l --keep "unix:$T/s" > "$T/log"
	wait_for_socket --timeout 5 "$T/s"
	local i pids=()
	for i in $(seq 20); do
		for j in $(seq 200); do printf 'client %02d line %03d %0500d\n' "$i" "$j" 0; done > "$T/in$i"
	done
	for i in $(seq 20); do
		sockpipe "unix:$T/s" < "$T/in$i" &
		pids+=("$!")
	done
	for i in "${pids[@]}"; do wait "$i"; done
	wait_until 10 count_is -l "$T/log" 4000
	run grep -cvE '^client [0-9]{2} line [0-9]{3} 0{500}$' "$T/log"
	assert_output 0
	for i in $(seq 20); do
		grep "^client $(printf %02d "$i") " "$T/log" | cmp - "$T/in$i"
	done
}

@test "-l --keep -e cat: 20 concurrent clients each get their own data; children reaped" {
	echo_server "unix:$T/s"
	local server=$! i pids=()
	wait_for_socket --timeout 5 "$T/s"
	for i in $(seq 20); do
		seq "$i" 1000 > "$T/in$i"
		sockpipe "unix:$T/s" < "$T/in$i" > "$T/out$i" &
		pids+=("$!")
	done
	for i in "${pids[@]}"; do wait "$i"; done
	for i in $(seq 20); do cmp "$T/in$i" "$T/out$i"; done
	wait_until 5 children_of "$server" 0
}

@test "-e: the command gets the peer in the UCSPI variables" {
	# shellcheck disable=SC2016 # expanded by the command's shell
	spawn sockpipe -le --keep --print-port=1 tcp::0 -- \
		sh -c 'echo "$PROTO $TCPREMOTEIP $TCPLOCALIP $TCPLOCALPORT"; echo "$TCPREMOTEPORT"' > "$T/port"
	local port
	port=$(port_of "$T/port")
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_success
	assert_line --index 0 "TCP 127.0.0.1 127.0.0.1 $port"
	assert_line --index 1 --regexp '^[0-9]+$'
	# shellcheck disable=SC2016
	spawn sockpipe -le --keep "unix:$T/s" -- \
		sh -c 'echo "$PROTO $UNIXREMOTEUID $UNIXREMOTEGID $TCPREMOTEIP"; echo "$UNIXREMOTEPID"'
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe "unix:$T/s" < /dev/null
	assert_line --index 0 "UNIX $(id -u) $(id -g) "
	assert_line --index 1 --regexp '^[0-9]+$'
}

@test "-v: one line per connection on stderr" {
	spawn sockpipe -l --keep -v "unix:$T/s" > "$T/log" 2> "$T/err"
	wait_for_socket --timeout 5 "$T/s"
	sockpipe "unix:$T/s" <<<"hello"
	wait_until 5 grep -q 'bytes received' "$T/err"
	run cat "$T/err"
	assert_output --regexp "^sockpipe: unix:$T/s: pid [0-9]+: 6 bytes received, ended by the end of its stream\$"
	spawn sockpipe -le --keep -v --print-port=1 tcp::0 -- cat > "$T/port" 2> "$T/err2"
	local port
	port=$(port_of "$T/port")
	run sockpipe -v "tcp:127.0.0.1:$port" <<<"abc"
	assert_success
	assert_line --index 0 "abc"
	assert_line --index 1 --regexp "^sockpipe: tcp:127.0.0.1:$port: 127.0.0.1:$port: 4 bytes sent, 4 received, ended by the end of both streams\$"
	wait_until 5 grep -q 'command exited 0' "$T/err2"
	run cat "$T/err2"
	assert_output --regexp "^sockpipe: tcp::0: 127.0.0.1:[0-9]+: command exited 0\$"
}

@test "--max-conns limits -e to N connections at once" {
	spawn sockpipe -le --keep --max-conns 1 "unix:$T/s" -- cat
	wait_for_socket --timeout 5 "$T/s"
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe "unix:$T/s" < "$T/in"
	wait_until 5 children_of "${BG_PIDS[0]}" 1
	# The second waits in the backlog: not served while the first is.
	run timeout 10 sockpipe --idle-timeout 0.3 "unix:$T/s" <<<"second"
	assert_failure 124
	assert_output "sockpipe: unix:$T/s: nothing moved for 0.3s"
}

@test "-le: once it has its connection, a second client is refused, not reset later" {
	spawn sockpipe -le "unix:$T/s" -- cat
	wait_for_socket --timeout 5 "$T/s"
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe "unix:$T/s" < "$T/in"
	wait_until 5 test ! -e "$T/s"
	run timeout 10 sockpipe -R 0.3 "unix:$T/s" < /dev/null
	assert_failure 1
	assert_output "sockpipe: unix:$T/s: cannot connect: No such file or directory"
}

@test "udp -l locks onto its first sender" {
	spawn sockpipe -l --print-port=1 udp::0 < /dev/null > "$T/out"
	local port
	port=$(port_of "$T/out")
	mkfifo "$T/in"
	sockpipe "udp:127.0.0.1:$port" < "$T/in" &
	local first=$!
	exec 5> "$T/in"
	echo a1 >&5
	wait_until 5 grep -q a1 "$T/out"
	# its datagram is dropped (and an ICMP error may reach it)
	run sockpipe --quit-on-eof "udp:127.0.0.1:$port" <<<"other"
	echo a2 >&5
	wait_until 5 grep -q a2 "$T/out"
	exec 5>&-
	kill "$first"
	run cat "$T/out"
	assert_output "$port
a1
a2"
}

@test "udp over IPv6: a datagram takes at most 65527 bytes" {
	need_ipv6_loopback
	spawn sockpipe -l --keep --print-port=1 'udp:[::1]:0' > "$T/out"
	local port
	port=$(port_of "$T/out")
	run sockpipe --quit-on-eof -a "udp:[::1]:$port" < <(head -c 65600 /dev/zero)
	assert_failure 1
	assert_output "sockpipe: udp:[::1]:$port: record 1 is 65600 bytes; a datagram takes at most 65527"
}

@test "-l --keep out of descriptors: no accept storm, every client served" {
	spawn bash -c "ulimit -n 16; exec sockpipe -l --keep 'unix:$T/s' > '$T/log' 2> '$T/err'"
	wait_for_socket --timeout 5 "$T/s"
	local i pids=()
	for i in $(seq 30); do
		# each holds its connection until $T/go appears (at most 10 s)
		{ echo "client $i"; for _ in $(seq 200); do [ -e "$T/go" ] && break; sleep 0.05; done; } \
			| sockpipe "unix:$T/s" &
		pids+=("$!")
	done
	wait_until 10 count_is -l "$T/log" 8
	touch "$T/go"
	for i in "${pids[@]}"; do wait "$i"; done
	wait_until 10 count_is -l "$T/log" 30
	run wc -l < "$T/err"
	assert [ "$output" -le 1 ]
}

@test "-l --keep --idle-timeout: an idle client is dropped, its slot freed, the server goes on" {
	spawn sockpipe -l --keep --idle-timeout 0.3 --max-conns 1 "unix:$T/s" > "$T/log"
	local server=$!
	wait_for_socket --timeout 5 "$T/s"
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe "unix:$T/s" < "$T/in"
	run timeout 10 sockpipe "unix:$T/s" <<<"second"
	assert_success
	wait_until 5 grep -q second "$T/log"
	kill -0 "$server"
}

@test "-le --keep --idle-timeout: an idle connection's command is ended, the server goes on" {
	# shellcheck disable=SC2016 # expanded by the command's shell
	spawn sockpipe -le --keep --idle-timeout 0.3 "unix:$T/s" -- \
		sh -c 'echo up >> "$0"; read -r x; echo "got $x"; exec sleep 60' "$T/up"
	local server=$!
	wait_for_socket --timeout 5 "$T/s"
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe "unix:$T/s" < "$T/in"
	# The command ran (its child lives 0.3 s idle: too short to watch for under load) ...
	wait_until 5 test -s "$T/up"
	# ... and was ended, its relay too.
	wait_until 5 children_of "$server" 0
	run timeout 10 sockpipe "unix:$T/s" <<<"hello"
	assert_success
	assert_output "got hello"
	kill -0 "$server"
}

@test "--retry connects to a server started later; gives up after DURATION" {
	sockpipe -R 10 "unix:$T/s" <<<"late" > "$T/out" &
	local client=$!
	spawn sockpipe -l -e "unix:$T/s" -- cat
	wait "$client"
	run cat "$T/out"
	assert_output "late"
	run timeout 10 sockpipe -R 0.3 "unix:$T/none"
	assert_failure 1
	assert_output "sockpipe: unix:$T/none: cannot connect: No such file or directory"
}

@test "-R with -T: -T bounds the whole wait (124), retries back off" {
	local port
	port=$(sockpipe -l --print-port=1 -T 0.01 tcp::0 | head -1)
	# (LeakSanitizer cannot run under ptrace: off for sanitizer builds)
	ASAN_OPTIONS=detect_leaks=0 run timeout 10 strace -f -qq -e trace=connect -o "$T/trace" \
		sockpipe -R 3 -T 0.5 "tcp:127.0.0.1:$port" < /dev/null
	assert_failure 124
	assert_output "sockpipe: tcp:127.0.0.1:$port: not connected within 0.5s"
	# 10 ms doubling to 0.5 s: about 6 tries in 0.5 s, never thousands.
	run grep -c 'connect(' "$T/trace"
	assert [ "$output" -le 12 ]
}

@test "-R keeps trying a host name that does not resolve yet" {
	# (LeakSanitizer cannot run under ptrace: off for sanitizer builds)
	ASAN_OPTIONS=detect_leaks=0 run timeout 10 strace -f -qq -e trace=openat -o "$T/trace" \
		sockpipe -R 0.3 tcp:ipcut-no-such-host.invalid:80 < /dev/null
	assert_failure 1
	assert_output --regexp '^sockpipe: tcp:ipcut-no-such-host\.invalid:80: unknown host or port: '
	run grep -c '/etc/hosts' "$T/trace"
	assert [ "$output" -ge 3 ]
}

@test "-T: connect timeout and accept timeout exit 124" {
	spawn sockpeer hold "$T/h" > "$T/ready"
	wait_until 5 grep -q ready "$T/ready"
	run timeout 10 sockpipe -T 0.2 "unix:$T/h"
	assert_failure 124
	assert_output "sockpipe: unix:$T/h: not connected within 0.2s"
	spawn sockpeer hold tcp > "$T/hold"
	wait_until 5 grep -q ready "$T/hold"
	run timeout 10 sockpipe -T 0.2 "tcp:127.0.0.1:$(head -1 "$T/hold")"
	assert_failure 124
	run timeout 10 sockpipe -l -T 0.2 "unix:$T/s"
	assert_failure 124
	assert_output "sockpipe: unix:$T/s: no connection within 0.2s"
	assert [ ! -e "$T/s" ]
}

@test "--idle-timeout: nothing moved for DURATION exits 124" {
	spawn sockpipe -le --keep "unix:$T/s" -- sleep 60
	wait_for_socket --timeout 5 "$T/s"
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	run timeout 10 sockpipe --idle-timeout 0.2 "unix:$T/s" < "$T/in"
	assert_failure 124
	assert_output "sockpipe: unix:$T/s: nothing moved for 0.2s"
}

@test "--idle-timeout 0: data that is waiting still moves" {
	spawn sockpipe -l "unix:$T/s" < /dev/null > "$T/out"
	wait_for_socket --timeout 5 "$T/s"
	seq 1000 > "$T/in"
	run sockpipe --idle-timeout 0 --quit-on-eof "unix:$T/s" < "$T/in"
	assert_success
	wait_until 5 count_is -c "$T/out" "$(wc -c < "$T/in")"
}

@test "IPv6 loopback" {
	need_ipv6_loopback
	echo_server 'tcp:[::1]:0'
	local port
	port=$(port_of "$T/port")
	run sockpipe "tcp:[::1]:$port" <<<"six"
	assert_success
	assert_output "six"
	run sockpipe "tcp6:localhost:$port" <<<"six again"
	assert_output "six again"
}

@test "abstract sockets leave no file" {
	local name="ipcut-$IPCUT_RUN-$BATS_SUITE_TEST_NUMBER"
	echo_server "abstract:$name"
	wait_until 5 grep -q "@$name" /proc/net/unix
	run sockpipe "abstract:$name" <<<"no file"
	assert_success
	assert_output "no file"
}

@test "udp: one record per datagram, boundaries kept; too big is refused" {
	spawn sockpipe -l --keep --print-port=1 udp::0 > "$T/out"
	local port
	port=$(port_of "$T/out")
	printf 'a b\n\nccc' | sockpipe --quit-on-eof "udp:127.0.0.1:$port"
	wait_until 5 count_is -l "$T/out" 4
	run cat "$T/out"
	assert_output "$port
a b

ccc"
	run sockpipe --quit-on-eof -a "udp:127.0.0.1:$port" < <(head -c 70000 /dev/zero)
	assert_failure 1
	assert_output "sockpipe: udp:127.0.0.1:$port: record 1 is 70000 bytes; a datagram takes at most 65507"
}

@test "udp -l answers the first sender" {
	printf 'pong\n' > "$T/in"
	spawn sockpipe -l --print-port=1 -r udp::0 < "$T/in" > "$T/out"
	local port
	port=$(port_of "$T/out")
	run timeout 10 sockpipe --idle-timeout 1 "udp:127.0.0.1:$port" <<<"ping"
	assert_failure 124
	assert_line --index 0 "pong"
	wait_until 5 grep -q ping "$T/out"
}

@test "unix-dgram: NUL records, raw output, socket file removed on SIGTERM" {
	spawn sockpipe -l -0 "unix-dgram:$T/d" > "$T/out"
	local server=$!
	wait_for_socket --timeout 5 "$T/d"
	printf 'x\0y y\0\0' | sockpipe -0 --quit-on-eof "unix-dgram:$T/d"
	wait_until 5 count_is -c "$T/out" 7
	run od -An -c "$T/out"
	assert_output --regexp '^ +x +\\0 +y +y +\\0 +\\0 *$'
	kill -TERM "$server"
	wait_until 5 test ! -e "$T/d"
}

@test "unix sockets: mode 0600 by default, -m, removed on SIGINT" {
	spawn sockpipe -l --keep "unix:$T/a"
	spawn sockpipe -l --keep -m 660 "unix:$T/b"
	wait_for_socket --timeout 5 "$T/a"
	wait_for_socket --timeout 5 "$T/b"
	run stat -c %a "$T/a" "$T/b"
	assert_output "600
660"
	kill -INT "${BG_PIDS[0]}"
	wait_until 5 test ! -e "$T/a"
}

@test "a stale socket file is replaced; one in use is not" {
	spawn sockpipe -l --keep "unix:$T/s"
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe -l "unix:$T/s"
	assert_failure 1
	assert_output "sockpipe: unix:$T/s: cannot listen: Address already in use"
	kill -KILL "${BG_PIDS[0]}"
	wait "${BG_PIDS[0]}" || true
	test -S "$T/s"
	echo_server "unix:$T/s"
	wait_until 5 sockpipe "unix:$T/s" < /dev/null
	run sockpipe "unix:$T/s" <<<"again"
	assert_output "again"
}

@test "the stale check does not connect to a live listener" {
	spawn sockpipe -l "unix:$T/s" < /dev/null > "$T/out"
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe -l "unix:$T/s"
	assert_failure 1
	assert_output "sockpipe: unix:$T/s: cannot listen: Address already in use"
	test -S "$T/s"
	run sockpipe "unix:$T/s" <<<"still listening"
	assert_success
	wait_until 5 grep -q "still listening" "$T/out"
}

@test "the stale check on a listener with a full backlog does not block" {
	spawn sockpeer hold "$T/h" > "$T/ready"
	wait_until 5 grep -q ready "$T/ready"
	run timeout 10 sockpipe -l -T 0.2 "unix:$T/h"
	assert_failure 1
	assert_output "sockpipe: unix:$T/h: cannot listen: Address already in use"
}

@test "a file that is not a socket is left untouched" {
	echo precious > "$T/f"
	run sockpipe -l "unix:$T/f"
	assert_failure 1
	assert_output "sockpipe: unix:$T/f: $T/f exists and is not a socket; left untouched"
	run cat "$T/f"
	assert_output precious
}

@test "errors: refused, unknown host, address in use" {
	spawn sockpipe -l --print-port=1 tcp::0 > "$T/port"
	local port
	port=$(port_of "$T/port")
	run sockpipe -l "tcp::$port"
	assert_failure 1
	assert_output "sockpipe: tcp::$port: cannot listen: Address already in use"
	kill -KILL "${BG_PIDS[0]}"
	wait "${BG_PIDS[0]}" || true
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_failure 1
	assert_output "sockpipe: tcp:127.0.0.1:$port: cannot connect: Connection refused"
	run sockpipe tcp:nosuch.invalid:80 < /dev/null
	assert_failure 1
	assert_output --regexp '^sockpipe: tcp:nosuch\.invalid:80: unknown host or port: '
	run sockpipe tcp:localhost:nosuchservice < /dev/null
	assert_failure 1
	assert_output --regexp '^sockpipe: tcp:localhost:nosuchservice: unknown host or port: '
}

@test "permission denied on a socket path, as nobody" {
	need_root
	spawn sockpipe -l --keep "unix:$T/s"
	wait_for_socket --timeout 5 "$T/s"
	run as_nobody sockpipe "unix:$T/s" < /dev/null
	assert_failure 1
	assert_output "sockpipe: unix:$T/s: cannot connect: Permission denied"
	mkdir -m 755 "$T/ro"
	run as_nobody sockpipe -l "unix:$T/ro/s"
	assert_failure 1
	assert_output "sockpipe: unix:$T/ro/s: cannot listen: Permission denied"
}

@test "--exec: a missing command is 127, one that cannot run 126" {
	run -127 sockpipe -le "unix:$T/s" -- ipcut-no-such-command
	assert_failure 127
	assert_output "sockpipe: ipcut-no-such-command: cannot run: No such file or directory"
	printf 'echo hi\n' > "$T/noexec"
	run sockpipe -le "unix:$T/s" -- "$T/noexec"
	assert_failure 126
	assert_output "sockpipe: $T/noexec: cannot run: Permission denied"
	assert [ ! -e "$T/s" ]
	# -l -e exits with its command's status.
	spawn sockpipe -le "unix:$T/s" -- sh -c 'cat; exit 3'
	local server=$!
	wait_for_socket --timeout 5 "$T/s"
	sockpipe "unix:$T/s" < /dev/null
	local st=0
	wait "$server" || st=$?
	assert_equal "$st" 3
}

@test "-e: each command starts with no signal blocked, SIGPIPE at default, the caller's ignored signals kept" {
	# The server blocks SIGCHLD and ignores SIGPIPE; its commands must not inherit either.
	spawn sh -c "trap '' USR2; exec sockpipe -le --keep --print-port=1 tcp::0 -- grep -E '^Sig(Blk|Ign):' /proc/self/status" > "$T/port"
	local port blk ign
	port=$(port_of "$T/port")
	for _ in 1 2; do
		run sockpipe "tcp:127.0.0.1:$port" < /dev/null
		assert_success
		blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' <<< "$output")
		ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' <<< "$output")
		assert_equal "$blk" 0000000000000000
		assert [ $(( 16#$ign & (1 << (13 - 1)) )) -eq 0 ]  # PIPE
		assert [ $(( 16#$ign & (1 << (12 - 1)) )) -ne 0 ]  # USR2, as the caller left it
	done
}

@test "-e: a command gone after the server started fails that connection (127 said), the server goes on" {
	printf '#!/bin/sh\necho hi\n' > "$T/cmd"
	chmod +x "$T/cmd"
	spawn sockpipe -le --keep "unix:$T/s" -- "$T/cmd" 2> "$T/err"
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe "unix:$T/s" < /dev/null
	assert_output hi
	mv "$T/cmd" "$T/cmd.away"
	run sockpipe "unix:$T/s" < /dev/null
	assert_success
	assert_output ""
	wait_until 5 grep -qx "sockpipe: $T/cmd: cannot run: No such file or directory" "$T/err"
	mv "$T/cmd.away" "$T/cmd"
	run sockpipe "unix:$T/s" < /dev/null
	assert_output hi
}

@test "--exec: a failure before the command runs is 125, as timeout(1)'s" {
	run sockpipe -le "unix:$T/no/such/dir/s" -- cat
	assert_failure 125
	assert_output --partial "sockpipe: unix:$T/no/such/dir/s: "
	run sockpipe -le --keep "unix:$T/no/s" -- cat
	assert_failure 125
}

@test "standard output errors: /dev/full and a closed pipe" {
	spawn sockpipe -le --keep "unix:$T/s" -- echo hello
	wait_for_socket --timeout 5 "$T/s"
	run sh -c "sockpipe 'unix:$T/s' < /dev/null > /dev/full"
	assert_failure 1
	assert_output "sockpipe: standard output: write error: No space left on device"
	run closedpipe sockpipe "unix:$T/s" < /dev/null
	assert_failure 1
	assert_output "sockpipe: standard output: write error: Broken pipe"
}

@test "a peer that resets the connection is an error" {
	spawn sockpeer reset > "$T/port"
	local port
	port=$(port_of "$T/port")
	printf 'hi' > "$T/in"
	run sockpipe "tcp:127.0.0.1:$port" < "$T/in"
	assert_failure 1
	assert_line --index 0 "sockpipe: tcp:127.0.0.1:$port: cannot receive from the peer: Connection reset by peer"
	# What TCP still held unacknowledged, if the reset came first, is counted.
	[ "${#lines[@]}" -eq 1 ] ||
		assert_line --index 1 --regexp "^sockpipe: tcp:127.0.0.1:$port: [0-9]+ bytes sent were never acknowledged by the peer"
	[ "${#lines[@]}" -le 2 ]
}

@test "interop: socat and nc servers, sockpipe client (unix and tcp)" {
	command -v socat >/dev/null && command -v nc >/dev/null || skip "needs socat and nc"
	spawn socat -d -d "TCP-LISTEN:0,bind=127.0.0.1" EXEC:cat 2> "$T/socat"
	run sockpipe "tcp:127.0.0.1:$(port_of "$T/socat")" <<<"via socat tcp"
	assert_output "via socat tcp"
	spawn socat "UNIX-LISTEN:$T/s" EXEC:cat
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe "unix:$T/s" <<<"via socat unix"
	assert_output "via socat unix"
	spawn nc -vl 127.0.0.1 0 > "$T/nc.out" 2> "$T/nc" < /dev/null
	sockpipe "tcp:127.0.0.1:$(port_of "$T/nc")" <<<"to nc tcp"
	wait_until 5 grep -q "to nc tcp" "$T/nc.out"
	spawn nc -lU "$T/n" > "$T/ncu.out" < /dev/null
	wait_for_socket --timeout 5 "$T/n"
	sockpipe "unix:$T/n" <<<"to nc unix"
	wait_until 5 grep -q "to nc unix" "$T/ncu.out"
	rm -f "$T/n"
}

@test "interop: sockpipe servers, socat and nc clients (unix and tcp)" {
	command -v socat >/dev/null && command -v nc >/dev/null || skip "needs socat and nc"
	echo_server tcp::0
	local port
	port=$(port_of "$T/port")
	run socat - "TCP:127.0.0.1:$port" <<<"socat tcp"
	assert_output "socat tcp"
	run nc -N 127.0.0.1 "$port" <<<"nc tcp"
	assert_output "nc tcp"
	spawn sockpipe -le --keep "unix:$T/s" -- cat
	wait_for_socket --timeout 5 "$T/s"
	run socat - "UNIX-CONNECT:$T/s" <<<"socat unix"
	assert_output "socat unix"
	run nc -NU "$T/s" <<<"nc unix"
	assert_output "nc unix"
	# A sockpipe server sending a file once; nc receives it all.
	seq 100000 > "$T/file"
	spawn sockpipe -l --print-port=1 tcp::0 < "$T/file" > "$T/p2"
	nc 127.0.0.1 "$(port_of "$T/p2")" < /dev/null > "$T/got"
	cmp "$T/file" "$T/got"
}

@test "interplay: mkfifo-free pipeline of two sockpipes" {
	spawn sockpipe -l --keep "unix:$T/log.sock" > "$T/log"
	wait_for_socket --timeout 5 "$T/log.sock"
	seq 3 | sockpipe "unix:$T/log.sock"
	printf 'no newline' | sockpipe "unix:$T/log.sock"
	wait_until 5 count_is -l "$T/log" 4
	run cat "$T/log"
	assert_output "1
2
3
no newline"
}

@test "-l --keep: long lines (300 KiB) from two clients stay whole" {
	spawn sockpipe -l --keep "unix:$T/s" > "$T/log"
	wait_for_socket --timeout 5 "$T/s"
	head -c 300000 /dev/zero | tr '\0' a > "$T/a"
	head -c 300000 /dev/zero | tr '\0' b > "$T/b"
	sockpipe "unix:$T/s" < "$T/a" &
	local client=$!
	sockpipe "unix:$T/s" < "$T/b"
	wait "$client"
	wait_until 5 count_is -l "$T/log" 2
	run sort "$T/log"
	assert_line --index 0 "$(cat "$T/a")"
	assert_line --index 1 "$(cat "$T/b")"
}

# Issue 27: the attack on sockpipe.

@test "stale check: a live socket of another type keeps its file (dgram, stream, seqpacket)" {
	command -v socat >/dev/null || skip "no socat"
	local ino
	# a datagram socket bound to the file, a stream listener asked for
	spawn socat -u "UNIX-RECV:$T/d" -
	wait_for_socket --timeout 5 "$T/d"
	ino=$(stat -c %i "$T/d")
	run sockpipe -l -T 1 "unix:$T/d"
	assert_failure 1
	assert_output "sockpipe: unix:$T/d: cannot listen: Address already in use"
	assert_equal "$(stat -c %i "$T/d")" "$ino"
	# a stream listener, a datagram socket asked for
	spawn sockpipe -l --keep "unix:$T/s"
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe -l -T 1 "unix-dgram:$T/s"
	assert_failure 1
	assert_output "sockpipe: unix-dgram:$T/s: cannot listen: Address already in use"
	# a seqpacket listener, a stream listener asked for
	spawn socat "UNIX-LISTEN:$T/q,so-type=5" - < /dev/null
	wait_for_socket --timeout 5 "$T/q"
	ino=$(stat -c %i "$T/q")
	run sockpipe -l -T 1 "unix:$T/q"
	assert_failure 1
	assert_output "sockpipe: unix:$T/q: cannot listen: Address already in use"
	assert_equal "$(stat -c %i "$T/q")" "$ino"
}

@test "stale check: a listener in another network namespace keeps its file" {
	need_root
	spawn sockpipe -l --keep "unix:$T/s"
	wait_for_socket --timeout 5 "$T/s"
	run unshare -n sockpipe -l -T 1 "unix:$T/s"
	assert_failure 1
	assert_output "sockpipe: unix:$T/s: cannot listen: Address already in use"
	run sockpipe "unix:$T/s" <<<"still served"
	assert_success
}

@test "--quit-on-eof over tcp: a server that talks while it reads gets all of the input (3 runs)" {
	head -c 1M /dev/urandom > "$T/in"
	local i port
	for i in 1 2 3; do
		rm -f "$T/port" "$T/got"
		# shellcheck disable=SC2016 # expanded by the command's shell
		spawn sockpipe -le --print-port=1 tcp::0 -- \
			sh -c 'head -c 64M /dev/zero & cat > "$0"; kill $! 2>/dev/null; true' "$T/got" > "$T/port"
		local server=$!
		port=$(port_of "$T/port")
		sockpipe --quit-on-eof "tcp:127.0.0.1:$port" < "$T/in" > /dev/null
		wait_until 20 count_is -c "$T/got" 1048576
		cmp "$T/in" "$T/got"
	done
}

@test "unix-dgram: a sender waits for room, never gives up on EAGAIN (5000 records)" {
	spawn sockpipe -l "unix-dgram:$T/d" > "$T/out"
	wait_for_socket --timeout 5 "$T/d"
	seq 5000 > "$T/in"
	run sockpipe --quit-on-eof "unix-dgram:$T/d" < "$T/in"
	assert_success
	wait_until 10 count_is -l "$T/out" 5000
	cmp "$T/in" "$T/out"
}

@test "a reader of standard output that leaves with data unread is an error" {
	head -c 900000 /dev/zero > "$T/data"
	spawn sockpipe -l --print-port=1 tcp::0 < "$T/data" > "$T/port"
	local port
	port=$(port_of "$T/port")
	# head leaves; sleep holds the pipe open a while without reading
	run bash -c "sockpipe tcp:127.0.0.1:$port < /dev/null 2> '$T/err' | { head -c10 > /dev/null; sleep 0.5; }; echo \${PIPESTATUS[0]}"
	assert_output 1
	run cat "$T/err"
	assert_output --regexp "^sockpipe: standard output: the reader left with [0-9]+ bytes unread\$"
}

@test "-e --idle-timeout: inherited UCSPI variables are removed on every path" {
	# shellcheck disable=SC2016 # expanded by the command's shell
	local show='echo "$PROTO ${TCPREMOTEIP-none} ${TCPREMOTEHOST-none} ${TCPREMOTEINFO-none}"'
	TCPREMOTEIP=6.6.6.6 TCPREMOTEHOST=evil TCPREMOTEINFO=x \
		spawn sockpipe -le --keep --idle-timeout 5 "unix:$T/i" -- sh -c "$show"
	TCPREMOTEIP=6.6.6.6 TCPREMOTEHOST=evil TCPREMOTEINFO=x \
		spawn sockpipe -le --keep "unix:$T/n" -- sh -c "$show"
	wait_for_socket --timeout 5 "$T/i"
	wait_for_socket --timeout 5 "$T/n"
	run sockpipe "unix:$T/i" < /dev/null
	assert_output "UNIX none none none"
	run sockpipe "unix:$T/n" < /dev/null
	assert_output "UNIX none none none"
}

@test "an old server leaves a new server's socket file alone" {
	spawn sockpipe -l --keep "unix:$T/s"
	local old=$!
	wait_for_socket --timeout 5 "$T/s"
	rm "$T/s"
	spawn sockpipe -l --keep "unix:$T/s" > "$T/log"
	wait_for_socket --timeout 5 "$T/s"
	kill "$old"
	wait "$old" || true
	test -S "$T/s"
	sockpipe "unix:$T/s" <<<"new one"
	wait_until 5 grep -q "new one" "$T/log"
}

@test "the peer's end of stream closes standard output while stdin is open" {
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sh -c "sockpipe -l 'unix:$T/s' < '$T/in' | wc -c > '$T/out'"
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe --quit-on-eof "unix:$T/s" <<<"hello"
	assert_success
	wait_until 5 grep -qx 6 "$T/out"
}

@test "-e: the command's options are its own, without --" {
	spawn sockpipe -le "unix:$T/s" sh -c 'echo ok'
	wait_for_socket --timeout 5 "$T/s"
	run sockpipe "unix:$T/s" < /dev/null
	assert_success
	assert_output "ok"
	spawn sockpipe -le --keep "unix:$T/l" ls -l /
	wait_for_socket --timeout 5 "$T/l"
	run sockpipe "unix:$T/l" < /dev/null
	assert_line --index 0 --regexp '^total '
	# options after the address are still sockpipe's
	spawn sockpipe "unix:$T/x" -l -e cat
	wait_for_socket --timeout 5 "$T/x"
	run sockpipe "unix:$T/x" <<<"after"
	assert_output "after"
}

@test "options without meaning together are usage errors" {
	run timeout 10 sockpipe -l --keep -T 1 "unix:$T/s"
	assert_failure 2
	assert_line --index 0 "sockpipe: --timeout is for one connection, not with --keep"
	run timeout 10 sockpipe -l -m 600 tcp::0
	assert_failure 2
	assert_line --index 0 "sockpipe: --mode is for a unix socket file, not tcp::0"
	run timeout 10 sockpipe -l -m 600 abstract:x
	assert_failure 2
	assert_line --index 0 "sockpipe: --mode is for a unix socket file, not abstract:x"
	run timeout 10 sockpipe -l --keep --quit-on-eof "unix:$T/s"
	assert_failure 2
	assert_line --index 0 "sockpipe: --quit-on-eof is about standard input, which --keep does not read"
	run timeout 10 sockpipe -le --quit-on-eof "unix:$T/s" cat
	assert_line --index 0 "sockpipe: --quit-on-eof is about standard input, which --exec does not read"
	run timeout 10 sockpipe -le --max-conns 2 "unix:$T/s" cat
	assert_failure 2
	assert_line --index 0 "sockpipe: --max-conns needs --keep"
	assert [ ! -e "$T/s" ]
}

@test "tcp:*:PORT listens on every address, IPv4 and IPv6" {
	run sockpipe -l -T 0.01 'tcp:[::1]:0'
	[ "$status" -eq 124 ] || skip "no IPv6 loopback: $output"
	spawn sockpipe -le --keep --print-port=1 'tcp:*:0' -- cat > "$T/port"
	local port
	port=$(port_of "$T/port")
	run sockpipe "tcp:127.0.0.1:$port" <<<"four"
	assert_output "four"
	run sockpipe "tcp:[::1]:$port" <<<"six"
	assert_output "six"
}

@test "sockpipe(1) says what nc, ncat and socat do when their peer half-closes" {
	local man="$BATS_TEST_DIRNAME/../man/sockpipe.1"
	run grep -n -A2 'goes on sending standard input until its end, as' "$man"
	assert_failure
	grep -q 'stop sending, and exit 0, as soon as their peer half-closes' "$man"
	# what it says to do: keep input open until nc -N has sent it all
	command -v nc >/dev/null || skip "no nc"
	head -c 4M /dev/urandom > "$T/data"
	spawn nc -N -vl 127.0.0.1 0 < "$T/data" > /dev/null 2> "$T/nc"
	local port
	port=$(port_of "$T/nc")
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe "tcp:127.0.0.1:$port" < "$T/in" > "$T/got"
	wait_until 10 count_is -c "$T/got" 4194304
	cmp "$T/data" "$T/got"
}

@test "-l --keep: line buffers are bounded by --max-conns (64 MiB in all)" {
	# 64 MiB / 512 connections: 128 KiB a connection; a longer line goes in pieces
	spawn sockpipe -l --keep --max-conns 512 "unix:$T/s" > "$T/log"
	wait_for_socket --timeout 5 "$T/s"
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sh -c "{ head -c 200000 /dev/zero | tr '\\0' a; cat '$T/in'; } | sockpipe 'unix:$T/s'"
	wait_until 10 sh -c "test \$(wc -c < '$T/log') -ge 131071"
}

@test "--print-port writes to standard error, or to the descriptor named, never into the data (issue 23.6)" {
	printf 'data\n' > "$T/in"
	timeout 20 sockpipe -l --print-port tcp::0 < "$T/in" > "$T/out" 2> "$T/err" &
	local server=$! port st=0
	port=$(port_of "$T/err")
	timeout 10 sockpipe "tcp:127.0.0.1:$port" < /dev/null > "$T/got"
	wait "$server" || st=$?
	assert_equal "$st" 0
	assert_equal "$(cat "$T/got")" data
	[ ! -s "$T/out" ]
	# --print-port=3: a FIFO read at once, no polling; closed once written.
	mkfifo "$T/fifo"
	timeout 20 sockpipe -l --print-port=3 tcp::0 < "$T/in" > "$T/out" 3> "$T/fifo" &
	server=$!
	read -r -t 10 port < "$T/fifo"
	[[ $port =~ ^[0-9]+$ ]]
	timeout 10 sockpipe "tcp:127.0.0.1:$port" < /dev/null > "$T/got"
	wait "$server"
	assert_equal "$(cat "$T/got")" data
	[ ! -s "$T/out" ]
	run sockpipe -l --print-port=9 tcp::0
	assert_failure 2
	assert_line --index 0 "sockpipe: --print-port: 9 is not an open file descriptor"
}

@test "tcp::PORT listens on both loopbacks, 127.0.0.1 and ::1, in every listening mode (issue 26)" {
	need_ipv6_loopback
	local port
	echo_server tcp::0
	port=$(port_of "$T/port")
	run sockpipe "tcp:127.0.0.1:$port" <<<"four"
	assert_output "four"
	run sockpipe "tcp:[::1]:$port" <<<"six"
	assert_output "six"
	# -l --keep: the sink takes lines from both.
	spawn sockpipe -l --keep --print-port=3 tcp:localhost:0 3> "$T/port2" > "$T/log"
	port=$(port_of "$T/port2")
	sockpipe "tcp:127.0.0.1:$port" <<<"sink four"
	sockpipe "tcp:[::1]:$port" <<<"sink six"
	wait_until 5 count_is -l "$T/log" 2
	run sort "$T/log"
	assert_output $'sink four\nsink six'
	# -l: the one connection, over ::1; then neither loopback listens.
	spawn sockpipe -l --print-port=3 tcp::0 3> "$T/port3" > "$T/out" < /dev/null
	port=$(port_of "$T/port3")
	sockpipe "tcp:[::1]:$port" <<<"once"
	wait_until 5 count_is -l "$T/out" 1
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_failure 1
	assert_output "sockpipe: tcp:127.0.0.1:$port: cannot connect: Connection refused"
	run sockpipe "tcp:[::1]:$port" < /dev/null
	assert_output "sockpipe: tcp:[::1]:$port: cannot connect: Connection refused"
}

@test "tcp4::PORT is 127.0.0.1 alone, tcp6::PORT ::1 alone" {
	need_ipv6_loopback
	local port
	echo_server tcp4::0
	port=$(port_of "$T/port")
	run sockpipe "tcp:127.0.0.1:$port" <<<"four"
	assert_output "four"
	run sockpipe "tcp:[::1]:$port" < /dev/null
	assert_failure 1
	assert_output "sockpipe: tcp:[::1]:$port: cannot connect: Connection refused"
	spawn sockpipe -le --keep --print-port=1 tcp6::0 -- cat > "$T/port6"
	port=$(port_of "$T/port6")
	run sockpipe "tcp:[::1]:$port" <<<"six"
	assert_output "six"
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_failure 1
	assert_output "sockpipe: tcp:127.0.0.1:$port: cannot connect: Connection refused"
}

@test "--backlog sets listen(2)'s backlog on every listening socket; strict, and only with -l on a stream" {
	local port
	spawn sockpipe -le --keep --backlog 3 --print-port=1 tcp::0 -- cat > "$T/port"
	port=$(port_of "$T/port")
	# A listening socket's Send-Q in ss(8) is its backlog.
	run ss -Hltn "sport = :$port"
	assert_success
	assert_line --regexp "^LISTEN +0 +3 +127\.0\.0\.1:$port "
	if grep -qi '^0\{31\}1 .* lo$' /proc/net/if_inet6; then
		assert_line --regexp "^LISTEN +0 +3 +\[::1\]:$port "
	fi
	run sockpipe "tcp:127.0.0.1:$port" <<<"served"
	assert_output "served"
	local bad
	for bad in 0 65536 -1 1x ''; do
		run sockpipe -l --backlog "$bad" tcp::0
		assert_failure 2
		assert_line --index 0 --regexp "^sockpipe: --backlog: .*'$bad'"
	done
	run sockpipe --backlog 5 tcp::1
	assert_failure 2
	assert_line --index 0 "sockpipe: --backlog needs --listen on a stream address"
	run sockpipe -l --backlog 5 udp::0
	assert_line --index 0 "sockpipe: --backlog needs --listen on a stream address"
}

@test "--allow, --deny: a refused client is closed unserved, with one line on stderr (issue 26)" {
	command -v nc >/dev/null || skip "no nc"
	local port
	# Clients come from 127.0.0.1, or from 127.0.0.2 with nc -s.
	spawn sockpipe -le --keep --print-port=1 --deny 127.0.0.0/8 --allow 127.0.0.2 tcp::0 -- echo served > "$T/port" 2> "$T/err"
	port=$(port_of "$T/port")
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_output ""
	wait_until 5 grep -q refused "$T/err"
	run cat "$T/err"
	assert_output --regexp "^sockpipe: tcp::0: 127\.0\.0\.1:[0-9]+ refused \(--deny 127\.0\.0\.0/8\)\$"
	# The longer prefix wins: 127.0.0.2 is let in, and the server goes on.
	run nc -N -s 127.0.0.2 127.0.0.1 "$port" < /dev/null
	assert_output "served"
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_output ""
	wait_until 5 count_is -l "$T/err" 2
	# With an --allow, a client no rule matches is refused.
	spawn sockpipe -l --keep --print-port=3 --allow 10.0.0.0/8 tcp::0 3> "$T/port2" > "$T/log" 2> "$T/err2"
	port=$(port_of "$T/port2")
	sockpipe "tcp:127.0.0.1:$port" <<<"not logged" || true
	wait_until 5 grep -q refused "$T/err2"
	run cat "$T/err2"
	assert_output --regexp "^sockpipe: tcp::0: 127\.0\.0\.1:[0-9]+ refused \(no --allow matches\)\$"
	[ ! -s "$T/log" ]
	# A v4-mapped peer of a dual-stack socket meets the IPv4 rules.
	run sockpipe -l -T 0.01 'tcp:[::1]:0'
	[ "$status" -eq 124 ] || return 0
	spawn sockpipe -le --keep --print-port=1 --deny 127.0.0.1 'tcp:*:0' -- echo served > "$T/port3" 2> "$T/err3"
	port=$(port_of "$T/port3")
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_output ""
	wait_until 5 grep -q refused "$T/err3"
	run cat "$T/err3"
	assert_output --regexp "^sockpipe: tcp:\*:0: \[::ffff:127\.0\.0\.1\]:[0-9]+ refused \(--deny 127\.0\.0\.1\)\$"
}

@test "--allow, --deny: -l without --keep waits past a refused client for an allowed one" {
	command -v nc >/dev/null || skip "no nc"
	local port
	spawn sockpipe -l --print-port=3 --deny 127.0.0.1 tcp::0 3> "$T/port" > "$T/out" 2> "$T/err" <<<"reply"
	port=$(port_of "$T/port")
	sockpipe "tcp:127.0.0.1:$port" <<<"refused" > /dev/null 2>&1 || true
	wait_until 5 grep -q refused "$T/err"
	run nc -N -s 127.0.0.2 127.0.0.1 "$port" <<<"allowed"
	assert_success
	assert_output "reply"
	wait_until 5 count_is -l "$T/out" 1
	run cat "$T/out"
	assert_output "allowed"
}

@test "--allow, --deny: a malformed prefix, or an address that is not tcp with -l, is a usage error" {
	run sockpipe -l --deny 10.0.0.0/33 tcp::0
	assert_failure 2
	assert_line --index 0 "sockpipe: --deny: '10.0.0.0/33': bad length (/0 to /32 for IPv4); a prefix is ADDRESS or ADDRESS/LEN (10.0.0.0/8, ::1, fd00::/8)"
	assert_line --index 1 "Try 'sockpipe --help'."
	run sockpipe -l --allow localhost tcp::0
	assert_failure 2
	assert_line --index 0 --partial "sockpipe: --allow: 'localhost': not an IPv4 or IPv6 address"
	run sockpipe --allow 10.0.0.0/8 tcp::1
	assert_failure 2
	assert_line --index 0 "sockpipe: --allow needs --listen on a tcp address"
	run sockpipe -l --deny 10.0.0.0/8 "unix:$T/s"
	assert_line --index 0 "sockpipe: --deny needs --listen on a tcp address"
	run sockpipe -l --deny 10.0.0.0/8 udp::0
	assert_line --index 0 "sockpipe: --deny needs --listen on a tcp address"
	[ ! -e "$T/s" ]
}

@test "--max-per-ip: -e refuses a client address over N while its connections run, serves it after (issue 26)" {
	command -v nc >/dev/null || skip "no nc"
	local port
	spawn sockpipe -le --keep --max-per-ip 1 --print-port=1 tcp4::0 -- cat > "$T/port" 2> "$T/err"
	port=$(port_of "$T/port")
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe "tcp:127.0.0.1:$port" < "$T/in" > "$T/first"
	wait_until 5 children_of "${BG_PIDS[0]}" 1
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_output ""
	wait_until 5 grep -q refused "$T/err"
	run cat "$T/err"
	assert_output --regexp "^sockpipe: tcp4::0: 127\.0\.0\.1:[0-9]+ refused \(--max-per-ip 1\)\$"
	# Another address is not held back.
	run nc -N -s 127.0.0.2 127.0.0.1 "$port" <<<"other"
	assert_output "other"
	# Once the first connection has ended, its address is served again.
	kill "${BG_PIDS[1]}"
	wait_until 5 children_of "${BG_PIDS[0]}" 0
	run sockpipe "tcp:127.0.0.1:$port" <<<"again"
	assert_output "again"
	run grep -c refused "$T/err"
	assert_output 1
}

@test "--max-per-ip: the -l --keep sink refuses a client address over N while its connections are open" {
	local port
	spawn sockpipe -l --keep -v --max-per-ip 1 --print-port=3 tcp4::0 3> "$T/port" > "$T/log" 2> "$T/err"
	port=$(port_of "$T/port")
	mkfifo "$T/in"
	spawn sh -c "exec sleep 60 > '$T/in'"
	spawn sockpipe "tcp:127.0.0.1:$port" < "$T/in"
	# shellcheck disable=SC2016 # expanded by the inner bash
	wait_until 5 bash -c 'ss -Htn state established "( dport = :$0 )" | grep -q .' "$port"
	run sockpipe "tcp:127.0.0.1:$port" < /dev/null
	assert_output ""
	wait_until 5 grep -q refused "$T/err"
	run grep refused "$T/err"
	assert_output --regexp "^sockpipe: tcp4::0: 127\.0\.0\.1:[0-9]+ refused \(--max-per-ip 1\)\$"
	kill "${BG_PIDS[1]}"
	wait_until 5 grep -q 'ended by the end of its stream' "$T/err"
	sockpipe "tcp:127.0.0.1:$port" <<<"served after"
	wait_until 5 count_is -l "$T/log" 1
	run cat "$T/log"
	assert_output "served after"
}

@test "--max-per-ip: strict, and only with --keep on a tcp address" {
	run sockpipe -l --keep --max-per-ip 0 tcp::0
	assert_failure 2
	assert_line --index 0 --partial "sockpipe: --max-per-ip: '0' is out of range"
	run sockpipe -le --max-per-ip 2 tcp::0 -- cat
	assert_failure 2
	assert_line --index 0 "sockpipe: --max-per-ip needs --keep on a tcp address"
	run sockpipe -l --keep --max-per-ip 2 "unix:$T/s"
	assert_line --index 0 "sockpipe: --max-per-ip needs --keep on a tcp address"
	run sockpipe -l --keep --max-per-ip 2 udp::0
	assert_line --index 0 "sockpipe: --max-per-ip needs --keep on a tcp address"
}

# In a network namespace of its own (lo up): a root-started sockpipe
# listens on port 80, which nobody may not bind, then runs as $1; a client
# gets the command's ids, and ps the server's own.
serve_low_port_as() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 20 unshare --net bash -c '
		ip link set lo up || exit 3
		setpriv --reuid=65534 --regid=65534 --clear-groups -- sockpipe -l -T 0.01 tcp4::80 2>&1
		sockpipe -le --keep --userspec "$0" tcp4::80 -- sh -c "id -u; id -g; id -G" & s=$!
		trap "kill $s" EXIT
		sockpipe -R 5 tcp:127.0.0.1:80 < /dev/null
		ps -o uid=,gid= -p "$s"' "$1"
}

@test "--userspec: a root-started server binds port 80, then it and its commands run as nobody (issue 26)" {
	need_root
	getent passwd nobody > /dev/null || skip "no user nobody"
	command -v unshare > /dev/null && command -v ip > /dev/null || skip "needs unshare and ip"
	run serve_low_port_as nobody
	assert_success
	assert_line --index 0 "sockpipe: tcp4::80: cannot listen: Permission denied"
	assert_line --index 1 "$(id -u nobody)"
	assert_line --index 2 "$(id -g nobody)"
	assert_line --index 3 "$(id -G nobody)"
	assert_line --index 4 --regexp "^ *$(id -u nobody) +$(id -g nobody)\$"
	# USER:GROUP, numbers with no passwd entry: that group alone.
	run serve_low_port_as 4242:4343
	assert_success
	assert_line --index 1 "4242"
	assert_line --index 2 "4343"
	assert_line --index 3 "4343"
	assert_line --index 4 --regexp "^ *4242 +4343\$"
}

@test "--userspec: the -l --keep sink runs as the user; a socket file it cannot remove is replaced by the next sockpipe" {
	need_root
	getent passwd nobody > /dev/null || skip "no user nobody"
	mkdir -m 755 "$T/d"
	spawn sockpipe -l --keep --userspec nobody "unix:$T/d/s" > "$T/log"
	wait_for_socket --timeout 5 "$T/d/s"
	sockpipe "unix:$T/d/s" <<<"to the sink"
	wait_until 5 count_is -l "$T/log" 1
	run ps -o uid= -p "${BG_PIDS[0]}"
	assert_output --regexp "^ *$(id -u nobody)\$"
	# nobody may not write $T/d: the file outlives the server, stale.
	kill "${BG_PIDS[0]}"
	wait_until 5 test ! -e "/proc/${BG_PIDS[0]}"
	[ -S "$T/d/s" ]
	spawn sockpipe -l --keep "unix:$T/d/s" > "$T/log2"
	# -R: refused while the stale file is there, connected once replaced
	sockpipe -R 5 "unix:$T/d/s" <<<"replaced"
	wait_until 5 count_is -l "$T/log2" 1
}

@test "--userspec: unknown user or group, no -l, or not allowed to switch" {
	run sockpipe -l --userspec no-such-user-ipcutils tcp::0
	assert_failure 2
	assert_line --index 0 "sockpipe: --userspec: unknown user 'no-such-user-ipcutils'"
	assert_line --index 1 "Try 'sockpipe --help'."
	run sockpipe -l --userspec root:no-such-group-ipcutils tcp::0
	assert_failure 2
	assert_line --index 0 "sockpipe: --userspec: unknown group 'no-such-group-ipcutils'"
	run sockpipe -l --userspec root: tcp::0
	assert_line --index 0 "sockpipe: --userspec: 'root:': missing GROUP after ':'"
	run sockpipe -l --userspec 4242 tcp::0
	assert_line --index 0 "sockpipe: --userspec: '4242': user 4242 has no passwd entry; give its group, 4242:GROUP"
	run sockpipe --userspec root tcp::1
	assert_failure 2
	assert_line --index 0 "sockpipe: --userspec needs --listen"
	need_root
	getent passwd nobody > /dev/null || skip "no user nobody"
	# Not root: the switch is refused, 1; with -e 125, no command run.
	run as_nobody sockpipe -l --userspec nobody tcp4::0
	assert_failure 1
	assert_output "sockpipe: --userspec nobody: cannot set the supplementary groups: Operation not permitted"
	run as_nobody sockpipe -le --keep --userspec 65534:65534 tcp4::0 -- sh -c "echo ran > '$T/ran'"
	assert_failure 125
	assert_output "sockpipe: --userspec 65534:65534: cannot set the supplementary groups: Operation not permitted"
	[ ! -e "$T/ran" ]
}

# exited PID: PID, a child of this shell, has ended (a zombie, or gone).
exited() {
	local st
	st=$(ps -o stat= -p "$1") || return 0
	[[ $st == Z* ]]
}

@test "--deny with -T: past a refused client, -T still bounds the wait for an allowed one (-l, -le)" {
	local port mode
	for mode in -l -le; do
		local cmd=()
		[ "$mode" = -le ] && cmd=(-- cat)
		: > "$T/port"
		spawn sockpipe "$mode" -T 1 --print-port=3 --deny 127.0.0.1 tcp4::0 "${cmd[@]}" 3> "$T/port" < /dev/null 2> "$T/err"
		port=$(port_of "$T/port")
		sockpipe "tcp:127.0.0.1:$port" < /dev/null > /dev/null 2>&1 || true
		# Still bounded by -T: 124 about a second after it started.
		run wait_until 5 exited "${BG_PIDS[-1]}"
		assert_success
		wait "${BG_PIDS[-1]}" && st=0 || st=$?
		[ "$st" -eq 124 ] || fail "$mode: status $st, not 124"
		run cat "$T/err"
		assert_line --index 0 --regexp "refused \(--deny 127\.0\.0\.1\)\$"
		assert_line --index 1 "sockpipe: tcp4::0: no connection within 1s"
	done
}

@test "udp::PORT receives on both loopbacks, and answers from the socket the sender used (issue 26)" {
	need_ipv6_loopback
	local port
	spawn sockpipe -l --keep --print-port=3 udp::0 3> "$T/port" > "$T/out"
	port=$(port_of "$T/port")
	sockpipe --quit-on-eof "udp:127.0.0.1:$port" <<<"four"
	sockpipe --quit-on-eof "udp:[::1]:$port" <<<"six"
	wait_until 5 count_is -l "$T/out" 2
	run sort "$T/out"
	assert_output $'four\nsix'
	# -l answers its first sender, an IPv6 one here, over ::1.
	printf 'pong\n' > "$T/in"
	spawn sockpipe -l --print-port=3 udp::0 3> "$T/port2" < "$T/in" > "$T/out2"
	port=$(port_of "$T/port2")
	run timeout 10 sockpipe --idle-timeout 1 "udp:[::1]:$port" <<<"ping"
	assert_failure 124
	assert_line --index 0 "pong"
	wait_until 5 grep -q ping "$T/out2"
	# udp4: and udp6: pin the family.
	spawn sockpipe -l --keep --print-port=3 udp6::0 3> "$T/port3" > "$T/out3"
	port=$(port_of "$T/port3")
	sockpipe --quit-on-eof "udp:127.0.0.1:$port" <<<"not for six" || true
	sockpipe --quit-on-eof "udp:[::1]:$port" <<<"six only"
	wait_until 5 count_is -l "$T/out3" 1
	run cat "$T/out3"
	assert_output "six only"
}
