#include <getopt.h>
#include <string.h>

#include "diag.h"
#include "opterr.h"

void usage_bad_option(char *const argv[], int c)
{
	/* getopt_long has moved optind past the culprit. */
	const char *arg = argv[optind - 1];
	int is_long = arg[0] == '-' && arg[1] == '-';

	if (c == ':' && is_long)
		usage_error("option '%.*s' needs an argument", (int)strcspn(arg, "="), arg);
	if (c == ':')
		usage_error("option '-%c' needs an argument", optopt);
	if (is_long && optopt)
		usage_error("option '%.*s' takes no argument", (int)strcspn(arg, "="), arg);
	if (is_long)
		usage_error("unknown or ambiguous option '%s'", arg);
	usage_error("invalid option -- '%c'", optopt);
}
