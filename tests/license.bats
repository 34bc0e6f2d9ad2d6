#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The licence: LICENSE at the root and an SPDX line near the top of every
# source file, so files added later are caught here.

load helper

# Files that carry no SPDX line: documentation, data and packaging metadata
# whose formats have their own place for the licence (debian/copyright).
spdx_exempt() {
	case $1 in
	LICENSE | NEWS | *.md | .gitignore | .shellcheckrc) return 0 ;;
	debian/changelog | debian/copyright | debian/source/* | debian/*.install | debian/*.docs | debian/docs) return 0 ;;
	# Fuzzer inputs are bytes, not source: a line added would change them.
	tests/fuzz/corpus/* | tests/fuzz/regress/*) return 0 ;;
	esac
	return 1
}

# Every file of the tree: git's list in a checkout, else (an unpacked
# tarball) every file on disk.
source_files() {
	local top=$BATS_TEST_DIRNAME/..
	if [ -e "$top/.git" ]; then
		git -C "$top" ls-files
	else
		(cd "$top" && find . -path ./build -prune -o -type f -print | sed 's|^\./||')
	fi
}

@test "LICENSE is the ISC licence" {
	run head -1 "$BATS_TEST_DIRNAME/../LICENSE"
	assert_output "ISC License"
}

@test "every source file has an SPDX line in its first three lines" {
	local top=$BATS_TEST_DIRNAME/.. f missing=()
	while IFS= read -r f; do
		spdx_exempt "$f" && continue
		head -3 "$top/$f" | grep -qE 'SPDX-License-Identifier: ISC( |$)' || missing+=("$f")
	done < <(source_files)
	[ "${#missing[@]}" -eq 0 ] || { printf 'no SPDX line: %s\n' "${missing[@]}"; false; }
}
