# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# shmput and shmcat against cat, 1 GiB each way, POSIX and System V, in one
# run. Goals: shmcat faster than `cat /dev/shm/x` into a pipe (the pipe's
# reader is shm-sink, which splices to /dev/null, so the writer is timed);
# shmput within 1.2 of `cat > /dev/shm/x`. shmput's atomic replace needs
# 1 GiB of new pages while the old object lives, where cat truncates and
# takes its own pages straight back; on a VM that hands freed memory back
# to the host (virtio-balloon free page reporting) new pages cost more.
size=$(pick 1G 1M)
runs=$(runs 5)
in=$BENCH_DIR/shm-in
p=ipcut-bench-$$
key=$(( 0x3f000000 | ($$ & 0xffff) ))
head -c "$size" /dev/zero | tr '\0' x > "$in"
cleanup_shm() {
	rm -f "/dev/shm/$p" "/dev/shm/$p-cat" "/dev/shm/$p-tmp"
	ipcrm -M "$key" 2>/dev/null
	true
}
trap cleanup_shm EXIT
cat "$in" > "/dev/shm/$p-cat"

# The third row is what a script writes for the same atomic replace.
RUNS=$runs bench "shmput $size" "shmput NAME < in" "shmput $p < $in" \
	"cat > /dev/shm/x" "cat $in > /dev/shm/$p-cat" \
	"cat > tmp && mv tmp x" "cat $in > /dev/shm/$p-tmp && mv /dev/shm/$p-tmp /dev/shm/$p-cat"
RUNS=$runs bench "shmput $size" "shmput -k KEY < in" "shmput -k $key < $in" \
	"cat > /dev/shm/x" "cat $in > /dev/shm/$p-cat"
RUNS=$runs bench "shmcat $size" "shmcat NAME | pipe" "shmcat $p | shm-sink" \
	"cat /dev/shm/x | pipe" "cat /dev/shm/$p-cat | shm-sink"
RUNS=$runs bench "shmcat $size" "shmcat -k KEY | pipe" "shmcat -k $key | shm-sink" \
	"cat /dev/shm/x | pipe" "cat /dev/shm/$p-cat | shm-sink"
RUNS=$runs bench "shmcat $size" "shmcat NAME > /dev/null" "shmcat $p" \
	"cat /dev/shm/x > /dev/null" "cat /dev/shm/$p-cat"
