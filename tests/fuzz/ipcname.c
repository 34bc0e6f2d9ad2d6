/* SPDX-License-Identifier: ISC */
/*
 * lib/ipcname: the NAME operand, -k KEY, -i ID and --ftok PATH[:PROJ].
 * The first byte picks the form. Properties: each either returns or exits
 * 1 or 2; a POSIX name taken is one component with its leading slash; a
 * second target is a usage error.
 */
#include <unistd.h>

#include "fuzz.h"
#include "diag.h"
#include "ipcname.h"

struct job {
	struct ipc_target t;
	int opt;
	const char *s;
};

static void take(void *p)
{
	struct job *j = p;

	if (j->opt == 0)
		ipc_target_name(&j->t, j->s);
	else
		FZ_CHECK(ipc_target_option(&j->t, j->opt, j->s));
}

static void require(void *p)
{
	ipc_target_require(&((struct job *)p)->t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int opts[] = { 0, 'k', 'i', IPC_OPT_FTOK };

	if (size < 1)
		return 0;
	fz_quiet();
	char *s = fz_str(data + 1, size - 1);
	struct job j = { .opt = opts[data[0] % 4], .s = s };

	ipc_target_init(&j.t);
	int st = fz_call(take, &j);
	FZ_CHECK(st == FZ_RETURNED || st == EXIT_USAGE || (st == EXIT_FAIL && j.opt == IPC_OPT_FTOK));
	if (st == FZ_RETURNED) {
		FZ_CHECK(j.t.kind != IPC_NONE);
		FZ_CHECK(fz_call(require, &j) == FZ_RETURNED);
		if (j.t.kind == IPC_POSIX) {
			FZ_CHECK(j.t.name[0] == '/' && !strchr(j.t.name + 1, '/'));
			FZ_CHECK(strlen(j.t.name) > 1 && strlen(j.t.name) <= NAME_MAX + 1);
		}
		/* A second target is refused. */
		j.opt = 0;
		j.s = "second";
		FZ_CHECK(fz_call(take, &j) == EXIT_USAGE);
	} else {
		ipc_target_init(&j.t);
		FZ_CHECK(fz_call(require, &j) == EXIT_USAGE);
	}
	free(s);
	return 0;
}
