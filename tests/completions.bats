#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The completions in real shells: tests/complete.zsh types a partial word
# and a TAB into an interactive bash (--norc, so without the
# bash-completion package) or zsh (-f); fish answers `complete -C`.
# A new tool in TOOLS needs completions/zsh/_NAME (first line "#compdef
# NAME") and completions/fish/NAME.fish with each long option of its
# --help: the check below fails until both are there; make install takes
# them by glob.

load helper

COMP=$BATS_TEST_DIRNAME/../completions

# zsh's compinit reads the dump the first zsh of this file made, as a
# user's does, instead of scanning fpath each time.
setup_file() {
	export COMPDUMP=$BATS_FILE_TMPDIR/zcompdump
}

# need_shell NAME: skip unless the shell NAME is installed (.ci/run installs
# zsh and fish).
need_shell() {
	command -v "$1" >/dev/null || skip "$1 is not installed"
}

# in_shell SHELL LINE: the command line after LINE<TAB> in SHELL (the
# pty is zsh's, so bash needs it too: see need_shell).
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
	spawn sockpipe -l --keep abstract:"$1" </dev/null >/dev/null
	wait_for_socket abstract:"$1"
}

@test "bash: shmcat /PARTIAL<TAB> keeps the slash" {
	need_shell zsh
	local name
	name=$(shm_object)
	run in_shell bash "" "shmcat /${name%?}"
	assert_output "shmcat /$name "
	run in_shell bash "" "shmput /${name%?}"
	assert_output "shmput /$name "
	run in_shell bash "" "shmcat ${name%?}"
	assert_output "shmcat $name "
}

# complete.zsh removes the shell's HOME once it has the line; a history
# file written there by the exiting shell raced that rm -rf ("Directory
# not empty" in the output). strace -f waits for the shell to exit.
@test "complete.zsh: the shell on the pty writes no history into its HOME" {
	need_shell zsh
	command -v strace >/dev/null || skip "no strace"
	local sh dir
	for sh in bash zsh; do
		dir=$COMP
		[ "$sh" = bash ] || dir=$COMP/$sh
		# --seccomp-bpf: only the traced calls stop the shell, not every one.
		run strace -f -qq --seccomp-bpf -e trace=openat,open,creat -o "$T/trace" \
			zsh -f "$BATS_TEST_DIRNAME/complete.zsh" "$sh" "$dir" "shmcat --unl"
		assert_output "shmcat --unlink "
		# The one file the shell creates in its HOME: l, the line.
		run awk -v d="\"$TMPDIR/" 'index($0, d) && /O_CREAT/ && !/\/l", /' "$T/trace"
		assert_output ""
	done
}

@test "bash: mqsend and mqrecv complete queue names with or without the slash" {
	need_shell zsh
	local q
	q=$(posix_name)
	mqsend "$q" hello
	run in_shell bash "" "mqrecv ${q%?}"
	assert_output "mqrecv $q "
	run in_shell bash "" "mqsend ${q:1:-1}"
	assert_output "mqsend ${q#/} "
}

@test "bash: sockpipe tcp:loc<TAB> and abstract:<TAB> complete across the colons" {
	need_shell zsh
	local name=${IPCUT_PREFIX}sock
	run in_shell bash "" "sockpipe tcp:loc"
	assert_output "sockpipe tcp:localhost:"
	run in_shell bash "" "sockpipe -l udp:loc"
	assert_output "sockpipe -l udp:localhost:"
	abstract_listener "$name"
	run in_shell bash "" "sockpipe abstract:${name%?}"
	assert_output "sockpipe abstract:$name "
	mkdir "$T/d"
	spawn sockpipe -l --keep unix:"$T/d/s" </dev/null >/dev/null
	wait_for_socket "$T/d/s"
	run in_shell bash "" "sockpipe unix:$T/d/"
	assert_output "sockpipe unix:$T/d/s"
}

@test "semwait and sempost: POSIX semaphore names in bash, zsh and fish, slash kept" {
	need_shell zsh
	local s
	s=$(posix_name)
	sempost "$s"
	run in_shell bash "" "semwait ${s%?}"
	assert_output "semwait $s "
	run in_shell zsh zsh "sempost ${s%?}"
	assert_output "sempost $s "
	run in_shell zsh zsh "semwait ${s:1:-1}"
	assert_output "semwait ${s#/} "
	need_shell fish
	run in_fish "semwait ${s%?}"
	assert_output "$s"
	# shmcat offers shared memory, not the semaphore's sem.NAME file.
	run in_shell zsh zsh "shmcat ${s%?}"
	assert_output "shmcat ${s%?}"
}

