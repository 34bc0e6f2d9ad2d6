# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2016
# ipcls: every kind in one table, holders, JSON, cleaning up.
at_exit 'ipcls --delete --force --name "demo-ls-*" --name 0x6c730001'
title "ipcls: every IPC object, who holds it, and cleaning up"
show 'shmput /demo-ls-state <<<"state" && seq 3 | mqsend /demo-ls-jobs && shmput -k 0x6c730001 <<<"segment" && ipcls --name "demo-ls-*" --name 0x6c730001'
show 'exec 3< /dev/shm/demo-ls-state; ipcls -o kind,name,holders --holder $$; exec 3<&-'
show 'ipcls /demo-ls-jobs'
show 'ipcls --json -o kind,name,size,messages --name "demo-ls-*"'
show 'exec 3< /dev/shm/demo-ls-state; ipcls --delete --name "demo-ls-*" --name 0x6c730001; echo "status $? (one is held)"'
show 'ipcls --delete --name "demo-ls-*"'
