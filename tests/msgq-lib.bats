#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# lib/ additions for message queues: rec_writer_reserve, rec_flush_some.

bats_require_minimum_version 1.5.0
load helper

@test "rec_writer_reserve: records beyond the default buffer stay queued" {
	run bash -c "recflush 3000 100 2>'$T/err' > '$T/out'"
	assert_success
	run cat "$T/err"
	assert_output "rc 0 done 303000"
	[ "$(wc -c < "$T/out")" -eq 303000 ]
}

@test "rec_flush_some: says how much got out when a write fails" {
	run bash -c "recflush 10 100 2>&1 >/dev/full"
	assert_output "rc -1 done 0"
	run closedpipe recflush 10 100
	assert_output "rc -1 done 0"
	# A pipe that takes 64 KiB before its reader goes: some, not all.
	run bash -c "recflush 2000 100 2>'$T/err' | head -c 1000 > /dev/null; cat '$T/err'"
	assert_output --regexp '^rc -1 done [0-9]+$'
	local done=${output##* }
	(( done >= 1000 && done < 202000 ))
}
