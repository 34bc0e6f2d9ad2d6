#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# A user's suite for tests/bats-ipcutils.bats, which copies it to a scratch
# directory and runs it with the installed library.
# shellcheck disable=SC2016 # $IPC_SIGNAL_PID is for the command to expand
setup() { bats_load_library bats-ipcutils; }
teardown() { ipc_teardown; }

@test "names and keys: by default bipc-RUN-TEST-N and 0x6RRTTTNN" {
	local name key
	name=$(IPC_NAME_PREFIX='' ipc_name)
	[[ $name =~ ^/bipc-[0-9]+-1-1$ ]]
	key=$(IPC_KEY_BASE='' ipc_key 3)
	[[ $key =~ ^0x6[0-9a-f]{2}00103$ ]]
}
@test "names and keys are fresh and removed in teardown" {
	a=$(ipc_name) b=$(ipc_name)
	[[ $a == "/$IPC_NAME_PREFIX-2-1" && $b == "/$IPC_NAME_PREFIX-2-2" ]]
	k=$(ipc_key 3)
	[ "$k" = "$(printf '0x%08x' $((IPC_KEY_BASE + 3)))" ]
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
	local writer=$!
	wait_for_queue "$q"
	# By PID: a bare wait also waits for bats' BATS_TEST_TIMEOUT watchdog.
	wait "$writer"
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
@test "assert_no_ipc_leak names what is left, kinds as ipcls names them" {
	q=$(ipc_name) s=$(ipc_name) k=$(ipc_key 1)
	echo "$s" > "$BATS_FILE_TMPDIR/sem"
	mqsend "$q" x
	sempost "$s"
	mqsend -k "$k" x
	run assert_no_ipc_leak
	[ "$status" -eq 1 ]
	[[ $output == *"left behind"* && $output == *"posix-mq $q"* ]]
	[[ $output == *"posix-sem $s"* && $output == *"sysv-msg $k "* ]]
}
@test "ipc_teardown removed the semaphore too" {
	read -r s < "$BATS_FILE_TMPDIR/sem"
	[ ! -e "/dev/shm/sem.${s#/}" ]
	assert_no_ipc_leak
}
