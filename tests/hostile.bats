#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every tool in the Makefile's TOOLS against the same hostile cases: stdin,
# stdout or stderr closed, stdout /dev/full or a pipe whose reader has
# gone, a huge argument, an argument of invalid UTF-8 and control
# characters, and endless input. One row per tool below; a tool in TOOLS
# without a row fails the first test, so a new tool gets one.
#
# A row is a function row_NAME that sets, for one fresh object:
#   cmd=(...)      a normal run that succeeds (status 0)
#   io="in out"    which of stdin and stdout that run needs
#   input          what it reads on stdin, when it reads it
#   arg=(...)      a run where @ARG@ is replaced by a hostile argument
#   endless=(...)  a run fed /dev/zero and `yes`, or () if it reads none
#   endless_ok     the statuses it may end with on endless input
# Expected: a stream the tool needs closed, full or gone is status 1 with a
# message; one it does not need changes nothing; no descriptor the tool
# opens lands on 0, 1 or 2 (strace); a failed run leaves no object or file
# behind; nothing hangs (each run is killed after $LIMIT seconds: 137).

bats_require_minimum_version 1.5.0
load helper

LIMIT=10

# A run killed at the deadline cannot remove its temporary objects
# (.PREFIX-N.shmput-XXXXXXXX), which ipc_teardown does not know.
teardown() {
	rm -f /dev/shm/."$IPCUT_PREFIX"* /dev/mqueue/."$IPCUT_PREFIX"*
	ipc_teardown
}

tools() {
	sed -n 's/^TOOLS = //p' "$BATS_TEST_DIRNAME/../Makefile"
}

