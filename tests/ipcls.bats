#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# ipcls: every kind listed right, holders, filters, --delete, other views.
# Every ipcls call that could touch other tests' objects is narrowed to
# this test's names and keys ("${mine[@]}"), or to ids it made itself.

bats_require_minimum_version 1.5.0
load helper

PY=/usr/bin/python3

setup() {
	ipc_setup
	# This test's POSIX names and System V keys, as --name globs.
	mine=(--name "$IPCUT_PREFIX*" --name "$(printf '0x%06x' $((IPCUT_KEYBASE >> 8)))??")
}
teardown() {
	local id
	# POSIX semaphores live as /dev/shm/sem.NAME; ipcmk's random keys by id.
	rm -f /dev/shm/sem."$IPCUT_PREFIX"* /dev/shm/."$IPCUT_PREFIX"*
	if [ -f "$T/ids" ]; then
		while read -r kind id; do ipcrm "-$kind" "$id" 2>/dev/null; done < "$T/ids"
	fi
	ipc_teardown
}

# ipcmk OPTION...: make a System V object, remember its id for teardown,
# print the id.
mk() {
	local out id kind
	out=$(ipcmk "$@") || return
	id=${out##* }
	case $out in Shared*) kind=m ;; Message*) kind=q ;; *) kind=s ;; esac
	echo "$kind $id" >> "$T/ids"
	echo "$id"
}

# A process holding the SPECs of tests/ipchold.c; waits until it does.
hold() {
	spawn ipchold "$@" > "$T/hold.out"
	HOLDER=$!
	wait_until 10 grep -q ready "$T/hold.out"
}

# One object of each of the six kinds, made by other programs.
six() {
	SHMID=$(mk -M 8192 -p 640)
	shmput "$(posix_name)" <<<"hello" # /...-1: 6 bytes
	mqsend "$(posix_name)" one two three # /...-2
	ipchold -x "sem:$(posix_name):7" # /...-3
	$PY -c "
import sysv_ipc
q = sysv_ipc.MessageQueue($(sysv_key 1), sysv_ipc.IPC_CREX, 0o640)
q.send(b'abc'); q.send(b'de')
sysv_ipc.Semaphore($(sysv_key 2), sysv_ipc.IPC_CREX, 0o600, 5)
"
}

@test "ipcls: all six kinds, made by other programs, with kind, owner, mode and measure" {
	six
	p=/$IPCUT_PREFIX
	cols=kind,owner,mode,size,messages,bytes,values
	run ipcls -r --noheadings -b -o "$cols" -i "$SHMID"
	assert_success
	assert_output "sysv-shm root 0640 8192 - - -"
	# Sorted by kind, then by id or name.
	run ipcls -r --noheadings -b -o "name,$cols" "${mine[@]}"
	assert_success
	assert_line --index 0 "$(printf '0x%08x' "$(sysv_key 1)") sysv-msg root 0640 - 2 5 -"
	assert_line --index 1 "$(printf '0x%08x' "$(sysv_key 2)") sysv-sem root 0600 - - - 5"
	assert_line --index 2 "${p}1 posix-shm root 0600 6 - - -"
	assert_line --index 3 "${p}2 posix-mq root 0600 - 3 11 -"
	assert_line --index 4 "${p}3 posix-sem root 0600 - - - 7"
	[ "${#lines[@]}" -eq 5 ]
	# Human sizes by default.
	run ipcls -r --noheadings -o size -i "$SHMID"
	assert_output 8K
}

