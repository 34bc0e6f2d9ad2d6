# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for shmput (ipcutils), which shellcheck cannot read
complete -c shmput -f
# POSIX objects: the names in /dev/shm, with the slash when one is typed.
complete -c shmput -n 'not string match -q -- "-*" (commandline -ct)' -a '(set -l n (path basename /dev/shm/*); string match -q "/*" -- (commandline -ct); and set n /$n; string join \n -- $n)'
complete -c shmput -s E -l no-create -d 'fail if the object does not exist'
complete -c shmput -s F -l file -r -F -d 'a regular file, mapped like a POSIX object'
complete -c shmput -l ftok -r -F -d 'System V segment by the key ftok(3) makes'
complete -c shmput -s h -l help -d 'display help and exit'
complete -c shmput -s i -l id -x -a '(ipcs -m 2>/dev/null | awk \'$1 ~ /^0x/ { print $2 }\')' -d 'existing System V segment by identifier'
complete -c shmput -s k -l key -x -a 'private (ipcs -m 2>/dev/null | awk \'$1 ~ /^0x/ && $1 != "0x00000000" { print $1 }\')' -d 'System V segment by key'
complete -c shmput -s m -l mode -x -a '600 640 644 660 664 666' -d 'permissions of a new object'
complete -c shmput -l new -d 'a new private System V segment'
complete -c shmput -l offset -x -d 'write at byte OFF'
complete -c shmput -l print-id -d 'print the System V segment identifier'
complete -c shmput -l size -x -d 'make it SIZE bytes'
complete -c shmput -s V -l version -d 'output version information and exit'
complete -c shmput -s x -l exclusive -d 'fail if the object exists'
