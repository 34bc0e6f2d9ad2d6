# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# sockpipe, OpenBSD nc and socat -u across an emulated link (issue 24): two
# network namespaces this case makes, joined by a veth pair, as in
# tests/network.bats. A pipe of zeros into the sender in A, the receiver
# in B into bench/countsink, which fails the row unless every byte
# arrived. Rows: the clean link (1 GiB); 5% of A's packets dropped at
# random by nftables (the kernel here has no netem); a tbf rate limit on
# A's side; and a smaller run of random bytes whose SHA-256 the receiver
# side checks. Not in the quick bench: it needs root and namespaces, and
# its figures come from large transfers.
[ -z "$QUICK" ] || { note "net: not in the quick bench"; return 0; }
[ "$(id -u)" -eq 0 ] || { note "net: skipped: needs root to make network namespaces"; return 0; }
NS_A=ipcut-bench-$$-a
NS_B=ipcut-bench-$$-b
B_ADDR=169.254.25.2
net_cleanup() {
	local ns
	for ns in "$NS_A" "$NS_B"; do
		[ -e "/run/netns/$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	true
}
trap net_cleanup EXIT
trap 'exit 1' INT TERM HUP
if ! err=$(ip netns add "$NS_A" 2>&1); then
	note "net: skipped: cannot make a network namespace: $err"
	return 0
fi
ip netns add "$NS_B" &&
	ip -n "$NS_A" link add va type veth peer name vb netns "$NS_B" &&
	ip -n "$NS_A" addr add 169.254.25.1/30 dev va &&
	ip -n "$NS_B" addr add "$B_ADDR/30" dev vb &&
	ip -n "$NS_A" link set va up &&
	ip -n "$NS_B" link set vb up || return 1
export NS_A NS_B B_ADDR

xfer=$BENCH_DIR/net-xfer
cat > "$xfer" <<'XFER'
# net-xfer TOOL SIZE [FILE]: one transfer from A to B, the receiver
# listening in B. With FILE: send it, and check the SHA-256 of what B
# received against FILE.sum's.
set -eu
tool=$1 size=$2 file=${3:-} port=7025
case $tool in
sockpipe) recv=(sockpipe -l "tcp:$B_ADDR:$port") send=(sockpipe "tcp:$B_ADDR:$port") ;;
socat) recv=(socat -u "TCP-LISTEN:$port,bind=$B_ADDR,reuseaddr" -) send=(socat -u - "TCP:$B_ADDR:$port") ;;
nc) recv=(nc -d -l "$B_ADDR" "$port") send=(nc -N "$B_ADDR" "$port") ;;
esac
sum=$BENCH_DIR/net-$tool.sum
rm -f "$sum"
if [ -n "$file" ]; then
	ip netns exec "$NS_B" "${recv[@]}" < /dev/null | sha256sum > "$sum" &
else
	ip netns exec "$NS_B" "${recv[@]}" < /dev/null | countsink "$size" "$tool" &
fi
# Wait (bounded) until the receiver listens.
for _ in $(seq 1000); do
	ip netns exec "$NS_B" ss -tlnH "sport = :$port" | grep -q . && break
	sleep 0.005
done
if [ -n "$file" ]; then
	ip netns exec "$NS_A" "${send[@]}" < "$file"
	wait "$!"
	cmp -s "$sum" "$file.sum" || { echo "net-xfer: $tool: SHA-256 differs: DATA DAMAGED OR LOST" >&2; exit 1; }
else
	head -c "$size" /dev/zero | ip netns exec "$NS_A" "${send[@]}"
	wait "$!"
fi
XFER

# run_rows CASE SIZE [FILE]: the three tools, sockpipe first.
run_rows() {
	local args=()
	have nc && args+=("nc -N / nc -d -l" "bash $xfer nc $2 $3")
	have socat && args+=("socat -u" "bash $xfer socat $2 $3")
	RUNS=$(runs 3) bench "$1" "sockpipe" "bash $xfer sockpipe $2 $3" "${args[@]}"
}
have socat || note "no socat: skipped"
have nc || note "no nc: skipped"

run_rows "veth 1G" 1G ""
rand=$BENCH_DIR/net-rand
head -c 64M /dev/urandom > "$rand"
sha256sum < "$rand" > "$rand.sum"
run_rows "veth 64M sha256" 64M "$rand"
rm -f "$rand" "$rand.sum"

# 5% of A's packets dropped (data; B's acknowledgements all pass). The
# hook sees the packets before segmentation (GSO, up to 64 KiB each).
if ! have nft; then
	note "net: no nft (Debian's nftables): the loss rows skipped"
elif ! err=$(ip netns exec "$NS_A" nft -f - 2>&1 <<'NFT'
table inet ipcut_bench {
	chain out { type filter hook output priority 0; numgen random mod 100 < 5 counter drop; }
}
NFT
); then
	# only what the machine lacks is a skip: nf_tables, its numgen expression
	grep -Eq 'Operation not supported|No such file or directory' <<< "$err" || { echo "net: nft: $err" >&2; return 1; }
	note "net: the loss rows skipped: nft: $err"
else
	run_rows "veth 5% loss 1G" 1G ""
	note "nftables dropped $(ip netns exec "$NS_A" nft list table inet ipcut_bench |
		grep -o 'packets [0-9]*' | cut -d' ' -f2) packets of A's in these runs"
	ip netns exec "$NS_A" nft delete table inet ipcut_bench
fi

# A rate limit on A's side: 400 Mbit/s.
if ! err=$(tc -n "$NS_A" qdisc add dev va root tbf rate 400mbit burst 256kb latency 20ms 2>&1); then
	grep -q 'qdisc kind is unknown' <<< "$err" || { echo "net: tc: $err" >&2; return 1; }
	note "net: the tbf rows skipped: tc: $err"
else
	run_rows "tbf 400mbit 128M" 128M ""
	tc -n "$NS_A" qdisc del dev va root
fi
# shellcheck disable=SC2154 # set by bench in bench/run
return "$status"
