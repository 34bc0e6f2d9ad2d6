# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# mkfifo-x: a temporary FIFO's whole life (make, run a command with it,
# remove it) against what scripts hand-roll: mktemp -d, mkfifo, rm -r.
if ! have mktemp || ! have mkfifo; then
	note "mktemp or mkfifo missing: skipped"
	return
fi
# shellcheck disable=SC2016 # expanded by the shell timeit runs
RUNS=$(runs 300) bench "temp FIFO life" \
	"mkfifo-x -t -e -- true" "mkfifo-x -t -e -- true" \
	"mktemp+mkfifo+rm" 'd=$(mktemp -d) && mkfifo -m 600 "$d/f" && FIFO=$d/f true; rm -r "$d"'
