#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# One vocabulary for every way a tool shows an object (issue 23.4): the
# status views (mqrecv, shmcat and semwait --stat), ipcls's table, detail
# view and JSON. Every field name and kind name is one of the list in
# lib/fields.h; times are RFC 3339 UTC; modes octal with a leading 0;
# System V keys as ipcs writes them; a System V object's JSON name is its
# key. A failure names every tool and field that breaks a rule.

bats_require_minimum_version 1.5.0
load helper

PY=/usr/bin/python3

# The names in lib/fields.h: lines F(ENUM, "name") and K(ENUM, "name").
vocab() {
	sed -n "s/^[[:space:]]*$1([A-Z_]*, *\"\([a-z-]*\)\").*/\1/p" \
		"$BATS_TEST_DIRNAME/../lib/fields.h"
}

# check WHAT < OUTPUT: one line per rule OUTPUT breaks, as "WHAT: ...";
# OUTPUT is "field: value" lines, or JSON (an array, or objects, one a
# line). Field names in JSON are spelled with _ for -.
check() {
	$PY -c "$CHECK" "$1" "$(vocab F | tr '\n' ' ')" "$(vocab K | tr '\n' ' ')"
}
CHECK=$(cat <<'EOF'
import json, re, sys
what, fields, kinds = sys.argv[1], set(sys.argv[2].split()), set(sys.argv[3].split())
text = sys.stdin.read()
rfc3339 = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
def bad(msg):
    print(f"{what}: {msg}")
def field(name, value):
    if name not in fields:
        bad(f"field '{name}' is not in lib/fields.h")
    if value in (None, '-', '?'):
        return
    if isinstance(value, list):
        for v in value:
            if isinstance(v, dict):  # holders: {"pid": N, "command": S}
                for k, w in v.items():
                    field(k.replace('_', '-'), w)
        return
    if name == 'kind' and value not in kinds:
        bad(f"kind '{value}' is not in lib/fields.h")
    is_time = name in ('changed', 'used', 'modified', 'accessed', 'last-send',
                       'last-receive', 'last-attach', 'last-detach', 'last-op') \
        or re.match(r'^\d{4}-\d\d-\d\d', str(value))
    if is_time and not rfc3339.match(str(value)):
        bad(f"{name} '{value}' is not RFC 3339 UTC")
    if name == 'mode' and not re.match(r'^0[0-7]{3,4}$', str(value)):
        bad(f"mode '{value}' is not octal with a leading 0")
    if name == 'key' and not re.match(r'^0x[0-9a-f]{8}$', str(value)):
        bad(f"key '{value}' is not 0x and 8 hex digits")
if text.lstrip().startswith(('[', '{')):
    try:
        objs = json.loads(text)
    except ValueError:
        objs = [json.loads(l) for l in text.splitlines() if l.strip()]
    if isinstance(objs, dict):
        objs = [objs]
    for o in objs:
        for k, v in o.items():
            field(k.replace('_', '-'), v)
        if o.get('key') is not None and o.get('name') != o['key']:
            bad(f"System V name {o.get('name')!r} is not its key {o['key']!r}")
else:
    for l in text.splitlines():
        if l:
            k, _, v = l.partition(': ')
            field(k, v)
EOF
)

# show WHAT CMD...: check what CMD prints; it must succeed.
show() {
	local what=$1 out
	shift
	out=$("$@") || { echo "$what: exits $?"; return; }
	[ -n "$out" ] || { echo "$what: prints nothing"; return; }
	check "$what" <<<"$out"
}

