#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The release: one VERSION (Makefile) in --version, man page footers,
# debian/changelog and NEWS; make dist gives a tarball that builds alone.

load helper

TOP=$BATS_TEST_DIRNAME/..

version() {
	sed -n 's/^VERSION = //p' "$TOP/Makefile"
}

tools() {
	sed -n 's/^TOOLS = //p' "$TOP/Makefile"
}

@test "VERSION from the Makefile is in --version, man footers, debian/changelog and NEWS" {
	local v t page
	v=$(version)
	[[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
	for t in $(tools); do
		run "$t" --version
		assert_output "$t (ipcutils) $v"
	done
	for page in "$TOP"/man/*.[17]; do
		run sed -n 's/^\.Os //p' "$IPCUTILS_BIN/man/${page##*/}"
		assert_output "ipcutils $v"
		# A real date, not $Mdocdate$ (which shows the day it is read).
		run sed -n 's/^\.Dd //p' "$page"
		assert_output --regexp '^(January|February|March|April|May|June|July|August|September|October|November|December) [1-9][0-9]?, 20[0-9][0-9]$'
	done
	run head -1 "$TOP/debian/changelog"
	assert_output --regexp "^ipcutils \($v\) "
	grep -q "^\* ipcutils $v" "$TOP/NEWS"
}

@test "make dist: ipcutils-VERSION.tar.gz holds git's files and builds on its own" {
	local v tree
	[ -e "$TOP/.git" ] || skip "not a git checkout (an unpacked tarball)"
	v=$(version)
	run make -s -C "$TOP" dist DISTDIR="$T"
	assert_success
	[ -f "$T/ipcutils-$v.tar.gz" ]
	diff <(git -C "$TOP" ls-tree -r --name-only HEAD | sort) \
		<(tar -tzf "$T/ipcutils-$v.tar.gz" | grep -v '/$' | sed "s|^ipcutils-$v/||" | sort)
	tar -xzf "$T/ipcutils-$v.tar.gz" -C "$T"
	tree=$T/ipcutils-$v
	run make -s -C "$tree" -j2 WERROR=1
	assert_success
	run "$tree/build/shmcat" --version
	assert_output "shmcat (ipcutils) $v"
	# Without git, the suite still finds every file (here: the SPDX check).
	run bats "$tree/tests/license.bats"
	assert_success
	refute_output --partial "not ok"
}

@test "make uninstall removes what make install put in place, without PREFIX again" {
	local top=$BATS_TEST_DIRNAME/.. rec
	rec=$top/build/.install-prefix
	[ -f "$rec" ] && cp "$rec" "$T/saved"
	make -s -C "$top" install PREFIX="$T/p" >/dev/null
	[ -x "$T/p/bin/mqsend" ]
	# A staged install (a package build) is not what uninstall removes from.
	make -s -C "$top" install DESTDIR="$T/stage" PREFIX=/usr >/dev/null
	run make -s -C "$top" uninstall
	if [ -f "$T/saved" ]; then cp "$T/saved" "$rec"; else rm -f "$rec"; fi
	assert_success
	[ ! -e "$T/p/bin/mqsend" ]
	[ ! -e "$T/p/share/man/man1/mqsend.1" ]
	[ -x "$T/stage/usr/bin/mqsend" ]
}

# NEWS and the package description name every tool, and count them right.
@test "NEWS and debian/control name every tool in TOOLS, and as many" {
	local t n words=(zero one two three four five six seven eight nine ten eleven twelve
		thirteen fourteen fifteen sixteen)
	n=$(tools | wc -w)
	grep -q "^  First release: ${words[n]} tools" "$TOP/NEWS"
	for t in $(tools); do
		grep -q "^  *- .*\b$t\b" "$TOP/debian/control" || { echo "debian/control: no $t"; false; }
		sed -n '/^  First release/,/^\*/p' "$TOP/NEWS" | grep -q "\b$t\b" ||
			{ echo "NEWS: no $t in the first release"; false; }
	done
}