@test "ipcls: --json parses, numbers are numbers, times RFC 3339 UTC, holders arrays" {
	six
	run bash -c "ipcls --json ${mine[*]@Q} | python3 -m json.tool"
	assert_success
	ipcls --json "${mine[@]}" > "$T/json"
	run $PY -c '
import json, re, sys
v = json.load(open(sys.argv[1]))
assert len(v) == 5, v
by = {o["kind"]: o for o in v}
assert by["sysv-msg"]["messages"] == 2 and by["sysv-msg"]["bytes"] == 5
assert by["sysv-msg"]["key"] == "0x%08x" % int(sys.argv[2]) and type(by["sysv-msg"]["id"]) is int
assert by["sysv-msg"]["name"] == by["sysv-msg"]["key"] and by["sysv-msg"]["holders"] is None
assert by["sysv-sem"]["values"] == [5]
assert by["posix-shm"]["size"] == 6 and by["posix-shm"]["id"] is None
assert by["posix-mq"]["messages"] == 3 and by["posix-mq"]["bytes"] == 11
assert by["posix-sem"]["values"] == [7]
for o in v:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", o["changed"]), o
    assert o["mode"] in ("0600", "0640") and o["owner"] == "root"
    if o["kind"].startswith("posix"):
        assert type(o["holders"]) is list and type(o["holders_complete"]) is bool
print("ok")
' "$T/json" "$(sysv_key 1)"
	assert_output ok
	# --json-lines: one object per line, each parses; -o picks members.
	run bash -c "ipcls --json-lines -o kind,size ${mine[*]@Q}"
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	assert_line --index 2 '{"kind":"posix-shm","size":6}'
	for l in "${lines[@]}"; do $PY -c 'import json, sys; json.loads(sys.argv[1])' "$l"; done
	# No object: an empty array.
	run ipcls --json --name "$IPCUT_PREFIX-none"
	assert_output "[]"
}

@test "ipcls: a process holding a POSIX shm object, a semaphore, a segment and a queue is listed as holder of each" {
	k=$(sysv_key 3)
	shmput -k "$k" <<<"seg"
	id=$(ipcls -r --noheadings -o id -k "$k")
	shm=$(posix_name) mq=$(posix_name) sem=$(posix_name)
	shmput "$shm" <<<"data"
	mqsend "$mq" x
	hold "sem:$sem:1" "shm:$shm" "sysv:$id" "mq:$mq"
	run ipcls -r --noheadings -o kind,holders "${mine[@]}"
	assert_success
	assert_line --index 0 "sysv-shm $HOLDER:ipchold"
	assert_line --index 1 --regexp "^posix-shm $HOLDER:ipchold(,\?)?$"
	assert_line --index 2 --regexp "^posix-mq $HOLDER:ipchold(,\?)?$"
	assert_line --index 3 --regexp "^posix-sem $HOLDER:ipchold(,\?)?$"
	# --holder PID selects exactly those; the JSON holders are objects.
	run ipcls -r --noheadings -o name --holder "$HOLDER" "${mine[@]}"
	assert_output "$(printf '0x%08x' "$k")
$shm
$mq
$sem"
	run bash -c "ipcls --json -o holders -k $k"
	assert_output "[
  {\"holders\":[{\"pid\":$HOLDER,\"command\":\"ipchold\"}],\"holders_complete\":true}
]"
	# A descriptor alone holds it too.
	# shellcheck disable=SC2016 # the inner shell expands them
	spawn bash -c 'exec 3< "$1" && echo ready > "$2" && exec sleep 600' _ "/dev/shm$shm" "$T/fd"
	fdholder=$!
	wait_until 10 test -s "$T/fd"
	run ipcls -r --noheadings -o name --holder "$fdholder" "${mine[@]}"
	assert_output "$shm"
	# Once it is gone, nothing holds them.
	kill "$HOLDER" "$fdholder"
	wait "$HOLDER" "$fdholder" || true
	run ipcls -r --noheadings -o holders "${mine[@]}"
	refute_output --partial ipchold
}

@test "ipcls: --kind, --owner, --name, --older-than, --idle and --stale select" {
	six
	old=$(posix_name) # /...-4: a queue nobody used for two hours
	mqsend "$old" x
	touch -d '2 hours ago' "/dev/mqueue$old"
	theirs=$(posix_name) # /...-5: nobody's
	as_nobody shmput "$theirs" <<<"x"
	run ipcls -r --noheadings -o name --kind posix-mq "${mine[@]}"
	assert_output "/${IPCUT_PREFIX}2
$old"
	run ipcls -r --noheadings -o kind --kind sysv,sem "${mine[@]}"
	assert_output "sysv-msg
sysv-sem
posix-sem"
	run ipcls -r --noheadings -o kind --kind shm,mq --name "${IPCUT_PREFIX}[12]"
	assert_output "posix-shm
posix-mq"
	run ipcls -r --noheadings -o name,owner --owner nobody "${mine[@]}"
	assert_output "$theirs nobody"
	run ipcls -r --noheadings -o name --owner 65534 --name "/$IPCUT_PREFIX*"
	assert_output "$theirs"
	run ipcls -r --noheadings -o name --older-than 1h "${mine[@]}"
	assert_output "$old"
	run ipcls -r --noheadings -o name --idle 90m "${mine[@]}"
	assert_output "$old"
	run ipcls -r --noheadings -o name --older-than 0 --kind posix-mq "${mine[@]}"
	[ "${#lines[@]}" -eq 2 ]
	# Stale: unheld and idle past 1m (or --idle); a held one is not.
	run ipcls -r --noheadings -o name --stale "${mine[@]}"
	assert_output "$old"
	hold "mq:$old"
	run ipcls -r --noheadings -o name --stale "${mine[@]}"
	assert_output ""
	run ipcls -r --noheadings -o name --stale --idle 0 --kind posix "${mine[@]}"
	assert_output "/${IPCUT_PREFIX}1
$theirs
/${IPCUT_PREFIX}2
/${IPCUT_PREFIX}3"
}

