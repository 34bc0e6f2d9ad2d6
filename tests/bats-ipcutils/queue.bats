#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# A user's suite for tests/bats-ipcutils.bats, which copies it to a scratch
# directory and runs it with the installed library.
# shellcheck disable=SC2016 # $IPC_SIGNAL_PID is for the command to expand
setup() { bats_load_library bats-ipcutils; }
teardown() { ipc_teardown; }

@test "names and keys are fresh and removed in teardown" {
	a=$(ipc_name) b=$(ipc_name)
	[[ $a == /bipc-* && $b == /bipc-* && $a != "$b" ]]
	k=$(ipc_key 3)
	[[ $k =~ ^0x6[0-9a-f]{7}$ ]]
	mqsend "$a" one two
	echo hi | shmput "$b"
	mqsend -k "$k" x
	echo "$a $b $k" > "$BATS_FILE_TMPDIR/made"
	run ipc_key 256
	[ "$status" -eq 2 ]
}
@test "the objects of the first test are gone" {
	read -r a b k < "$BATS_FILE_TMPDIR/made"
	[ ! -e "/dev/mqueue$a" ] && [ ! -e "/dev/shm$b" ]
	run mqrecv -s -k "$k"
	[ "$status" -eq 1 ]
	assert_no_ipc_leak
}
@test "assert_queue_length and wait_for_queue" {
	q=$(ipc_name)
	(sleep 0.2; mqsend "$q" a b c) &
	wait_for_queue "$q"
	wait
	assert_queue_length "$q" 3
	run assert_queue_length "$q" 2
	[ "$status" -eq 1 ]
	[[ $output == *"-- queue length differs --"* && $output == *"expected : 2"* && $output == *"actual   : 3"* && $output == *"queue    : $q"* ]]
	k=$(ipc_key)
	mqsend -k "$k" x
	assert_queue_length -k "$k" 1
	run wait_for_queue --timeout 0.3 "$(ipc_name)"
	[ "$status" -eq 1 ]
	[[ $output == *"queue did not appear"* ]]
}
@test "assert_no_ipc_leak names what is left" {
	q=$(ipc_name)
	mqsend "$q" x
	run assert_no_ipc_leak
	[ "$status" -eq 1 ]
	[[ $output == *"left behind"* && $output == *"posix-mqueue $q"* ]]
}
