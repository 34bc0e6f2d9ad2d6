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
mqrecv -s -u "$q" > /dev/null 2>&1
mqrecv -s -u -k "$key" > /dev/null 2>&1
rm -f "$fifo" "$lines"
