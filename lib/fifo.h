/* SPDX-License-Identifier: ISC */
/*
 * FIFOs a tool makes (mkfifo-x): made with an exact mode whatever the
 * umask, an existing one taken only if it is the caller's, never through
 * a symlink, and removed only while it is still the one made.
 */
#ifndef IPCUTILS_FIFO_H
#define IPCUTILS_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* How to make one: -m, -e, -v, and the umask in force. */
struct fifo_how {
	mode_t mode, mask;
	bool mode_given;  /* -m: an existing FIFO taken gets mode too */
	bool exist_ok;    /* -e: an existing FIFO of ours is success */
	bool verbose;     /* say what is created and removed (stderr) */
};

struct fifo {
	char *path;
	bool made;     /* ours to remove (-r); not an existing one taken by -e */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	int pin;       /* O_PATH: keeps the inode, so its number is not reused; or -1 */
};

/* What the FIFOs made or taken so far are, to run with and to remove. */
struct fifos {
	struct fifo *v;
	size_t n;
};

/*
 * Create one FIFO at path. Returns 0, -1 after saying why, or for a
 * temporary FIFO (temp) -2 when mkfifo failed (errno set, unreported): on
 * EEXIST the caller tries another name, else it names the template.
 * *made tells a FIFO made here from an existing one taken (-e).
 */
int fifo_make(const struct fifo_how *how, const char *path, bool temp, bool *made);
/*
 * Remember a FIFO. One made here (made) with pin is held by an O_PATH
 * descriptor, so a FIFO made in its place cannot get its inode number.
 */
void fifos_add(struct fifos *fs, const char *path, bool made, bool pin);
/* Remove the FIFOs made here, but only each that is still the one made. */
void fifos_remove(struct fifos *fs, bool verbose);
void fifos_free(struct fifos *fs);

#endif
