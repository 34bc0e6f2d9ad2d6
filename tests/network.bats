#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Past one host (issue 24): a queue bridged across two network namespaces
# joined by a veth pair, as two hosts would be. Queue A, mqrecv -f
# --netstring, sockpipe, the link, sockpipe -l --keep --netstring, mqsend
# --netstring, queue B. Addresses 169.254.24.1/30 and .2 live inside the
# namespaces only, reachable from nowhere else.

# shellcheck disable=SC2016 # bash -c scripts: the inner bash expands them
bats_require_minimum_version 1.5.0
load helper

PORT=7024
B_ADDR=169.254.24.2

setup() {
	ipc_setup
	NS_A="ipcut-$IPCUT_RUN-$BATS_SUITE_TEST_NUMBER-a"
	NS_B="ipcut-$IPCUT_RUN-$BATS_SUITE_TEST_NUMBER-b"
}

teardown() {
	local ns
	for ns in "$NS_A" "$NS_B"; do
		[ -e "/run/netns/$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	ipc_teardown
}

# Two namespaces, A (169.254.24.1) and B (.2), one veth pair between them.
make_link() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to make network namespaces"
	ip netns add "$NS_A" 2>"$T/ns.err" || skip "cannot make a network namespace: $(<"$T/ns.err")"
	ip netns add "$NS_B"
	ip -n "$NS_A" link add va type veth peer name vb netns "$NS_B" 2>"$T/ns.err" ||
		skip "cannot make a veth pair: $(<"$T/ns.err")"
	ip -n "$NS_A" addr add 169.254.24.1/30 dev va
	ip -n "$NS_B" addr add "$B_ADDR/30" dev vb
	ip -n "$NS_A" link set va up
	ip -n "$NS_B" link set vb up
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

# N binary messages (a newline, a NUL and a 0xff in each) as netstrings.
# In a bash of its own: bats traps DEBUG in a test, which made each turn of
# the loop cost 0.8 ms (8 s of CPU for 10,000).
make_messages() {
	bash -c 'for (( i = 0; i < $0; i++ )); do printf "8:\n%05d\0\377," "$i"; done' "$1"
}

# The bridge: B's sink into queue $2, then A's queue $1 into the link;
# extra sockpipe options in $3 (both ends).
bridge() {
	local opts=${3:-}
	spawn in_b bash -c 'sockpipe -l --keep --netstring '"$opts"' tcp:$0:$1 | mqsend --netstring "$2"' \
		"$B_ADDR" "$PORT" "$2" 2> "$T/b.err"
	wait_until 10 test -e "/dev/mqueue$2"
	spawn in_a bash -c 'mqrecv -f --netstring "$2" | sockpipe -R 10 '"$opts"' tcp:$0:$1' \
		"$B_ADDR" "$PORT" "$1" 2> "$T/a.err" > /dev/null
}

# The bytes of FILE equal those of "$T/in".
same_as_in() {
	cmp "$T/in" "$1"
}

@test "bridge: 10,000 binary messages cross two namespaces exactly once, in order" {
	make_link
	local qa qb
	qa=$(posix_name)
	qb=$(posix_name)
	make_messages 10000 > "$T/in"
	spawn mqsend --netstring "$qa" < "$T/in"
	wait_until 10 test -e "/dev/mqueue$qa"
	bridge "$qa" "$qb"
	mqrecv --netstring --idle-timeout 30 -c 10000 "$qb" > "$T/out"
	same_as_in "$T/out"
	run mqrecv -n "$qb"
	assert_failure 124 # exactly once: nothing more
}

@test "bridge: with 5% of packets dropped (nftables), all 10,000 still arrive, in order" {
	command -v nft > /dev/null || skip "nft (Debian's nftables) is not installed"
	make_link
	in_a nft add table inet t
	in_a nft add chain inet t c '{ type filter hook output priority 0; }'
	in_a nft add rule inet t c numgen random mod 100 '<' 5 counter drop
	local qa qb
	qa=$(posix_name)
	qb=$(posix_name)
	make_messages 10000 > "$T/in"
	spawn mqsend --netstring "$qa" < "$T/in"
	wait_until 10 test -e "/dev/mqueue$qa"
	bridge "$qa" "$qb"
	mqrecv --netstring --idle-timeout 30 -c 10000 "$qb" > "$T/out"
	same_as_in "$T/out"
	run mqrecv -n "$qb"
	assert_failure 124
	# the rule did drop packets: the test can fail
	run in_a nft list chain inet t c
	assert_output --regexp 'counter packets [1-9][0-9]* '
}

# netem on both ends of the link ($1: its options), or skip where the
# kernel has no netem (CONFIG_NET_SCH_NETEM): tc says the kind is unknown.
add_netem() {
	if ! in_a tc qdisc add dev va root netem "$@" 2> "$T/tc.err"; then
		grep -q 'qdisc kind is unknown' "$T/tc.err" &&
			skip "this kernel has no netem (sch_netem): tc: $(<"$T/tc.err")"
		cat "$T/tc.err" >&2
		return 1
	fi
	in_b tc qdisc add dev vb root netem "$@"
}

@test "bridge: 50 ms each way and 1% loss (netem): 2,000 arrive exactly once, within --user-timeout 3" {
	make_link
	add_netem delay 50ms loss 1%
	local qa qb
	qa=$(posix_name)
	qb=$(posix_name)
	make_messages 2000 > "$T/in"
	spawn mqsend --netstring "$qa" < "$T/in"
	wait_until 10 test -e "/dev/mqueue$qa"
	# a user timeout far above the 100 ms round trip, a keepalive below it
	bridge "$qa" "$qb" "--keepalive 1 --user-timeout 3"
	mqrecv --netstring --idle-timeout 20 -c 2000 "$qb" > "$T/out"
	same_as_in "$T/out"
	run mqrecv -n "$qb"
	assert_failure 124
	# the delay was on the path: the connection never saw a round trip under 100 ms
	run in_a ss -tniH state established dst "$B_ADDR"
	assert_output --regexp 'minrtt:'
	[[ $output =~ minrtt:([0-9.]+) ]]
	echo "minrtt ${BASH_REMATCH[1]} ms"
	awk -v r="${BASH_REMATCH[1]}" 'BEGIN { exit !(r >= 100) }'
	[ ! -s "$T/a.err" ] && [ ! -s "$T/b.err" ]
}

@test "bridge: the link cut mid-transfer ends both sides within --user-timeout, the gap counted" {
	make_link
	local qa qb
	qa=$(posix_name)
	qb=$(posix_name)
	# an endless producer, a consumer on B: data keeps flowing until the cut
	spawn bash -c 'yes 0123456789abcdef | mqsend "$0"' "$qa"
	wait_until 10 test -e "/dev/mqueue$qa"
	spawn in_b bash -c 'sockpipe -l --keepalive 1 --user-timeout 3 tcp:$0:$1 < /dev/null | mqsend --netstring "$2"; echo "${PIPESTATUS[*]}" > "$3"' \
		"$B_ADDR" "$PORT" "$qb" "$T/b.st" 2> "$T/b.err"
	wait_until 10 test -e "/dev/mqueue$qb"
	spawn bash -c 'mqrecv -f "$0" > /dev/null' "$qb"
	spawn in_a bash -c 'mqrecv -f --netstring "$2" | sockpipe -R 10 --keepalive 1 --user-timeout 3 tcp:$0:$1; echo "${PIPESTATUS[*]}" > "$3"' \
		"$B_ADDR" "$PORT" "$qa" "$T/a.st" 2> "$T/a.err"
	# some traffic first: the cut comes mid-transfer
	wait_until 20 bash -c 'ip netns exec "$0" ss -tniH | grep -qE "bytes_received:[0-9]{6,}"' "$NS_B"
	ip -n "$NS_B" link set vb down
	# the kernel alone would retry for about 15 minutes
	wait_until 60 test -s "$T/a.st"
	wait_until 60 test -s "$T/b.st"
	run cat "$T/a.st" "$T/b.st"
	assert_line --index 0 --regexp '^1 1$'  # mqrecv (put back what it could), sockpipe
	assert_line --index 1 --regexp '^1 [01]$' # sockpipe; mqsend fails if cut inside a record
	run cat "$T/a.err"
	assert_output --regexp "sockpipe: tcp:$B_ADDR:$PORT: (cannot send to the peer|cannot receive from the peer): (Connection timed out|No route to host)"
	assert_output --regexp "sockpipe: tcp:$B_ADDR:$PORT: [1-9][0-9]* bytes sent were never acknowledged by the peer"
	run cat "$T/b.err"
	assert_output --regexp "sockpipe: tcp:$B_ADDR:$PORT: cannot receive from the peer: Connection timed out"
}

@test "sockpipe: tcp keepalive and user timeout by default, set by the options, 0 turns them off" {
	mkfifo "$T/f"
	exec 6<> "$T/f" # a writer that never ends: the connection stays up
	spawn sockpipe -l --print-port=1 tcp::0 < "$T/f" > "$T/port"
	wait_until 10 grep -qE '^[0-9]+$' "$T/port"
	local port
	port=$(head -1 "$T/port")
	spawn sockpipe --keepalive 7 --user-timeout 2.5 "tcp:127.0.0.1:$port" < "$T/f"
	wait_until 10 bash -c 'ss -tnoH state established "( sport = :$0 )" | grep -q keepalive' "$port"
	# the server's socket: the defaults (60 s), inherited from its listener
	run ss -tnoH state established "( sport = :$port )"
	assert_output --regexp 'timer:\(keepalive,(59|1min|60)'
	# the client's: --keepalive 7
	run ss -tnoH state established "( dport = :$port )"
	assert_output --regexp 'timer:\(keepalive,[0-7][.0-9]*(sec|ms),'
	# --keepalive 0: no probes on the client's side
	kill "${BG_PIDS[1]}"
	spawn sockpipe -l --print-port=1 tcp::0 < "$T/f" > "$T/port2"
	wait_until 10 grep -qE '^[0-9]+$' "$T/port2"
	port=$(head -1 "$T/port2")
	spawn sockpipe --keepalive 0 "tcp:127.0.0.1:$port" < "$T/f"
	wait_until 10 bash -c 'ss -tnoH state established "( dport = :$0 )" | grep -q .' "$port"
	run ss -tnoH state established "( dport = :$port )"
	refute_output --partial keepalive
	run sockpipe --keepalive 1x tcp:127.0.0.1:1
	assert_failure 2
	run sockpipe --user-timeout -1 tcp:127.0.0.1:1
	assert_failure 2
	exec 6>&-
}

# A namespace of its own with only loopback, for a server on a fixed port.
make_lo_ns() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to make a network namespace"
	ip netns add "$NS_A" 2>"$T/ns.err" || skip "cannot make a network namespace: $(<"$T/ns.err")"
	ip -n "$NS_A" link set lo up
}

