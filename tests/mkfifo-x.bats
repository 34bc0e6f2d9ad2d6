#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2016 # "$FIFO" in single quotes is the command's to expand
# mkfifo-x: named and temporary FIFOs, modes, -e and its cleanup.

bats_require_minimum_version 1.5.0
load helper

top=$BATS_TEST_DIRNAME/..

# The FIFOs (and anything else) in DIR, one per line, as "TYPE NAME".
listing() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%y %f\n' | sort
}

@test "creates each FIFO with mode 0600 whatever the umask" {
	cd "$T"
	umask 000
	run mkfifo-x a b
	assert_success
	assert_output ""
	run stat -c '%F %a' a b
	assert_output $'fifo 600\nfifo 600'
	umask 077
	run mkfifo-x c
	assert_success
	run stat -c '%F %a' c
	assert_output "fifo 600"
}

@test "-m applies the mode exactly, even bits the umask takes away" {
	cd "$T"
	umask 077
	run mkfifo-x -m 666 a
	assert_success
	run mkfifo-x --mode=0640 b
	assert_success
	run mkfifo-x -m 0 c
	assert_success
	run stat -c '%a' a b c
	assert_output $'666\n640\n0'
}

@test "every NAME is attempted; each failure is named; status 1" {
	cd "$T"
	run mkfifo-x a nodir/b c
	assert_failure 1
	assert_output "mkfifo-x: nodir/b: No such file or directory"
	run listing "$T"
	assert_output $'d tmp\np a\np c'
	run mkfifo-x a d
	assert_failure 1
	assert_output "mkfifo-x: a: File exists"
	[ -p d ]
}

@test "names that start with a dash follow --" {
	cd "$T"
	run mkfifo-x -v -- -x
	assert_success
	assert_output "mkfifo-x: created FIFO '-x'"
	[ -p ./-x ]
}

@test "--exist-ok: an existing FIFO is success, and -m sets its mode" {
	cd "$T"
	mkfifo-x a
	run mkfifo-x --exist-ok a
	assert_success
	assert_output ""
	run mkfifo-x --exist-ok -m 640 a b
	assert_success
	run stat -c '%a' a b
	assert_output $'640\n640'
}

# Another user's FIFO is theirs: --exist-ok taking it would send our data through
# an object they own (and may reopen), and -m would open it up for them.
@test "--exist-ok: another owner's FIFO is refused and left as it was, with or without -m" {
	need_root
	mkdir "$T/pub"
	chmod 1777 "$T/pub"
	as_nobody mkfifo-x -m 600 "$T/pub/x"
	local opts
	for opts in "--exist-ok -m 666" "--exist-ok" "--exist-ok -m 600"; do
		# shellcheck disable=SC2086
		run mkfifo-x $opts "$T/pub/x"
		assert_failure 1
		assert_output "mkfifo-x: $T/pub/x: exists and belongs to user 65534, not to this one; left untouched"
		run stat -c '%a %u' "$T/pub/x"
		assert_output "600 65534"
	done
}

@test "an existing regular file, directory and symlink are left untouched" {
	cd "$T"
	printf 'precious\n' > file
	mkdir dir
	touch dir/inside
	ln -s file link
	ln -s nowhere dangling
	mkfifo-x fifo
	ln -s fifo fifolink
	chmod 644 file
	local opts
	for opts in "" "--exist-ok" "--exist-ok -m 666" "-p --exist-ok -m 666"; do
		# shellcheck disable=SC2086
		run mkfifo-x $opts file dir link dangling fifolink
		assert_failure 1
		if [ -z "$opts" ]; then
			assert_output "mkfifo-x: file: File exists
mkfifo-x: dir: File exists
mkfifo-x: link: File exists
mkfifo-x: dangling: File exists
mkfifo-x: fifolink: File exists"
		else
			assert_output "mkfifo-x: file: exists and is not a FIFO; left untouched
mkfifo-x: dir: exists and is not a FIFO; left untouched
mkfifo-x: link: exists and is not a FIFO (a symbolic link); left untouched
mkfifo-x: dangling: exists and is not a FIFO (a symbolic link); left untouched
mkfifo-x: fifolink: exists and is not a FIFO (a symbolic link); left untouched"
		fi
		run cat file
		assert_output precious
		run stat -c '%F %a' file dir fifo
		assert_output $'regular file 644\ndirectory 755\nfifo 600'
		run ls dir
		assert_output inside
		[ "$(readlink link)" = file ] && [ "$(readlink dangling)" = nowhere ]
		[ "$(readlink fifolink)" = fifo ]
		[ ! -e nowhere ]
	done
}

