# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for sigrecv (ipcutils), which shellcheck cannot read
complete -c sigrecv -f
# KILL and STOP cannot be waited for.
complete -c sigrecv -a '(sigsend -L 2>/dev/null | cut -d" " -f2 | string match -v -r "^(KILL|STOP)\$")'
complete -c sigrecv -s c -l count -x -d 'exit after N signals'
complete -c sigrecv -s f -l follow -d 'go on until killed'
complete -c sigrecv -s h -l help -d 'display this help and exit'
complete -c sigrecv -l pidfile -r -F -d 'write the PID to FILE'
complete -c sigrecv -s T -l timeout -x -a '1s 5s 10s 1m' -d 'give up after DURATION'
complete -c sigrecv -s v -l verbose -d 'end each line with code=WHO'
complete -c sigrecv -s V -l version -d 'output version information and exit'
