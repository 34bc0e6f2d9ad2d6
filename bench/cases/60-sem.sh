# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Semaphores: a lock hand-off, 1000 runs of take, run `true`, give back:
# semwait (System V, SEM_UNDO; and POSIX) against flock(1) and GNU
# parallel's sem, with `true` alone as the process-start floor. Goal: no
# slower than flock, at least 20 times faster than parallel's sem. Then
# the kernel's floor, a C loop of semop / sem_wait pairs (bench/semloop.c).
key=$((0x3e000000 + $$ % 65536))
s=/ipcut-bench-sem-$$
lock=$BENCH_DIR/sem.lock
sempost -k "$key" && sempost "$s" || return
: > "$lock"
set -- "semwait -k KEY -- true" "semwait -k $key -- true" \
	"semwait NAME -- true" "semwait $s -- true" \
	"flock FILE true" "flock $lock true"
if have sem; then
	set -- "$@" "parallel's sem --fg true" "sem --will-cite --fg --id ipcut-bench-$$ true"
else
	note "parallel's sem skipped: GNU parallel is not installed"
fi
RUNS=$(runs 1000) bench "sem hand-off" "$@" "true (process start)" "true"
semloop -n "$(runs 10)" "$(pick 100000 1000)"
semwait -u -k "$key" > /dev/null
semwait -u "$s" > /dev/null
rm -rf "$lock" ~/.parallel/semaphores/id-ipcut-bench-$$
