# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# sockpipe -le --keep: the connection rate of an echo server (cat per
# connection) against socat fork, ncat -lk -e and tcpserver: N short
# request/reply connections one after another (bench/connrate checks every
# reply); the ratio is the rate's. Alone: make bench CASE=52-connrate.
port=$(sockpipe -l --print-port=1 -T 0.01 tcp::0 2>/dev/null | head -1)
n=$(pick 2000 20)
serve=$BENCH_DIR/serve
cat > "$serve" <<'SERVE'
# serve TOOL PORT N: start TOOL's echo server, run N connections, stop it.
set -eu
tool=$1 port=$2 n=$3
case $tool in
sockpipe) srv=(sockpipe -le --keep "tcp:127.0.0.1:$port" -- cat) ;;
socat) srv=(socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" EXEC:cat) ;;
ncat) srv=(ncat -lk 127.0.0.1 "$port" -e /bin/cat) ;;
tcpserver) srv=(tcpserver -HR -l 0 127.0.0.1 "$port" cat) ;;
esac
listening() {
	awk -v p="$(printf ':%04X' "$port")" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/tcp
}
# The last server's commands may hold its listening socket a moment after
# it is gone (ncat's children inherit it): a new server could not bind, and
# the wait below would see the old socket. Wait for the port to be free.
for _ in $(seq 1000); do listening || break; sleep 0.005; done
listening && { echo "serve: port $port is still taken" >&2; exit 1; }
"${srv[@]}" < /dev/null > /dev/null 2>&1 &
srv_pid=$!
trap 'kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1000); do
	listening && break
	kill -0 "$srv_pid" 2>/dev/null || break
	sleep 0.005
done
{ listening && kill -0 "$srv_pid" 2>/dev/null; } || { echo "serve: $tool is not listening on $port" >&2; exit 1; }
connrate "$n" "tcp:127.0.0.1:$port"
SERVE
args=()
have socat && args+=("socat fork EXEC:cat" "bash $serve socat $port $n")
have ncat && args+=("ncat -lk -e" "bash $serve ncat $port $n")
have tcpserver && args+=("tcpserver -HR -l0" "bash $serve tcpserver $port $n")
have ncat || note "no ncat: skipped"
have tcpserver || note "no tcpserver (ucspi-tcp): skipped"
RUNS=$(runs 3) bench "conn rate $n" "sockpipe -le --keep" "bash $serve sockpipe $port $n" "${args[@]}"
# shellcheck disable=SC2154 # set by bench in bench/run
return "$status"
