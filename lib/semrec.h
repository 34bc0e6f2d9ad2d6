/* SPDX-License-Identifier: ISC */
/*
 * The record of who holds a POSIX semaphore's permits for a command. POSIX
 * has no undo: semwait's holder process gives them back, and a holder
 * killed with SIGKILL loses them. So each holder keeps a slot in a table
 * in the semaphore's own file, after the sem_t (the C library maps only
 * that): its PID, start time and PID namespace, and its permits. A slot
 * whose process is gone shows permits lost, and a recovery posts them.
 * Slots are claimed and freed by compare-and-swap on the PID word.
 */
#ifndef IPCUTILS_SEMREC_H
#define IPCUTILS_SEMREC_H

#include <semaphore.h>
#include <stdbool.h>
#include <sys/types.h>

/* At most this many holders of one semaphore are recorded at once. */
#define SEMREC_SLOTS 128

enum semrec_state { SEMREC_FREE, SEMREC_LIVE, SEMREC_DEAD, SEMREC_RECOVERING };

struct semrec_holder {
	pid_t pid;
	unsigned permits;
	enum semrec_state state;
};

/* What the record shows: permits held by live holders and by dead ones. */
struct semrec_view {
	unsigned long held, lost;
	int n;
	struct semrec_holder h[SEMREC_SLOTS];
};

/* A holder's own slot. */
struct semrec_claim {
	void *map;
	int slot;            /* -1: nothing recorded */
	pid_t pid;
};

/*
 * Read the record in fd, a semaphore's file open for reading, without
 * mapping it (a file cut short meanwhile cannot kill us). 1 with v
 * filled; 0 when there is none (v empty); -1 when the table fails the
 * check (not one semwait wrote) or cannot be read.
 */
int semrec_read(int fd, struct semrec_view *v);

/*
 * Record that this process holds n permits of sem, the semaphore mapped
 * from file path (which must be that same file). 0; or -1 with *why
 * (and errno where it tells more) when no record could be made: the
 * permits are then given back by the holder alone.
 */
int semrec_hold(struct semrec_claim *c, const char *path, const sem_t *sem,
		unsigned n, const char **why);

/*
 * Before giving the permits back: free the slot first, so a crash in
 * between loses them rather than gives them twice. true if it was still
 * ours, and the caller posts; false if a recovery took it.
 */
bool semrec_release(struct semrec_claim *c);

/*
 * Post the permits of every dead holder of sem (file path) and free their
 * slots; each slot is taken by compare-and-swap first, so two recoveries
 * at once post each permit once. done lists what was posted. 0; or -1
 * with *why (nothing more posted) when the table fails the check, the
 * file is not sem's, or a post would pass SEM_VALUE_MAX.
 */
int semrec_recover(const char *path, sem_t *sem, struct semrec_view *done,
		   const char **why);

#endif
