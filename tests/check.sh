#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# make check: every stage runs even if an earlier one failed; one summary
# line per stage at the end, the slowest tests, and a non-zero exit if any
# failed. STAGE="bats-asan fuzz" runs only those stages (and the builds
# they need).
set -u
cd "$(dirname "$0")/.." || exit 1
JOBS=$(nproc 2>/dev/null || echo 2)
LOG=build/check
mkdir -p "$LOG"
rm -f "$LOG"/*.log
summary=()
failed_stages=0
passed=0
failed=0
skipped=0
read -r -a only <<< "${STAGE:-}"
only=("${only[@]//,/ }")
read -r -a only <<< "${only[*]}"

# want NAME...: true if any stage NAME is to run (all of them without STAGE).
want() {
	local n s
	[ "${#only[@]}" -eq 0 ] && return 0
	for n; do
		for s in "${only[@]}"; do
			[ "$s" = "$n" ] && return 0
		done
	done
	return 1
}

stage() { # stage NAME CMD...: run CMD, log to build/check/NAME.log
	local name=$1 rc t0=$SECONDS
	shift
	printf '== %s\n' "$name"
	"$@" > >(tee "$LOG/$name.log") 2>&1
	rc=$?
	wait
	if [ "$rc" -eq 0 ]; then
		summary+=("check: $name: ok, $((SECONDS - t0)) s")
	else
		summary+=("check: $name: FAILED after $((SECONDS - t0)) s (see $LOG/$name.log)")
		failed_stages=$((failed_stages + 1))
	fi
	return "$rc"
}

# suite NAME BINDIR [VAR=VALUE]...: the BATS suite against the tools in
# BINDIR; its tests are counted one by one, not as one stage. Test files
# run JOBS+2 at a time (most of a test's time is spent waiting on another
# process); zz-suite.bats, which checks what the others left behind, runs
# alone after them.
suite() {
	local name=$1 bin=$2 ok nok skip dir
	shift 2
	dir=$(mktemp -d /tmp/ipcut-suite.XXXXXX) && chmod 0755 "$dir" || return
	# Two suites at once (make check twice) use different keys and names.
	local run=$(( ($$ + ${#summary[@]}) % 256 ))
	IPCUT_SUITE_DIR=$dir IPCUT_DIR=$dir IPCUT_RUN=$run bash -c '. tests/setup_suite.bash && ipc_snapshot' > "$dir/before"
	# A hung test fails on its own instead of holding up the whole run.
	stage "$name" env IPCUTILS_BIN="$bin" BATS_TEST_TIMEOUT=120 \
		IPCUT_SUITE_DIR="$dir" IPCUT_RUN="$run" "$@" bash -c run_bats
	rm -rf "$dir"
	ok=$(grep -c '^ok ' "$LOG/$name.log")
	skip=$(grep -c '^ok .* # skip' "$LOG/$name.log")
	nok=$(grep -c '^not ok ' "$LOG/$name.log")
	passed=$((passed + ok - skip))
	skipped=$((skipped + skip))
	failed=$((failed + nok))
	[ "$nok" -gt 0 ] && failed_stages=$((failed_stages - 1))
	summary[${#summary[@]}-1]+=" ($((ok - skip)) passed, $nok failed, $skip skipped)"
}
run_bats() {
	local files=() f rc=0
	for f in tests/*.bats; do
		[ "$f" = tests/zz-suite.bats ] || files+=("$f")
	done
	bats --jobs $((JOBS + 2)) --no-parallelize-within-files --timing --formatter tap "${files[@]}" || rc=1
	bats --timing --formatter tap tests/zz-suite.bats || rc=1
	return "$rc"
}
export -f run_bats
export JOBS

shell_files() {
	# In an unpacked release tarball (make dist) there is no git: the files on disk.
	if [ ! -e .git ]; then
		find . -path ./build -prune -o -type f \( -name '*.sh' -o -name '*.bash' -o \
			-name '*.bats' -o -path './completions/*' -o -path './.ci/*' -o \
			-path ./bench/run -o -path ./demo/run -o -path ./tests/fuzz/run \) -print | sed 's|^\./||' | sort -u
		return
	fi
	git ls-files -- '*.sh' '*.bash' '*.bats' 'completions/*' '.ci/*' \
		'bench/run' 'demo/run' 'tests/fuzz/run' 2>/dev/null | sort -u
}

SAN='-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'

# The plain build is what the suite, demo and bench run; always made.
stage build make -s -j"$JOBS" WERROR=1 all
if want build-clang; then
	if command -v clang >/dev/null; then
		stage build-clang make -s -j"$JOBS" O=build/clang CC=clang WERROR=1 all
	else
		summary+=("check: build-clang: skipped (no clang)")
	fi
fi
if want build-musl; then
	if command -v musl-gcc >/dev/null; then
		stage build-musl make -s -j"$JOBS" O=build/musl CC=musl-gcc WERROR=1 all
	else
		summary+=("check: build-musl: skipped (no musl-gcc)")
	fi
fi
want bats && suite bats build
# shellcheck disable=SC2046
want shellcheck && stage shellcheck shellcheck -x $(shell_files)
# Every mandoc message fails the stage but those that depend on which
# manuals this machine has installed.
mandoc_lint() {
	local out
	out=$(mandoc -Tlint -Wstyle man/* 2>&1 |
		grep -v -e 'referenced manual not found' -e 'outdated mandoc.db')
	printf '%s' "$out"
	[ -z "$out" ]
}
want mandoc && stage mandoc mandoc_lint
# Debian's man uses groff: every page must render there without a warning
# and say the same words as under mandoc (hyphenation and the NAME dash
# aside), and no heading may start with a word that is an mdoc macro
# (".Ss No data lost" sets "data lost" under both); the footer says
# "ipcutils VERSION" and the date.
man_words() { # man_words FORMATTER... < PAGE: the body's words, one a line
	"$@" 2>/dev/null | col -bx | sed '1d;$d' |
		sed -e ':a' -e '/‐$/{N;s/‐\n *//;ba' -e '}' \
			-e ':b' -e '/[[:alpha:]]-$/{N;s/-\n */-/;bb' -e '}' |
		tr -s '[:space:]' '\n' | sed 's/^[–—]$/-/'
}
groff_render() {
	local f rc=0
	for f in man/*.[1-8]; do
		groff -mandoc -Tutf8 -ww -z "$f" 2>&1 | grep . && rc=1
		diff <(man_words mandoc -Tutf8 < "$f") <(man_words groff -mandoc -Tutf8 < "$f") > "$LOG/groff.diff" ||
			{ echo "$f: mandoc and groff set different words:"; head -20 "$LOG/groff.diff"; rc=1; }
	done
	grep -nE '^\.S[hs] (Ad|An|Ar|Cm|Dv|Em|Er|Ev|Fl|Fn|Ic|Li|Nm|No|Ns|Op|Pa|Pq|Ql|Sy|Va|Xr) ' man/*.[1-8] && rc=1
	# The footer names ipcutils and its version, and a real date.
	local version foot
	grep -nF ".Dd \$Mdocdate" man/*.[1-8] && rc=1
	version=$(sed -n 's/^VERSION = //p' Makefile)
	for f in man/*.[1-8]; do
		for foot in "$(mandoc -Tutf8 "$f" | col -bx | tail -1)" \
			"$(groff -mandoc -Tutf8 "$f" 2>/dev/null | col -bx | grep . | tail -1)"; do
			[[ $foot == "ipcutils $version "* && $foot != *Mdocdate* ]] ||
				{ echo "$f: footer '$foot' does not start with 'ipcutils $version'"; rc=1; }
		done
	done
	return "$rc"
}
if want groff; then
	if command -v groff >/dev/null; then
		stage groff groff_render
	else
		summary+=("check: groff: skipped (no groff)")
	fi
fi
if want build-asan bats-asan; then
	stage build-asan make -s -j"$JOBS" O=build/asan WERROR=1 CFLAGS="$SAN" LDFLAGS="-fsanitize=address,undefined" all
fi
want bats-asan && suite bats-asan build/asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
# The fuzzers, a few seconds each after replaying their committed inputs.
if want fuzz; then
	if command -v clang >/dev/null; then
		stage fuzz timeout 600 bash tests/fuzz/run "${FUZZ_SECONDS:-6}"
	else
		summary+=("check: fuzz: skipped (no clang)")
	fi
fi
want demo && stage demo timeout 300 bash demo/run build
want bench-quick && stage bench-quick env QUICK=1 timeout 600 bash bench/run build

printf '\n'
printf '%s\n' "${summary[@]}"
# The slowest tests, to know where the suite's time goes.
cat "$LOG"/bats*.log 2>/dev/null | sed -nE 's/^(not )?ok [0-9]+ (.*) in ([0-9]+)ms( # .*)?$/\3 \2/p' |
	sort -rn | head -10 | awk '{ t = $1; $1 = ""; printf "check: slow: %6.1f s%s\n", t / 1000, $0 }'
failed=$((failed + failed_stages))
printf 'check: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