@test "recipe: ssh carries 10,000 netstring messages from queue to queue" {
	command -v sshd > /dev/null || skip "sshd (Debian's openssh-server) is not installed"
	command -v ssh > /dev/null || skip "ssh (Debian's openssh-client) is not installed"
	make_lo_ns
	ssh-keygen -q -t ed25519 -N '' -f "$T/host"
	ssh-keygen -q -t ed25519 -N '' -f "$T/user"
	cp "$T/user.pub" "$T/authorized_keys"
	printf '%s\n' "ListenAddress 127.0.0.1:2222" "HostKey $T/host" \
		"AuthorizedKeysFile $T/authorized_keys" "PermitRootLogin prohibit-password" \
		"PasswordAuthentication no" "StrictModes no" "UsePAM no" "PidFile none" > "$T/sshd_config"
	mkdir -p /run/sshd # sshd's privilege separation directory, as the package makes it
	spawn in_a "$(command -v sshd)" -D -e -f "$T/sshd_config" 2> "$T/sshd.err"
	wait_until 10 bash -c 'ip netns exec "$0" ss -tlnH | grep -q 127.0.0.1:2222' "$NS_A"
	local qa qb
	qa=$(posix_name)
	qb=$(posix_name)
	make_messages 10000 > "$T/in"
	spawn mqsend --netstring "$qa" < "$T/in"
	wait_until 10 test -e "/dev/mqueue$qa"
	mqsend "$qb" made && mqrecv "$qb" > /dev/null # queue B exists, empty
	spawn mqrecv --netstring --idle-timeout 30 -c 10000 "$qb" > "$T/out"
	in_a bash -c 'mqrecv --netstring -c 10000 "$0" |
		ssh -i "$1/user" -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no \
		    -o UserKnownHostsFile="$1/known_hosts" root@127.0.0.1 "$2/mqsend" --netstring "$3"' \
		"$qa" "$T" "$IPCUTILS_BIN" "$qb"
	wait_until 30 bash -c '[ "$(wc -c < "$0")" -ge "$(wc -c < "$1")" ]' "$T/out" "$T/in"
	same_as_in "$T/out"
}