@test "-p makes missing parents, mode 0700, and says so with -v" {
	cd "$T"
	umask 022
	mkdir have
	run mkfifo-x -p -v have/x/y/f have/x/g
	assert_success
	assert_output "mkfifo-x: created directory 'have/x'
mkfifo-x: created directory 'have/x/y'
mkfifo-x: created FIFO 'have/x/y/f'
mkfifo-x: created FIFO 'have/x/g'"
	run stat -c '%F %a' have have/x have/x/y have/x/y/f
	assert_output $'directory 755\ndirectory 700\ndirectory 700\nfifo 600'
	run mkfifo-x --parents "$T/abs//dir/f"
	assert_success
	[ -p "$T/abs/dir/f" ]
	touch plain
	run mkfifo-x -p plain/sub/f
	assert_failure 1
	assert_output "mkfifo-x: plain/sub: cannot create directory: Not a directory"
}

@test "-t makes a FIFO with a unique name in \$TMPDIR and prints its path" {
	run mkfifo-x -t
	assert_success
	assert_output --regexp "^$TMPDIR/fifo\.[A-Za-z0-9]{6}\$"
	run stat -c '%F %a' "$output"
	assert_output "fifo 600"
	run mkfifo-x -tjob.XXXXXXXX -m 620
	assert_output --regexp "^$TMPDIR/job\.[A-Za-z0-9]{8}\$"
	run stat -c '%a' "$output"
	assert_output 620
	mkdir "$T/d"
	run mkfifo-x --temp=a.XXXXXX --tmpdir="$T/d"
	assert_output --regexp "^$T/d/a\.[A-Za-z0-9]{6}\$"
	run mkfifo-x -t --tmpdir "$T/new/dir" -p
	assert_success
	assert_output --regexp "^$T/new/dir/fifo\.[A-Za-z0-9]{6}\$"
	# Without TMPDIR: /tmp.
	local f
	f=$(env -u TMPDIR mkfifo-x -t)
	[[ $f == /tmp/fifo.?????? ]] && [ -p "$f" ] && rm "$f"
	f=$(TMPDIR='' mkfifo-x -t)
	[[ $f == /tmp/fifo.?????? ]] && [ -p "$f" ] && rm "$f"
}

@test "-t -c N makes N FIFOs, one path per line; NAMEs come with them" {
	cd "$T"
	run mkfifo-x -t -c 5 named
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 5 ]
	run listing "$TMPDIR"
	assert_line --index 0 --regexp '^p fifo\.'
	[ "${#lines[@]}" -eq 5 ]
	[ -p named ]
}

@test "hundreds of concurrent mkfifo-x -t never collide" {
	local i pids=()
	for i in $(seq 200); do
		mkfifo-x -t -c 3 > "$T/out.$i" &
		pids+=("$!")
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	run bash -c "cat '$T'/out.* | sort | uniq -d"
	assert_output ""
	[ "$(cat "$T"/out.* | wc -l)" -eq 600 ]
	[ "$(find "$TMPDIR" -type p | wc -l)" -eq 600 ]
}

@test "data flows through a temporary FIFO" {
	local f
	f=$(mkfifo-x -t)
	seq 100000 > "$f" &
	local writer=$!
	run bash -c "cksum < '$f'"
	assert_output "$(seq 100000 | cksum)"
	wait "$writer"
}

@test "-e runs the command with FIFO, FIFO1..FIFON and removes them" {
	cd "$T"
	run mkfifo-x -t -e -- sh -c 'seq 3 > "$FIFO" & tr 1-3 a-c < "$FIFO"'
	assert_success
	assert_output $'a\nb\nc'
	run env FIFO4=stale FIFO5=stale mkfifo-x -e -t -c 2 named -- \
		sh -c 'echo "$FIFO $FIFO1 ${FIFO4-unset} ${FIFO5-unset}"; echo "$FIFO2" "$FIFO3"'
	assert_success
	assert_line --index 0 "named named unset unset"
	assert_line --index 1 --regexp "^$TMPDIR/fifo\.[A-Za-z0-9]{6} $TMPDIR/fifo\.[A-Za-z0-9]{6}\$"
	run listing "$T"
	assert_output "d tmp"
	run listing "$TMPDIR"
	assert_output ""
}