@test "every field and kind any tool shows is in lib/fields.h; times RFC 3339 UTC, modes 0NNN, keys 0x" {
	local ps pq pm k problems
	[ "$(vocab F | wc -l)" -gt 10 ] || fail "lib/fields.h: no field list F(ENUM, \"name\")"
	[ "$(vocab K | wc -l)" -ge 6 ] || fail "lib/fields.h: no kind list K(ENUM, \"name\")"
	ps=$(posix_name) pq=$(posix_name) pm=$(posix_name) k=$(sysv_key 0)
	echo data > "$T/file"
	shmput "$ps" <<<"hello"
	shmput -k "$k" <<<"hello"
	# A small queue: root's RLIMIT_MSGQUEUE is shared with other runs.
	mqsend --max-msgs 2 --msg-size 64 "$pq" one
	mqsend -k "$k" one
	mqrecv -k "$k" > /dev/null  # sets the receive time
	mqsend -k "$k" two
	sempost -c 2 "$pm"
	# A holder, so that ipcls's JSON has holder objects to check too.
	spawn ipchold "shm:$ps" > "$T/hold.out"
	wait_until 10 grep -q ready "$T/hold.out"
	sempost --all-of 0,1 -k "$k"
	semwait -k "$k"             # sets the last-op time
	mine=(--name "$IPCUT_PREFIX*" --name "$(printf '0x%08x' "$k")")
	problems=$(
		show "shmcat --stat $ps" shmcat --stat "$ps"
		show "shmcat --stat -k" shmcat --stat -k "$k"
		show "shmcat --stat -F" shmcat --stat -F "$T/file"
		show "mqrecv --stat $pq" mqrecv --stat "$pq"
		show "mqrecv --stat -k" mqrecv --stat -k "$k"
		show "mqrecv --stat --json $pq" mqrecv --stat --json "$pq"
		show "mqrecv --stat --json -k" mqrecv --stat --json -k "$k"
		show "semwait --stat $pm" semwait --stat "$pm"
		show "semwait --stat -k" semwait --stat -k "$k"
		show "ipcls --json" ipcls --json "${mine[@]}"
		show "ipcls --json-lines" ipcls --json-lines "${mine[@]}"
		for t in "$ps" "$pq" "$pm"; do show "ipcls $t" ipcls "$t"; done
		show "ipcls -k" ipcls -k "$k"
	)
	# Six objects in ipcls's view: all of them were looked at.
	[ "$(ipcls --json-lines "${mine[@]}" | wc -l)" -eq 6 ]
	ipcls --json-lines -o holders "$ps" | grep -q '"pid":'
	[ -z "$problems" ] || fail "$problems"
}

@test "ipcls: its columns, in --help and in the --output error, are the first fields of lib/fields.h" {
	local want
	want=$(vocab F | sed '/^lost$/q' | tr '[:lower:]' '[:upper:]' | tr '\n' ' ')
	run ipcls -o bogus
	assert_failure 2
	want=${want% }
	assert_line --index 0 "ipcls: --output: unknown column 'bogus' (${want// /, })"
	run ipcls --help
	[ "$(sed -n '/^Columns: /,/(OUTPUT FIELDS/p' <<<"$output" | sed 's/^Columns: //; s/ (OUTPUT FIELDS.*//' | tr '\n' ' ')" = "$want " ]
}

@test "ipcls: the table's times are RFC 3339 UTC and System V names are keys, as in JSON" {
	local k
	k=$(sysv_key 0)
	shmput -k "$k" <<<"hello"
	run ipcls -r --noheadings -o KIND,NAME,KEY,MODE,CHANGED --name "$(printf '0x%08x' "$k")"
	assert_success
	assert_output --regexp "^sysv-shm $(printf '0x%08x' "$k") $(printf '0x%08x' "$k") 0600 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\$"
	run ipcls --json-lines -o name,key --name "$(printf '0x%08x' "$k")"
	assert_output "{\"name\":\"$(printf '0x%08x' "$k")\",\"key\":\"$(printf '0x%08x' "$k")\"}"
	# What the issue asked for: a filter on .name works for every kind.
	run bash -c "ipcls --json --name '$(printf '0x%08x' "$k")' | jq -r '.[] | select(.name | test(\"^0x\")) | .kind'"
	assert_output sysv-shm
}
