/* SPDX-License-Identifier: ISC */
/*
 * Naming IPC objects: POSIX NAME or /NAME, System V -k KEY, -i ID or
 * --ftok PATH[:PROJ]. One parser, so every tool accepts the same forms and
 * says the same things about them.
 */
#ifndef IPCUTILS_IPCNAME_H
#define IPCUTILS_IPCNAME_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>

enum ipc_kind { IPC_NONE, IPC_POSIX, IPC_SYSV };

struct ipc_target {
	enum ipc_kind kind;
	char name[NAME_MAX + 2]; /* POSIX: always with its leading slash */
	key_t key;               /* System V by key; IPC_PRIVATE for -k private */
	int id;                  /* System V by identifier (-i), else -1 */
	char label[PATH_MAX + 48]; /* how messages name it */
};

#define IPC_OPT_FTOK 0x1f70

/* The long options every IPC tool has; put them in its sorted table. */
#define IPC_LONGOPT_FTOK { "ftok", required_argument, NULL, IPC_OPT_FTOK }
#define IPC_LONGOPT_ID   { "id", required_argument, NULL, 'i' }
#define IPC_LONGOPT_KEY  { "key", required_argument, NULL, 'k' }

void ipc_target_init(struct ipc_target *t);
/*
 * Take -k KEY ('k'), -i ID ('i') or --ftok PATH[:PROJ] (IPC_OPT_FTOK).
 * Returns false if opt is none of them. A malformed value or a second
 * target is a usage error; an ftok path that cannot be used exits 1.
 * KEY is decimal or 0x hex, or "private" for a new private object.
 */
bool ipc_target_option(struct ipc_target *t, int opt, const char *arg);
/*
 * getopt_long (opterr off, for usage_bad_option) for a tool that names a
 * target: -k, -i and --ftok go to ipc_target_option; returns the tool's
 * next option, or -1 when they end.
 */
int ipc_target_getopt(struct ipc_target *t, int argc, char **argv, const char *optstring,
		      const struct option *longopts);
/* Take the operand NAME or /NAME. */
void ipc_target_name(struct ipc_target *t, const char *arg);
/* A usage error unless a target was given. */
void ipc_target_require(const struct ipc_target *t);
/*
 * After the options: with no -k, -i or --ftok, the operand at argv[optind]
 * is the NAME (optind moves past it); then a target is required.
 */
void ipc_target_operand(struct ipc_target *t, int argc, char **argv);

/*
 * Exit 1 saying why the object label names could not be opened, from
 * errno: no such WHAT, permission denied, no SET with that identifier
 * (System V), removed, or the system error. what: "message queue";
 * set: what a System V identifier names ("semaphore set").
 */
noreturn void ipc_die_open(const char *label, enum ipc_kind kind, const char *what,
			   const char *set);

#endif
