#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# A user's suite for tests/bats-ipcutils.bats, which copies it to a scratch
# directory and runs it with the installed library.
# shellcheck disable=SC2016 # $IPC_SIGNAL_PID is for the command to expand
setup() { bats_load_library bats-ipcutils; }
teardown() {
	[ -z "${pid-}" ] || kill "$pid" 2>/dev/null
	ipc_teardown
}

@test "assert_shm_content with --offset and --length" {
	s=$(ipc_name)
	printf 'hello\nworld\n' | shmput "$s"
	assert_shm_content "$s" $'hello\nworld\n'
	assert_shm_content --offset 6 --length 5 "$s" world
	run assert_shm_content --length 5 "$s" HELLO
	[ "$status" -eq 1 ]
	[[ $output == *"content differs"* && $output == *"expected : HELLO"* && $output == *"actual   : hello"* ]]
	k=$(ipc_key 1)
	printf abc | shmput -k "$k"
	assert_shm_content -k "$k" abc
	run assert_shm_content "$(ipc_name)" x
	[ "$status" -eq 1 ]
	[[ $output == *"cannot be read"* ]]
}
@test "wait_for_socket" {
	sockpipe -l --keep unix:"$BATS_TEST_TMPDIR/s" </dev/null >/dev/null 3>&- &
	pid=$!
	wait_for_socket "$BATS_TEST_TMPDIR/s"
	kill "$pid"
	run wait_for_socket --timeout 0.3 "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 1 ]
	[[ $output == *"socket did not appear"* ]]
}
@test "wait_for_signal returns sigrecv's line" {
	run wait_for_signal USR1 -- sh -c 'kill -USR1 "$IPC_SIGNAL_PID"'
	[ "$status" -eq 0 ]
	[[ $output == "USR1 pid="* ]]
	run wait_for_signal USR2 -- sh -c 'sigsend --signal USR2 -q 7 "$IPC_SIGNAL_PID"'
	[[ $output == "USR2 pid="*" value=7" ]]
	run wait_for_signal --timeout 0.3 USR1 -- true
	[ "$status" -eq 1 ]
	[[ $output == *"no signal came"* ]]
}
@test "assert_sem_value reads the line value: N of semwait -s" {
	# A stand-in for semwait (built in parallel), with its fixed interface.
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n[ "$1 $2" = "-s /sem" ] || { echo "semwait: $2: no such semaphore" >&2; exit 1; }\nprintf "name: /sem\\nvalue: 3\\nmode: 0600\\n"\n' \
		> "$BATS_TEST_TMPDIR/bin/semwait"
	chmod +x "$BATS_TEST_TMPDIR/bin/semwait"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
	assert_sem_value /sem 3
	run assert_sem_value /sem 4
	[ "$status" -eq 1 ]
	[[ $output == *"semaphore value differs"* && $output == *"expected  : 4"* && $output == *"actual    : 3"* ]]
	run assert_sem_value /other 1
	[ "$status" -eq 1 ]
	[[ $output == *"semaphore cannot be read"* && $output == *"no such semaphore"* ]]
}
