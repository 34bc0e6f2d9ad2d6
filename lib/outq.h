/* SPDX-License-Identifier: ISC */
/*
 * What the reader of an output has not read yet. A write into a pipe or
 * a socket is not a delivery: its reader may leave without reading it.
 * A pipe counts its unread bytes (FIONREAD); a socket the bytes it sent
 * that its peer has not taken (SIOCOUTQ: on a unix socket, until the
 * peer read them; on TCP, until the peer's kernel acknowledged them). A
 * write anywhere else (a file, a terminal, /dev/null) is delivered once
 * it succeeds.
 */
#ifndef IPCUTILS_OUTQ_H
#define IPCUTILS_OUTQ_H

#include <stdbool.h>

struct outq {
	int fd;
	int kind;          /* OUTQ_OTHER, OUTQ_PIPE or OUTQ_SOCKET */
	int in;            /* pipe: inotify sees each read; -1 without */
};

enum { OUTQ_OTHER, OUTQ_PIPE, OUTQ_SOCKET };

/* Look at what fd is. No /proc, or another user's pipe: q still works. */
void outq_init(struct outq *q, int fd);
void outq_free(struct outq *q);

/* The reader has gone: what is written now cannot be read. */
bool outq_gone(const struct outq *q);

/*
 * Wait until the reader has read all that is in the output (bytes of
 * other writers included), or has gone. Returns 0 when it read all, or
 * how many bytes it left unread (at least 1). At once for OUTQ_OTHER.
 * Signals do not end the wait.
 */
long outq_wait(struct outq *q);

/*
 * outq_wait's one look, for a caller that polls other descriptors too:
 * 0 when the reader has read all, the bytes it left unread (at least 1)
 * when it has gone, -1 while it has yet to read: poll q->in for POLLIN
 * (each read, each close), or look again in a while if q->in is -1.
 */
long outq_look(struct outq *q);

#endif