@test "-e -v says what was created and removed; an existing FIFO stays" {
	cd "$T"
	mkfifo-x old
	run mkfifo-x -e --exist-ok -v old new -- true
	assert_success
	assert_output "mkfifo-x: created FIFO 'new'
mkfifo-x: removed 'new'"
	[ -p old ] && [ ! -e new ]
}

@test "-e removes the FIFOs when the command fails or is killed" {
	run mkfifo-x -t -e -- sh -c 'test -p "$FIFO" && exit 3'
	assert_failure 3
	run listing "$TMPDIR"
	assert_output ""
	run mkfifo-x -t -c 2 -e -- sh -c 'kill -USR1 $$'
	assert_failure $((128 + 10))
	run listing "$TMPDIR"
	assert_output ""
}

@test "-e leaves a FIFO that the command replaced" {
	run mkfifo-x -t -e -- sh -c 'rm "$FIFO" && echo mine > "$FIFO"'
	assert_success
	assert_output --regexp "^mkfifo-x: $TMPDIR/fifo\.[A-Za-z0-9]{6}: replaced since it was made; left in place\$"
	run cat "$TMPDIR"/fifo.*
	assert_output mine
}

# Start mkfifo-x -e with a command that waits; the path of its FIFO in $T/path.
start_waiting() {
	spawn mkfifo-x -t -e -- sh -c 'echo "$FIFO" > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 60' "$T/path"
	pid=$!
	wait_until 10 test -s "$T/path"
	fifo=$(cat "$T/path")
	[ -p "$fifo" ]
}

@test "-e removes the FIFOs when mkfifo-x gets SIGTERM or SIGHUP" {
	local pid fifo status sig
	for sig in TERM HUP; do
		rm -f "$T/path"
		start_waiting
		kill -"$sig" "$pid"
		status=0
		wait "$pid" || status=$?
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
		[ ! -e "$fifo" ]
	done
}

@test "-e: a command that handles the forwarded SIGTERM gives its own status" {
	spawn mkfifo-x -t -e -- sh -c 'trap "exit 7" TERM; echo "$FIFO" > "$0"; while :; do sleep 0.1; done' "$T/path"
	local pid=$! status=0
	wait_until 10 test -s "$T/path"
	kill -TERM "$pid"
	wait "$pid" || status=$?
	[ "$status" -eq 7 ]
	run listing "$TMPDIR"
	assert_output ""
}

@test "-e exit statuses: 125, 126, 127 and the FIFOs are removed" {
	cd "$T"
	run mkfifo-x -e a nodir/b -- true
	assert_failure 125
	assert_output "mkfifo-x: nodir/b: No such file or directory"
	[ ! -e a ]
	run mkfifo-x -t -e -- "$T"
	assert_failure 126
	assert_output "mkfifo-x: $T: cannot run: Permission denied"
	run -127 mkfifo-x -t -e -- no-such-command-ipcut
	assert_failure 127
	assert_output "mkfifo-x: no-such-command-ipcut: cannot run: No such file or directory"
	run listing "$TMPDIR"
	assert_output ""
}

@test "-e needs a command after --" {
	run mkfifo-x -t -e
	assert_failure 2
	assert_output $'mkfifo-x: --exec: no command after \'--\'\nTry \'mkfifo-x --help\'.'
	run mkfifo-x -t -e --
	assert_failure 2
	run listing "$TMPDIR"
	assert_output ""
}

