/* SPDX-License-Identifier: ISC */
/*
 * Waiting for an object to appear (-W, --wait-exist): a queue,
 * a semaphore, a segment, a pidfile that another process makes later, so
 * the one that opens it may start first.
 */
#ifndef IPCUTILS_AWAIT_H
#define IPCUTILS_AWAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "deadline.h"
#include "ipcname.h"

/*
 * Call ready(arg) until it is true or d passes (false then, errno
 * ETIMEDOUT). Each creation, rename into, or close after writing in dir
 * (/dev/mqueue, /dev/shm, a pidfile's directory) looks again, by inotify;
 * with dir NULL (System V keys, which the kernel gives no event for) or a
 * dir that cannot be watched, it looks every 10 ms.
 */
bool await_exists(const char *dir, bool (*ready)(void *), void *arg,
		  const struct deadline *d);

enum await_kind { AWAIT_MSGQ, AWAIT_SEM };

/*
 * Wait for the queue or semaphore t names to exist. An object named by
 * identifier (-i) is not waited for: an identifier is never reused soon.
 */
bool await_target(const struct ipc_target *t, enum await_kind k,
		  const struct deadline *d);

/*
 * await_target for -W, bounded by -T's timeout; when it passes, exit 124
 * "LABEL: no such message queue (semaphore) within 0.3s".
 */
void await_target_or_die(const struct ipc_target *t, enum await_kind k,
			 const struct timeout *timeout);

/* Wait for a file with something in it (a pidfile, written then closed). */
bool await_file(const char *path, const struct deadline *d);

#endif
