# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# sigsend and sigrecv: signals with values, readiness, waiting, escalation.
# shellcheck disable=SC2016 # show runs each string in its own shell
title "sigsend, sigrecv: signals that carry values, sent safely"
show 'sigsend -L | grep -E "^(1|15|34|35|63|64) "'
show 'sigsend -L RTMIN+2 USR1'
show 'sigrecv -c 3 --pidfile worker.pid USR1 RTMIN &
sigsend -W -T 5s --signal USR1 --pidfile worker.pid
sigsend --signal RTMIN -q 42 --pidfile worker.pid
/bin/kill -s RTMIN --queue 7 "$(head -n 1 worker.pid)"
wait'
# disown: the KILL is sigsend's to report, not the shell's ("Killed").
show 'sh -c "trap \"\" TERM; exec sleep 60" & disown; sleep 0.1
sigsend -w -T 300ms $!; echo "status $?"
sigsend --kill-after 200ms $!; echo "status $?"'
show 'sigsend -- -1; sigsend 0; echo "status $?"'
