# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for sigsend (ipcutils), which shellcheck cannot read
complete -c sigsend -f
complete -c sigsend -n '__fish_seen_argument -s l -l list' -a '(sigsend -l 2>/dev/null | cut -d" " -f2)'
complete -c sigsend -n 'not __fish_seen_argument -s l -l list' -a '(__fish_complete_pids)'
complete -c sigsend -s g -l group -x -a '(ps -eo pgid= 2>/dev/null | sort -un)' -d 'also signal process group PGID'
complete -c sigsend -s h -l help -d 'display this help and exit'
complete -c sigsend -s k -l kill-after -x -a '1s 5s 10s 30s' -d 'send KILL after DURATION'
complete -c sigsend -s l -l list -d 'print or convert signal names'
complete -c sigsend -s p -l pidfile -r -F -d 'also signal the PID in FILE'
complete -c sigsend -s q -l value -x -d 'send with sigqueue, carrying N'
complete -c sigsend -s s -l signal -x -a '(sigsend -l 2>/dev/null | cut -d" " -f2) 0' -d 'the signal to send'
complete -c sigsend -s T -l timeout -x -a '1s 5s 10s 1m 5s:KILL' -d 'give up waiting after DURATION, or DURATION:SIG a step'
complete -c sigsend -s V -l version -d 'output version information and exit'
complete -c sigsend -s W -l wait-exist -d 'wait for each pidfile to appear'
complete -c sigsend -s w -l wait -d 'wait until every process has exited'
