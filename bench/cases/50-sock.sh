# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# sockpipe: 1 GiB one way over a unix socket and over TCP loopback, from a
# pipe into a pipe, through sockpipe, socat (-u), OpenBSD nc and a minimal
# splice relay (bench/splicerelay.c: the system's limit); over TCP also
# iperf3, memory to memory (the loopback's limit). The receiver's stdin is
# /dev/null (it closes its side at once: the case that once lost data) and
# bench/countsink checks that every byte arrived: a row that lost data
# fails the bench. The connection rate is 52-connrate.sh.
size=$(pick 1G 4M)
xfer=$BENCH_DIR/xfer
cat > "$xfer" <<'XFER'
# xfer TOOL unix|tcp SIZE PORT: one transfer; the receiver listens.
set -eu
tool=$1 kind=$2 size=$3 port=$4 dir=$BENCH_DIR/$1-$2
mkdir -p "$dir"
path=$dir/s
rm -f "$path"
if [ "$kind" = unix ]; then
	addr=unix:$path scat=UNIX-LISTEN:$path ccat=UNIX-CONNECT:$path
	ncl=(-lU "$path") ncc=(-U "$path")
else
	addr=tcp:127.0.0.1:$port scat=TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr ccat=TCP:127.0.0.1:$port
	ncl=(-l 127.0.0.1 "$port") ncc=(127.0.0.1 "$port")
fi
case $tool in
sockpipe) recv=(sockpipe -l "$addr") send=(sockpipe "$addr") ;;
socat) recv=(socat -u "$scat" -) send=(socat -u - "$ccat") ;;
nc) recv=(nc -d "${ncl[@]}") send=(nc -N "${ncc[@]}") ;;
splice) recv=(splicerelay recv "$addr") send=(splicerelay send "$addr") ;;
iperf3) recv=(iperf3 -s -1 -B 127.0.0.1 -p "$port") send=(iperf3 -c 127.0.0.1 -p "$port" -n "$size" -J) ;;
esac
# Wait (bounded) until something listens at the address.
listening() {
	local i
	for i in $(seq 1000); do
		if [ "$kind" = unix ]; then
			# sockpipe binds a staged name beside PATH (.s.sock-XXXXXXXX)
			# and links PATH to it once it listens.
			grep -Eq " 00010000 0001 01 .* ($path|$dir/\.s\.sock-[A-Za-z0-9]+)\$" /proc/net/unix && return
		else
			awk -v p="$(printf ':%04X' "$port")" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' \
				/proc/net/tcp && return
		fi
		sleep 0.005
	done
	echo "xfer: nothing listens at $addr" >&2
	return 1
}
bytes=$(numfmt --from=iec "$size")
if [ "$tool" = iperf3 ]; then
	"${recv[@]}" < /dev/null > /dev/null &
	listening || { kill "$!"; exit 1; }
	# iperf3 counts for itself: every byte must be sent (its receiver's
	# count is sampled when the sender ends, so it may show a little less).
	"${send[@]}" < /dev/null > "$dir/report"
	wait
	grep -A9 '"sum_sent"' "$dir/report" | grep -Eq "\"bytes\":[[:space:]]*$bytes," \
		|| { echo "xfer: iperf3: not all $bytes bytes sent:" >&2; cat "$dir/report" >&2; exit 1; }
	exit 0
fi
"${recv[@]}" < /dev/null | countsink "$bytes" "$tool $kind" &
listening || { kill "$!"; exit 1; }
head -c "$size" /dev/zero | "${send[@]}"
wait "$!"
XFER
# A port the system found free, for every TCP run.
port=$(sockpipe -l --print-port=1 -T 0.01 tcp::0 2>/dev/null | head -1)
for kind in unix tcp; do
	args=()
	have socat && args+=("socat -u" "bash $xfer socat $kind $size $port")
	have nc && args+=("nc" "bash $xfer nc $kind $size $port")
	args+=("splice relay" "bash $xfer splice $kind $size $port")
	[ "$kind" = tcp ] && have iperf3 && args+=("iperf3 (memory)" "bash $xfer iperf3 $kind $size $port")
	RUNS=$(runs 5) bench "sock $kind $size" "sockpipe" "bash $xfer sockpipe $kind $size $port" "${args[@]}"
done
have socat || note "no socat: skipped"
have nc || note "no nc: skipped"
have iperf3 || note "no iperf3: skipped"

# shellcheck disable=SC2154 # set by bench in bench/run
return "$status"
