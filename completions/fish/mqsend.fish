# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for mqsend (ipcutils), which shellcheck cannot read
complete -c mqsend -f
# POSIX queues: the names in /dev/mqueue, with the slash when one is typed.
complete -c mqsend -n 'not string match -q -- "-*" (commandline -ct)' -a '(set -l n (path basename /dev/mqueue/*); string match -q "/*" -- (commandline -ct); and set n /$n; string join \n -- $n)'
complete -c mqsend -s 0 -l null -d 'input records end with NUL'
complete -c mqsend -l netstring -d 'input records are netstrings'
complete -c mqsend -s a -l all -d 'the whole input is one message'
complete -c mqsend -s E -l no-create -d 'fail if the queue does not exist'
complete -c mqsend -l ftok -r -F -d 'System V queue with the key ftok(3) makes'
complete -c mqsend -s h -l help -d 'display this help and exit'
complete -c mqsend -s i -l id -x -a '(ipcs -q 2>/dev/null | awk \'$1 ~ /^0x/ { print $2 }\')' -d 'existing System V queue by identifier'
complete -c mqsend -l idle-timeout -x -a '100ms 1s 10s 1m' -d 'give up when the queue has had no room for DURATION'
complete -c mqsend -s k -l key -x -a 'private (ipcs -q 2>/dev/null | awk \'$1 ~ /^0x/ && $1 != "0x00000000" { print $1 }\')' -d 'System V queue by key'
complete -c mqsend -s m -l mode -x -a '600 640 644 660 666' -d 'permissions of a new queue'
complete -c mqsend -l max-msgs -x -d 'a new POSIX queue holds N messages'
complete -c mqsend -l msg-size -x -d 'a new POSIX queue takes messages up to SIZE'
complete -c mqsend -s n -l nonblock -d 'fail if the queue is full'
complete -c mqsend -l priority -x -d 'POSIX priority'
complete -c mqsend -s T -l timeout -x -a '100ms 1s 10s 1m' -d 'wait at most DURATION in all'
complete -c mqsend -l type -x -d 'System V message type'
complete -c mqsend -s x -l exclusive -d 'fail if the queue exists'
complete -c mqsend -s V -l version -d 'output version information and exit'
complete -c mqsend -s W -l wait-exist -d 'wait for the queue to exist instead of making it'