# in_fish LINE: the candidates fish offers for LINE, one per line, without
# their descriptions.
in_fish() {
	fish --no-config -c "set fish_complete_path '$COMP/fish' \$fish_complete_path
		complete -C '$1'" | cut -f1
}

tools() {
	sed -n 's/^TOOLS = //p' "$BATS_TEST_DIRNAME/../Makefile"
}

@test "every tool in TOOLS has zsh and fish completions with each long option of --help" {
	local t opt missing=()
	for t in $(tools); do
		[ -f "$COMP/zsh/_$t" ] || { missing+=("completions/zsh/_$t"); continue; }
		[ -f "$COMP/fish/$t.fish" ] || { missing+=("completions/fish/$t.fish"); continue; }
		head -1 "$COMP/zsh/_$t" | grep -qx "#compdef $t" || missing+=("_$t: first line #compdef $t")
		run "$t" --help
		while read -r opt; do
			grep -q -- "$opt\b" "$COMP/zsh/_$t" || missing+=("$t: $opt not in completions/zsh/_$t")
			grep -qE -- "-l ${opt#--}( |$)" "$COMP/fish/$t.fish" ||
				missing+=("$t: $opt not in completions/fish/$t.fish")
		done < <(grep -o -- '--[a-z][a-z0-9-]*' <<<"$output" | sort -u)
	done
	[ "${#missing[@]}" -eq 0 ] || { printf 'missing: %s\n' "${missing[@]}"; false; }
}

@test "zsh: POSIX names keep their slash, sockpipe addresses, options" {
	need_shell zsh
	local name q sock=${IPCUT_PREFIX}sock
	name=$(shm_object)
	run in_shell zsh zsh "shmcat /${name%?}"
	assert_output "shmcat /$name "
	run in_shell zsh zsh "shmput ${name%?}"
	assert_output "shmput $name "
	q=$(posix_name)
	mqsend "$q" hello
	run in_shell zsh zsh "mqrecv -n ${q%?}"
	assert_output "mqrecv -n $q "
	run in_shell zsh zsh "sockpipe tcp:loc"
	assert_output "sockpipe tcp:localhost:"
	abstract_listener "$sock"
	run in_shell zsh zsh "sockpipe abstract:${sock%?}"
	assert_output "sockpipe abstract:$sock "
	mkdir "$T/d"
	spawn sockpipe -l --keep unix:"$T/d/s" </dev/null >/dev/null
	wait_for_socket "$T/d/s"
	run in_shell zsh zsh "sockpipe unix:$T/d/"
	assert_output "sockpipe unix:$T/d/s "
	run in_shell zsh zsh "sigsend --signal USR1"
	assert_output "sigsend --signal USR1 "
	run in_shell zsh zsh "shmcat --unl"
	assert_output "shmcat --unlink "
}

# zsh sends CONT to the processes it waits for whenever a signal wakes a
# subshell (zwaitjob) or wakes it twice for one command substitution
# (waitforpid). An ASan tool at exit has its LeakSanitizer tracer's
# PTRACE_ATTACH SIGSTOP pending; a CONT then discards it and the tracer
# waits for a stop that never comes: completion hangs. So the completion
# runs the tool alone in $(...), never piped into another command whose
# exit wakes the subshell. A stand-in sigsend records any CONT it gets
# after it has closed its output, until its parent has reaped every
# other child and gone back to sleep: by then a CONT would have come.
@test "zsh: signal names come from sigsend, and sigsend gets no CONT from zsh" {
	need_shell zsh
	mkdir "$T/bin"
	cat > "$T/bin/sigsend" <<-EOF
	#!/bin/bash
	trap 'echo CONT >> $T/cont' CONT
	printf '10 USR1\n12 USR2\n'
	exec >&-
	for ((i = 0; i < 500; i++)); do
		kids=\$(cat /proc/\$PPID/task/\$PPID/children)
		read -r _ _ state _ < /proc/\$PPID/stat
		[[ \$kids == "\$\$ " && \$state == S ]] && { echo done > $T/done; break; }
		sleep 0.01
	done
	EOF
	chmod +x "$T/bin/sigsend"
	PATH=$T/bin:$PATH run in_shell zsh zsh "sigsend --signal USR2"
	assert_output "sigsend --signal USR2 "
	[ -e "$T/done" ]
	[ ! -e "$T/cont" ] || fail "zsh sent CONT to sigsend after its output closed"
}

