#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Runs last, alone: what the suite left behind (files run in parallel
# before it; see tests/check.sh).

load helper

# Only what the suite's own names and keys make counts (ipc_snapshot in
# setup_suite.bash): a browser's /dev/shm file meanwhile is not a leak.
@test "the suite left no IPC object, FIFO or socket file behind" {
	ipc_snapshot > "$IPCUT_DIR/after"
	run comm -13 "$IPCUT_DIR/before" "$IPCUT_DIR/after"
	assert_output ""
}

@test "the leak check sees the suite's own objects and only those" {
	local q other
	q=$(posix_name)
	mqsend "$q" <<<x
	other=/ipcut11-other-$$
	mqsend "$other" <<<x
	run ipc_snapshot
	mqrecv -u "$other" >/dev/null
	assert_line "/dev/mqueue$q"
	refute_line --partial "$other"
	shmput -k "$(sysv_key 1)" <<<x
	run ipc_snapshot
	assert_line --regexp "^sysv-m $(printf '0x%08x' "$(sysv_key 1)") [0-9]+$"
}

# A run killed midway (a CI job stopped, a laptop shut) leaves objects at
# its keys; the next suite that draws the same run number would take a
# full queue there for its own and block in mqsend until the test timed
# out. The suite draws a run number nothing is left at, and names what it
# passed over.
@test "the suite passes over a run number a killed run left objects at" {
	local r key
	# far from the runs of both suites (2N and 2N+1), and from each
	# other's r: the two suites run this test at about the same time
	r=$(( ((IPCUT_RUN & ~1) ^ 128) + 4 * (IPCUT_RUN & 1) ))
	key=$(( 0x40000000 | (r << 22) | (7 << 8) ))
	mqsend -k "$key" <<<left
	run free_run "$r" 2
	ipcrm -Q "$key"
	assert_success
	assert_line --index 0 "suite: run $r passed over: a killed run left"
	assert_line --regexp "^sysv-q $(printf '0x%08x' "$key") [0-9]+$"
	assert_line --index 2 "$(( (r + 2) % 256 ))"
}
