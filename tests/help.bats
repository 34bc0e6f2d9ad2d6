#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every tool's --help reads alike: the same -h and -V lines, descriptions
# in one column, one spelling of option arguments, a "Usage: NAME" first
# line and an "Exit status:" last line. A failure names every tool and
# line that breaks a rule, so one run shows all that is left to fix.

bats_require_minimum_version 1.5.0
load helper

tools() {
	sed -n 's/^TOOLS = //p' "$BATS_TEST_DIRNAME/../Makefile"
}

# The column descriptions start at: the 28th character, as in these two.
HELP_LINE='  -h, --help               display this help and exit'
VERSION_LINE='  -V, --version            output version information and exit'
COL=27  # spaces before a description (or a continuation line)

# help_problems TOOL: one line per rule TOOL's --help breaks.
help_problems() {
	local t=$1 text line prev='' opt desc n i
	local -a lines
	text=$("$t" --help) || { echo "$t: --help exits $?"; return; }
	mapfile -t lines <<<"$text"
	n=${#lines[@]}
	[[ ${lines[0]} == "Usage: $t "* ]] || echo "$t: first line: ${lines[0]}"
	[[ ${lines[n - 1]} == "Exit status:"* ]] || echo "$t: last line: ${lines[n - 1]}"
	grep -qxF -- "$HELP_LINE" <<<"$text" || echo "$t: no line '$HELP_LINE'"
	grep -qxF -- "$VERSION_LINE" <<<"$text" || echo "$t: no line '$VERSION_LINE'"
	for ((i = 0; i < n; i++)); do
		line=${lines[i]}
		# An option's arguments are words in capitals (N, PATH[:PROJ]), so
		# a description one space after them is seen, not taken for one.
		if [[ $line =~ ^(\ \ -[[:alnum:]],\ |\ \ \ \ \ \ )(--[[:alnum:]-]+[^ ]*( [[:upper:][][[:upper:][:digit:][:punct:]]*)*)(\ +)?(.*)$ ]]; then
			opt=${BASH_REMATCH[2]}
			desc=${BASH_REMATCH[5]}
			# --key KEY, not --key=KEY; an optional one is --temp[=TEMPLATE].
			[[ $opt =~ --[[:alnum:]-]+= ]] && echo "$t: '=' in '$opt': $line"
			if [ -z "$desc" ]; then
				# Too long: the description is on the next line, in the column.
				[[ ${lines[i + 1]} =~ ^\ {$COL}[^\ ] ]] ||
					echo "$t: no description in column $((COL + 1)) after: $line"
			else
				local head=${line%"$desc"}
				[ "${#head}" -eq "$COL" ] ||
					echo "$t: description at column $((${#head} + 1)), not $((COL + 1)): $line"
			fi
			prev=option
		elif [[ $prev == option && $line =~ ^\ {8,}[^\ -] ]]; then
			# A continuation of an option's description.
			[[ $line =~ ^\ {$COL}[^\ ] ]] ||
				echo "$t: continuation not in column $((COL + 1)): $line"
		else
			prev=''
		fi
	done
}

@test "every tool's --help: -h and -V lines, one column, --key KEY, Usage: and Exit status:" {
	local t problems=''
	for t in $(tools); do
		problems+=$(help_problems "$t")$'\n'
	done
	problems=$(grep -v '^$' <<<"$problems" || true)
	[ -z "$problems" ] || { printf '%s\n' "$problems"; false; }
}

# A closed stdout is a write error (CONVENTIONS): --help and --version
# have nowhere to go, so they fail with a message, never exit 0.
@test "every tool's --help and --version with stdout closed: exit 1 and say so" {
	local t opt problems='' err rc
	for t in $(tools); do
		for opt in --help --version; do
			rc=0
			err=$("$t" "$opt" 2>&1 >&-) || rc=$?
			[ "$rc" -eq 1 ] || problems+="$t $opt: exit $rc, not 1"$'\n'
			[[ $err == "$t: standard output"* ]] || problems+="$t $opt: said '$err'"$'\n'
		done
	done
	[ -z "$problems" ] || { printf '%s' "$problems"; false; }
}

# help_flags TOOL: each option in TOOL's --help, -X and --LONG, one a line.
help_flags() {
	"$1" --help | sed -nE 's/^  (-[[:alnum:]]), (--[[:alnum:]-]+).*/\1\n\2/p; s/^      (--[[:alnum:]-]+).*/\1/p' |
		sort -u
}

# synopsis_flags TOOL: the same from man/TOOL.1's SYNOPSIS: each word after
# Fl up to the next macro, a group such as "Fl ehv" letter by letter, "\-"
# (the -- that ends the options) left out.
synopsis_flags() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$BATS_TEST_DIRNAME/../man/$1.1" |
		awk '{
			for (i = 1; i <= NF; i++) {
				if ($i != "Fl")
					continue
				for (j = i + 1; j <= NF && $j !~ /^[A-Z][a-z][a-z]?$/ && $j != "|"; j++) {
					if ($j ~ /^\\-[[:alnum:]-]+$/)
						print "-" substr($j, 2)
					else if ($j ~ /^[[:alnum:]]+$/)
						for (k = 1; k <= length($j); k++)
							print "-" substr($j, k, 1)
				}
			}
		}' | sort -u
}

