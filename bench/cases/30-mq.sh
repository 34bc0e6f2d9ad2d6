# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Message queues: N 16-byte messages from mqsend to mqrecv (POSIX and
# System V), against a C program doing mq_send/mq_receive (msgsnd/msgrcv)
# in a loop, the system's limit, and against the same lines through a FIFO.
# Goal: at least 0.6 of the C loop's messages per second.
n=$(pick 1000000 2000)
lines=$BENCH_DIR/mq-lines
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "%016d\n", i }' > "$lines"
q=/ipcut-bench-mq-$$
key=$((0x3f000000 + $$ % 65536))
fifo=$BENCH_DIR/mq-fifo
# The queues exist before the runs, so mqrecv never starts before mqsend made one.
mqsend "$q" x && mqrecv "$q" > /dev/null || return
mqsend -k "$key" x && mqrecv -k "$key" > /dev/null || return
RUNS=$(runs 5) bench "mq posix $n msgs" \
	"mqsend | mqrecv -f" "mqsend $q < $lines & mqrecv -c $n $q > /dev/null; wait" \
	"C mq_send loop" "mqloop posix $n" \
	"FIFO (cat)" "rm -f $fifo; mkfifo $fifo; cat $lines > $fifo & cat $fifo > /dev/null; wait"
RUNS=$(runs 5) bench "mq sysv $n msgs" \
	"mqsend | mqrecv -f" "mqsend -k $key < $lines & mqrecv -c $n -k $key > /dev/null; wait" \
	"C msgsnd loop" "mqloop sysv $n" \
	"FIFO (cat)" "rm -f $fifo; mkfifo $fifo; cat $lines > $fifo & cat $fifo > /dev/null; wait"
# What "no message lost" costs: on a pipe or a socket mqrecv takes a
# message only once the reader has read the last (issue 21), one round
# trip per message. Against the same run into /dev/null (no reader to
# wait for), and the socket that socat's SYSTEM gives its command.
RUNS=$(runs 5) bench "mq sysv pipe $n" \
	"mqsend | mqrecv -c N | cat" "mqsend -k $key < $lines & mqrecv -c $n -k $key | cat > /dev/null; wait" \
	"mqsend | mqrecv -c N >null" "mqsend -k $key < $lines & mqrecv -c $n -k $key > /dev/null; wait"
if have socat; then
	RUNS=$(runs 5) bench "mq sysv socket $n" \
		"mqrecv -c N, stdout a socket" "mqsend -k $key < $lines & socat -u SYSTEM:'mqrecv -c $n -k $key' - > /dev/null; wait" \
		"mqsend | mqrecv -c N >null" "mqsend -k $key < $lines & mqrecv -c $n -k $key > /dev/null; wait"
else
	note "no socat: the socket row is skipped"
fi
# Sharing: 4 slow workers (2 ms a job) on J jobs; the goal is that none
# takes more than 1.5x its fair share. Printed as the largest share / fair.
j=$(pick 400 40)
seq "$j" | mqsend -k "$key"
for i in 1 2 3 4; do
	mqrecv -f -n -k "$key" | while read -r _; do sleep 0.002; echo; done | wc -l > "$BENCH_DIR/share$i" &
done
wait
max=$(sort -n "$BENCH_DIR"/share? | tail -n 1)
printf '%-18s %-34s %10s  (goal <= 1.50; shares %s)\n' "mq share $j" "4 slow mqrecv -f workers" \
	"$(awk -v m="$max" -v j="$j" 'BEGIN { printf "%.2f", m / (j / 4) }')" "$(cat "$BENCH_DIR"/share? | tr '\n' ' ')"
awk -v m="$max" -v j="$j" 'BEGIN { exit !(m <= 1.5 * j / 4) }' || return 1
mqrecv -s -u "$q" > /dev/null 2>&1
mqrecv -s -u -k "$key" > /dev/null 2>&1
rm -f "$fifo" "$lines"
