/* SPDX-License-Identifier: ISC */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "holders.h"
#include "ipcsel.h"
#include "parse.h"
#include "proc.h"

bool ipcsel_target_matches(const struct ipc_target *t, const struct ipc_obj *x)
{
	if (t->kind == IPC_POSIX)
		return x->id < 0 && strcmp(t->name, x->name) == 0;
	if (t->id >= 0)
		return x->id == t->id;
	return x->id >= 0 && x->key == t->key;
}

/* No such process, or none known (0). */
static bool gone(pid_t pid)
{
	return pid <= 0 || proc_gone(pid);
}

/*
 * Has a live holder: one seen, or a System V segment attached by a process
 * this user cannot see. A POSIX object that an unseen process may have
 * open is not counted: most systems have such processes (pid 1 in a
 * container), and removing the name never breaks a holder's mapping.
 */
bool ipcsel_held(const struct ipc_obj *x)
{
	return x->nholders > 0 || (x->kind == OBJ_SYSV_SHM && !x->holders_known);
}

/* Any of the set's semaphores last used by a live process: it may hold
 * permits under SEM_UNDO, which the kernel does not show otherwise. */
static bool sem_user_alive(const struct ipc_obj *x)
{
	if (!x->sempids)
		return true;
	for (int i = 0; i < x->nsems; i++)
		if (!gone(x->sempids[i]))
			return true;
	return false;
}

/*
 * Not held, its processes gone, idle. A holder /proc cannot show (another
 * PID namespace, hidepid) could hold it: never stale then, but for a
 * segment, whose attachment count tells.
 */
static bool stale(const struct ipcsel *o, const struct ipc_obj *x)
{
	int64_t idle = o->idle_ns >= 0 ? o->idle_ns : 60 * NS_PER_SEC;
	time_t used = x->used > 0 ? x->used : x->changed;

	if (ipcsel_held(x) || !gone(x->cpid) || !gone(x->lpid))
		return false;
	if (holders_apply(x->kind) && o->procs_hidden &&
	    !(x->kind == OBJ_SYSV_SHM && x->holders_known))
		return false;
	if (x->kind == OBJ_SYSV_SEM && (x->waiters != 0 || sem_user_alive(x) ||
					 (x->optime > 0 && o->undo_since <= (int64_t)x->optime)))
		return false;
	return (int64_t)(o->now - used) * NS_PER_SEC >= idle;
}

bool ipcsel_selected(const struct ipcsel *o, const struct ipc_obj *x)
{
	char key[16];

	if (!(o->kinds & (1u << x->kind)))
		return false;
	if (o->have_owner && x->uid != o->owner)
		return false;
	if (o->nglobs) {
		size_t i = 0;
		snprintf(key, sizeof key, "0x%08x", (unsigned)x->key);
		for (; i < o->nglobs; i++) {
			const char *g = o->globs[i];
			if (fnmatch(g, x->id >= 0 ? key : g[0] == '/' ? x->name : x->name + 1, 0) == 0)
				break;
		}
		if (i == o->nglobs)
			return false;
	}
	if (o->older_ns >= 0 && (int64_t)(o->now - x->changed) * NS_PER_SEC < o->older_ns)
		return false;
	time_t used = x->used > 0 ? x->used : x->changed;
	if (o->idle_ns >= 0 && (int64_t)(o->now - used) * NS_PER_SEC < o->idle_ns)
		return false;
	if (o->holder) {
		size_t i = 0;
		while (i < x->nholders && x->holders[i].pid != o->holder)
			i++;
		if (i == x->nholders)
			return false;
	}
	if (o->stale && !stale(o, x))
		return false;
	if (o->ntargets == 0)
		return true;
	for (size_t i = 0; i < o->ntargets; i++)
		if (ipcsel_target_matches(&o->targets[i], x))
			return true;
	return false;
}