@test "every man page's SYNOPSIS names each option of --help, short and long, and no other" {
	local t problems=''
	for t in $(tools); do
		problems+=$(diff <(help_flags "$t") <(synopsis_flags "$t") |
			sed -n "s/^< /$t: SYNOPSIS lacks /p; s/^> /$t: not in --help: /p")$'\n'
	done
	problems=$(grep -v '^$' <<<"$problems" || true)
	[ -z "$problems" ] || { printf '%s\n' "$problems"; false; }
}

# table_options: the option table of ipcutils(7), OPTIONS ACROSS THE SUITE,
# as "TOOL -X --LONG" (or "TOOL --LONG" for a long-only row), one a line.
table_options() {
	sed -n '/^\.Sh OPTIONS ACROSS THE SUITE/,/^\.Sh /p' "$BATS_TEST_DIRNAME/../man/ipcutils.7" |
		awk '
		function flush(   i, n, w) {
			if (opt == "")
				return
			n = split(tools, w, /[ ,.]+/)
			for (i = 1; i <= n; i++)
				if (w[i] != "")
					print w[i], opt
			opt = ""
		}
		/^\.It / || /^\.El/ {
			flush()
			if ($1 != ".It")
				next
			# .It Fl c , Fl \-count Ar N: "-c --count"; .It Fl \-ftok ...: "--ftok"
			opt = ""; tools = ""; intools = 0
			for (i = 2; i <= NF; i++)
				if ($(i - 1) == "Fl")
					opt = opt (opt == "" ? "" : " ") ($i ~ /^\\-/ ? "-" substr($i, 2) : "-" $i)
			next
		}
		/^Tools:/ { intools = 1; sub(/^Tools:/, "") }
		intools { tools = tools " " $0 }
		END { flush() }' | sort -u
}

# help_options TOOL: TOOL's options from --help, "TOOL -X --LONG" or "TOOL --LONG".
help_options() {
	"$1" --help | sed -nE "s/^  (-[[:alnum:]]), (--[[:alnum:]-]+).*/$1 \\1 \\2/p; s/^      (--[[:alnum:]-]+).*/$1 \\1/p" |
		sort -u
}

# Issue 23: one letter, one meaning. Every letter a tool takes is in the
# table with its long name and that tool; a long-only option is there
# too when more than one tool has it; the table lists nothing a tool lacks,
# and no letter or long name twice.
@test "every tool's options agree with the option table of ipcutils(7)" {
	local table help t problems=''
	table=$(table_options)
	[ -n "$table" ] || { echo "ipcutils(7) has no OPTIONS ACROSS THE SUITE table"; false; }
	help=$(for t in $(tools); do help_options "$t"; done | sort -u)
	# One row per letter, one per long name.
	problems+=$(awk '{ $1 = ""; print }' <<<"$table" | sort -u | tr ' ' '\n' | grep . |
		sort | uniq -d | sed 's/^/table: in more than one row: /')$'\n'
	# Long-only options of a single tool need no row; any other does.
	local longs
	longs=$(awk '{ print $NF }' <<<"$table" | sort -u)
	problems+=$(awk 'NF == 2 { print $2 }' <<<"$help" | sort | uniq -d |
		grep -vxF -f <(printf '%s\n' "$longs") | sed 's/^/table: no row for a long-only option of several tools: /')$'\n'
	help=$(awk -v longs="$longs" 'BEGIN { n = split(longs, l, "\n"); for (i = 1; i <= n; i++) in_table[l[i]] = 1 }
		NF == 3 || in_table[$2]' <<<"$help" | sort -u)
	problems+=$(diff <(printf '%s\n' "$help") <(printf '%s\n' "$table") |
		sed -n 's/^< \([^ ]*\) \(.*\)/\1: --help has "\2", not so in the table/p; s/^> \([^ ]*\) \(.*\)/\1: the table says "\2", not --help/p')$'\n'
	problems=$(grep -v '^$' <<<"$problems" || true)
	[ -z "$problems" ] || { printf '%s\n' "$problems"; false; }
}
