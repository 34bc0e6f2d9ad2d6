# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# ipcls: 2000 System V segments and 2000 POSIX objects (1000 shared memory
# objects, 1000 named semaphores; no POSIX queues: each takes from root's
# RLIMIT_MSGQUEUE, which other tests on the machine need), against lsipc
# and ipcs for the System V part, with holders (one pass over every
# process's maps and fds) on and off. Goals: no slower than lsipc for the
# System V part; holders for all 4000 objects in under a second.
n=$(pick 2000 50)
p=ipcut-bench-ls-$$
key=$(( 0x3e000000 | (($$ & 0xfff) << 12) ))
trap 'ipcmany remove "$n" "$key" "$p"' EXIT
ipcmany make "$n" "$key" "$p" || return
cols=KIND,NAME,ID,OWNER,MODE,SIZE,CHANGED,LAST-PID
bench "ipcls $n shm" "ipcls --kind sysv-shm -o ..." "ipcls --kind sysv-shm -o $cols" \
	"lsipc -m" "lsipc -m" \
	"ipcs -m" "ipcs -m"
bench "ipcls $n shm" "ipcls --kind sysv-shm (holders)" "ipcls --kind sysv-shm" \
	"lsipc -m (no holders)" "lsipc -m" \
	"ipcs -m -p (pids)" "ipcs -m -p"
bench "ipcls $((2 * n)) objs" "ipcls (holders)" "ipcls" \
	"ipcls -o ... (no holders)" "ipcls -o $cols" \
	"ipcs -a; ls -l /dev/shm" "ipcs -a; ls -l /dev/shm"