# Also the test of lib/opterr.c (usage_bad_option): all four messages.
@test "usage errors: bad options and values; nothing is created" {
	cd "$T"
	local long
	long=$(printf 'x%.0s' {1..256})
	local -A cases=(
		["a --bogus"]="unknown or ambiguous option '--bogus'"
		["a -x"]="invalid option -- 'x'"
		["a -m"]="option '-m' needs an argument"
		["a -vm"]="option '-m' needs an argument"
		["a --mode"]="option '--mode' needs an argument"
		["--t"]="unknown or ambiguous option '--t'"
		["a --version=2"]="option '--version' takes no argument"
		["--mode=600 -q a"]="invalid option -- 'q'"
		["--verbose -vq a"]="invalid option -- 'q'"
		["a --mode=600 -m"]="option '-m' needs an argument"
		["a --exist-ok=1"]="option '--exist-ok' takes no argument"
		["a -m 8"]="--mode: invalid mode '8' (octal digits, e.g. 600)"
		["a -m 17777"]="--mode: mode '17777' is out of range (at most 7777)"
		["-t -c 0"]="--count: '0' is out of range (1 to 4096)"
		["-t -c 4097"]="--count: '4097' is out of range (1 to 4096)"
		["-t -c x"]="--count: invalid number 'x'"
		["-c 2 a"]="--count: counts temporary FIFOs; it needs --temp"
		["--tmpdir=. a"]="--tmpdir: places temporary FIFOs; it needs --temp"
		["-t --tmpdir="]="--tmpdir: empty directory name"
		["-ta/b.XXXXXX"]="--temp: template 'a/b.XXXXXX' has a slash; use --tmpdir DIR for the directory"
		["-tfifo.XXXXX"]="--temp: template 'fifo.XXXXX' must end in XXXXXX"
		["--temp=XXXXXXy"]="--temp: template 'XXXXXXy' must end in XXXXXX"
		["-t$long"]="--temp: template is 256 bytes; the limit is 255"
		["-v"]="missing NAME"
		["a $long"]="$long: component '${long:0:32}...' is 256 bytes; the limit is 255"
	)
	local args
	for args in "${!cases[@]}"; do
		# shellcheck disable=SC2086
		run mkfifo-x $args
		assert_failure 2
		assert_output "mkfifo-x: ${cases[$args]}
Try 'mkfifo-x --help'."
	done
	run mkfifo-x a ''
	assert_failure 2
	assert_line --index 0 "mkfifo-x: '': empty name"
	run mkfifo-x a "$(printf 'a/%.0s' {1..2048})"
	assert_failure 2
	assert_line --index 0 "mkfifo-x: a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/...: name is 4096 bytes; the limit is 4095"
	run mkfifo-x -t --tmpdir="$(printf 'd/%.0s' {1..2045})"
	assert_failure 2
	assert_line --index 0 --partial "directory and template are longer than 4095 bytes"
	run listing "$T"
	assert_output "d tmp"
	run listing "$TMPDIR"
	assert_output ""
}

@test "permission denied in a directory the user cannot write" {
	need_root
	mkdir -m 755 "$T/ro"
	run as_nobody mkfifo-x "$T/ro/f" "$T/ro/g"
	assert_failure 1
	assert_output "mkfifo-x: $T/ro/f: Permission denied
mkfifo-x: $T/ro/g: Permission denied"
	run as_nobody mkfifo-x -t --tmpdir="$T/ro"
	assert_failure 1
	assert_output "mkfifo-x: $T/ro/fifo.XXXXXX: Permission denied"
	run as_nobody mkfifo-x -p "$T/ro/sub/f"
	assert_failure 1
	assert_output "mkfifo-x: $T/ro/sub: cannot create directory: Permission denied"
	run as_nobody mkfifo-x -t -e --tmpdir="$T/ro" -- true
	assert_failure 125
	run listing "$T/ro"
	assert_output ""
}

@test "-t to /dev/full or a closed pipe fails, and leaves no FIFO behind" {
	run bash -c 'mkfifo-x -t -c 3 > /dev/full'
	assert_failure 1
	assert_output "mkfifo-x: standard output: write error: No space left on device"
	run listing "$TMPDIR"
	assert_output ""
	run closedpipe mkfifo-x -t -c 2 "$T/named"
	assert_failure 1
	assert_output "mkfifo-x: standard output: write error: Broken pipe"
	run listing "$TMPDIR"
	assert_output ""
	[ -p "$T/named" ]
}

@test "TAB completion offers options, modes and directories" {
	# shellcheck source=/dev/null
	. "$top/completions/mkfifo-x"
	local COMP_WORDS COMP_CWORD COMPREPLY
	COMP_WORDS=(mkfifo-x -)
	COMP_CWORD=1
	_comp_cmd_mkfifo_x
	local opt
	for opt in -c --count= -e --exec --exist-ok -m --mode= -p --parents -t --temp \
		--tmpdir= -v --verbose -h --help -V --version; do
		[[ " ${COMPREPLY[*]} " == *" $opt "* ]] || { echo "no $opt"; false; }
	done
	COMP_WORDS=(mkfifo-x --te)
	_comp_cmd_mkfifo_x
	[ "${COMPREPLY[*]}" = "--temp --temp=" ]
	COMP_WORDS=(mkfifo-x -m 64)
	COMP_CWORD=2
	_comp_cmd_mkfifo_x
	[ "${COMPREPLY[*]}" = "640 644" ]
	mkdir "$T/dir1"
	COMP_WORDS=(mkfifo-x --tmpdir "$T/di")
	_comp_cmd_mkfifo_x
	[ "${COMPREPLY[*]}" = "$T/dir1" ]
	COMP_WORDS=(mkfifo-x -t -e -- no-such-command-ipcu)
	COMP_CWORD=4
	_comp_cmd_mkfifo_x
	[ "${#COMPREPLY[@]}" -eq 0 ]
	COMP_WORDS=(mkfifo-x -t -e -- mkfifo-)
	_comp_cmd_mkfifo_x
	[[ " ${COMPREPLY[*]} " == *" mkfifo-x "* ]]
}

