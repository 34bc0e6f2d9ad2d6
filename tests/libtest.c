/* SPDX-License-Identifier: ISC */
/*
 * libtest: drives lib/ from the shell so tests/lib.bats can check each
 * piece and its messages. Not installed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>

#include "cleanup.h"
#include "deadline.h"
#include "diag.h"
#include "exec.h"
#include "io.h"
#include "ipcname.h"
#include "parse.h"
#include "prefix.h"
#include "record.h"
#include "tmpname.h"
#include "tool.h"

static int target(int argc, char **argv)
{
	static const struct option opts[] = {
		IPC_LONGOPT_FTOK, IPC_LONGOPT_ID, IPC_LONGOPT_KEY, { 0 }
	};
	struct ipc_target t;
	int c;

	ipc_target_init(&t);
	while ((c = getopt_long(argc, argv, "i:k:", opts, NULL)) != -1)
		if (!ipc_target_option(&t, c, optarg))
			usage_error("bad option");
	if (optind < argc)
		ipc_target_name(&t, argv[optind]);
	ipc_target_require(&t);
	if (t.kind == IPC_POSIX)
		printf("posix %s\n", t.name);
	else if (t.id >= 0)
		printf("sysv id %d\n", t.id);
	else
		printf("sysv key %d\n", (int)t.key);
	printf("%s\n", t.label);
	return 0;
}

/* records DELIM MAX: print each record of stdin as "LEN:DATA" or "toobig N LEN". */
static int records(const char *delim, const char *max)
{
	int d = strcmp(delim, "nl") == 0 ? '\n' : strcmp(delim, "nul") == 0 ? '\0' : REC_WHOLE;
	struct rec_reader r;
	struct rec_writer w;
	char *rec;
	size_t len;
	int n;

	rec_reader_init(&r, 0, d, (size_t)arg_u64("max", max, 0, SIZE_MAX));
	rec_writer_init(&w, 1, '\n');
	while ((n = rec_read(&r, &rec, &len)) != 0) {
		char head[64];
		if (n < 0 && n != REC_TOOBIG)
			die(1, "standard input:");
		if (n == REC_TOOBIG) {
			snprintf(head, sizeof head, "toobig %" PRIu64 " %zu", r.count, len);
			if (rec_write(&w, head, strlen(head)) < 0)
				die_stdout();
			continue;
		}
		snprintf(head, sizeof head, "%zu:", len);
		if (rec_append(&w, head, strlen(head)) < 0 || rec_write(&w, rec, len) < 0)
			die_stdout();
	}
	if (rec_flush(&w) < 0)
		die_stdout();
	rec_reader_free(&r);
	rec_writer_free(&w);
	return 0;
}

static int make_file(const char *path, void *arg)
{
	(void)arg;
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
}

/* cleanup PATH: make a temporary file beside PATH, print its name, and
 * wait for a signal; the file must be gone however the process ends. */
static int cleanup(const char *path)
{
	static char tmp[4096];
	size_t nx = tmpname_beside(tmp, sizeof tmp, path, "libtest");

	if (nx == 0 || tmpname_make(tmp, nx, make_file, NULL) < 0)
		die(1, "%s:", path);
	cleanup_push(cleanup_unlink, tmp);
	cleanup_on_signals();
	printf("%s\n", tmp);
	fflush(stdout);
	pause();
	return 0;
}

/* prefix ADDRESS [+PREFIX|-PREFIX]...: whether --allow/--deny rules let ADDRESS in. */
static int prefix(int argc, char **argv)
{
	struct prefix_rules r = { 0 };
	struct prefix a;
	const struct prefix *rule;
	const char *why;

	for (int i = 3; i < argc; i++)
		prefix_add(&r, argv[i][0] == '+' ? "--allow" : "--deny", argv[i] + 1, argv[i][0] == '+');
	if (prefix_parse(argv[2], &a, &why) < 0 || a.len != 128)
		usage_error("%s: not an address", argv[2]);
	bool ok = prefix_allows(&r, &a.addr, &rule);
	printf("%s %s%s\n", ok ? "allowed" : "refused", rule ? (rule->allow ? "--allow " : "--deny ") : "",
	       rule ? rule->text : "(no rule)");
	free(r.v);
	return 0;
}

int main(int argc, char **argv)
{
	tool_init("libtest");
	if (argc < 2)
		usage_error("missing command");
	const char *cmd = argv[1];
	if (strcmp(cmd, "u64") == 0 && argc == 5)
		printf("%" PRIu64 "\n", arg_u64("--n", argv[2],
			arg_u64("min", argv[3], 0, UINT64_MAX),
			arg_u64("max", argv[4], 0, UINT64_MAX)));
	else if (strcmp(cmd, "i64") == 0 && argc == 3)
		printf("%" PRId64 "\n", arg_i64("--n", argv[2], -100, 100));
	else if (strcmp(cmd, "size") == 0 && argc == 3)
		printf("%" PRIu64 "\n", arg_size("--size", argv[2], UINT64_MAX));
	else if (strcmp(cmd, "duration") == 0 && argc == 3)
		printf("%" PRId64 "\n", arg_duration("--timeout", argv[2]));
	else if (strcmp(cmd, "mode") == 0 && argc == 3)
		printf("%04o\n", (unsigned)arg_mode("--mode", argv[2]));
	else if (strcmp(cmd, "target") == 0)
		return target(argc - 1, argv + 1);
	else if (strcmp(cmd, "prefix") == 0 && argc >= 3)
		return prefix(argc, argv);
	else if (strcmp(cmd, "records") == 0 && argc == 4)
		return records(argv[2], argv[3]);
	else if (strcmp(cmd, "cleanup") == 0 && argc == 3)
		return cleanup(argv[2]);
	else if (strcmp(cmd, "die") == 0 && argc == 3)
		die(1, "%s:", argv[2]);
	else if (strcmp(cmd, "puts") == 0 && argc == 3)
		puts(argv[2]);
	else if (strcmp(cmd, "exec") == 0 && argc >= 3)
		exec_command(argv + 2);
	else if (strcmp(cmd, "deadline") == 0 && argc == 3) {
		struct deadline dl;
		deadline_start(&dl, arg_duration("-T", argv[2]));
		/* poll on nothing until the deadline; prints the ms it waited */
		int64_t t0 = now_ns();
		while (!deadline_passed(&dl))
			wait_fd(-1, 0, deadline_poll_ms(&dl));
		printf("%" PRId64 "\n", (now_ns() - t0) / 1000000);
	} else
		usage_error("unknown command '%s'", cmd);
	return 0;
}