@test "recipe: MQTT QoS 1 through mosquitto: a subscriber restarted midway loses nothing the broker took" {
	command -v mosquitto > /dev/null || skip "mosquitto (Debian's mosquitto) is not installed"
	command -v mosquitto_pub > /dev/null || skip "mosquitto_pub (Debian's mosquitto-clients) is not installed"
	make_lo_ns
	printf '%s\n' "listener 1883 127.0.0.1" "allow_anonymous true" "max_queued_messages 0" \
		"log_dest file $T/broker.log" "log_type subscribe" > "$T/mosquitto.conf"
	chmod 0777 "$T" # mosquitto drops to its own user and writes its log here
	spawn in_a mosquitto -c "$T/mosquitto.conf"
	wait_until 10 bash -c 'ip netns exec "$0" ss -tlnH | grep -q 127.0.0.1:1883' "$NS_A"
	local qa qb sub
	qa=$(posix_name)
	qb=$(posix_name)
	seq 3000 > "$T/in" # lines: the framing mosquitto_pub -l reads
	# B: a persistent session (-c -i), its messages into queue B. The
	# first subscriber leaves after 500 messages (-C), the second takes
	# the rest. (A TERM, as before, once left mosquitto_sub running more
	# than 10 s under load: its handler disconnects, which is not safe in
	# a handler.)
	sub='mosquitto_sub -q 1 -c -i ipcut-sub -h 127.0.0.1 -t jobs "$@" | mqsend "$0"'
	spawn in_a bash -c "$sub" "$qb" -C 500
	local first=${BG_PIDS[-1]}
	wait_until 10 grep -q 'ipcut-sub 1 jobs' "$T/broker.log"
	wait_until 10 test -e "/dev/mqueue$qb"
	spawn mqrecv -f "$qb" > "$T/out"
	# A: queue A into the broker
	spawn mqsend "$qa" < "$T/in"
	spawn in_a bash -c 'mqrecv -f "$0" | mosquitto_pub -l -q 1 -h 127.0.0.1 -t jobs' "$qa"
	# the first subscriber ends at its 500th message; start the second
	wait_until 20 bash -c '[ "$(wc -l < "$0")" -ge 500 ]' "$T/out"
	wait "$first"
	spawn in_a bash -c "$sub" "$qb"
	wait_until 30 bash -c '[ "$(sort -u "$0" | wc -l)" -ge 3000 ]' "$T/out"
	# at least once: every line, none lost (a duplicate may come)
	run comm -23 <(sort -u "$T/in") <(sort -u "$T/out")
	assert_output ""
}
