#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# What every tool ships with: man page, completion, help, README section,
# and make demo.

load helper

tools() {
	sed -n 's/^TOOLS = //p' "$BATS_TEST_DIRNAME/../Makefile"
}

@test "every tool's long options appear in its man page and its completion" {
	local top=$BATS_TEST_DIRNAME/.. t opt missing=()
	for t in $(tools); do
		run "$t" --help
		assert_success
		local page
		page=$(mandoc -Tutf8 "$top/man/$t.1" | col -b)
		while read -r opt; do
			grep -q -- "$opt" <<<"$page" || missing+=("$t: $opt not in man/$t.1")
			grep -q -- "$opt" "$top/completions/$t" || missing+=("$t: $opt not in completions/$t")
		done < <(grep -o -- '--[a-z][a-z0-9-]*' <<<"$output" | sort -u)
	done
	[ "${#missing[@]}" -eq 0 ] || { printf '%s\n' "${missing[@]}"; false; }
}

# The SYNOPSIS renders the same under both formatters, so a macro that
# swallows the rest of its line (Op, Bq) shows; and its forms are the usage
# text's, once the optional parts are set aside (help.bats holds the
# SYNOPSIS to --help option by option).
forms() {
	awk -v t="$1" '$1 == t { if (f != "") print f; f = $0; next } { f = f " " $0 } END { if (f != "") print f }' |
		sed -E ':a; s/\[[^][]*\](\.\.\.)?//g; ta; s/  +/ /g; s/ +$//'
}
@test "every tool's SYNOPSIS renders as its usage text says, under mandoc and groff" {
	local top=$BATS_TEST_DIRNAME/.. t fmt bad=()
	for t in $(tools); do
		for fmt in "mandoc -Tutf8" "groff -mandoc -Tutf8"; do
			# shellcheck disable=SC2086 # the formatter and its options
			diff <($fmt "$top/man/$t.1" 2>/dev/null | col -bx |
				sed -n '/^SYNOPSIS/,/^[A-Z]/{/^ /s/^ *//p}' |
				sed -E 's/\[([A-Z]+) \.\.\.\]/[\1].../g; s/([A-Z]) \.\.\./\1.../g' | forms "$t") \
				<("$t" --help | sed -n 's/^Usage: //p; s/^  or:  //p' | forms "$t") ||
				bad+=("$t: ${fmt%% *}")
		done
		# (the two may break lines in other places)
		diff <(mandoc -Tutf8 "$top/man/$t.1" | col -bx | sed -n '/^SYNOPSIS/,/^[A-Z]/p' | tr -s ' \n' '  ') \
			<(groff -mandoc -Tutf8 "$top/man/$t.1" 2>/dev/null | col -bx | sed -n '/^SYNOPSIS/,/^[A-Z]/p' | tr -s ' \n' '  ') ||
			bad+=("$t: mandoc and groff")
	done
	[ "${#bad[@]}" -eq 0 ] || { printf 'SYNOPSIS differs from usage: %s\n' "${bad[@]}"; false; }
}

@test "every tool ships with a man page, completion, tests and README section" {
	local top=$BATS_TEST_DIRNAME/.. t missing=()
	for t in $(tools); do
		[ -f "$top/man/$t.1" ] || missing+=("man/$t.1")
		[ -f "$top/completions/$t" ] || missing+=("completions/$t")
		[ -f "$top/tests/$t.bats" ] || missing+=("tests/$t.bats")
		grep -q "^### .*\b$t\b" "$top/README.md" || missing+=("README section for $t")
		grep -q "Xr $t 1" "$top/man/ipcutils.7" || missing+=("$t in ipcutils(7)")
	done
	[ "${#missing[@]}" -eq 0 ] || { printf 'missing: %s\n' "${missing[@]}"; false; }
}

@test "every tool: -h, -V, a bad option, and the completion loads" {
	local top=$BATS_TEST_DIRNAME/.. t
	for t in $(tools); do
		run "$t" -h
		assert_success
		assert_line --index 0 --regexp "^Usage: $t "
		run "$t" -V
		assert_success
		assert_output --regexp "^$t \(ipcutils\) [0-9]"
		run "$t" --no-such-option
		assert_failure 2
		assert_line --index 1 "Try '$t --help'."
		run "$t" --version
		assert_success
		run bash -c ". '$top/completions/$t' && complete -p '$t'"
		assert_success
		assert_output --partial "_comp_cmd_${t//-/_}"
	done
}

@test "--help and --version to /dev/full fail with a message" {
	local t
	for t in $(tools); do
		run bash -c "'$t' --help > /dev/full"
		assert_failure 1
		assert_output "$t: standard output: write error: No space left on device"
		run bash -c "'$t' --version > /dev/full"
		assert_failure 1
		assert_output "$t: standard output: write error: No space left on device"
	done
}

# A quoting macro (Ql, Dq, Qq) runs to the end of its line, so a second
# one on the line nests inside the first: ('USR1, 'RTMIN+2'').
@test "man pages: no quote nested in another" {
	local top=$BATS_TEST_DIRNAME/.. page bad=()
	for page in "$top"/man/*.[1-8]; do
		while IFS= read -r line; do
			bad+=("${page##*/}: $line")
		done < <(mandoc -Tutf8 "$page" | col -b | grep -E "’’|‘[^’]*‘|[^ (]\"\"")
	done
	[ "${#bad[@]}" -eq 0 ] || { printf '%s\n' "${bad[@]}"; false; }
}

# make demo shows what it says: its parts succeed, the two workers share
# the jobs, and no job-control noise ("Killed") gets in (issue 23.7). Two
# at once (make check runs it in each suite and alone): its names are
# fixed, so the second waits for the first instead of draining its queue
# and removing its semaphore (one hung on that).
@test "make demo: every part succeeds, both workers take jobs, no stray Killed line, two at once" {
	local run=$BATS_TEST_DIRNAME/../demo/run n pids=()
	for n in 1 2; do
		timeout 60 bash "$run" "$IPCUTILS_BIN" > "$T/demo$n" 2>&1 &
		pids+=($!)
		# the second starts while the first's workers drain /demo-jobs
		[ "$n" -eq 2 ] || wait_until 30 grep -q '^worker [ab]: job' "$T/demo1"
	done
	for n in 1 2; do
		wait "${pids[n - 1]}" || { cat "$T/demo$n"; false; }
		run cat "$T/demo$n"
		refute_output --partial "(exit status"
		refute_output --partial "Killed"
		assert_line --regexp '^worker a: job [0-9]+$'
		assert_line --regexp '^worker b: job [0-9]+$'
	done
}
