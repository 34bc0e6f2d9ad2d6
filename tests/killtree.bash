# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Sourced by tests/helper.bash and tests/closematrix.sh.
# kill_tree PID: PID and everything it started, stopped first so that it
# starts nothing more. Killing only the PID spawn gave left the rest of a
# `spawn bash -c 'yes | mqsend Q'` running under init: an mqsend blocked
# on its full, already unlinked queue held 80 KiB of root's
# RLIMIT_MSGQUEUE each, until no test could make a queue.
kill_tree() {
	local child
	kill -STOP "$1" 2>/dev/null || return 0
	for child in $(pgrep -P "$1"); do
		kill_tree "$child"
	done
	kill -KILL "$1" 2>/dev/null
}
