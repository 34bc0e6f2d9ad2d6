# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2016
# Semaphores: N job slots, crash safety, a barrier, all-of, a hand-off.
at_exit 'semwait -s -u /demo-ready; semwait -s -u -k 0x73656d01; semwait -s -u -k 0x73656d02; semwait -s -u -k 0x73656d03'
title "sempost, semwait: at most two jobs at once"
show 'sempost -c 2 -k 0x73656d01 && semwait -s -k 0x73656d01 | grep -e ^value -e ^kind'
show 'for j in 1 2 3 4 5; do semwait -k 0x73656d01 -- sh -c "echo job $j starts; sleep 0.1; echo job $j ends" & done; wait'
title "A holder killed with SIGKILL gives its permit back (System V: SEM_UNDO)"
show 'semwait -k 0x73656d01 -- sh -c "semwait -s -k 0x73656d01 | grep ^value > held; exec sleep 60" & pid=$!
echo "held, $(tail -n +1 -F held 2>/dev/null | head -n 1)"
{ kill -KILL $pid; wait $pid; } 2>/dev/null; echo "killed, $(semwait -s -k 0x73656d01 | grep ^value)"'
show 'semwait -n -c 3 -k 0x73656d01; echo "status $? (only two permits)"'
show 'semwait -c 3 -T 250ms -k 0x73656d01; echo "status $? (no third permit within 250ms)"'
title "A barrier: go on when three workers have checked in"
show 'sempost -c 3 -k 0x73656d02; for w in 1 2 3; do (echo "worker $w in"; semwait -k 0x73656d02) & done; semwait -z -T 5s -k 0x73656d02 && echo "all in"; wait'
title "Two resources at once, all or nothing (--all-of)"
show 'sempost -k 0x73656d03 --all-of 0,1 && semwait -k 0x73656d03 --all-of 0,1 -- sh -c "semwait -s -k 0x73656d03 | grep ^values"'
title "A hand-off between two scripts (P and V)"
show 'sempost /demo-ready && semwait /demo-ready; (seq 3 > data && sempost /demo-ready) & semwait -T 5s /demo-ready && cat data; wait'
