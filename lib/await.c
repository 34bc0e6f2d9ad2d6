/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/stat.h>

#include "await.h"
#include "diag.h"
#include "io.h"
#include "parse.h"

/* Where the kernel gives no event: look this often. */
#define POLL_MS 10

bool await_exists(const char *dir, bool (*ready)(void *), void *arg,
		  const struct deadline *d)
{
	char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int in = dir ? inotify_init1(IN_CLOEXEC | IN_NONBLOCK) : -1;

	if (in >= 0 && inotify_add_watch(in, dir, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		close(in);
		in = -1;
	}
	/* Look only after the watch is in place, so nothing slips between. */
	while (!ready(arg)) {
		int ms = deadline_poll_ms(d);

		if (ms == 0) {
			if (in >= 0)
				close(in);
			errno = ETIMEDOUT;
			return false;
		}
		if (in < 0) {
			poll(NULL, 0, ms < 0 || ms > POLL_MS ? POLL_MS : ms);
			continue;
		}
		wait_fd(in, POLLIN, ms);
		while (read(in, ev, sizeof ev) > 0)
			;
	}
	if (in >= 0)
		close(in);
	return true;
}

static bool msgq_exists(void *arg)
{
	const struct ipc_target *t = arg;

	if (t->kind == IPC_SYSV)
		return msgget(t->key, 0) >= 0 || errno != ENOENT;
	mqd_t q = mq_open(t->name, O_RDONLY | O_NONBLOCK);
	if (q != (mqd_t)-1)
		mq_close(q);
	return q != (mqd_t)-1 || errno != ENOENT;
}

/* glibc and musl keep POSIX semaphore NAME as /dev/shm/sem.NAME. */
static bool sem_exists(void *arg)
{
	const struct ipc_target *t = arg;
	char path[PATH_MAX];

	if (t->kind == IPC_SYSV)
		return semget(t->key, 0, 0) >= 0 || errno != ENOENT;
	snprintf(path, sizeof path, "/dev/shm/sem.%s", t->name + 1);
	return access(path, F_OK) == 0 || errno != ENOENT;
}

bool await_target(const struct ipc_target *t, enum await_kind k,
		  const struct deadline *d)
{
	struct ipc_target copy = *t;

	if (t->kind == IPC_SYSV && (t->id >= 0 || t->key == IPC_PRIVATE))
		return true;
	if (k == AWAIT_MSGQ)
		return await_exists(t->kind == IPC_POSIX ? "/dev/mqueue" : NULL,
				    msgq_exists, &copy, d);
	return await_exists(t->kind == IPC_POSIX ? "/dev/shm" : NULL, sem_exists, &copy, d);
}

void await_target_or_die(const struct ipc_target *t, enum await_kind k,
			 const struct timeout *timeout)
{
	struct deadline d;

	deadline_start(&d, timeout->ns);
	if (!await_target(t, k, &d))
		die(EXIT_TIMEOUT, "%s: no such %s within %s", t->label,
		    k == AWAIT_MSGQ ? "message queue" : "semaphore", timeout_str(timeout));
}

static bool file_ready(void *arg)
{
	struct stat st;

	return stat(arg, &st) == 0 ? st.st_size > 0 : errno != ENOENT;
}

bool await_file(const char *path, const struct deadline *d)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return await_exists(dir, file_ready, (void *)path, d);
}
