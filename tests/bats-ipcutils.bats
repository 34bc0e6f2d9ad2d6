#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The BATS library for users' suites, used as a user would: installed with
# make install, loaded by its installed path (bats_load_library) from a
# scratch suite that this file writes and runs.

load helper

# scratch_suite NAME: install the library under $T/inst, copy the user's
# suite tests/bats-ipcutils/NAME.bats to a scratch directory (a @test in a
# here-document would be rewritten by this file's bats) and run it there
# with the library on BATS_LIB_PATH: $output holds its TAP.
scratch_suite() {
	make -s -C "$BATS_TEST_DIRNAME/.." install DESTDIR="$T/inst" PREFIX=/usr >/dev/null
	[ -f "$T/inst/usr/lib/bats/bats-ipcutils/load.bash" ]
	mkdir -p "$T/suite"
	cp "$BATS_TEST_DIRNAME/bats-ipcutils/$1.bats" "$T/suite/user.bats"
	# Names and keys from this suite's plan (helper.bash), not the
	# library's defaults, which other runs of this suite would not know.
	run env BATS_LIB_PATH="$T/inst/usr/lib/bats:/usr/lib/bats" \
		PATH="$T/inst/usr/bin:$PATH" IPC_NAME_PREFIX="${IPCUT_PREFIX}lib" \
		IPC_KEY_BASE="$(sysv_key 0)" TMPDIR="$T" bats --tap "$T/suite/user.bats"
}

@test "bats-ipcutils: names, keys, teardown and the queue helpers" {
	scratch_suite queue
	assert_success
	assert_output --partial "1..6"
	refute_output --partial "not ok"
}

@test "bats-ipcutils: shared memory, sockets and signals" {
	scratch_suite shm-sock-sig
	assert_success
	assert_output --partial "1..4"
	refute_output --partial "not ok"
}
