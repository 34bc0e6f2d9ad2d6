#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The close-and-status matrix (issue 26), one test per transport and one
# for duplex: tests/closematrix.sh generates the cells and judges them.
# make check runs a subset chosen in the script (every case, peer, side,
# transport and size, and every two of them together); make stress runs
# every cell at every size, 300 MiB the largest (MATRIX_FULL=1).

bats_require_minimum_version 1.5.0
load helper

# matrix ARG...: run the generator; fail with the cells that failed.
matrix() {
	run bash "$BATS_TEST_DIRNAME/closematrix.sh" "$@"
	refute_line --regexp '^not ok '
	assert_success
	assert_line --regexp '^ok '
}

@test "close matrix: sockpipe over unix sockets" {
	matrix sockpipe unix
}

@test "close matrix: sockpipe over abstract sockets" {
	matrix sockpipe abstract
}

@test "close matrix: sockpipe over tcp, IPv4" {
	matrix sockpipe tcp4
}

@test "close matrix: sockpipe over tcp, IPv6" {
	need_ipv6_loopback
	matrix sockpipe tcp6
}

@test "close matrix: sockpipe over udp" {
	matrix sockpipe udp
}

@test "close matrix: duplex" {
	matrix duplex
}
