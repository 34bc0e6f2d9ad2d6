# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Start-up: each tool's --version against /bin/true, 1,000 runs each. The
# goal is no slower than /bin/true; a static musl build (make O=build/musl
# CC=musl-gcc) is faster still, and is timed too when it has been built.
startup() { # startup LABEL DIR
	local t
	for t in "$2"/*; do
		if [ -f "$t" ] && [ -x "$t" ]; then
			RUNS=$(runs 1000) bench "$1" "$(basename "$t") --version" "$t --version" \
				"/bin/true" "/bin/true"
		fi
	done
}
startup startup "$BIN"
if [ -d "$BIN/musl" ]; then
	startup "startup (musl)" "$BIN/musl"
elif [ -d "$BIN/../build/musl" ]; then
	startup "startup (musl)" "$BIN/../build/musl"
fi
