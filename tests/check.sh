#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# make check: every stage runs even if an earlier one failed; one summary
# line per stage at the end, the slowest tests, and a non-zero exit if any
# failed. STAGE="bats-asan fuzz" runs only those stages (and the builds
# they need).
#
# After the two builds the suites need, three lanes run at once, each
# printing a stage's log when the stage ends: the BATS suite on the plain
# build, the same suite under ASan+UBSan+LSan, and the rest (the other
# compilers, shellcheck, man pages, fuzzers, demo). A test's time is mostly
# spent waiting on another process, so the lanes share two cores well;
# the quick bench runs last, alone, since it measures.
set -u
cd "$(dirname "$0")/.." || exit 1
JOBS=$(nproc 2>/dev/null || echo 2)
LOG=build/check
mkdir -p "$LOG"
rm -f "$LOG"/*.log "$LOG"/*.sum "$LOG"/*.counts
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

# stage NAME CMD...: run CMD, log to build/check/NAME.log; its summary
# line goes to NAME.sum. QUIET=1: print the log when it ends (a lane among
# others), else as it comes.
stage() {
	local name=$1 rc t0=$SECONDS
	shift
	if [ -n "${QUIET:-}" ]; then
		"$@" > "$LOG/$name.log" 2>&1
		rc=$?
		printf '== %s\n' "$name"
		cat "$LOG/$name.log"
	else
		printf '== %s\n' "$name"
		"$@" > >(tee "$LOG/$name.log") 2>&1
		rc=$?
		wait
	fi
	if [ "$rc" -eq 0 ]; then
		echo "check: $name: ok, $((SECONDS - t0)) s" > "$LOG/$name.sum"
	else
		echo "check: $name: FAILED after $((SECONDS - t0)) s (see $LOG/$name.log)" > "$LOG/$name.sum"
	fi
	echo "$name" >> "$LOG/order"
	return "$rc"
}
# skipped NAME WHY: a stage this machine cannot run.
skipped() {
	echo "check: $1: skipped ($2)" > "$LOG/$1.sum"
	echo "$1" >> "$LOG/order"
}

# suite NAME BINDIR [VAR=VALUE]...: the BATS suite against the tools in
# BINDIR; its tests are counted one by one (NAME.counts), not as one stage.
# Test files run JOBS at a time; zz-suite.bats, which checks what the
# others left behind, runs alone after them.
suite() {
	local name=$1 bin=$2 dir run=$3
	shift 3
	dir=$(mktemp -d /tmp/ipcut-suite.XXXXXX) && chmod 0755 "$dir" || return
	IPCUT_SUITE_DIR=$dir IPCUT_DIR=$dir IPCUT_RUN=$run bash -c '. tests/setup_suite.bash && ipc_snapshot' > "$dir/before"
	# A hung test fails on its own instead of holding up the whole run.
	stage "$name" env IPCUTILS_BIN="$bin" BATS_TEST_TIMEOUT=120 \
		IPCUT_SUITE_DIR="$dir" IPCUT_RUN="$run" "$@" bash -c run_bats
	rm -rf "$dir"
	local ok nok skip
	ok=$(grep -c '^ok ' "$LOG/$name.log")
	skip=$(grep -c '^ok .* # skip' "$LOG/$name.log")
	nok=$(grep -c '^not ok ' "$LOG/$name.log")
	echo "$((ok - skip)) $nok $skip" > "$LOG/$name.counts"
	sed -i "1s/\$/ ($((ok - skip)) passed, $nok failed, $skip skipped)/" "$LOG/$name.sum"
}
run_bats() {
	local files=() f rc=0
	# Every queue root makes counts against one RLIMIT_MSGQUEUE (800 KiB,
	# about nine default queues): NPROC files at a time per suite, not
	# more (with 3 a suite, hostile.bats and ipcls.bats each once failed to
	# make a queue), and as much budget as this user may raise to.
	ulimit -q unlimited 2>/dev/null || ulimit -q "$(ulimit -H -q)"
	# The longest files first (in the order of their time under ASan), so
	# that no job runs a long file alone at the end while the other waits.
	for f in tests/{mqrecv,hostile,sockpipe,network,sigsend,semwait,examples}.bats tests/*.bats; do
		[[ -f $f && $f != tests/zz-suite.bats && " ${files[*]} " != *" $f "* ]] && files+=("$f")
	done
	bats --jobs "$JOBS" --no-parallelize-within-files --timing --formatter tap "${files[@]}" || rc=1
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


# Every mandoc message fails the stage but those that depend on which
# manuals this machine has installed.
mandoc_lint() {
	local out
	# mandoc writes its messages to stdout and stderr: apart, so that a
	# stdout buffer flushed amid stderr lines cannot split a message.
	out=$({ mandoc -Tlint -Wstyle man/* 2>"$LOG/mandoc.err"; cat "$LOG/mandoc.err"; } |
		grep -v -e 'referenced manual not found' -e 'outdated mandoc.db')
	printf '%s' "$out"
	[ -z "$out" ]
}
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

SAN='-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'

# The lane of everything but the suites and the bench.
others() {
	if want build-clang; then
		if command -v clang >/dev/null; then
			stage build-clang make -s -j"$JOBS" O=build/clang CC=clang WERROR=1 all
		else
			skipped build-clang "no clang"
		fi
	fi
	if want build-musl; then
		if command -v musl-gcc >/dev/null; then
			stage build-musl make -s -j"$JOBS" O=build/musl CC=musl-gcc WERROR=1 all
		else
			skipped build-musl "no musl-gcc"
		fi
	fi
	# shellcheck disable=SC2046
	want shellcheck && stage shellcheck shellcheck -x $(shell_files)
	want mandoc && stage mandoc mandoc_lint
	if want groff; then
		if command -v groff >/dev/null; then
			stage groff groff_render
		else
			skipped groff "no groff"
		fi
	fi
	# The fuzzers: their committed inputs replayed, then a few seconds each.
	if want fuzz; then
		if command -v clang >/dev/null; then
			stage fuzz timeout 600 bash tests/fuzz/run "${FUZZ_SECONDS:-3}"
		else
			skipped fuzz "no clang"
		fi
	fi
	want demo && stage demo timeout 300 bash demo/run build
	true
}

rm -f "$LOG/order"
# The plain build is what the suite, demo and bench run; always made.
stage build make -s -j"$JOBS" WERROR=1 all
if want build-asan bats-asan; then
	stage build-asan make -s -j"$JOBS" O=build/asan WERROR=1 CFLAGS="$SAN" LDFLAGS="-fsanitize=address,undefined" all
fi
# Two suites at once (and make check run twice at once) use different
# System V keys and POSIX names: run numbers 2N and 2N+1, two free ones.
run=$(bash -c '. tests/setup_suite.bash && free_run "$1" 2' _ $(( ($$ % 128) * 2 ))) || exit 1
export QUIET=1
want bats && suite bats build "$run" &
want bats-asan && suite bats-asan build/asan $((run + 1)) ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 &
others &
wait
unset QUIET
want bench-quick && stage bench-quick env QUICK=1 timeout 600 bash bench/run build

printf '\n'
failed=0 passed=0 skipped=0
while read -r name; do
	cat "$LOG/$name.sum"
	if [ -f "$LOG/$name.counts" ]; then
		read -r p f s < "$LOG/$name.counts"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		# A suite that failed with no test failing (bats itself) fails too.
		if [ "$f" -eq 0 ] && grep -q FAILED "$LOG/$name.sum"; then
			failed=$((failed + 1))
		fi
	elif grep -q FAILED "$LOG/$name.sum"; then
		failed=$((failed + 1))
	fi
done < "$LOG/order"
# The slowest tests, to know where the suite's time goes.
cat "$LOG"/bats*.log 2>/dev/null | sed -nE 's/^(not )?ok [0-9]+ (.*) in ([0-9]+)ms( # .*)?$/\3 \2/p' |
	sort -rn | head -10 | awk '{ t = $1; $1 = ""; printf "check: slow: %6.1f s%s\n", t / 1000, $0 }'
printf 'check: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