@test "ipcls: a NAME, -k KEY, -i ID or --ftok shows the object in detail; a missing one fails" {
	six
	q=/${IPCUT_PREFIX}2
	run ipcls "$q"
	assert_success
	assert_line "kind: posix-mq"
	assert_line "name: $q"
	assert_line "mode: 0600"
	assert_line "messages: 3"
	assert_line "bytes: 11"
	assert_line "max-messages: 10"
	refute_line --partial "key:"
	run ipcls -k "$(sysv_key 2)"
	assert_line "kind: sysv-sem"
	assert_line "values: 5"
	run ipcls -i "$SHMID" -b
	assert_line "size: 8192"
	assert_line "attached: 0"
	touch "$T/f"
	run ipcls --ftok "$T/f"
	assert_failure 1
	assert_output --regexp "^ipcls: key 0x[0-9a-f]{8} \(ftok $T/f:1\): no such object$"
	# Two at once: both, a blank line between; one missing fails after the other.
	run ipcls "$q" -k "$(sysv_key 1)"
	assert_success
	assert_line "kind: sysv-msg"
	assert_line "kind: posix-mq"
	run ipcls --json "$q" "/${IPCUT_PREFIX}none"
	assert_failure 1
	assert_line --index 0 "ipcls: /${IPCUT_PREFIX}none: no such object"
	assert_line --partial '"kind":"posix-mq"'
}

