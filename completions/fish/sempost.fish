# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for sempost (ipcutils), which shellcheck cannot read
complete -c sempost -f
# POSIX semaphores: /dev/shm/sem.NAME, with the slash when one is typed.
complete -c sempost -n 'not string match -q -- "-*" (commandline -ct)' -a '(set -l n (path basename /dev/shm/sem.*); set n (string replace -r "^sem\\." "" -- $n); string match -q "/*" -- (commandline -ct); and set n /$n; string join \n -- $n)'
complete -c sempost -l all-of -x -d 'System V: post to each member N of the set'
complete -c sempost -s c -l count -x -d 'add N permits'
complete -c sempost -s E -l no-create -d 'fail if the semaphore does not exist'
complete -c sempost -l ftok -r -F -d 'System V set with the key ftok(3) makes'
complete -c sempost -s h -l help -d 'display this help and exit'
complete -c sempost -s i -l id -x -a '(ipcs -s 2>/dev/null | awk \'$1 ~ /^0x/ { print $2 }\')' -d 'existing System V set by identifier'
complete -c sempost -s k -l key -x -a '(ipcs -s 2>/dev/null | awk \'$1 ~ /^0x/ && $1 != "0x00000000" { print $1 }\')' -d 'System V set by key'
complete -c sempost -s m -l mode -x -a '600 640 660' -d 'permissions of a new semaphore'
complete -c sempost -s V -l version -d 'output version information and exit'
complete -c sempost -s T -l timeout -x -d 'with -W, wait at most DURATION'
complete -c sempost -s W -l wait-exist -d 'wait for the semaphore to exist instead of making it'
complete -c sempost -s x -l exclusive -d 'fail if the semaphore exists'
complete -c sempost -l init -x -d 'post nothing: make a missing semaphore with N permits'
complete -c sempost -l set -x -d 'post nothing: set the value to N'
complete -c sempost -l recover -d 'POSIX: post the permits of holders that died holding them'
