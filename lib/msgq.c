/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "idname.h"
#include "show.h"
#include "ipcperm.h"
#include "msgq.h"
#include "proc.h"

#define MQ_PROC "/proc/sys/fs/mqueue/"
#define MSG_PROC "/proc/sys/kernel/"
/* What the kernel allows even with CAP_SYS_RESOURCE (ipc/mqueue.c). */
#define HARD_MSGMAX 65536L
#define HARD_MSGSIZEMAX (16L * 1024 * 1024)

/* A number from /proc, or def if it cannot be read. */
static long proc_long(const char *path, long def)
{
	return (long)proc_sys_u64(path, (uint64_t)def);
}

long msgq_prio_max(void)
{
	long v = sysconf(_SC_MQ_PRIO_MAX);

	return v > 0 ? v : 32768;
}

static void reserve(struct msgq *q, size_t n)
{
	if (n > q->cap || !q->buf) {
		q->cap = n;
		q->buf = xreallocarray(q->buf, n + sizeof(long), 1);
	}
}

/* Why creating a POSIX queue failed, naming the limit. */
static noreturn void posix_create_failed(const struct msgq *q,
					 const struct mq_attr *a)
{
	int err = errno;
	long msg_max = proc_long(MQ_PROC "msg_max", 10);
	long size_max = proc_long(MQ_PROC "msgsize_max", 8192);
	struct rlimit rl;

	if (err == EINVAL && a) {
		if (a->mq_maxmsg > HARD_MSGMAX)
			die(EXIT_FAIL, "%s: cannot create: --max-msgs %ld is above the kernel's hard limit of %ld messages per queue",
			    q->label, a->mq_maxmsg, HARD_MSGMAX);
		if (a->mq_msgsize > HARD_MSGSIZEMAX)
			die(EXIT_FAIL, "%s: cannot create: --msg-size %ld is above the kernel's hard limit of %ld bytes",
			    q->label, a->mq_msgsize, HARD_MSGSIZEMAX);
		if (a->mq_maxmsg > msg_max)
			die(EXIT_FAIL, "%s: cannot create: --max-msgs %ld is above the system's limit of %ld messages per queue (%smsg_max; more needs CAP_SYS_RESOURCE)",
			    q->label, a->mq_maxmsg, msg_max, MQ_PROC);
		if (a->mq_msgsize > size_max)
			die(EXIT_FAIL, "%s: cannot create: --msg-size %ld is above the system's limit of %ld bytes (%smsgsize_max; more needs CAP_SYS_RESOURCE)",
			    q->label, a->mq_msgsize, size_max, MQ_PROC);
	}
	if (err == EMFILE) {
		int fd = dup(2);

		if (fd >= 0 && getrlimit(RLIMIT_MSGQUEUE, &rl) == 0) {
			long n = a ? a->mq_maxmsg : proc_long(MQ_PROC "msg_default", 10);
			long s = a ? a->mq_msgsize : proc_long(MQ_PROC "msgsize_default", 8192);

			close(fd);
			/* Alone it would fit: the user's other queues use the budget. */
			bool others = rl.rlim_cur != RLIM_INFINITY
				&& (unsigned long long)(n * s) < (unsigned long long)rl.rlim_cur;
			die(EXIT_FAIL, "%s: cannot create: this user's queues would exceed RLIMIT_MSGQUEUE, %llu bytes (ulimit -q; limits.conf msgqueue); a queue of %ld messages of %ld bytes takes more than %ld%s",
			    q->label, (unsigned long long)rl.rlim_cur, n, s, n * s,
			    others ? ", and this user's other queues already use part of it" : "");
		}
		if (fd >= 0)
			close(fd);
	}
	if (err == ENOSPC)
		die(EXIT_FAIL, "%s: cannot create: the system's limit of %ld POSIX queues is reached (%squeues_max)",
		    q->label, proc_long(MQ_PROC "queues_max", 256), MQ_PROC);
	errno = err;
	die(EXIT_FAIL, "%s: cannot create message queue:", q->label);
}

