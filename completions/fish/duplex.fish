# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for duplex (ipcutils), which shellcheck cannot read
# Options, then COMMAND1 and its arguments, then after '=' COMMAND2 and its
# arguments: each command line completes as its own.
function __duplex_command_line
	set -l t (commandline -opc)[2..-1]
	set -l i 1
	while test $i -le (count $t); and string match -q -- '-*' $t[$i]
		contains -- $t[$i] --grace --pty -S --separator --status-fd --trace
		and set i (math $i + 1)
		set i (math $i + 1)
	end
	set t $t[$i..-1]
	set -l eq (contains -i -- = $t)
	and set t $t[(math $eq + 1)..-1]
	string join \n -- $t
end
function __duplex_in_command
	test (count (__duplex_command_line)) -gt 0
end
function __duplex_complete
	set -l t (__duplex_command_line)
	if test (count $t) -eq 0
		__fish_complete_command
	else
		complete -C (string join ' ' -- (string escape -- $t) (commandline -ct))
	end
end
complete -c duplex -x -a '(__duplex_complete)'
complete -c duplex -n 'not __duplex_in_command' -l fds -d 'the channels on fds 6 and 7, stdin and stdout left alone'
complete -c duplex -n 'not __duplex_in_command' -l grace -x -a '100ms 1s 5s 30s' -d 'TERM the command left running after DURATION, then KILL'
complete -c duplex -n 'not __duplex_in_command' -s h -l help -d 'display this help and exit'
complete -c duplex -n 'not __duplex_in_command' -l pty -x -a 'A B' -d 'a pseudo-terminal for COMMAND1 (A) or COMMAND2 (B)'
complete -c duplex -n 'not __duplex_in_command' -s S -l separator -x -d 'WORD separates the commands instead of ='
complete -c duplex -n 'not __duplex_in_command' -l status-fd -x -a '3 4 5' -d 'write both statuses to file descriptor N'
complete -c duplex -n 'not __duplex_in_command' -l trace -r -F -d 'write a transcript of both directions to FILE'
complete -c duplex -n 'not __duplex_in_command' -s v -l verbose -d 'say how each command ended'
complete -c duplex -n 'not __duplex_in_command' -s V -l version -d 'output version information and exit'
