# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Signals. Exit -> return: how long after a process exits a waiter
# notices (sigsend -w is woken by its pidfd; goal under a millisecond),
# against the kill -0 polling loop and tail --pid (bench/exitlat.c).
# Then start-up against /bin/kill, and a sigsend -> sigrecv round trip.
# shellcheck disable=SC2016 # the commands run in their own shells
w=exitlat rc=0
if [ -n "$QUICK" ]; then
	note "tail --pid skipped with QUICK: it polls once a second"
	"$w" -n 2 "exit->return" "sigsend --signal 0 -w PID" "sigsend --signal 0 -w {}" \
		"kill -0 loop (10 ms)" 'while kill -0 {} 2>/dev/null; do sleep 0.01; done' || rc=1
else
	"$w" -n 20 "exit->return" "sigsend --signal 0 -w PID" "sigsend --signal 0 -w {}" \
		"kill -0 loop (10 ms)" 'while kill -0 {} 2>/dev/null; do sleep 0.01; done' \
		"tail --pid=PID -f /dev/null" "tail --pid={} -f /dev/null" || rc=1
fi
RUNS=$(runs 1000) bench "startup" "sigsend --signal 0 PID" "sigsend --signal 0 $$" \
	"/bin/kill -s 0 PID" "/bin/kill -s 0 $$"
f=$BENCH_DIR/sigrecv.pid
RUNS=$(runs 200) bench "round trip" "sigsend -> sigrecv" \
	"rm -f $f; sigrecv --pidfile $f USR1 & while [ ! -s $f ]; do :; done; sigsend --signal USR1 -q 1 --pidfile $f; wait" \
	"/bin/kill --queue -> sigrecv" \
	"rm -f $f; sigrecv --pidfile $f USR1 & while [ ! -s $f ]; do :; done; read -r p < $f; /bin/kill -s USR1 --queue 1 \$p; wait"
return "$rc"
