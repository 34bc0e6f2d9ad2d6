/* SPDX-License-Identifier: ISC */
/*
 * Whose a System V object is. Its creator (cuid, cgid) keeps the owner's
 * and the group's rights whatever IPC_SET made its owner (uid, gid), so
 * an object is the caller's only if all four are the caller's own.
 */
#ifndef IPCUTILS_IPCPERM_H
#define IPCUTILS_IPCPERM_H

#include <stdbool.h>
#include <sys/ipc.h>

/* Owner and creator, user and group, are the caller's (euid, egid). */
bool ipc_perm_ours(const struct ipc_perm *p);

/*
 * For a message: "owner NAME", then ", creator NAME" if another; when
 * both are the caller, ", group NAME" and ", creator group NAME" where
 * they are not the caller's.
 * A static buffer, overwritten by the next call.
 */
const char *ipc_perm_whose(const struct ipc_perm *p);

#endif
