# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for sigsend (ipcutils), which shellcheck cannot read
complete -c sigsend -f
complete -c sigsend -n '__fish_seen_argument -s L -l list' -a '(sigsend -L 2>/dev/null | cut -d" " -f2)'
complete -c sigsend -n 'not __fish_seen_argument -s L -l list' -a '(__fish_complete_pids)'
complete -c sigsend -l escalate -x -a '5s:INT 5s:KILL' -d 'a step: DURATION after the last signal, send SIG'
complete -c sigsend -s g -l group -x -a '(ps -eo pgid= 2>/dev/null | sort -un)' -d 'also signal process group PGID'
complete -c sigsend -s h -l help -d 'display this help and exit'
complete -c sigsend -l kill-after -x -a '1s 5s 10s 30s' -d 'send KILL after DURATION'
complete -c sigsend -s L -l list -d 'print or convert signal names'
complete -c sigsend -l pidfile -r -F -d 'also signal the PID in FILE'
complete -c sigsend -s q -l value -x -d 'send with sigqueue, carrying N'
complete -c sigsend -l signal -x -a '(sigsend -L 2>/dev/null | cut -d" " -f2) 0' -d 'the signal to send'
complete -c sigsend -s T -l timeout -x -a '1s 5s 10s 1m' -d 'give up waiting after DURATION in all'
complete -c sigsend -s V -l version -d 'output version information and exit'
complete -c sigsend -s W -l wait-exist -d 'wait for each pidfile to appear'
complete -c sigsend -s w -l wait -d 'wait until every process has exited'
