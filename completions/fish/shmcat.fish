# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for shmcat (ipcutils), which shellcheck cannot read
complete -c shmcat -f
# POSIX objects: the names in /dev/shm, with the slash when one is typed.
complete -c shmcat -n 'not string match -q -- "-*" (commandline -ct)' -a '(set -l n (path basename /dev/shm/*); string match -q "/*" -- (commandline -ct); and set n /$n; string join \n -- $n)'
complete -c shmcat -s f -l follow -d 'write each new version whole as it is put in place'
complete -c shmcat -s F -l file -r -F -d 'a regular file, mapped like a POSIX object'
complete -c shmcat -l ftok -r -F -d 'System V segment by the key ftok(3) makes'
complete -c shmcat -s h -l help -d 'display help and exit'
complete -c shmcat -s i -l id -x -a '(ipcs -m 2>/dev/null | awk \'$1 ~ /^0x/ { print $2 }\')' -d 'System V segment by identifier'
complete -c shmcat -s k -l key -x -a '(ipcs -m 2>/dev/null | awk \'$1 ~ /^0x/ && $1 != "0x00000000" { print $1 }\')' -d 'System V segment by key'
complete -c shmcat -l length -x -d 'write LEN bytes'
complete -c shmcat -l offset -x -d 'start at byte OFF'
complete -c shmcat -s s -l stat -d 'print size, mode, owner and times'
complete -c shmcat -s T -l timeout -x -a '100ms 1s 10s 1m' -d 'with -W, give up after DURATION'
complete -c shmcat -s u -l unlink -d 'remove the object after reading it'
complete -c shmcat -s V -l version -d 'output version information and exit'
complete -c shmcat -s W -l wait-exist -d 'wait for the object to exist'
