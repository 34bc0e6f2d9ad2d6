#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every EXAMPLES block of every man page (man/*.[1-8], so new pages are
# picked up as they land) and every shell code block of README.md is run
# as written, as root, each in a scratch directory of its own and in its
# own IPC, mount, network and PID namespaces: /dev/shm, /dev/mqueue,
# /tmp, /run, /var/log and /var/lib are empty (an example writes only
# there and in its directory), only loopback exists, and every process
# the block started dies with it. So examples keep their plain names
# (/jobs, 0x1234, tcp::9000) and still leave nothing behind.
#
# A block runs under bash -e -o pipefail, so every command in it, and
# every command of a pipeline, must succeed: a command that an example
# shows failing says so (cmd || echo "status $?"), and a block's last
# status is not all that is checked (a failed duplex before "kill $!" was
# missed). A block passes when it exits 0 (or its example-status) within
# $LIMIT seconds and writes nothing on stderr. An example declares, in
# comment lines just before its block:
#   man page: .\" example-setup: CODE    README: <!-- example-setup: CODE -->
#     shell code run first, in the same shell (make a file the example
#     reads, define a stand-in function for a command of the reader's own
#     such as make-report, start a server it talks to); may repeat
#   example-expect: ERE     a line of its standard output must match this
#                           extended regular expression; may repeat
#   example-status: N       the status it must end with, not 0
#   example-stderr: ERE     a line its standard error must match, instead
#                           of being empty; may repeat
#   example-skip: WHY       not run (say why: a terminal, the network)
#   example-file: PATH      the block is a file, not shell (a BATS test):
#                           after the setup it is written to PATH as is
#   example-run: CODE       with example-file, the shell code that then
#                           uses it (bats PATH); may repeat
# README code blocks are fenced (```sh, ```bash or a bare ```) or
# indented by four spaces.
# Lines starting with "$ " in a block are commands shown with a prompt:
# the prompt is dropped; the other lines of such a block are their output
# and must match it.
# The scratch directory keeps its path (under the example's own /tmp), so
# a tool that makes a path absolute finds it; BATS_LIB_PATH finds the
# built bats-ipcutils as an installed one would be found.

bats_require_minimum_version 1.5.0
load helper

LIMIT=30