@test "fish: POSIX names keep their slash, sockpipe addresses, signals, options" {
	need_shell fish
	local name q sock=${IPCUT_PREFIX}sock
	name=$(shm_object)
	run in_fish "shmcat /${name%?}"
	assert_output "/$name"
	run in_fish "shmput ${name%?}"
	assert_output "$name"
	q=$(posix_name)
	mqsend "$q" hello
	run in_fish "mqrecv -n ${q%?}"
	assert_output "$q"
	run in_fish "sockpipe tcp:loc"
	assert_output "tcp:localhost:"
	abstract_listener "$sock"
	run in_fish "sockpipe abstract:${sock%?}"
	assert_output "abstract:$sock"
	mkdir "$T/d"
	spawn sockpipe -l --keep unix:"$T/d/s" </dev/null >/dev/null
	wait_for_socket "$T/d/s"
	run in_fish "sockpipe unix:$T/d/"
	assert_output "unix:$T/d/s"
	run in_fish "sigrecv KIL"
	assert_output ""
	run in_fish "sigrecv USR"
	assert_output $'USR1\nUSR2'
	run in_fish "shmcat --unl"
	assert_output "--unlink"
}

@test "zsh and fish: each tool's completion loads and completes its long options" {
	need_shell zsh
	need_shell fish
	local t opt opts
	for t in $(tools); do
		run "$t" --help
		opts=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$output" | sort -u)
		# zsh: the first and the last, less one letter, complete to the
		# option (with an '=' where it takes a value); of those that are
		# no other's prefix (sockpipe's --all, --allow), as that is the
		# only completion zsh can finish.
		while read -r opt; do
			run in_shell zsh zsh "$t ${opt%?}"
			assert_output --regexp "^$t ${opt}[ =]\$"
		done < <(awk '{ o[NR] = $0 } END { for (i = 1; i <= NR; i++) { p = 0
			for (j = 1; j <= NR; j++) if (j != i && index(o[j], o[i]) == 1) p = 1
			if (!p) print o[i] } }' <<<"$opts" | sed -n '1p;$p')
		# fish: "--" offers every one.
		run in_fish "$t --"
		for opt in $opts; do
			assert_line "$opt"
		done
	done
}

@test "System V keys: bash, zsh and fish offer the keys ipcs lists" {
	need_shell zsh
	need_shell fish
	local k
	k=$(printf '0x%08x' "$(sysv_key 1)")
	echo x | shmput -k "$k"
	mqsend -k "$k" hello
	run in_shell bash "" "shmcat -k ${k%?}"
	assert_output "shmcat -k $k "
	run in_shell zsh zsh "shmcat -k ${k%?}"
	assert_output "shmcat -k $k "
	run in_shell zsh zsh "mqrecv -k ${k%?}"
	assert_output "mqrecv -k $k "
	run in_fish "shmcat -k ${k%?}"
	assert_output "$k"
	run in_fish "mqrecv -k ${k%?}"
	assert_output "$k"
}

@test "bash: ipcls /PARTIAL<TAB> keeps the slash; semwait and sempost complete names typed without it" {
	need_shell zsh
	local name s
	name=$(shm_object)
	run in_shell bash "" "ipcls /${name%?}"
	assert_output "ipcls /$name "
	s=$(posix_name)
	sempost "$s"
	run in_shell bash "" "semwait ${s:1:-1}"
	assert_output "semwait ${s#/} "
	run in_shell bash "" "sempost ${s:1:-1}"
	assert_output "sempost ${s#/} "
	run in_shell bash "" "sempost ${s%?}"
	assert_output "sempost $s "
}

@test "bash: no POSIX name offered once -k, -i or --ftok named the object" {
	need_shell zsh
	local name q s
	name=$(shm_object)
	run in_shell bash "" "shmcat -k 0x1 ${name%?}"
	assert_output "shmcat -k 0x1 ${name%?}"
	run in_shell bash "" "shmput -i 1 ${name%?}"
	assert_output "shmput -i 1 ${name%?}"
	q=$(posix_name)
	mqsend "$q" hello
	run in_shell bash "" "mqsend --key 0x1 ${q%?}"
	assert_output "mqsend --key 0x1 ${q%?}"
	run in_shell bash "" "mqrecv -k 0x1 ${q%?}"
	assert_output "mqrecv -k 0x1 ${q%?}"
	s=$(posix_name)
	sempost "$s"
	run in_shell bash "" "semwait --ftok /etc/passwd ${s%?}"
	assert_output "semwait --ftok /etc/passwd ${s%?}"
	run in_shell bash "" "sempost -k 0x1 ${s%?}"
	assert_output "sempost -k 0x1 ${s%?}"
}