static noreturn void open_failed(const struct msgq *q)
{
	ipc_die_open(q->label, q->kind, "message queue", "message queue");
}

/*
 * -x and -m for a queue that exists: refuse it, nothing sent. A System V
 * queue (perm) is ours only if its creator is us too: the creator keeps
 * the owner's rights whatever IPC_SET made the owner.
 */
static void check_existing(const struct msgq *q, const struct msgq_create *c,
			   mode_t mode, uid_t uid, const struct ipc_perm *perm)
{
	char want[64], whose[256];

	if (!c || q->created)
		return;
	if (c->exclusive)
		die(EXIT_FAIL, "%s: exists already (--exclusive); nothing sent", q->label);
	if (!c->mode_set || ((mode & 0777) == (c->mode & 0777) &&
			     (perm ? ipc_perm_ours(perm) : uid == geteuid())))
		return;
	snprintf(want, sizeof want, "%s", id_name((unsigned)geteuid(), false));
	snprintf(whose, sizeof whose, "%s", perm ? ipc_perm_whose(perm)
		 : id_name((unsigned)uid, false));
	die(EXIT_FAIL, "%s: exists with mode %03o and %s%s, not mode %03o and owner %s; nothing sent",
	    q->label, (unsigned)mode & 0777, perm ? "" : "owner ", whose, (unsigned)c->mode & 0777, want);
}

static void open_posix(struct msgq *q, bool send, bool nonblock,
		       const struct msgq_create *c)
{
	int flags = nonblock ? O_NONBLOCK : 0;
	struct mq_attr attr = { 0 }, *ap = NULL;

	int base = send ? O_WRONLY : O_RDONLY;

	/* Read-write when allowed: a receiver may have to put a message back. */
	q->mqd = c && c->exclusive ? (mqd_t)-1 : mq_open(q->name, O_RDWR | flags);
	if (c && c->exclusive)
		errno = ENOENT;
	if (q->mqd == (mqd_t)-1 && errno == EACCES)
		q->mqd = mq_open(q->name, base | flags);
	else if (q->mqd != (mqd_t)-1)
		q->can_send = true;
	if (q->mqd == (mqd_t)-1 && errno == ENOENT && c && c->create) {
		if (c->maxmsg || c->msgsize) {
			attr.mq_maxmsg = c->maxmsg ? c->maxmsg
				: proc_long(MQ_PROC "msg_default", 10);
			attr.mq_msgsize = c->msgsize ? c->msgsize
				: proc_long(MQ_PROC "msgsize_default", 8192);
			ap = &attr;
		}
		q->mqd = mq_open(q->name, O_RDWR | O_CREAT | O_EXCL | flags, c->mode, ap);
		if (q->mqd != (mqd_t)-1) {
			q->created = q->can_send = true;
			fchmod(q->mqd, c->mode); /* whatever the umask */
		} else if (errno == EEXIST && c->exclusive) {
			check_existing(q, c, 0, 0, NULL);
		} else if (errno == EEXIST) { /* made by another meanwhile */
			q->mqd = mq_open(q->name, base | flags);
		} else {
			posix_create_failed(q, ap);
		}
	}
	if (q->mqd == (mqd_t)-1)
		open_failed(q);
	if (send)
		q->can_send = true;
	if (mq_getattr(q->mqd, &attr) < 0)
		die(EXIT_FAIL, "%s: cannot read the queue's attributes:", q->label);
	q->msgsize = (size_t)attr.mq_msgsize;
	q->limit = "mq_msgsize";
	struct stat st;
	if (!q->created && c && c->mode_set && fstat(q->mqd, &st) == 0)
		check_existing(q, c, st.st_mode, st.st_uid, NULL);
}