# extract FILE: each block as DIR/N.sh, with DIR/N.meta holding its
# directives and where it came from, in $T/ex.
extract() {
	local file=$1 kind=man
	[[ $file == *.md ]] && kind=md
	awk -v kind="$kind" -v file="$file" -v dir="$T/ex" '
	function unesc(s) {
		gsub(/\\\(aq/, "\047", s); gsub(/\\\(dq/, "\"", s)
		gsub(/\\-/, "-", s); gsub(/\\&/, "", s); gsub(/\\e/, "\\", s)
		return s
	}
	function directive(s) {
		sub(/^(\.\\" |<!-- )/, "", s); sub(/ -->$/, "", s)
		meta = meta s "\n"
	}
	function start() { n++; inblock = 1; body = ""; where = file ":" FNR }
	function finish() {
		f = sprintf("%s/%s.%03d", dir, base, n)
		printf "%s", body > (f ".sh"); close(f ".sh")
		printf "from: %s\n%s", where, meta > (f ".meta"); close(f ".meta")
		inblock = 0; meta = ""
	}
	BEGIN { base = file; sub(/.*\//, "", base) }
	kind == "man" && /^\.Sh / { inex = ($0 ~ /^\.Sh EXAMPLES/); meta = ""; next }
	kind == "man" && inex && /^\.\\" example-/ { directive($0); next }
	kind == "man" && inex && /^\.Bd -literal/ { start(); next }
	kind == "man" && inblock && /^\.Ed/ { finish(); next }
	kind == "man" && inblock { body = body unesc($0) "\n"; next }
	kind == "md" && /^<!-- example-.* -->$/ { directive($0); next }
	kind == "md" && fence && /^```$/ { finish(); fence = 0; next }
	kind == "md" && fence { body = body $0 "\n"; next }
	kind == "md" && /^```(sh|bash|shell)?$/ { start(); fence = 1; next }
	kind == "md" && /^```/ { other = !other; next }
	kind == "md" && other { next }
	kind == "md" && inblock && /^(    .*)?$/ { body = body substr($0, 5) "\n"; next }
	kind == "md" && inblock { finish() }
	kind == "md" && blank && /^    / { start(); body = substr($0, 5) "\n"; next }
	kind == "md" { blank = ($0 == "") }
	END { if (inblock) finish() }
	' "$file"
}

# meta FILE KEY: the values of directive example-KEY, one per line.
meta() {
	sed -n "s/^example-$2: //p" "$1"
}

# run_example BASE: run $T/ex/BASE.sh; a line for each way it failed.
run_example() {
	local ex=$T/ex/$1 dir=$T/run/$1 want status line file
	mkdir -p "$dir"
	# "$ cmd" lines are the commands, the others the output they show.
	if grep -q '^\$ ' "$ex.sh"; then
		sed -n 's/^\$ //p' "$ex.sh" > "$ex.cmd"
		grep -v '^\$ ' "$ex.sh" > "$ex.shown" || true
	else
		cp "$ex.sh" "$ex.cmd"
		: > "$ex.shown"
	fi
	{
		meta "$ex.meta" setup
		file=$(meta "$ex.meta" file)
		if [ -n "$file" ]; then
			printf "cat > '%s' <<'IPCUTILS_EXAMPLE_END'\n" "$file"
			cat "$ex.cmd"
			echo IPCUTILS_EXAMPLE_END
			meta "$ex.meta" run
		else
			cat "$ex.cmd"
		fi
	} > "$dir/script"
	status=0
	# shellcheck disable=SC2016 # the inner shell's variables
	timeout -s KILL "$LIMIT" unshare --ipc --mount --net --pid --fork --mount-proc \
		bash -c '# The scratch directory, the tools and the source tree keep
			# their paths over the empty /tmp, /run...: a checkout may live
			# there (CI clones into any folder).
			mount -t tmpfs tmpfs /mnt && mkdir /mnt/ex /mnt/bin /mnt/top &&
				mount --bind "$1" /mnt/ex && mount --bind "$2" /mnt/bin &&
				mount --bind "$3" /mnt/top || exit 99
			for m in /dev/shm /tmp /run /var/log /var/lib; do mount -t tmpfs -o mode=1777 tmpfs $m || exit 99; done
			mount -t mqueue mqueue /dev/mqueue && ip link set lo up || exit 99
			for p in "top:$3" "bin:$2" "ex:$1"; do
				mkdir -p "${p#*:}" && mount --move "/mnt/${p%%:*}" "${p#*:}" || exit 99
			done
			cd "$1" || exit 99
			export BATS_LIB_PATH=$2/bats:/usr/lib/bats
			# Root in cron or a container: no runtime directory
			# (XDG_RUNTIME_DIR unset), temporary files in /tmp.
			unset TMPDIR XDG_RUNTIME_DIR
			exec bash -e -o pipefail script' example "$dir" "$IPCUTILS_BIN" "$(cd "$BATS_TEST_DIRNAME/.." && pwd)" \
		< /dev/null > "$dir/out" 2> "$dir/err" || status=$?
	want=$(meta "$ex.meta" status)
	[ "$status" -eq "${want:-0}" ] ||
		echo "status $status, not ${want:-0}"
	while IFS= read -r line; do
		grep -qxF -- "$line" "$dir/out" || echo "no line '$line' on stdout"
	done < <(cat "$ex.shown")
	while IFS= read -r line; do
		grep -qxE -- "$line" "$dir/out" || echo "no line matching '$line' on stdout"
	done < <(meta "$ex.meta" expect)
	if [ -n "$(meta "$ex.meta" stderr)" ]; then
		while IFS= read -r line; do
			grep -qxE -- "$line" "$dir/err" || echo "no line matching '$line' on stderr"
		done < <(meta "$ex.meta" stderr)
	elif [ -s "$dir/err" ]; then
		echo "stderr: $(head -c 600 "$dir/err")"
	fi
}

# examples_of FILE...: extract and run the examples of man/FILE (or of
# README.md), two at a time (each has its namespaces and directory, and
# mostly waits; more at once, with the suite's other files, passed root's
# RLIMIT_MSGQUEUE, which every IPC namespace shares); fails naming each example that failed and how. The pages
# are spread over several tests, so that no one test runs them all.
examples_of() {
	local top=$BATS_TEST_DIRNAME/.. f ex why bad=() n=0 running=0 list=() pids=()
	[ "$(id -u)" -eq 0 ] || skip "needs root for the namespaces examples run in"
	mkdir -p "$T/ex"
	for f; do
		[[ $f == README.md ]] || f=man/$f
		[ -f "$top/$f" ] || { echo "no $f"; return 1; }
		extract "$top/$f"
	done
	# Waits name their jobs: bats' BATS_TEST_TIMEOUT watchdog is a job of
	# this shell too, and a bare wait would wait for it.
	for ex in "$T"/ex/*.sh; do
		ex=$(basename "$ex" .sh)
		[ -z "$(meta "$T/ex/$ex.meta" skip)" ] || continue
		n=$((n + 1))
		list+=("$ex")
		run_example "$ex" > "$T/ex/$ex.why" &
		pids+=("$!")
		running=$((running + 1))
		if [ "$running" -ge 2 ]; then
			wait -n "${pids[@]}" 2>/dev/null || true
			running=$((running - 1))
		fi
	done
	for ex in "${pids[@]}"; do
		wait "$ex" 2>/dev/null || true
	done
	for ex in "${list[@]}"; do
		why=$(cat "$T/ex/$ex.why")
		[ -z "$why" ] || bad+=("$(sed -n 's/^from: //p' "$T/ex/$ex.meta"): $why")
	done
	echo "# $n examples run" >&3
	[ "$n" -gt 0 ] || { echo "no example run from $*"; return 1; }
	[ "${#bad[@]}" -eq 0 ] || { printf '%s\n\n' "${bad[@]}"; false; }
}

# The pages each test below runs: every page, once.
PAGES_TESTED="mkfifo-x.1 duplex.1 shmput.1 shmcat.1 mqsend.1 mqrecv.1 sigsend.1
sigrecv.1 sockpipe.1 semwait.1 sempost.1 ipcls.1 ipcutils.7 bats-ipcutils.7"

@test "examples: every man page's EXAMPLES run in one of this file's tests" {
	local f missing=()
	for f in "$BATS_TEST_DIRNAME"/../man/*.[1-8]; do
		[[ " ${PAGES_TESTED//$'\n'/ } " == *" ${f##*/} "* ]] || missing+=("${f##*/}")
	done
	[ "${#missing[@]}" -eq 0 ] || { echo "not run: ${missing[*]}"; false; }
}

@test "examples: mkfifo-x(1) and duplex(1) run as written" { examples_of mkfifo-x.1 duplex.1; }
@test "examples: shmput(1) and shmcat(1) run as written" { examples_of shmput.1 shmcat.1; }
@test "examples: mqsend(1) and mqrecv(1) run as written" { examples_of mqsend.1 mqrecv.1; }
@test "examples: sigsend(1) and sigrecv(1) run as written" { examples_of sigsend.1 sigrecv.1; }
@test "examples: sockpipe(1) runs as written" { examples_of sockpipe.1; }
@test "examples: semwait(1) and sempost(1) run as written" { examples_of semwait.1 sempost.1; }
@test "examples: ipcls(1) runs as written" { examples_of ipcls.1; }
@test "examples: ipcutils(7) and bats-ipcutils(7) run as written" { examples_of ipcutils.7 bats-ipcutils.7; }
@test "examples: README.md's code blocks run as written" { examples_of README.md; }
