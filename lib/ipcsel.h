/* SPDX-License-Identifier: ISC */
/*
 * Which IPC objects ipcls shows or removes: its filters and targets
 * (every one given must match), and what makes an object held or stale.
 */
#ifndef IPCUTILS_IPCSEL_H
#define IPCUTILS_IPCSEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "ipcname.h"
#include "ipcobj.h"

struct ipcsel {
	unsigned kinds;          /* --kind, or every kind */
	bool have_owner;
	uid_t owner;
	const char **globs;      /* --name: any of them */
	size_t nglobs;
	int64_t older_ns, idle_ns; /* -1: not given */
	pid_t holder;            /* 0: not given */
	bool stale;
	struct ipc_target *targets; /* none: every object */
	size_t ntargets;
	time_t now;
	bool procs_hidden;       /* /proc does not show every process */
	int64_t undo_since;      /* see struct ipc_list */
};

/* Is x the object target t names? */
bool ipcsel_target_matches(const struct ipc_target *t, const struct ipc_obj *x);
/*
 * Has a live holder: one seen, or a System V segment attached by a process
 * this user cannot see.
 */
bool ipcsel_held(const struct ipc_obj *x);
/* Does x pass every filter in s, and match one of its targets if any? */
bool ipcsel_selected(const struct ipcsel *s, const struct ipc_obj *x);

#endif
