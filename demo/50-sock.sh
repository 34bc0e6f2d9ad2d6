# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# shellcheck disable=SC2016 # the commands are shown, then run by show's shell
# sockpipe: sockets in pipelines.
title "sockpipe: a request, and a reply that arrives only after end of input"
show 'sockpipe -l -e unix:sock -- wc -l & sockpipe -R 5 unix:sock < /etc/services; wait'

title "sockpipe: a log sink; lines from many clients never interleave"
show 'sockpipe -l --keep unix:log.sock > app.log & srv=$!
for i in 1 2 3; do seq -f "client $i line %g" 3 | sockpipe -R 5 unix:log.sock & pids+=($!); done
wait "${pids[@]}"; kill $srv; wait $srv; sort app.log'

title "sockpipe: an echo server on a free TCP port"
show 'sockpipe -le --keep --print-port=3 tcp::0 -- tr a-z A-Z 3> port & srv=$!
echo "hello over tcp" | sockpipe tcp:localhost:"$(tail -n +1 -F port 2>/dev/null | head -n 1)"; kill $srv'

title "sockpipe: datagrams keep their boundaries"
show 'sockpipe -l --keep -r unix-dgram:dg > dg.out & srv=$!
printf "one\ntwo words\n" | sockpipe -R 5 --quit-on-eof unix-dgram:dg
tail -c +1 -F dg.out 2>/dev/null | head -c 12 >/dev/null; kill $srv; wait $srv; od -c dg.out'
rm -f port app.log dg.out
