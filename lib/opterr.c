/* SPDX-License-Identifier: ISC */
#include <getopt.h>
#include <string.h>

#include "diag.h"
#include "opterr.h"

int getopt_taking(int argc, char **argv, const char *optstring, const struct option *longopts,
		  bool (*take)(void *arg, int c, const char *optarg), void *arg)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1 &&
	       take(arg, c, optarg))
		;
	return c;
}

void usage_bad_option(int argc, char *const argv[], const char *optstring, int c)
{
	/*
	 * A long option is a whole argument, and getopt_long has moved optind
	 * past it. A missing argument can only be at the end (musl then leaves
	 * optind at argc + 1, and its permutation may have moved the NULL at
	 * argv[argc] in). An invalid short option may sit in a bundle musl has
	 * not moved past yet, so only optopt is trusted for it.
	 */
	int i = optind - 1 < argc ? optind - 1 : argc - 1;
	const char *arg = i > 0 && argv[i] ? argv[i] : "";
	int is_long = arg[0] == '-' && arg[1] == '-';
	int n = (int)strcspn(arg, "=");

	if (c == ':' && is_long)
		usage_error("option '%.*s' needs an argument", n, arg);
	if (c == ':')
		usage_error("option '-%c' needs an argument", optopt);
	if (optopt == 0 && is_long)
		usage_error("unknown or ambiguous option '%s'", arg);
	/* A valid option refused: a long one given an argument it does not take. */
	if (is_long && (optopt > 255 || (optopt > 0 && strchr(optstring, optopt))))
		usage_error("option '%.*s' takes no argument", n, arg);
	usage_error("invalid option -- '%c'", optopt);
}