# The rows. Each gets a fresh POSIX name $q and directory $d.
row_mkfifo-x() {
	cmd=(mkfifo-x "$d/fifo") io="" input=""
	arg=(mkfifo-x -m @ARG@ "$d/fifo")
	endless=()
}
row_shmput() {
	cmd=(shmput "$q") io="in" input="data"
	arg=(shmput @ARG@)
	endless=(shmput --size 1M "$q") endless_ok="1"
}
row_shmcat() {
	printf data | shmput "$q"
	cmd=(shmcat "$q") io="out" input=""
	arg=(shmcat @ARG@)
	endless=()
}
row_mqsend() {
	cmd=(mqsend "$q") io="in" input="one"
	arg=(mqsend @ARG@)
	endless=(mqsend -T 0.5 "$q") endless_ok="1 124"
}
row_mqrecv() {
	mqsend "$q" one
	cmd=(mqrecv -n "$q") io="out" input=""
	arg=(mqrecv @ARG@)
	endless=()
}
row_sigsend() {
	sleep 100 &
	BG_PIDS+=("$!")
	cmd=(sigsend --signal CONT "$!") io="" input=""
	arg=(sigsend @ARG@)
	endless=()
}
# sigrecv writes only when a signal comes: a small driver sends it one.
row_sigrecv() {
	# shellcheck disable=SC2016 # the driver's own variables
	cmd=(bash -c 'sigrecv -T 10 --pidfile "$1" USR1 & p=$!
		for _ in $(seq 1000); do [ -s "$1" ] || ! kill -0 $p 2>/dev/null && break; sleep 0.01; done
		kill -USR1 $p 2>/dev/null; wait $p' driver "$d/pid")
	io="out" input=""
	arg=(sigrecv -T 1 @ARG@)
	endless=()
}
row_sockpipe() {
	# The server reads all before it answers: a peer that closes with
	# data unread resets the connection.
	sockpipe -l --keep -e "unix:$d/s" -- sh -c 'cat > /dev/null; echo hello' \
		> /dev/null 2>&1 < /dev/null &
	BG_PIDS+=("$!")
	sockpipe -l "unix-dgram:$d/dg" > /dev/null 2>&1 < /dev/null &
	BG_PIDS+=("$!")
	wait_until 5 test -S "$d/s" -a -S "$d/dg"
	cmd=(sockpipe "unix:$d/s") io="in out" input="data"
	arg=(sockpipe -T 1 @ARG@)
	endless=(sockpipe -a "unix-dgram:$d/dg") endless_ok="1"
}

row_semwait() {
	sempost "$q"
	cmd=(semwait -n "$q") io="" input=""
	arg=(semwait -n @ARG@)
	endless=()
}
row_sempost() {
	cmd=(sempost "$q") io="" input=""
	arg=(sempost @ARG@)
	endless=()
}
# duplex's own stdin and stdout are not the commands' channels.
row_duplex() {
	cmd=(duplex true "=" true) io="" input=""
	arg=(duplex --grace @ARG@ true "=" true)
	endless=()
}
row_ipcls() {
	printf data | shmput "$q"
	cmd=(ipcls --name "$q") io="out" input=""
	arg=(ipcls -o @ARG@)
	endless=()
}

# fresh TOOL: a new object name, key and directory, then TOOL's row.
fresh() {
	q=$(posix_name)
	nkey=$((nkey + 1))
	d=$T/$nkey
	mkdir -p "$d" "$T/.h"
	"row_$1"
}

# What runs leave behind: this test's objects and files.
state() {
	{
		find /dev/shm /dev/mqueue -name "*$IPCUT_PREFIX*" 2>/dev/null
		ipcs | grep -io -- "$(printf '0x%06x' $((IPCUT_KEYBASE >> 8)))[0-9a-f]\{2\}"
		find "$T" -path "$T/.h" -prune -o -print | grep -v '/\.seq$'
	} | sort
}

# attempt REDIR CMD...: run CMD (a tool, under strace) with REDIR applied
# ("<&-", ">/dev/full", ...), at most $LIMIT seconds; sets $status and
# $err, and $landed to the system calls that gave a tool 0, 1 or 2.
attempt() {
	local redir=$1
	shift
	mkdir -p "$T/.h"
	rm -f "$T/.h/trace".*
	# shellcheck disable=SC2016
	status=0
	# LeakSanitizer cannot work under ptrace: leaks are the rest of the
	# suite's business.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		timeout -s KILL "$LIMIT" strace -ff -qq -o "$T/.h/trace" \
		-e trace=execve,open,openat,creat,socket,accept,accept4,mq_open,memfd_create,dup,fcntl,pipe,pipe2,socketpair,pidfd_open,signalfd4,eventfd2,timerfd_create,epoll_create1 \
		bash -c 'exec "$@" '"$redir" attempt "$@" \
		< "$T/.h/in" > "$T/.h/out" 2> "$T/.h/err" || status=$?
	err=$(<"$T/.h/err")
	# In each process, once it is one of our tools: a new descriptor 0-2
	# other than tool_init's /dev/null (dup2 and dup3 choose theirs), the
	# dynamic loader's, or the sanitizer runtime's before main.
	landed=$(awk -v bin="$IPCUTILS_BIN/" '
		FNR == 1 { ours = 0 }
		/^execve\(/ { ours = index($0, "execve(\"" bin) == 1 && / = 0$/; next }
		!ours || /\/dev\/null|F_(GET|SET)|ld\.so\.cache|\.so(\.[0-9]+)*"/ { next }
		/"\/proc\/self\/(cmdline|environ|maps|exe|auxv|stat|status)"/ { next }
		/^(pipe2?|socketpair)\(/ { if (/[[][012],|, [012][]]/) print; next }
		/= [012]( |$)/ { print }' "$T/.h/trace".*)
}

# fail_clean CASE TOOL: the attempt failed with 1 or 2 and a message.
fail_clean() {
	[[ $status == 1 || $status == 2 ]] || { bad+=("$1: $2: status $status, not 1 or 2: $err"); return; }
	[ -n "$err" ] || [ "$1" = "stderr closed" ] || bad+=("$1: $2: status $status and no message")
}

# run_case CASE REDIR NEEDS: every tool with REDIR; those whose io has
# NEEDS (in, out, or "" for none) must fail cleanly, the others succeed.
run_case() {
	local name=$1 redir=$2 needs=$3 t before after
	bad=()
	nkey=0
	for t in $(tools); do
		fresh "$t"
		printf '%s' "$input" > "$T/.h/in"
		before=$(state)
		attempt "$redir" "${cmd[@]}"
		if [[ -n $needs && " $io " == *" $needs "* ]]; then
			fail_clean "$name" "$t"
			after=$(state)
			[ "$before" = "$after" ] || bad+=("$name: $t: left behind: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')")
		elif [ "$status" -ne 0 ]; then
			bad+=("$name: $t: status $status though it does not need that stream: $err")
		fi
		[ -z "$landed" ] || bad+=("$name: $t: a descriptor it opened landed on 0-2: $landed")
	done
	[ "${#bad[@]}" -eq 0 ] || { printf '%s\n' "${bad[@]}"; false; }
}

@test "hostile: every tool in TOOLS has a row, and its normal run succeeds" {
	local t missing=()
	bad=()
	nkey=0
	for t in $(tools); do
		if ! declare -F "row_$t" >/dev/null; then
			missing+=("$t")
			continue
		fi
		fresh "$t"
		printf '%s' "$input" > "$T/.h/in"
		attempt "" "${cmd[@]}"
		[ "$status" -eq 0 ] || bad+=("$t: the row's normal run failed ($status): $err")
		[ -z "$landed" ] || bad+=("$t: landed on 0-2 with nothing closed: $landed")
	done
	[ "${#missing[@]}" -eq 0 ] || { echo "no row in tests/hostile.bats for: ${missing[*]}"; false; }
	[ "${#bad[@]}" -eq 0 ] || { printf '%s\n' "${bad[@]}"; false; }
}

@test "hostile: stdin closed" {
	run_case "stdin closed" "<&-" in
}

@test "hostile: stdout closed" {
	run_case "stdout closed" ">&-" out
}

@test "hostile: stderr closed" {
	run_case "stderr closed" "2>&-" ""
}

@test "hostile: stdout /dev/full" {
	run_case "stdout /dev/full" ">/dev/full" out
}

@test "hostile: stdout a pipe whose reader has gone" {
	# closedpipe (tests/closedpipe.c) execs the tool with such a stdout.
	local t
	bad=()
	nkey=0
	for t in $(tools); do
		fresh "$t"
		printf '%s' "$input" > "$T/.h/in"
		attempt "" closedpipe "${cmd[@]}"
		if [[ " $io " == *" out "* ]]; then
			fail_clean "closed pipe" "$t"
		elif [ "$status" -ne 0 ]; then
			bad+=("closed pipe: $t: status $status though it writes nothing: $err")
		fi
	done
	[ "${#bad[@]}" -eq 0 ] || { printf '%s\n' "${bad[@]}"; false; }
}

# hostile_arg NAME VALUE: every tool's arg run with VALUE fails cleanly.
hostile_arg() {
	local name=$1 value=$2 t i before after
	bad=()
	nkey=0
	for t in $(tools); do
		fresh "$t"
		: > "$T/.h/in"
		for i in "${!arg[@]}"; do
			[ "${arg[i]}" = @ARG@ ] && arg[i]=$value
		done
		before=$(state)
		attempt "" "${arg[@]}"
		fail_clean "$name" "$t"
		after=$(state)
		[ "$before" = "$after" ] || bad+=("$name: $t: left behind: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')")
	done
	[ "${#bad[@]}" -eq 0 ] || { printf '%s\n' "${bad[@]}"; false; }
}

@test "hostile: a huge argument" {
	# 128 KiB - 1: the largest single argument execve(2) takes.
	hostile_arg "huge argument" "$(head -c 131071 /dev/zero | tr '\0' x)"
}

@test "hostile: an argument of invalid UTF-8 and control characters" {
	hostile_arg "bad bytes" "$(printf '\xff\xfe\xc3\x28\x01\x1b[31m\t\r\n/x\x7f')"
}

@test "hostile: endless input ends, with a deadline" {
	local t src before after
	bad=()
	nkey=0
	for t in $(tools); do
		for src in zero yes; do
			fresh "$t"
			[ "${#endless[@]}" -gt 0 ] || continue
			before=$(state)
			if [ "$src" = zero ]; then
				ln -sf /dev/zero "$T/.h/in"
			else
				rm -f "$T/.h/in"
				mkfifo "$T/.h/in"
				yes > "$T/.h/in" 2>/dev/null &
				BG_PIDS+=("$!")
			fi
			attempt "" "${endless[@]}"
			rm -f "$T/.h/in"
			[[ " $endless_ok " == *" $status "* ]] ||
				bad+=("endless $src: $t: status $status, not one of $endless_ok: $err")
			[ -n "$err" ] || bad+=("endless $src: $t: status $status and no message")
			after=$(state)
			# 124 (a full queue) keeps what went in; 137 could not clean up.
			[[ $status == 124 || $status == 137 || $before == "$after" ]] ||
				bad+=("endless $src: $t: left behind: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' ')")
		done
	done
	[ "${#bad[@]}" -eq 0 ] || { printf '%s\n' "${bad[@]}"; false; }
}
