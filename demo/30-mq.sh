# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2016
# Message queues: a job queue with priorities, System V types, a drain.
at_exit 'mqrecv -s -u /demo-jobs; mqrecv -s -u /demo-bin; ipcrm -Q 0x6d710001'
title "mqsend, mqrecv: a job queue for shell scripts"
show 'seq 1 6 | mqsend /demo-jobs && mqsend --priority 5 /demo-jobs urgent && mqrecv -s /demo-jobs'
show 'mqrecv -P -c 2 /demo-jobs'
# A worker takes the next job only once it has read the last: while one is
# busy, the other takes the next.
show 'for w in a b; do mqrecv -f -n /demo-jobs | while read -r j; do echo "worker $w: job $j"; sleep 0.2; done & done; wait'
show 'mqrecv -n /demo-jobs; echo "status $? (empty queue)"'
show 'mqrecv -T 0.3 -u /demo-jobs; echo "status $? (nothing within 0.3s)"'
title "System V: pick messages by type"
show 'key=0x6d710001; mqsend -k $key --type 3 three && mqsend -k $key --type 1 one && mqsend -k $key --type 2 two && mqrecv -P --type -2 -k $key && mqrecv -n -f -P -u -k $key'
show 'printf "no\0delimiter\n here" | mqsend -a /demo-bin && mqrecv -r -u /demo-bin | od -c | head -2'
