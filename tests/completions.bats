#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The completions in real shells: tests/complete.zsh types a partial word
# and a TAB into an interactive bash (--norc, so without the
# bash-completion package) or zsh (-f); fish answers `complete -C`.

load helper

COMP=$BATS_TEST_DIRNAME/../completions

# in_shell SHELL LINE: the command line after LINE<TAB> in SHELL.
in_shell() {
	zsh -f "$BATS_TEST_DIRNAME/complete.zsh" "$1" "$(cd "$COMP${2:+/$2}" && pwd)" "$3"
}

# A POSIX shared memory object of this test, its name without the slash.
shm_object() {
	local name
	name=$(posix_name)
	echo x | shmput "$name"
	echo "${name#/}"
}

# An abstract socket NAME of this test that listens until teardown.
abstract_listener() {
	spawn sockpipe -lk abstract:"$1" </dev/null >/dev/null
	wait_until 10 grep -q "@$1\$" /proc/net/unix
}

@test "bash: shmcat /PARTIAL<TAB> keeps the slash" {
	local name
	name=$(shm_object)
	run in_shell bash "" "shmcat /${name%?}"
	assert_output "shmcat /$name "
	run in_shell bash "" "shmput /${name%?}"
	assert_output "shmput /$name "
	run in_shell bash "" "shmcat ${name%?}"
	assert_output "shmcat $name "
}

@test "bash: sockpipe tcp:loc<TAB> and abstract:<TAB> complete across the colons" {
	local name=${IPCUT_PREFIX}sock
	run in_shell bash "" "sockpipe tcp:loc"
	assert_output "sockpipe tcp:localhost:"
	run in_shell bash "" "sockpipe -l udp:loc"
	assert_output "sockpipe -l udp:localhost:"
	abstract_listener "$name"
	run in_shell bash "" "sockpipe abstract:${name%?}"
	assert_output "sockpipe abstract:$name "
	mkdir "$T/d"
	spawn sockpipe -lk unix:"$T/d/s" </dev/null >/dev/null
	wait_until 10 test -S "$T/d/s"
	run in_shell bash "" "sockpipe unix:$T/d/"
	assert_output "sockpipe unix:$T/d/s"
}
