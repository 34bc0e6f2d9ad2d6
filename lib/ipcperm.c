/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <unistd.h>

#include "idname.h"
#include "ipcperm.h"

bool ipc_perm_ours(const struct ipc_perm *p)
{
	return p->uid == geteuid() && p->cuid == geteuid() &&
	       p->gid == getegid() && p->cgid == getegid();
}

const char *ipc_perm_whose(const struct ipc_perm *p)
{
	static char buf[256];
	int n = snprintf(buf, sizeof buf, "owner %s", id_name((unsigned)p->uid, false));

	if (p->cuid != p->uid)
		n += snprintf(buf + n, sizeof buf - (size_t)n, ", creator %s",
			      id_name((unsigned)p->cuid, false));
	/* The groups, when the users do not already say why. */
	if (p->uid != geteuid() || p->cuid != geteuid())
		return buf;
	if (p->gid != getegid())
		n += snprintf(buf + n, sizeof buf - (size_t)n, ", group %s",
			      id_name((unsigned)p->gid, true));
	if (p->cgid != p->gid)
		snprintf(buf + n, sizeof buf - (size_t)n, ", creator group %s",
			 id_name((unsigned)p->cgid, true));
	return buf;
}
