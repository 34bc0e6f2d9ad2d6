#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# bench/connphases.sh [BUILD] [N]: where an -le --keep server's time goes
# per connection. Starts BUILD/sockpipe (default build) as an echo server
# on loopback, attaches `perf trace -s` to it, runs bench/connrate N times
# (default 1000), and prints each system call's count and time per
# connection. perf trace slows what it sees: read the counts as exact and
# the times as relative. Needs perf (Debian's linux-perf).
set -eu
bin=$(cd "${1:-build}" && pwd) n=${2:-1000}
command -v perf >/dev/null || { echo "connphases: no perf" >&2; exit 1; }
port=$("$bin/sockpipe" -l --print-port=1 -T 0.01 tcp:127.0.0.1:0 2>/dev/null | head -1)
out=$(mktemp)
"$bin/sockpipe" -le --keep "tcp:127.0.0.1:$port" -- cat < /dev/null > /dev/null 2>&1 &
srv=$!
trap 'kill "$srv" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 200); do ss -ltn | grep -q "127.0.0.1:$port " && break; sleep 0.01; done
perf trace -s -p "$srv" -o "$out" &
tracer=$!
sleep 1 # perf trace says nothing once attached: give it the time it takes
s=$(date +%s%N)
"$bin/bench/connrate" "$n" "tcp:127.0.0.1:$port"
e=$(date +%s%N)
kill -INT "$tracer"
wait "$tracer" || true
echo "wall: $(((e - s) / n / 1000)) us per connection (under perf trace)"
awk -v n="$n" '/^ +[a-z_0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+/ {
	printf "%-16s %6.2f calls  %9.1f us per connection\n", $1, $2 / n, $4 * 1000 / n }' "$out"