@test "make install DESTDIR= installs the binary, man pages and completion" {
	run make -s -C "$top" install DESTDIR="$T/inst" PREFIX=/usr
	assert_success
	[ -x "$T/inst/usr/bin/mkfifo-x" ]
	run "$T/inst/usr/bin/mkfifo-x" --version
	assert_output --regexp '^mkfifo-x \(ipcutils\) '
	cmp "$top/man/mkfifo-x.1" "$T/inst/usr/share/man/man1/mkfifo-x.1"
	cmp "$top/man/ipcutils.7" "$T/inst/usr/share/man/man7/ipcutils.7"
	cmp "$top/completions/mkfifo-x" "$T/inst/usr/share/bash-completion/completions/mkfifo-x"
	run make -s -C "$top" uninstall DESTDIR="$T/inst" PREFIX=/usr
	assert_success
	[ ! -e "$T/inst/usr/bin/mkfifo-x" ]
}

# Issue 9: the edges of mkfifo-x.

@test "-p gives parents u+wx whatever the umask, as mkdir -p does" {
	need_root
	mkdir -m 777 "$T/pub"
	run as_nobody sh -c 'cd "$0" && umask 0277 && exec mkfifo-x -p a/b/c/f' "$T/pub"
	assert_success
	run stat -c '%a %U' "$T/pub/a" "$T/pub/a/b/c"
	assert_output $'700 nobody\n700 nobody'
	[ -p "$T/pub/a/b/c/f" ]
}

@test "-e never removes a FIFO the command made in place of its own" {
	local i
	cd "$T"
	for ((i = 0; i < 20; i++)); do
		run mkfifo-x -e "n$i" -- sh -c 'rm "$FIFO" && mkfifo "$FIFO"'
		assert_success
		[ -p "n$i" ] || fail "round $i: the command's FIFO was removed"
	done
}

@test "-t with a NAME ending in XXXXXX is refused as ambiguous; without -t the NAME is literal" {
	cd "$T"
	run mkfifo-x -t job.XXXXXX
	assert_failure 2
	assert_output "mkfifo-x: job.XXXXXX: a NAME that ends in XXXXXX beside --temp is ambiguous; a template is written --temp=job.XXXXXX or -tjob.XXXXXX
Try 'mkfifo-x --help'."
	run mkfifo-x -t -- x.XXXXXX
	assert_failure 2
	assert_line --index 0 --partial "x.XXXXXX: a NAME that ends in XXXXXX beside --temp is ambiguous"
	run find "$T" "$TMPDIR" -name '*.*'
	assert_output ""
	run mkfifo-x lit.XXXXXX
	assert_success
	[ -p "$T/lit.XXXXXX" ]
}

@test "-e: the COMMAND is what follows the first --, NAMEs and options may mix before it" {
	cd "$T"
	run mkfifo-x a -e -v b -- sh -c 'echo "$FIFO1 $FIFO2 $1"' -- -v
	assert_success
	assert_line "a b -v"
	[ ! -e a ] && [ ! -e b ]
	run mkfifo-x -v -- -c --
	assert_success
	[ -p ./-c ] && [ -p ./-- ]
}

@test "-t -c N is all or nothing: a failure removes the FIFOs made before it" {
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -o /dev/null -e trace=mknod,mknodat -e inject=mknod,mknodat:error=ENOSPC:when=3 \
		mkfifo-x -t -c 4
	assert_failure 1
	assert_line --partial "No space left on device"
	assert_line "mkfifo-x: removed the 2 temporary FIFOs made before the failure"
	run find "$TMPDIR" -name 'fifo.*'
	assert_output ""
}

@test "-t with a closed stdout is an error naming it; nothing is made" {
	run bash -c 'exec mkfifo-x -t >&-'
	assert_failure 1
	assert_output "mkfifo-x: standard output is closed"
	run find "$TMPDIR" -name 'fifo.*'
	assert_output ""
}
