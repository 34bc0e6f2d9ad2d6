/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <unistd.h>

#include "diag.h"
#include "ipcname.h"
#include "opterr.h"
#include "parse.h"

void ipc_target_init(struct ipc_target *t)
{
	memset(t, 0, sizeof *t);
	t->kind = IPC_NONE;
	t->id = -1;
}

static void only_one(const struct ipc_target *t)
{
	if (t->kind != IPC_NONE)
		usage_error("more than one object given (already %s); name one: NAME, -k KEY, -i ID or --ftok PATH",
			    t->label);
}

static void set_key(struct ipc_target *t, key_t key)
{
	t->kind = IPC_SYSV;
	t->key = key;
	snprintf(t->label, sizeof t->label, "key 0x%08x", (unsigned)key);
}

/* ftok(3) reads only the low 8 bits of PROJ, and 0 is reserved. */
static void set_ftok(struct ipc_target *t, const char *arg)
{
	char path[PATH_MAX];
	const char *colon = strrchr(arg, ':');
	uint64_t proj = 1;
	size_t len = strlen(arg);

	if (colon) {
		const char *p = colon + 1;

		len = (size_t)(colon - arg);
		if (p[0] != '\0' && p[1] == '\0' && !(p[0] >= '0' && p[0] <= '9'))
			proj = (unsigned char)p[0]; /* ftok(path, 'a') */
		else if (parse_u64(p, 1, 255, &proj) < 0)
			usage_error("--ftok: invalid project id '%s' (1 to 255, or one character)", p);
	}
	if (len == 0)
		usage_error("--ftok: missing path (PATH[:PROJ])");
	if (len >= sizeof path)
		usage_error("--ftok: path too long");
	memcpy(path, arg, len);
	path[len] = '\0';
	key_t key = ftok(path, (int)proj);
	if (key == -1)
		die(EXIT_FAIL, "%s: cannot make a key with ftok:", path);
	set_key(t, key);
	size_t n = strlen(t->label);
	snprintf(t->label + n, sizeof t->label - n, " (ftok %s:%u)", path,
		 (unsigned)proj);
}

bool ipc_target_option(struct ipc_target *t, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 'k':
		only_one(t);
		if (strcmp(arg, "private") == 0) {
			set_key(t, IPC_PRIVATE);
			strcpy(t->label, "new private object");
			return true;
		}
		if (parse_u64(arg, 0, 0xffffffffu, &v) < 0)
			usage_error("--key: invalid key '%s' (decimal, 0x hex, or private)", arg);
		if (v == IPC_PRIVATE)
			usage_error("--key: key 0 is IPC_PRIVATE; say '-k private' for a new private object");
		set_key(t, (key_t)(uint32_t)v);
		return true;
	case 'i':
		only_one(t);
		if (parse_u64(arg, 0, INT_MAX, &v) < 0)
			usage_error("--id: invalid identifier '%s' (0 to %d, as ipcs shows it)",
				    arg, INT_MAX);
		t->kind = IPC_SYSV;
		t->id = (int)v;
		snprintf(t->label, sizeof t->label, "id %d", t->id);
		return true;
	case IPC_OPT_FTOK:
		only_one(t);
		set_ftok(t, arg);
		return true;
	}
	return false;
}

static bool take_target(void *t, int c, const char *arg)
{
	return ipc_target_option(t, c, arg);
}

int ipc_target_getopt(struct ipc_target *t, int argc, char **argv, const char *optstring,
		      const struct option *longopts)
{
	return getopt_taking(argc, argv, optstring, longopts, take_target, t);
}

void ipc_target_name(struct ipc_target *t, const char *arg)
{
	const char *base = arg[0] == '/' ? arg + 1 : arg;
	size_t len = strlen(base);

	only_one(t);
	if (len == 0)
		usage_error("empty object name; a POSIX name is NAME or /NAME");
	if (strchr(base, '/'))
		usage_error("'%s': a POSIX object name is one path component: NAME or /NAME",
			    arg);
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		usage_error("'%s' is not a valid object name", arg);
	if (len > NAME_MAX)
		usage_error("object name too long (%zu bytes; at most %d)", len, NAME_MAX);
	t->kind = IPC_POSIX;
	t->name[0] = '/';
	memcpy(t->name + 1, base, len + 1);
	snprintf(t->label, sizeof t->label, "%s", t->name);
}

void ipc_target_operand(struct ipc_target *t, int argc, char **argv)
{
	if (t->kind == IPC_NONE && optind < argc)
		ipc_target_name(t, argv[optind++]);
	ipc_target_require(t);
}

void ipc_target_require(const struct ipc_target *t)
{
	if (t->kind == IPC_NONE)
		usage_error("no object given; name one: NAME, -k KEY, -i ID or --ftok PATH");
}

void ipc_die_open(const char *label, enum ipc_kind kind, const char *what, const char *set)
{
	if (errno == ENOENT)
		die(EXIT_FAIL, "%s: no such %s", label, what);
	if (errno == EACCES || errno == EPERM)
		die(EXIT_FAIL, "%s: permission denied", label);
	if (errno == EINVAL && kind == IPC_SYSV)
		die(EXIT_FAIL, "%s: no %s with that identifier", label, set);
	if (errno == EIDRM)
		die(EXIT_FAIL, "%s: the %s has been removed", label, what);
	die(EXIT_FAIL, "%s: cannot open %s:", label, what);
}
