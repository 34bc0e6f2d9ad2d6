# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Runs once before the whole suite: a scratch directory every test works
# under, and a snapshot of the IPC objects that existed before, so the last
# file (zz-suite.bats) can tell what the suite left behind.

setup_suite() {
	IPCUT_DIR=$(mktemp -d /tmp/ipcut-suite.XXXXXX)
	# Unprivileged users run tools in it for the permission tests.
	chmod 0755 "$IPCUT_DIR"
	export IPCUT_DIR
	# One number per run, so two suites at once use different keys and names.
	IPCUT_RUN=$(( $$ % 256 ))
	export IPCUT_RUN
	ipc_snapshot > "$IPCUT_DIR/before"
}

teardown_suite() {
	rm -rf "${IPCUT_DIR:?}"
}

# Every System V object and POSIX object, one per line, but those of
# other runs of the suite (their keys and names carry another run number).
ipc_snapshot() {
	local kind key id rest
	{
		for kind in m q s; do
			ipcs -"$kind" | while read -r key id rest; do
				[[ $key == 0x* && $id =~ ^[0-9]+$ ]] || continue
				# Keys of the form 0x4RRxxxxx belong to suite run RR.
				(( (key >> 30) == 1 && ((key >> 22) & 255) != IPCUT_RUN )) && continue
				echo "sysv-$kind $key $id"
			done
		done
		find /dev/shm /dev/mqueue -mindepth 1 -maxdepth 1 2>/dev/null |
			grep -v '/\(sem\.\)\?ipcut-[0-9]*-'
		find /dev/shm /dev/mqueue -maxdepth 1 \( -name "ipcut-$IPCUT_RUN-*" -o -name "sem.ipcut-$IPCUT_RUN-*" \) 2>/dev/null
		find /tmp -maxdepth 1 \( -type p -o -type s \) 2>/dev/null
	} | sort
}
export -f ipc_snapshot
