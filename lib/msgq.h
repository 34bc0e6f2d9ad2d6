/* SPDX-License-Identifier: ISC */
/*
 * Message queues, POSIX and System V, behind one face: open (or create) the
 * queue a target names, with errors that name the system limit involved;
 * send and receive one message with a deadline; put a message back.
 */
#ifndef IPCUTILS_MSGQ_H
#define IPCUTILS_MSGQ_H

#include <mqueue.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "deadline.h"
#include "ipcname.h"

struct msgq {
	enum ipc_kind kind;
	const char *label;  /* how messages name it */
	const char *name;   /* POSIX name, with its slash */
	mqd_t mqd;          /* POSIX */
	int id;             /* System V identifier */
	size_t msgsize;     /* the largest message it takes */
	const char *limit;  /* what sets msgsize, for messages */
	bool can_send;      /* opened for writing (mqrecv: to put back) */
	bool created;       /* this call made it */
	char *buf;          /* System V: mtype + text; POSIX: text */
	size_t cap;         /* text bytes buf holds */
};

struct msgq_create {
	bool create;        /* make a missing queue */
	bool exclusive;     /* fail if it exists (-x) */
	bool mode_set;      /* -m given: an existing queue must have this mode and our uid */
	mode_t mode;
	long maxmsg;        /* POSIX attributes; 0: the system's default */
	long msgsize;
};

enum { MSGQ_OK, MSGQ_AGAIN, MSGQ_TIMEOUT, MSGQ_INTR };

/*
 * Open the queue t names: for sending (send true) or receiving (then also
 * for sending when allowed, to put messages back). POSIX descriptors are
 * opened non-blocking when nonblock is true. Creates it when c says so.
 * Every failure exits 1 with a message naming the queue and the limit,
 * among them an existing queue that c->exclusive or c->mode_set refuse.
 */
void msgq_open(struct msgq *q, const struct ipc_target *t, bool send,
	       bool nonblock, const struct msgq_create *c);

/*
 * Send one message (len <= q->msgsize): priority (POSIX) or type (System
 * V) prio. Waits for room until d passes unless nowait. MSGQ_OK, MSGQ_AGAIN
 * (no room, nowait), MSGQ_TIMEOUT or MSGQ_INTR (a signal; System V waits
 * are cut into ticks of tick_ms, 0 for none, so a caller can look around).
 * Other errors exit 1.
 */
int msgq_send(struct msgq *q, const void *p, size_t len, long prio,
	      const struct deadline *d, bool nowait, int tick_ms);

/*
 * Receive one message of type (System V: 0 any, >0 that, <0 lowest up to
 * |type|) into q's buffer, sized so that nothing is ever truncated: *p,
 * *len and its priority or type in *prio. Returns as msgq_send; a POSIX
 * queue is waited on by the caller (poll q->mqd), so here it never waits.
 */
int msgq_recv(struct msgq *q, char **p, size_t *len, long *prio, long type,
	      const struct deadline *d, bool nowait, int tick_ms);

/*
 * Put a message back, waiting for room until d passes; false with errno
 * set if it cannot (the caller counts and says what was lost).
 */
bool msgq_putback(struct msgq *q, const void *p, size_t len, long prio,
		  const struct deadline *d);

/*
 * Print the queue's attributes on stdout, as ipcs -q -i does: "key: value"
 * lines, or one JSON object on one line when json is true.
 */
void msgq_stat(struct msgq *q, bool json);

/* Remove the queue; exits 1 on failure. */
void msgq_remove(struct msgq *q);

/* The system's highest POSIX priority plus one (sysconf _SC_MQ_PRIO_MAX). */
long msgq_prio_max(void);

#endif
