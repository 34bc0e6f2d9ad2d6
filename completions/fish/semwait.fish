# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for semwait (ipcutils), which shellcheck cannot read
function __semwait_after_dashdash
	contains -- -- (commandline -opc)
end
complete -c semwait -f
# After --, the COMMAND and its arguments.
complete -c semwait -n '__semwait_after_dashdash' -x -a '(set -l t (commandline -opc); set -l i (contains -i -- -- $t); set t $t[(math $i + 1)..-1]; if test (count $t) -eq 0; __fish_complete_command; else; complete -C (string join " " -- (string escape -- $t) (commandline -ct)); end)'
# POSIX semaphores: /dev/shm/sem.NAME, with the slash when one is typed.
complete -c semwait -n 'not __semwait_after_dashdash; and not string match -q -- "-*" (commandline -ct)' -a '(set -l n (path basename /dev/shm/sem.*); set n (string replace -r "^sem\\." "" -- $n); string match -q "/*" -- (commandline -ct); and set n /$n; string join \n -- $n)'
complete -c semwait -n 'not __semwait_after_dashdash' -l all-of -x -d 'System V: one permit of each member N of the set'
complete -c semwait -n 'not __semwait_after_dashdash' -s c -l count -x -d 'take N permits, all or none'
complete -c semwait -n 'not __semwait_after_dashdash' -l ftok -r -F -d 'System V set with the key ftok(3) makes'
complete -c semwait -n 'not __semwait_after_dashdash' -s h -l help -d 'display this help and exit'
complete -c semwait -n 'not __semwait_after_dashdash' -s i -l id -x -a '(ipcs -s 2>/dev/null | awk \'$1 ~ /^0x/ { print $2 }\')' -d 'System V set by identifier'
complete -c semwait -n 'not __semwait_after_dashdash' -s k -l key -x -a '(ipcs -s 2>/dev/null | awk \'$1 ~ /^0x/ && $1 != "0x00000000" { print $1 }\')' -d 'System V set by key'
complete -c semwait -n 'not __semwait_after_dashdash' -s n -l nonblock -d 'do not wait: status 124 if not free'
complete -c semwait -n 'not __semwait_after_dashdash' -s s -l stat -d 'print the value, take nothing'
complete -c semwait -n 'not __semwait_after_dashdash' -s T -l timeout -x -a '100ms 1s 10s 1m' -d 'wait at most DURATION'
complete -c semwait -n 'not __semwait_after_dashdash' -s u -l unlink -d 'remove the semaphore afterwards'
complete -c semwait -n 'not __semwait_after_dashdash' -s V -l version -d 'output version information and exit'
complete -c semwait -n 'not __semwait_after_dashdash' -s W -l wait-exist -d 'wait for the semaphore to exist'
complete -c semwait -n 'not __semwait_after_dashdash' -s z -l zero -d 'System V: wait until the value is 0'
