/* SPDX-License-Identifier: ISC */
/*
 * Which processes hold which IPC objects. One pass over /proc: each
 * process's maps is read once (POSIX shared memory and semaphores mapped
 * from /dev/shm, matched by device and inode; System V segments by the
 * SYSV entry whose inode is the shmid) and its fds are looked at once
 * (POSIX objects and message queues open by descriptor).
 */
#ifndef IPCUTILS_HOLDERS_H
#define IPCUTILS_HOLDERS_H

#include "ipcobj.h"
#include "maps.h"

/*
 * Fill the holders of every object in l that processes can hold (all but
 * System V queues and semaphore sets, which no process keeps open), and
 * mark each object whose list is complete: a process this user may not
 * look into may hold an object without being seen. A System V segment's
 * list is incomplete only when the kernel counts more attachments than
 * were seen, so there is a holder this user cannot see.
 */
void holders_scan(struct ipc_list *l);

/* Kinds that have holders. */
static inline bool holders_apply(enum obj_kind k)
{
	return k != OBJ_SYSV_MSG && k != OBJ_SYSV_SEM;
}

#endif
