# shellcheck shell=bash
# Start-up: each tool's --version against /bin/true, 1,000 runs each. The
# goal is no slower than /bin/true; a static musl build (make O=build/musl
# CC=musl-gcc) is faster still.
for t in "$BIN"/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	RUNS=$(runs 1000) bench "startup" "$(basename "$t") --version" "$t --version" \
		"/bin/true" "/bin/true"
done
musl=$top/build/musl
if [ -d "$musl" ] && [ "$musl" != "$BIN" ]; then
	for t in "$musl"/*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		RUNS=$(runs 1000) bench "startup (musl)" "$(basename "$t") --version" "$t --version" \
			"/bin/true" "/bin/true"
	done
fi