static void open_sysv(struct msgq *q, const struct ipc_target *t, bool send,
		      const struct msgq_create *c)
{
	struct msqid_ds ds;
	size_t msgmax = (size_t)proc_long(MSG_PROC "msgmax", 8192);
	int need = send ? 0200 : 0400;

	if (t->id >= 0) {
		q->id = t->id;
		if (msgctl(q->id, IPC_STAT, &ds) < 0) {
			if (errno == EACCES && send)
				ds.msg_qbytes = msgmax;
			else
				open_failed(q);
		}
	} else {
		q->id = -1;
		if (c && c->create) {
			q->id = msgget(t->key, IPC_CREAT | IPC_EXCL | (int)c->mode);
			if (q->id >= 0)
				q->created = true;
			else if (errno == ENOSPC)
				die(EXIT_FAIL, "%s: cannot create: the system's limit of %ld System V queues is reached (%smsgmni)",
				    q->label, proc_long(MSG_PROC "msgmni", 32000), MSG_PROC);
			else if (errno != EEXIST)
				die(EXIT_FAIL, "%s: cannot create message queue:", q->label);
			else if (c->exclusive)
				check_existing(q, c, 0, 0, NULL);
		}
		if (q->id < 0 && (q->id = msgget(t->key, need)) < 0)
			open_failed(q);
		int stat = msgctl(q->id, IPC_STAT, &ds);

		/* -m: a queue whose owner cannot be read cannot be shown to be ours. */
		if (stat < 0 && c && c->mode_set && !q->created)
			die(EXIT_FAIL, "%s: cannot read its mode and owner for --mode; nothing sent:",
			    q->label);
		if (stat < 0)
			ds.msg_qbytes = msgmax;
		else
			check_existing(q, c, ds.msg_perm.mode, ds.msg_perm.uid, &ds.msg_perm);
	}
	/* A message longer than the queue's byte limit would wait forever. */
	q->msgsize = ds.msg_qbytes < msgmax ? ds.msg_qbytes : msgmax;
	q->limit = ds.msg_qbytes < msgmax
		? "the queue's byte limit msg_qbytes; msgmnb, " MSG_PROC "msgmnb, for new queues"
		: "msgmax, " MSG_PROC "msgmax";
	/* Whether a message can go back is the kernel's to say: try it. */
	q->can_send = true;
	/* Receive: a message may be up to the system's msgmax. */
	reserve(q, send ? q->msgsize : (msgmax > q->msgsize ? msgmax : q->msgsize));
}

void msgq_open(struct msgq *q, const struct ipc_target *t, bool send,
	       bool nonblock, const struct msgq_create *c)
{
	memset(q, 0, sizeof *q);
	q->kind = t->kind;
	q->label = t->label;
	q->name = t->name;
	if (t->kind == IPC_POSIX) {
		open_posix(q, send, nonblock, c);
		reserve(q, q->msgsize);
	} else {
		open_sysv(q, t, send, c);
	}
}

static noreturn void io_failed(const struct msgq *q, const char *what)
{
	if (errno == EIDRM || (q->kind == IPC_SYSV && errno == EINVAL))
		die(EXIT_FAIL, "%s: the message queue has been removed", q->label);
	die(EXIT_FAIL, "%s: cannot %s a message:", q->label, what);
}

/*
 * What a failed send or receive means to the caller, from errno: no
 * message or no room (EAGAIN, ENOMSG), the deadline (ETIMEDOUT, or a timed
 * System V wait cut by its alarm), a signal. Any other error exits 1.
 */
static int failed(const struct msgq *q, bool send, bool timed,
		  const struct deadline *d)
{
	switch (errno) {
	case EAGAIN:
	case ENOMSG:
		return MSGQ_AGAIN;
	case ETIMEDOUT:
		return MSGQ_TIMEOUT;
	case EINTR:
		return timed && deadline_passed(d) ? MSGQ_TIMEOUT : MSGQ_INTR;
	case EACCES:
		if (!send && q->kind == IPC_SYSV)
			die(EXIT_FAIL, "%s: permission denied", q->label);
	}
	io_failed(q, send ? "send" : "receive");
}

