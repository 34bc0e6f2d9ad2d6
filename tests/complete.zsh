#!/usr/bin/env zsh
# SPDX-License-Identifier: ISC
# complete.zsh SHELL DIR LINE: type LINE and a TAB into a real interactive
# SHELL (bash --norc or zsh -f) on a pseudo-terminal, with the completions
# in DIR loaded, and print the command line as the TAB left it. A key bound
# to "write the line to a file" follows the TAB, so the line is read back
# exactly, without parsing the terminal's output. Exit 1 after 30 s (a loaded machine starts zsh and compinit slowly).
emulate -L zsh
zmodload zsh/zpty || exit 1
# zselect waits without a process per look: sleep(1) forked 100 times a
# second, and under the suite's strace -f each fork is traced.
zmodload zsh/zselect || exit 1
local shell=$1 dir=$2 line=$3 out junk i dump=-D
# compinit scans every directory in fpath (a third of a second) unless
# COMPDUMP names a dump file that a first call made.
[[ -n $COMPDUMP ]] && dump="-d ${(q)COMPDUMP}"
out=$(mktemp -d) || exit 1
case $shell in
bash)
	# No history: bash would write it into $out as it exits on zpty -d's
	# HUP, while rm -rf empties $out.
	zpty comp env -i PATH="$PATH" HOME="$out" TERM=dumb HISTFILE= bash --norc --noprofile -i
	zpty -w comp "for f in $dir/*; do [ -f \"\$f\" ] && . \"\$f\"; done; bind -x '\"\\C-]\": printf %s \"\$READLINE_LINE\" > $out/l && mv $out/l $out/line'"
	;;
zsh)
	zpty comp env -i PATH="$PATH" HOME="$out" TERM=dumb zsh -f -i
	zpty -w comp "fpath=($dir \$fpath); autoload -Uz compinit; compinit -u $dump; dump() { print -rn -- \"\$BUFFER\" > $out/l && mv $out/l $out/line }; zle -N dump; bindkey '^]' dump"
	;;
*) print -u2 "complete.zsh: $shell: bash or zsh"; exit 2 ;;
esac
# The key after the TAB is ^], which no other binding starts: after ^X,
# a prefix of ^X^E and others, both shells wait half a second for more.
zpty -w -n comp "$line"$'\t\x1d'
for ((i = 0; i < 3000; i++)); do
	[[ -e $out/line ]] && break
	while zpty -r -t comp junk 2>/dev/null; do :; done
	zselect -t 1
done
zpty -d comp
if [[ -e $out/line ]]; then
	print -r -- "$(<$out/line)"
	rm -rf $out
else
	rm -rf $out
	print -u2 "complete.zsh: $shell: no line after 30 s: $line"
	exit 1
fi
