# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# shmput, shmcat: hand data over through shared memory, atomically.
at_exit 'rm -f /dev/shm/ipcut-demo-result /dev/shm/ipcut-demo-handoff; ipcrm -M 0x1c0de5'
title "shmput, shmcat: shared memory from the shell"
show 'printf "build 42: ok\n" | shmput /ipcut-demo-result && ls -l /dev/shm/ipcut-demo-result'
show 'shmcat /ipcut-demo-result'
title "a hand-off: one script waits, the other puts"
show '(shmcat -W -u -T 5 /ipcut-demo-handoff | tr a-z A-Z) & sleep 0.2; echo "handed over" | shmput /ipcut-demo-handoff; wait; ls /dev/shm/ipcut-demo-handoff 2>&1 || true'
title "System V: a segment of the input's size, patched in place"
show 'printf "hello, world" | shmput -k 0x1c0de5 -m 640 && ipcs -m | grep -i 0x001c0de5'
show 'printf W | shmput -k 0x1c0de5 --offset 7 && shmcat -k 0x1c0de5; echo'
show 'shmcat -k 0x1c0de5 --offset 7 --length 5 | od -A d -t x1z'
show 'echo "too long for it" | shmput -k 0x1c0de5 || echo "(refused: exit status $?)"'
title "a file, mapped like a POSIX object"
show 'seq 3 | shmput -F state.map -m 644 && shmcat -F state.map --offset 2 --length 2'
show 'shmcat -u /ipcut-demo-result >/dev/null; shmcat -u -k 0x1c0de5 >/dev/null; rm -f state.map'