int msgq_send(struct msgq *q, const void *p, size_t len, long prio,
	      const struct deadline *d, bool nowait, int tick_ms)
{
	if (q->kind == IPC_POSIX) {
		struct timespec ts;
		const struct timespec *abs = nowait ? NULL : deadline_realtime(d, &ts);
		int r = abs ? mq_timedsend(q->mqd, p, len, (unsigned)prio, abs)
			    : mq_send(q->mqd, p, len, (unsigned)prio);

		if (r == 0)
			return MSGQ_OK;
		/* A descriptor opened non-blocking: the caller waits and retries. */
		if (errno == EAGAIN && !nowait)
			return MSGQ_INTR;
		return failed(q, true, false, d);
	}
	reserve(q, len);
	memcpy(q->buf, &prio, sizeof prio);
	if (p != q->buf + sizeof(long))
		memmove(q->buf + sizeof(long), p, len);
	bool timed = !nowait && (!d->forever || tick_ms > 0);
	int r = timed ? msgsnd(q->id, q->buf, len, IPC_NOWAIT) : -1;
	if (r == 0)
		return MSGQ_OK;
	if (timed) { /* -T 0 tried once above */
		if (errno != EAGAIN)
			io_failed(q, "send");
		if (deadline_passed(d))
			return MSGQ_TIMEOUT;
		deadline_alarm(d, tick_ms);
	}
	r = msgsnd(q->id, q->buf, len, nowait ? IPC_NOWAIT : 0);
	if (timed)
		deadline_alarm_off();
	return r == 0 ? MSGQ_OK : failed(q, true, timed, d);
}

int msgq_recv(struct msgq *q, char **p, size_t *len, long *prio, long type,
	      const struct deadline *d, bool nowait, int tick_ms)
{
	if (q->kind == IPC_POSIX) {
		unsigned pr = 0;
		ssize_t n = mq_receive(q->mqd, q->buf, q->cap, &pr);

		if (n >= 0) {
			*p = q->buf;
			*len = (size_t)n;
			*prio = (long)pr;
			return MSGQ_OK;
		}
		return failed(q, false, false, d);
	}
	for (;;) {
		bool timed = !nowait && (!d->forever || tick_ms > 0);
		/* A timed wait tries once without waiting: -T 0 takes what is there. */
		ssize_t n = timed ? msgrcv(q->id, q->buf, q->cap, type, IPC_NOWAIT) : -1;

		if (n < 0 && timed && errno == ENOMSG) {
			if (deadline_passed(d))
				return MSGQ_TIMEOUT;
			deadline_alarm(d, tick_ms);
			n = msgrcv(q->id, q->buf, q->cap, type, 0);
		} else if (!timed) {
			n = msgrcv(q->id, q->buf, q->cap, type, nowait ? IPC_NOWAIT : 0);
		}
		if (timed)
			deadline_alarm_off();
		if (n >= 0) {
			memcpy(prio, q->buf, sizeof *prio);
			*p = q->buf + sizeof(long);
			*len = (size_t)n;
			return MSGQ_OK;
		}
		if (errno == E2BIG) { /* it stays queued: make room, try again */
			reserve(q, q->cap * 2);
			continue;
		}
		return failed(q, false, timed, d);
	}
}

