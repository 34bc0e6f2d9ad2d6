# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# shellcheck disable=SC2016 # the commands are shown, then run by demo/run
# mkfifo-x: named pipes, temporary ones, and a command run with them.
title "mkfifo-x: FIFOs made safely, and removed when the work is done"
show 'mkfifo-x -v -m 640 -p spool/in && ls -l spool && rm -r spool'
show 'mkfifo-x -c 2 -tjob.XXXXXX | tee list; xargs rm < list; rm list'
show 'mkfifo-x -t -e -- sh -c '\''seq 3 > "$FIFO" & tr 1-3 a-c < "$FIFO"'\'''
show 'printf "b\na\nc\n" > x; printf "c\nb\nd\n" > y
mkfifo-x -t -c 2 -v -e -- sh -c '\''sort x > "$FIFO1" & sort y > "$FIFO2" & comm -3 "$FIFO1" "$FIFO2"'\'' 2>&1
rm x y'
show 'mkfifo-x -t -e -- sh -c '\''exit 3'\''; echo "status $?, FIFOs left: $(find "$TMPDIR" -type p | wc -l)"'
show 'echo precious > file; mkfifo-x --exist-ok file; echo "status $?"; cat file; rm file'
