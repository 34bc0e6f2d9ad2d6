/* SPDX-License-Identifier: ISC */
/*
 * Each tool's option handling. tests/fuzz/run builds this file once per
 * tool, as the harness opt-NAME, with -DTOOL_NAME (a '-' in NAME as '_'):
 * it includes cmd/NAME.c with its main renamed and calls what parses and
 * checks the command line, as main does, on arguments read from the input
 * (NUL-separated). Property: that returns, or exits 0 (--help,
 * --version), 2 (a usage error) or 1 (an operand that names a file that
 * cannot be used, such as --ftok's); never anything else, never a crash.
 */
#include "fuzz.h"

/*
 * Each tool's parse(argc, argv, &o) sets its own defaults and checks; o is
 * static so that what it allocated stays reachable when parse exits, and
 * FREE releases what the previous input's parse allocated. PARSE_AS names
 * the type where it is not the tool's own struct opts (sockpipe's modes
 * in lib/ share theirs).
 */
#define PARSE_AS(TYPE, FREE)                                            \
	static TYPE o;                                                  \
	static void parse_line(int argc, char **argv)                   \
	{                                                               \
		FREE;                                                   \
		parse(argc, argv, &o);                                  \
	}
#define PARSE(FREE) PARSE_AS(struct opts, FREE)

#define main tool_main
#if defined(TOOL_duplex)
#include "../../cmd/duplex.c"
PARSE((void)0)
#elif defined(TOOL_ipcls)
#include "../../cmd/ipcls.c"
PARSE((free(o.sel.targets), free(o.sel.globs)))
#elif defined(TOOL_mkfifo_x)
#include "../../cmd/mkfifo-x.c"
PARSE(free(o.names))
#elif defined(TOOL_sempost)
#include "../../cmd/sempost.c"
PARSE((void)0)
#elif defined(TOOL_semwait)
#include "../../cmd/semwait.c"
PARSE((void)0)
#elif defined(TOOL_shmcat)
#include "../../cmd/shmcat.c"
PARSE((void)0)
#elif defined(TOOL_shmput)
#include "../../cmd/shmput.c"
PARSE((void)0)
#elif defined(TOOL_sockpipe)
#include "../../cmd/sockpipe.c"
PARSE_AS(struct sockpipe_opts, free(o.rules.v))
#elif defined(TOOL_mqsend)
#include "../../cmd/mqsend.c"
PARSE((void)0)
#elif defined(TOOL_mqrecv)
#include "../../cmd/mqrecv.c"
PARSE((void)0)
#elif defined(TOOL_sigsend)
#include "../../cmd/sigsend.c"
PARSE(free(o.t))
#elif defined(TOOL_sigrecv)
#include "../../cmd/sigrecv.c"
PARSE((void)0)
#else
#error "build with -DTOOL_NAME for a tool this harness knows"
#endif
#undef main

#define MAX_ARGS 64

struct line {
	int argc;
	char **argv;
};

static void call(void *p)
{
	struct line *l = p;

	optind = 0; /* glibc: start getopt afresh */
	parse_line(l->argc, l->argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *argv[MAX_ARGS + 2];
	char *buf = malloc(size + 1);
	int argc = 0;

	if (!buf)
		abort();
	fz_quiet();
	if (!freopen("/dev/null", "w", stdout))
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	progname = TOOL_NAME;
	argv[argc++] = (char *)TOOL_NAME;
	for (size_t i = 0; i < size && argc <= MAX_ARGS; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;

	struct line l = { argc, argv };
	int st = fz_call(call, &l);
	FZ_CHECK(st == FZ_RETURNED || st == 0 || st == EXIT_USAGE || st == EXIT_FAIL);
	free(buf);
	return 0;
}