bool msgq_putback(struct msgq *q, const void *p, size_t len, long prio,
		  const struct deadline *d)
{
	int r;

	if (!q->can_send) {
		errno = EACCES;
		return false;
	}
	if (q->kind == IPC_POSIX) {
		struct timespec ts;
		const struct timespec *abs = deadline_realtime(d, &ts);

		/* The descriptor is non-blocking: wait for room with a deadline. */
		int fl = fcntl(q->mqd, F_GETFL);
		struct mq_attr a = { .mq_flags = 0 }, old;
		if (fl >= 0 && (fl & O_NONBLOCK))
			mq_setattr(q->mqd, &a, &old);
		do
			r = abs ? mq_timedsend(q->mqd, p, len, (unsigned)prio, abs)
				: mq_send(q->mqd, p, len, (unsigned)prio);
		while (r < 0 && errno == EINTR && !deadline_passed(d));
		if (fl >= 0 && (fl & O_NONBLOCK)) {
			int err = errno;
			a.mq_flags = O_NONBLOCK;
			mq_setattr(q->mqd, &a, &old);
			errno = err;
		}
		return r == 0;
	}
	do
		r = msgq_send(q, p, len, prio, d, false, 0);
	while (r == MSGQ_INTR && !deadline_passed(d));
	return r == MSGQ_OK;
}

static void stat_posix(struct msgq *q, struct show *o)
{
	struct mq_attr a;
	struct stat st;

	if (mq_getattr(q->mqd, &a) < 0 || fstat(q->mqd, &st) < 0)
		die(EXIT_FAIL, "%s: cannot read the queue's attributes:", q->label);
	show_kind(o, OBJ_POSIX_MQ);
	show_str(o, FLD_NAME, q->name);
	show_mode(o, (unsigned)st.st_mode);
	show_str(o, FLD_OWNER, id_name((unsigned)st.st_uid, false));
	show_str(o, FLD_GROUP, id_name((unsigned)st.st_gid, true));
	show_num(o, FLD_MAX_MESSAGES, a.mq_maxmsg);
	show_num(o, FLD_MESSAGE_SIZE, a.mq_msgsize);
	show_num(o, FLD_MESSAGES, a.mq_curmsgs);
	/* The kernel stamps the queue's inode at each send and receive. */
	show_time(o, FLD_CHANGED, st.st_mtime);
}

static void stat_sysv(struct msgq *q, struct show *o)
{
	struct msqid_ds ds;

	if (msgctl(q->id, IPC_STAT, &ds) < 0)
		open_failed(q);
	show_kind(o, OBJ_SYSV_MSG);
	show_sysv(o, ds.msg_perm.__key, q->id);
	show_mode(o, (unsigned)ds.msg_perm.mode & 0777);
	show_str(o, FLD_OWNER, id_name((unsigned)ds.msg_perm.uid, false));
	show_str(o, FLD_GROUP, id_name((unsigned)ds.msg_perm.gid, true));
	show_str(o, FLD_CREATOR, id_name((unsigned)ds.msg_perm.cuid, false));
	show_str(o, FLD_CREATOR_GROUP, id_name((unsigned)ds.msg_perm.cgid, true));
	show_num(o, FLD_MAX_BYTES, (long long)ds.msg_qbytes);
	show_num(o, FLD_MESSAGE_SIZE, (long long)q->msgsize);
	show_num(o, FLD_MESSAGES, (long long)ds.msg_qnum);
	show_num(o, FLD_BYTES, (long long)ds.__msg_cbytes);
	show_time(o, FLD_LAST_SEND, ds.msg_stime);
	show_time(o, FLD_LAST_RECEIVE, ds.msg_rtime);
	show_time(o, FLD_CHANGED, ds.msg_ctime);
	show_num(o, FLD_LAST_SENDER_PID, ds.msg_lspid);
	show_num(o, FLD_LAST_RECEIVER_PID, ds.msg_lrpid);
}

void msgq_stat(struct msgq *q, bool json)
{
	struct show o = { .json = json };

	if (q->kind == IPC_POSIX)
		stat_posix(q, &o);
	else
		stat_sysv(q, &o);
	show_end(&o);
}

void msgq_remove(struct msgq *q)
{
	int r = q->kind == IPC_POSIX ? mq_unlink(q->name) : msgctl(q->id, IPC_RMID, NULL);

	if (r < 0)
		die(EXIT_FAIL, "%s: cannot remove the queue:", q->label);
}
