# SPDX-License-Identifier: ISC
# shellcheck disable=all # fish completion for sockpipe (ipcutils), which shellcheck cannot read
# ADDRESS: a kind and what follows it: socket files, abstract names in use
# (/proc/net/unix), or a host.
function __ipcutils_sockpipe_address
	set -l cur (commandline -ct)
	switch $cur
	case 'unix:*' 'unix-dgram:*'
		set -l kind (string split -m1 : -- $cur)[1]
		set -l files (string replace -r '^[^:]*:' '' -- $cur)*
		for f in $files
			if test -d $f
				echo $kind:$f/
			else if test -S $f
				echo $kind:$f
			end
		end
	case 'abstract:*'
		awk '$8 ~ /^@/ { print "abstract:" substr($8, 2) }' /proc/net/unix 2>/dev/null
	case 'tcp:*' 'tcp4:*' 'tcp6:*' 'udp:*' 'udp4:*' 'udp6:*'
		set -l kind (string split -m1 : -- $cur)[1]
		printf '%s\n' $kind:localhost: $kind:127.0.0.1: "$kind:[::1]:"
	case '*/*'
		__fish_complete_path $cur
	case '*'
		printf '%s\n' unix: abstract: unix-dgram: tcp: tcp4: tcp6: udp: udp4: udp6: tcp:localhost: udp:localhost:
	end
end
complete -c sockpipe -f
complete -c sockpipe -n 'not __fish_seen_subcommand_from --' -a '(__ipcutils_sockpipe_address)'
complete -c sockpipe -s 0 -l null -d 'records end with NUL'
complete -c sockpipe -s a -l all -d 'the whole input is one record'
complete -c sockpipe -l allow -x -a '127.0.0.0/8 ::1 10.0.0.0/8 192.168.0.0/16 fd00::/8' -d 'with -l on tcp: let clients in PREFIX in'
complete -c sockpipe -l deny -x -a '0.0.0.0/0 ::/0 10.0.0.0/8 192.168.0.0/16' -d 'with -l on tcp: refuse clients in PREFIX'
complete -c sockpipe -l backlog -x -a '16 128 4096' -d 'with -l: connections the kernel queues unaccepted'
complete -c sockpipe -s e -l exec -d 'with -l: run COMMAND for each connection'
complete -c sockpipe -s h -l help -d 'display this help and exit'
complete -c sockpipe -l idle-timeout -x -a '100ms 1s 5s 30s 1m' -d 'stop when nothing has moved for DURATION'
complete -c sockpipe -l keep -d 'with -l: serve connections until interrupted'
complete -c sockpipe -l keepalive -x -a '1s 10s 60s 0' -d 'tcp: probe a connection idle for DURATION'
complete -c sockpipe -l netstring -d 'records are netstrings'
complete -c sockpipe -l user-timeout -x -a '1s 10s 60s 0' -d 'tcp: end a connection unacknowledged for DURATION'
complete -c sockpipe -l userspec -x -a '(__fish_complete_users)' -d 'with -l: once listening, run as USER (and GROUP)'
complete -c sockpipe -s l -l listen -d 'listen on ADDRESS'
complete -c sockpipe -s m -l mode -x -a '600 660 666' -d 'permissions of a unix socket file'
complete -c sockpipe -l max-conns -x -a '1 16 64 256' -d 'with --keep: at most N connections at once'
complete -c sockpipe -l max-per-ip -x -a '1 2 4 16' -d 'with --keep on tcp: at most N connections from one address'
complete -c sockpipe -l print-port -d 'with -l: write the port bound to stderr, or to FD'
complete -c sockpipe -l quit-on-eof -d 'stop at end of input'
complete -c sockpipe -s r -l raw -d 'write records with no terminator'
complete -c sockpipe -s R -l retry -x -a '100ms 1s 5s 30s 1m' -d 'keep trying to connect for DURATION'
complete -c sockpipe -s T -l timeout -x -a '100ms 1s 5s 30s 1m' -d 'give up if not connected within DURATION'
complete -c sockpipe -s v -l verbose -d 'one line per connection on standard error'
complete -c sockpipe -s V -l version -d 'output version information and exit'
