# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# shellcheck disable=SC2016 # the commands are shown, then run by show's shell
# duplex: two commands joined both ways.
title "duplex: a script asks bc, bc answers; each one's output is the other's input"
show 'duplex sh -c '\''for q in "2^64" "scale=5; 4*a(1)"; do echo "$q"; read -r a; echo "$q = $a" >&2; done'\'' = bc -l'

title "duplex: a scripted client tests a line server; the transcript shows both ways"
show 'printf "%s\n" "while read -r c a; do case \$c in PING) echo PONG;; QUIT) echo BYE; exit;; esac; done" > server.sh
duplex --trace session.log sh -c '\''echo PING; read -r r; echo QUIT; read -r r; echo "last: $r" >&2'\'' = sh server.sh
cat session.log'

title "duplex: the status tells a command killed by a signal (dpipe says 0, socat 1)"
show 'duplex -v true = sh -c '\''kill -KILL $$'\''; echo "status $?"'

title "duplex: sed buffers into a pipe; on a pty it answers line by line"
show 'duplex --pty B sh -c '\''echo hello; read -r x; echo "$x" >&2'\'' = sed "s/^/> /"'
at_exit "rm -f '$DEMO/server.sh' '$DEMO/session.log'"
