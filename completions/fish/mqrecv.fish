# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for mqrecv (ipcutils), which shellcheck cannot read
complete -c mqrecv -f
# POSIX queues: the names in /dev/mqueue, with the slash when one is typed.
complete -c mqrecv -n 'not string match -q -- "-*" (commandline -ct)' -a '(set -l n (path basename /dev/mqueue/*); string match -q "/*" -- (commandline -ct); and set n /$n; string join \n -- $n)'
complete -c mqrecv -s 0 -l null -d 'end each message with NUL'
complete -c mqrecv -l netstring -d 'write each message as a netstring'
complete -c mqrecv -s c -l count -x -d 'receive N messages'
complete -c mqrecv -s f -l follow -d 'receive until interrupted'
complete -c mqrecv -l ftok -r -F -d 'System V queue with the key ftok(3) makes'
complete -c mqrecv -s h -l help -d 'display this help and exit'
complete -c mqrecv -s i -l id -x -a '(ipcs -q 2>/dev/null | awk \'$1 ~ /^0x/ { print $2 }\')' -d 'System V queue by identifier'
complete -c mqrecv -l idle-timeout -x -a '100ms 1s 10s 1m' -d 'give up when no message has come for DURATION'
complete -c mqrecv -s J -l json -d 'with --stat: one JSON object'
complete -c mqrecv -s k -l key -x -a '(ipcs -q 2>/dev/null | awk \'$1 ~ /^0x/ && $1 != "0x00000000" { print $1 }\')' -d 'System V queue by key'
complete -c mqrecv -s n -l nonblock -d 'do not wait'
complete -c mqrecv -s P -l show-priority -d 'write each priority or type and a tab first'
complete -c mqrecv -s r -l raw -d 'write messages with nothing after them'
complete -c mqrecv -s s -l stat -d 'print the queue attributes'
complete -c mqrecv -s T -l timeout -x -a '100ms 1s 10s 1m' -d 'wait at most DURATION in all'
complete -c mqrecv -l type -x -d 'System V message type'
complete -c mqrecv -s u -l unlink -d 'remove the queue after receiving'
complete -c mqrecv -s V -l version -d 'output version information and exit'
complete -c mqrecv -s W -l wait-exist -d 'wait for the queue to exist'
