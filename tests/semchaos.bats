#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# semwait under fire (issue 25): jobs that hold 1 or 2 of 4 permits, with
# TERM, INT, HUP, USR1 and KILL sent at random to semwait and to the
# jobs, on both kinds. The permits held at once never pass 4, and once
# everything has ended the value is 4 again: no permit lost, none made.
# shellcheck disable=SC2016 # commands run in their own shells

load helper

value() { semwait -s "$@" | sed -n 's/^value: //p'; }
is_value() { local want=$1; shift; [ "$(value "$@")" = "$want" ]; }

# The job: note how many permits it holds (its marker, named after its
# PID), add up those of every job alive, sleep a little, leave.
make_job() {
	cat > "$T/job" <<-'EOF'
	#!/bin/bash
	dir=$1
	echo "$2" > "$dir/in.$$"
	held=0
	for f in "$dir"/in.*; do
		p=${f##*.}
		# A job killed leaves its marker: only the living count.
		state=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null) || continue
		[ "$state" != Z ] && held=$((held + $(cat "$f" 2>/dev/null || echo 0)))
	done
	echo "$held" >> "$dir/held"
	sleep "0.0$((RANDOM % 9 + 1))"
	rm -f "$dir/in.$$"
	EOF
	chmod +x "$T/job"
}

# chaos TARGET...: 50 jobs on TARGET, 150 signals among them.
chaos() {
	local dir=$T/run.$RANDOM i n pid ppid pids=() sigs=(TERM INT HUP USR1 KILL)
	mkdir "$dir"
	for ((i = 0; i < 50; i++)); do
		n=$((i % 3 == 0 ? 2 : 1))
		sigdefault semwait -T 8 -c "$n" "$@" -- "$T/job" "$dir" "$n" > /dev/null 2>&1 &
		pids+=("$!")
		BG_PIDS+=("$!")
	done
	for ((i = 0; i < 100; i++)); do
		# A third a semwait still waiting or done; else one holding
		# permits: a job, or the semwait that runs it (POSIX: its
		# parent; System V: the job is the semwait, exec'd).
		# shellcheck disable=SC2012 # the markers' names are PIDs
		pid=$(ls "$dir" | sed -n 's/^in\.//p' | shuf -n 1)
		if ((RANDOM % 3 == 0)) || [ -z "$pid" ]; then
			pid=${pids[RANDOM % ${#pids[@]}]}
		elif ((RANDOM % 2)); then
			ppid=$(awk '{ print $4 }' "/proc/$pid/stat" 2> /dev/null) || ppid=
			[[ " ${pids[*]} " == *" $ppid "* ]] && pid=$ppid
		fi
		# It may have ended already.
		[ -z "$pid" ] || kill -"${sigs[RANDOM % ${#sigs[@]}]}" "$pid" 2> /dev/null || true
		value "$@" >> "$dir/values"
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2> /dev/null || true
	done
	# POSIX: the holder of a killed semwait posts once the job is gone.
	wait_until 10 is_value 4 "$@"
	echo "$*: $(wc -l < "$dir/held") jobs ran, at most $(sort -n "$dir/held" | tail -1) permits held at once, values $(sort -n "$dir/values" | uniq | tr '\n' ' ')"
	[ "$(sort -n "$dir/held" | tail -1)" -le 4 ]
	[ "$(sort -n "$dir/values" | tail -1)" -le 4 ]
}

@test "chaos: 4 permits, 50 jobs, 100 random TERM, INT, HUP, USR1 and KILL (POSIX)" {
	local s; s=$(posix_name)
	make_job
	sempost -c 4 "$s"
	chaos "$s"
}

@test "chaos: 4 permits, 50 jobs, 100 random TERM, INT, HUP, USR1 and KILL (System V)" {
	local k; k=$(sysv_key 1)
	make_job
	sempost -c 4 -k "$k"
	chaos -k "$k"
}
