# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# sockpipe: 2 GiB one way over a unix socket and over TCP loopback, through
# sockpipe, socat (default options, -u), OpenBSD nc and a minimal splice relay
# (bench/splicerelay.c: the system's limit). Data comes from a pipe and goes
# to /dev/null; the receiver's own stdin stays open, so no
# side closes early.
size=$(pick 2G 4M)
xfer=$BENCH_DIR/xfer
cat > "$xfer" <<'XFER'
# xfer TOOL unix|tcp SIZE PORT: one transfer; the receiver listens.
set -eu
tool=$1 kind=$2 size=$3 port=$4 dir=$BENCH_DIR/$1-$2
mkdir -p "$dir"
path=$dir/s
rm -f "$path" "$dir/hold"
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
esac
# Wait (bounded) until something listens at the address.
listening() {
	local i
	for i in $(seq 1000); do
		if [ "$kind" = unix ]; then
			grep -Eq " 00010000 0001 01 .* $path(\.[0-9]+~)?\$" /proc/net/unix && return
		else
			awk -v p="$(printf ':%04X' "$port")" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' \
				/proc/net/tcp && return
		fi
		sleep 0.005
	done
	echo "xfer: nothing listens at $addr" >&2
	return 1
}
mkfifo "$dir/hold"
exec 3<>"$dir/hold"
"${recv[@]}" < "$dir/hold" > /dev/null &
listening || { kill "$!"; exit 1; }
head -c "$size" /dev/zero | "${send[@]}"
wait
XFER
# A port the system found free, for every TCP run.
port=$(sockpipe -l --print-port -T 0.01 tcp::0 2>/dev/null | head -1)
peers=()
if have socat; then peers+=("socat -u" "bash $xfer socat KIND $size $port"); else note "no socat: skipped"; fi
if have nc; then peers+=("nc" "bash $xfer nc KIND $size $port"); else note "no nc: skipped"; fi
for kind in unix tcp; do
	args=()
	for ((i = 0; i < ${#peers[@]}; i += 2)); do
		args+=("${peers[i]}" "${peers[i+1]/KIND/$kind}")
	done
	RUNS=$(runs 5) bench "sock $kind $size" "sockpipe" "bash $xfer sockpipe $kind $size $port" \
		"${args[@]}" "splice relay" "bash $xfer splice $kind $size $port"
done
