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

#define main tool_main
#if defined(TOOL_duplex)
#include "../../cmd/duplex.c"
static void parse_line(int argc, char **argv)
{
	struct opts o = { .pty = -1, .grace_ns = -1, .sep = "=", .status_fd = -1 };
	parse(&o, argc, argv);
}
#elif defined(TOOL_ipcls)
#include "../../cmd/ipcls.c"
static struct opts ipcls_o;
static void parse_line(int argc, char **argv)
{
	free(ipcls_o.targets);
	free(ipcls_o.globs);
	ipcls_o = (struct opts){ .kinds = OBJ_ALL, .older_ns = -1, .idle_ns = -1 };
	parse_args(&ipcls_o, argc, argv);
}
#elif defined(TOOL_mkfifo_x)
#include "../../cmd/mkfifo-x.c"
static void parse_line(int argc, char **argv)
{
	struct opts o = { .mode = 0600 };
	parse_args(argc, argv, &o);
	check_args(&o);
}
#elif defined(TOOL_sempost)
#include "../../cmd/sempost.c"
static void parse_line(int argc, char **argv)
{
	struct opts o = { .create = { .create = true, .mode = 0600 } };
	ipcsem_args_init(&o.sem);
	parse(&o, argc, argv);
	check(&o);
}
#elif defined(TOOL_semwait)
#include "../../cmd/semwait.c"
static void parse_line(int argc, char **argv)
{
	struct opts o = { .timeout = -1 };
	ipcsem_args_init(&o.sem);
	parse(&o, argc, argv);
	check(&o);
}
#elif defined(TOOL_shmcat)
#include "../../cmd/shmcat.c"
static void parse_line(int argc, char **argv)
{
	struct shm s;
	struct opts o = { .len = UINT64_MAX, .timeout = -1 };
	shm_init(&s);
	parse_args(argc, argv, &s, &o);
}
#elif defined(TOOL_shmput)
#include "../../cmd/shmput.c"
static void parse_line(int argc, char **argv)
{
	struct shm s;
	struct opts o = { .mode = 0600 };
	shm_init(&s);
	parse_args(argc, argv, &s, &o);
}
#elif defined(TOOL_sockpipe)
#include "../../cmd/sockpipe.c"
static void parse_line(int argc, char **argv)
{
	struct sockpipe_opts o = {
		.relay = { .idle_ns = -1 },
		.delim = '\n', .term = '\n',
		.timeout_ns = -1, .retry_ns = -1,
		.mode = 0600, .max_conns = 64,
	};
	parse(argc, argv, &o);
	check(&o);
}
#elif defined(TOOL_mqsend)
#include "../../cmd/mqsend.c"
static void parse_line(int argc, char **argv)
{
	struct opts o;
	int first = parse(&o, argc, argv);
	check(&o, first < argc);
}
#elif defined(TOOL_mqrecv)
#include "../../cmd/mqrecv.c"
static void parse_line(int argc, char **argv)
{
	struct opts o;
	parse(&o, argc, argv);
}
#elif defined(TOOL_sigsend)
#include "../../cmd/sigsend.c"
static struct opts sigsend_o; /* its targets stay reachable on an exit */
static void parse_line(int argc, char **argv)
{
	free(sigsend_o.t);
	parse(&sigsend_o, argc, argv);
	if (!sigsend_o.listing)
		check(&sigsend_o);
}
#elif defined(TOOL_sigrecv)
#include "../../cmd/sigrecv.c"
static void parse_line(int argc, char **argv)
{
	struct opts o;
	parse(&o, argc, argv);
}
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