@test "ipcls --delete: refused without a filter, removes only what is selected, prints it" {
	six
	run ipcls --delete
	assert_failure 2
	assert_line --index 0 "ipcls: --delete: refused without a filter or an object to select what to remove"
	run ipcls --delete --json
	assert_failure 2
	run ipcls -r --noheadings -o name "${mine[@]}"
	[ "${#lines[@]}" -eq 5 ]
	# --dry-run lists and removes nothing.
	run ipcls --delete --dry-run -r --noheadings -o kind,name --kind posix "${mine[@]}"
	assert_success
	assert_output "posix-shm /${IPCUT_PREFIX}1
posix-mq /${IPCUT_PREFIX}2
posix-sem /${IPCUT_PREFIX}3"
	# With its heading, the table says it is not a listing (issue 23.7).
	run ipcls --delete --dry-run -o kind,name --kind posix-shm "${mine[@]}"
	assert_success
	assert_output "Would remove (--dry-run):
KIND      NAME
posix-shm /${IPCUT_PREFIX}1"
	run ipcls -r --noheadings -o name "${mine[@]}"
	[ "${#lines[@]}" -eq 5 ]
	run ipcls --delete -r --noheadings -o kind --kind posix-mq,posix-sem "${mine[@]}"
	assert_success
	assert_output "posix-mq
posix-sem"
	[ ! -e "/dev/mqueue/${IPCUT_PREFIX}2" ] && [ ! -e "/dev/shm/sem.${IPCUT_PREFIX}3" ]
	[ -e "/dev/shm/${IPCUT_PREFIX}1" ]
	# What it removed, as JSON; then by id and by key.
	run ipcls --delete --json -o kind,key --kind sysv "${mine[@]}"
	assert_success
	assert_output "[
  {\"kind\":\"sysv-msg\",\"key\":\"$(printf 0x%08x "$(sysv_key 1)")\"},
  {\"kind\":\"sysv-sem\",\"key\":\"$(printf 0x%08x "$(sysv_key 2)")\"}
]"
	run ipcls --delete -o kind -i "$SHMID" "/${IPCUT_PREFIX}1"
	assert_output "Removed:
KIND
sysv-shm
posix-shm"
	run ipcls -r --noheadings "${mine[@]}"
	assert_output ""
	run ipcls -i "$SHMID"
	assert_failure 1
	# --dry-run and --force only with --delete.
	run ipcls --dry-run "${mine[@]}"
	assert_failure 2
	run ipcls --force "${mine[@]}"
	assert_failure 2
}

@test "ipcls --delete: skips objects with a live holder unless --force" {
	k=$(sysv_key 4)
	shmput -k "$k" <<<"seg"
	id=$(ipcls -r --noheadings -o id -k "$k")
	shm=$(posix_name)
	free=$(posix_name)
	shmput "$shm" <<<"held"
	shmput "$free" <<<"free"
	hold "shm:$shm" "sysv:$id"
	run ipcls --delete -r --noheadings -o name "${mine[@]}"
	assert_failure 1
	assert_line "ipcls: posix-shm $shm: held by $HOLDER (ipchold); not removed (--force removes it)"
	assert_line "ipcls: sysv-shm key $(printf '0x%08x' "$k") (id $id): held by $HOLDER (ipchold); not removed (--force removes it)"
	assert_line "$free"
	[ -e "/dev/shm$shm" ] && [ ! -e "/dev/shm$free" ]
	run ipcls --delete --force -r --noheadings -o name "${mine[@]}"
	assert_success
	assert_output "$(printf '0x%08x' "$k")
$shm"
	[ ! -e "/dev/shm$shm" ]
	run ipcls -r --noheadings "${mine[@]}"
	assert_output ""
}

@test "ipcls: nobody sees what the kernel shows, unknowns marked, no errors" {
	need_root
	six
	hold "shm:/${IPCUT_PREFIX}1"
	run --separate-stderr as_nobody ipcls -r --noheadings -o kind,owner,messages,values,holders "${mine[@]}"
	assert_success
	[ -z "$stderr" ]
	# A 0600 queue cannot be opened to count, a 0600 semaphore not read,
	# root's holder not seen: "?".
	assert_line "posix-mq root ? - ?"
	assert_line "posix-sem root - ? ?"
	assert_line "posix-shm root - - ?"
	# The table for people says what that "?" means, under it (issue 23.7).
	run --separate-stderr as_nobody ipcls -o kind,holders "${mine[@]}"
	assert_success
	assert_line --index -2 --partial "?: a process this user cannot look into"
	run --separate-stderr as_nobody ipcls --noheadings -o kind,holders "${mine[@]}"
	refute_output --partial "cannot look into"
	run --separate-stderr as_nobody ipcls --json "${mine[@]}"
	assert_success
	[ -z "$stderr" ]
	assert_output --partial '"kind":"posix-mq","name":"/'"${IPCUT_PREFIX}"'2","key":null,"id":null,"owner":"root","group":"root","mode":"0600","size":null,"messages":null'
	# What nobody cannot remove is refused by the kernel, with a message.
	run as_nobody ipcls --delete -r --noheadings -o name --name "${IPCUT_PREFIX}[23]"
	assert_failure 1
	assert_line "ipcls: posix-mq /${IPCUT_PREFIX}2: cannot remove: Permission denied"
	[ -e "/dev/mqueue/${IPCUT_PREFIX}2" ]
}

@test "ipcls: /dev/mqueue not mounted: a note, the rest still listed" {
	need_root
	command -v unshare >/dev/null || skip "no unshare"
	mountpoint -q /dev/mqueue || skip "/dev/mqueue is not mounted here to begin with"
	six
	run --separate-stderr unshare -m bash -c 'umount /dev/mqueue && ipcls -r --noheadings -o kind "$@"' _ "${mine[@]}"
	assert_success
	assert_equal "$stderr" "ipcls: /dev/mqueue: not mounted; POSIX message queues are not listed (mount -t mqueue none /dev/mqueue)"
	assert_output "sysv-msg
sysv-sem
posix-shm
posix-sem"
}

@test "ipcls: stdout to /dev/full fails with a message; usage errors exit 2" {
	six
	run bash -c 'ipcls "$@" > /dev/full' _ "${mine[@]}"
	assert_failure 1
	assert_output "ipcls: standard output: write error: No space left on device"
	run bash -c 'ipcls --json "$@" > /dev/full' _ "${mine[@]}"
	assert_failure 1
	run bash -c 'ipcls "$@" >&-' _ "${mine[@]}"
	assert_failure 1
	assert_output "ipcls: standard output is closed"
	run ipcls --kind bogus
	assert_failure 2
	assert_line --index 0 --partial "ipcls: --kind: unknown kind 'bogus' (sysv-shm, "
	assert_line --index 1 "Try 'ipcls --help'."
	run ipcls -o KIND,BOGUS
	assert_failure 2
	assert_line --index 0 --partial "ipcls: --output: unknown column 'BOGUS' (KIND, "
	run ipcls --older-than 5x
	assert_failure 2
	run ipcls --owner no-such-user-here
	assert_failure 2
	assert_line --index 0 "ipcls: --owner: no such user 'no-such-user-here'"
	run ipcls --holder 0
	assert_failure 2
	run ipcls -k private
	assert_failure 2
	run ipcls a/b
	assert_failure 2
	run ipcls --bogus
	assert_failure 2
	assert_line --index 1 "Try 'ipcls --help'."
}

@test "ipcls: the table lines up; -n drops the heading; --raw is one space" {
	six
	run ipcls -o kind,name,size "${mine[@]}"
	assert_line --index 0 --regexp '^KIND +NAME +SIZE$'
	assert_line --index 3 --regexp "^posix-shm +/${IPCUT_PREFIX}1 +6B$"
	[ "${#lines[@]}" -eq 6 ]
	run ipcls --noheadings -o kind "${mine[@]}"
	[ "${#lines[@]}" -eq 5 ]
	run ipcls --raw -o kind,size --kind posix-shm "${mine[@]}"
	assert_output "KIND SIZE
posix-shm 6B"
	# A name with a blank stays one field.
	shmput "/${IPCUT_PREFIX}a b" <<<"x"
	run ipcls -r --noheadings -o name --name "${IPCUT_PREFIX}a*"
	assert_output "/${IPCUT_PREFIX}a\\x20b"
	run ipcls --json -o name --name "${IPCUT_PREFIX}a*"
	assert_line --index 1 "  {\"name\":\"/${IPCUT_PREFIX}a b\"}"
	# A name that is not UTF-8 still makes JSON that parses; the byte
	# that is not comes as a lone surrogate, Python's surrogateescape.
	shmput "/${IPCUT_PREFIX}u"$'\xc3\xa9\xff' <<<"x"
	run bash -c "ipcls --json -o name --name '${IPCUT_PREFIX}u*' | $PY -c 'import json, sys; print(ascii(json.load(sys.stdin)[0][\"name\"]))'"
	assert_output "'/${IPCUT_PREFIX}u\\xe9\\udcff'"
	# Nothing selected: no output at all, not even a heading.
	run ipcls --name "${IPCUT_PREFIX}none"
	assert_success
	assert_output ""
}

@test "ipcls: bash completion offers kinds, columns, users and options" {
	comp() { # comp WORD...: the completions of the last word
		bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			_comp_cmd_ipcls; printf "%s\n" "${COMPREPLY[@]}"' _ \
			"$BATS_TEST_DIRNAME/../completions/ipcls" ipcls "$@"
	}
	run comp --kind sysv-shm,posix-m
	assert_output "sysv-shm,posix-mq"
	run comp -o kind,last
	assert_output "KIND,LAST-PID"
	run comp --owner nobo
	assert_output "nobody"
	run comp --json-l
	assert_output "--json-lines"
	shmput "/${IPCUT_PREFIX}c" <<<"x"
	run comp "${IPCUT_PREFIX}"
	assert_output "${IPCUT_PREFIX}c"
	# A name that starts with a dot is a name too.
	shmput "/.${IPCUT_PREFIX}d" <<<"x"
	run comp ".${IPCUT_PREFIX}"
	assert_output ".${IPCUT_PREFIX}d"
}

@test "ipcls: /dev/shm unreadable: a note with the reason, the rest still listed" {
	need_root
	command -v unshare >/dev/null || skip "no unshare"
	six
	run --separate-stderr unshare -m bash -c 'mount -t tmpfs -o mode=700 none /dev/shm &&
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ipcls -r --noheadings -o kind "$@"' _ "${mine[@]}"
	assert_success
	assert_equal "$stderr" "ipcls: /dev/shm: cannot read it; POSIX shared memory and semaphores are not listed: Permission denied"
	assert_output "sysv-msg
sysv-sem
posix-mq"
}

# in_ns SCRIPT [ARG...]: run the bash SCRIPT in an IPC and mount namespace
# of its own, with its own /dev/mqueue and /dev/shm, so that what it
# deletes can only be its own; its background jobs are killed at its end.
# It runs in $T; wait_until, as_nobody and strace work in it.
in_ns() {
	local body=$1
	shift
	unshare --ipc --mount bash -c "$(declare -f wait_until as_nobody strace)
set -eu
cd ${T@Q}
mount -t mqueue none /dev/mqueue
mount -t tmpfs -o mode=1777 none /dev/shm
trap 'kill \$(jobs -p) 2>/dev/null || true; wait' EXIT
$body" in_ns "$@"
}

@test "ipcls: holders in threads: the main thread gone, another holds (issue 25.10)" {
	need_root
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		shmput /obj-1 <<<x
		mqsend /mq-1 x
		ipchold -t shm:/obj-1 mq:/mq-1 > ready &
		h=$!
		wait_until 10 grep -qs ready ready
		wait_until 10 grep -q "^State:.*Z" /proc/$h/status
		ipcls -r --noheadings -o name,holders --kind posix
		ipcls -d -r --noheadings -o name --name obj-1 --name mq-1 || echo "exit $?"
		ls /dev/shm /dev/mqueue'
	assert_success
	assert_line --index 0 --regexp '^/obj-1 [0-9]+:ipchold(,\?)?$'
	assert_line --index 1 --regexp '^/mq-1 [0-9]+:ipchold(,\?)?$'
	assert_line --regexp '^ipcls: posix-shm /obj-1: held by [0-9]+ \(ipchold\); not removed'
	assert_line "exit 1"
	assert_line obj-1
	assert_line mq-1
	# A thread with a descriptor table of its own, the main thread alive.
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		mqsend /mq-2 x
		ipchold -f mq:/mq-2 > ready &
		wait_until 10 grep -qs ready ready
		ipcls -r --noheadings -o name,holders /mq-2'
	assert_success
	assert_output --regexp '^/mq-2 [0-9]+:ipchold(,\?)?$'
}

@test "ipcls --stale: a System V set with a waiter or a live undo holder is in use (issue 25.11)" {
	need_root
	# semop.py ID NUM OP [hold]: one semop (SEM_UNDO with hold), then
	# with hold say ready and keep the adjustment until killed.
	cat > "$T/semop.py" <<-'PY'
		import ctypes, sys, time
		class Sembuf(ctypes.Structure):
		    _fields_ = [("num", ctypes.c_ushort), ("op", ctypes.c_short), ("flg", ctypes.c_short)]
		libc = ctypes.CDLL(None, use_errno=True)
		hold = len(sys.argv) > 4
		op = Sembuf(int(sys.argv[2]), int(sys.argv[3]), 0x1000 if hold else 0)
		if libc.semop(int(sys.argv[1]), ctypes.byref(op), 1) != 0:
		    sys.exit("semop: errno %d" % ctypes.get_errno())
		if hold:
		    print("ready", flush=True)
		    time.sleep(600)
	PY
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		sempost -k 0x51 -c 1
		semwait -c 2 -k 0x51 &
		wait_until 10 /usr/bin/python3 -c "import sysv_ipc, sys; sys.exit(sysv_ipc.Semaphore(0x51).waiting_for_nonzero == 0)"
		ipcls -d --stale --idle 0 -r --noheadings -o name -k 0x51
		# Semaphore 1 taken under SEM_UNDO by a live process; semaphore 0
		# last used by one that is gone.
		id=$(ipcmk -S 2 -p 600 | sed "s/.* //")
		/usr/bin/python3 "$1" "$id" 1 1
		/usr/bin/python3 "$1" "$id" 1 -1 hold > ready &
		wait_until 10 grep -qs ready ready
		/usr/bin/python3 "$1" "$id" 0 1
		ipcls -d --stale --idle 0 -r --noheadings -o id -i "$id"
		# A permit taken under SEM_UNDO by a live process that was not
		# the last to use its semaphore: kcmp shows it has an undo list.
		id2=$(ipcmk -S 1 -p 600 | sed "s/.* //")
		/usr/bin/python3 "$1" "$id2" 0 2
		/usr/bin/python3 "$1" "$id2" 0 -1 hold > ready2 &
		wait_until 10 grep -qs ready ready2
		/usr/bin/python3 "$1" "$id2" 0 1
		ipcls -d --stale --idle 0 -r --noheadings -o id -i "$id2"
		# A set no process ever operated on holds no permit: stale.
		id3=$(ipcmk -S 1 -p 600 | sed "s/.* //")
		ipcls -d --stale --idle 0 -r --noheadings -o id -i "$id3" | sed "s/^/removed /"
		echo left: $(ipcls -r --noheadings -o id --kind sysv-sem) of 0 $id $id2' "$T/semop.py"
	assert_success
	assert_output --regexp '^removed [0-9]+'$'\n''left: ([0-9]+) ([0-9]+) ([0-9]+) of \1 \2 \3$'
}

@test "ipcls: /dev/mqueue of another IPC namespace is not listed nor acted on (issue 25.12)" {
	need_root
	# Namespace A mounts its /dev/mqueue and makes /dup; namespace B,
	# made inside with that mount still in place, has a /dup of its own.
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		mqsend /dup A
		unshare --ipc sh -c "mqsend /dup B; ipcls -d -r --noheadings -o name /dup; echo exit \$?
			mqrecv -n /dup"
		mqrecv -n /dup'
	assert_success
	assert_line --index 0 "ipcls: /dev/mqueue: mounted for another IPC namespace; POSIX message queues are not listed (mount -t mqueue none /dev/mqueue)"
	assert_line --index 1 "ipcls: /dup: no such object"
	assert_line --index 2 "exit 1"
	assert_line --index 3 B
	assert_line --index 4 A
}

@test "ipcls: names that start with a dot are listed and can be targeted (issue 25.13)" {
	need_root
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		shmput /.dotshm <<<x
		mqsend /.hidden-mq x
		ipchold -x sem:/.dotsem:3
		ipcls -r --noheadings -o kind,name
		ipcls -r --noheadings -o name,values /.dotsem
		ipcls -d -r --noheadings -o kind /.hidden-mq /.dotshm
		ls -A /dev/shm /dev/mqueue'
	assert_success
	assert_output "posix-shm /.dotshm
posix-mq /.hidden-mq
posix-sem /.dotsem
/.dotsem 3
posix-shm
posix-mq
/dev/mqueue:

/dev/shm:
sem..dotsem"
}

@test "ipcls: holders hidden by another PID namespace or hidepid: ? and --stale keeps them (issue 25.14)" {
	need_root
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		as_nobody shmput -m 644 /theirs <<<x
		ipchold shm:/theirs > ready &
		wait_until 10 grep -qs ready ready
		# A /proc of a PID namespace of its own shows none of the others.
		unshare --pid --fork --mount-proc sh -c "ipcls -r --noheadings -o name,holders /theirs
			ipcls --json -o holders /theirs | grep -o .holders_complete.:false
			ipcls -d --stale --idle 0 -r --noheadings -o name /theirs; echo exit \$?"
		# A /proc with hidepid=invisible hides root'"'"'s processes from nobody.
		mount -t proc -o hidepid=invisible proc /proc
		as_nobody ipcls -r --noheadings -o name,holders /theirs
		as_nobody ipcls -d --stale --idle 0 -r --noheadings -o name /theirs; echo exit $?
		ls /dev/shm'
	assert_success
	assert_output "/theirs ?
\"holders_complete\":false
exit 0
/theirs ?
exit 0
theirs"
}

@test "ipcls: the segment with shmid 0 has its holders (issue 25.15)" {
	need_root
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		shmput -k 0x15 <<<x
		ipchold sysv:0 > ready &
		h=$!
		wait_until 10 grep -qs ready ready
		ipcls -r --noheadings -o id,attached,holders -k 0x15 | sed "s/ $h:/ HOLDER:/"
		ipcls -r --noheadings -o id --holder $h
		ipcls -d -k 0x15 2>&1 | sed "s/ $h / HOLDER /"'
	assert_success
	assert_output "0 1 HOLDER:ipchold
0
ipcls: sysv-shm key 0x00000015 (id 0): held by HOLDER (ipchold); not removed (--force removes it)"
}

@test "ipcls: a process attached to shmid 0 of another IPC namespace is no holder of ours" {
	need_root
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		unshare --ipc sh -c "echo y | shmput -k 0x16 && exec ipchold sysv:0 > inner" &
		wait_until 10 grep -qs ready inner
		shmput -k 0x15 <<<x
		ipcls -r --noheadings -o id,attached,holders -k 0x15'
	assert_success
	assert_output "0 0 -"
}

@test "ipcls: invalid UTF-8 in JSON round-trips as \\udcXX; the table escapes C1 and bidi controls (issue 25.16)" {
	p=/$IPCUT_PREFIX
	for b in '\xed\xa0\x80' '\xe0\x80\x80' '\xf4\x90\x80\x80' '\xff\xa1\xa1' '\xc3\xbf' '\xc2\x9b' '\xe2\x80\xae' 'ok'; do
		shmput "$p$(printf %b "$b")" <<<x
	done
	ipcls --json -o name --name "$IPCUT_PREFIX*" > "$T/json"
	run $PY -c '
import json, sys
names = sorted(o["name"].encode("utf-8", "surrogateescape") for o in json.load(open(sys.argv[1])))
want = sorted(sys.argv[2].encode() + b for b in [b"\xed\xa0\x80", b"\xe0\x80\x80",
    b"\xf4\x90\x80\x80", b"\xff\xa1\xa1", b"\xc3\xbf", b"\xc2\x9b", b"\xe2\x80\xae", b"ok"])
assert names == want, (names, want)
print("ok")
' "$T/json" "$p"
	assert_output ok
	# 0xFF and a real "ÿ" differ.
	run grep -c -e '\\udcff' -e 'ÿ' "$T/json"
	assert_output 2
	run ipcls -r --noheadings -o name --name "$IPCUT_PREFIX*"
	assert_line "$p\\xc2\\x9b"
	assert_line "$p\\xe2\\x80\\xae"
	assert_line "$p\\xff\\xa1\\xa1"
	assert_line "$p\\xed\\xa0\\x80"
	assert_line "${p}ÿ"
	assert_line "${p}ok"
}

@test "ipcls --delete: an object replaced after the listing is left alone (issue 25.17)" {
	need_root
	# strace holds ipcls at its first shmctl, after the listing and the
	# holders, while the segment is replaced by another with the same key
	# and id, attached.
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		shmput -k 0x17 <<<old
		made=$(date +%s)
		wait_until 10 sh -c "test \$(date +%s) -gt $made"
		ASAN_OPTIONS=detect_leaks=0 strace -f --seccomp-bpf -o st -e trace=shmctl -e inject=shmctl:delay_enter=5000000 \
			ipcls -d -r --noheadings -o id -k 0x17 > out 2>&1 &
		s=$!
		wait_until 10 grep -qs shmctl st
		ipcrm -m 0
		echo 0 > /proc/sys/kernel/shm_next_id
		shmput -k 0x17 <<<new
		ipchold sysv:0 > ready &
		wait_until 10 grep -qs ready ready
		wait $s || echo "exit $?"
		cat out
		shmcat -k 0x17'
	assert_success
	assert_output "new"
}

@test "ipcls: --kind of every kind is no filter; -d NAME of several kinds; --dry-run says what would fail (issue 25.18)" {
	need_root
	# shellcheck disable=SC2016 # the namespace's shell expands them
	run in_ns '
		ipcls -d --kind sysv,posix || echo "exit $?"
		shmput /jobs <<<x
		mqsend /jobs x
		ipcls -d /jobs || echo "exit $?"
		ipcls -d -r --noheadings -o kind --kind mq /jobs
		ipcls -r --noheadings -o kind
		mqsend /q x
		as_nobody ipcls -d --dry-run -r --noheadings -o name /q || echo "exit $?"
		ipcls -r --noheadings -o name --kind mq'
	assert_success
	assert_output "ipcls: --delete: refused without a filter or an object to select what to remove
Try 'ipcls --help'.
exit 2
ipcls: /jobs: names a posix-shm and a posix-mq; choose with --kind
exit 1
posix-mq
posix-shm
ipcls: posix-mq /q: cannot remove: Permission denied
exit 1
/q"
}
