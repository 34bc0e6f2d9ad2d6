# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Runs once before the whole suite: a scratch directory every test works
# under, and a snapshot of the IPC objects that existed before, so the last
# file (zz-suite.bats) can tell what the suite left behind.

setup_suite() {
	# tests/check.sh made the directory and the snapshot, runs the files in
	# parallel (several bats runs) and zz-suite.bats last, and removes it.
	if [ -n "${IPCUT_SUITE_DIR:-}" ]; then
		export IPCUT_DIR=$IPCUT_SUITE_DIR IPCUT_RUN
		return
	fi
	IPCUT_DIR=$(mktemp -d /tmp/ipcut-suite.XXXXXX)
	# Unprivileged users run tools in it for the permission tests.
	chmod 0755 "$IPCUT_DIR"
	export IPCUT_DIR
	# One number per run, so two suites at once use different keys and names.
	IPCUT_RUN=$(free_run $(( $$ % 256 )) 1) || return
	export IPCUT_RUN
	ipc_snapshot > "$IPCUT_DIR/before"
}

teardown_suite() {
	[ -n "${IPCUT_SUITE_DIR:-}" ] || rm -rf "${IPCUT_DIR:?}"
}

# The IPC objects and files this run of the suite made and did not remove,
# one per line: System V objects whose key is in the run's range (see
# sysv_key), POSIX objects and files under /tmp whose name holds the run's
# prefix (tools' temporary names such as .ipcut-R-N-1.shmput-XXXX too),
# and FIFOs and sockets under the suite's directory. Objects other
# programs make meanwhile are none of its business.
ipc_snapshot() {
	local kind key id rest
	{
		for kind in m q s; do
			ipcs -"$kind" | while read -r key id rest; do
				[[ $key == 0x* && $id =~ ^[0-9]+$ ]] || continue
				# Keys of the form 0x4RRxxxxx belong to suite run RR.
				(( (key >> 30) == 1 && ((key >> 22) & 255) == IPCUT_RUN )) || continue
				echo "sysv-$kind $key $id"
			done
		done
		find /dev/shm /dev/mqueue /tmp -mindepth 1 -maxdepth 1 \
			-name "*ipcut-$IPCUT_RUN-*" 2>/dev/null
		find "$IPCUT_DIR" \( -type p -o -type s \) 2>/dev/null
	} | sort
}
export -f ipc_snapshot

# run_left R: what exists now of run number R's keys and names (as in
# ipc_snapshot), one object a line; nothing when R is free.
run_left() {
	IPCUT_RUN=$1 IPCUT_DIR=/nonexistent ipc_snapshot
}
export -f run_left

# free_run FIRST STEP: the first run number from FIRST on, by STEP (modulo
# 256), such that runs N to N+STEP-1 have nothing left. A suite killed
# midway leaves its objects; a later run on the same keys would take them
# for its own: a full queue there blocks the mqsend of a test until the
# test's timeout. What it passes over goes to stderr, to be removed.
free_run() {
	local r=$1 step=$2 i j left
	for (( i = 0; i < 256 / step; i++ )); do
		left=$(for (( j = 0; j < step; j++ )); do run_left $(( (r + j) % 256 )); done)
		if [ -z "$left" ]; then
			echo "$r"
			return 0
		fi
		printf 'suite: run %d passed over: a killed run left\n%s\n' "$r" "$left" >&2
		r=$(( (r + step) % 256 ))
	done
	echo "suite: every run number has objects left; remove them" >&2
	return 1
}
export -f free_run
