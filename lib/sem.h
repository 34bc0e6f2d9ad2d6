/* SPDX-License-Identifier: ISC */
/*
 * Semaphores, POSIX named and System V sets, behind one face: open (or
 * create) the semaphore a target names, take and give permits with a
 * deadline, wait for zero, print its state, remove it. Errors name the
 * semaphore and the limit involved.
 */
#ifndef IPCUTILS_SEM_H
#define IPCUTILS_SEM_H

#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "deadline.h"
#include "ipcname.h"
#include "semrec.h"

/* System V: the largest value of one semaphore (the kernel's SEMVMX). */
#define SEM_SYSV_MAX 32767
/* --all-of: at most this many members of a set in one call. */
#define SEM_MEMBERS_MAX 64

struct ipcsem {
	enum ipc_kind kind;
	const char *label;   /* how messages name it */
	const char *name;    /* POSIX name, with its slash */
	sem_t *psem;         /* POSIX */
	int id;              /* System V identifier */
	int nsems;           /* System V: semaphores in the set; -1 unknown */
	bool created;        /* this call made it */
};

struct ipcsem_create {
	bool create;         /* make a missing semaphore (value 0) */
	bool exclusive;      /* refuse an existing one */
	bool check_mode;     /* refuse an existing one of another mode or owner */
	mode_t mode;
	int nsems;           /* System V: semaphores in a new set */
};

/* The members of a System V set an operation touches (--all-of). */
struct ipcsem_members {
	int n;
	unsigned short num[SEM_MEMBERS_MAX];
};

enum { SEMOP_OK, SEMOP_AGAIN, SEMOP_TIMEOUT, SEMOP_INTR };

/*
 * Open the semaphore t names, creating it when c says so (c may be NULL).
 * Every failure exits 1 with a message naming the semaphore.
 */
void ipcsem_open(struct ipcsem *s, const struct ipc_target *t,
		 const struct ipcsem_create *c);


/*
 * Parse LIST, comma-separated set member numbers, for option opt: a usage
 * error on a bad or repeated number. With LIST NULL, member 0 alone.
 */
void ipcsem_members_arg(struct ipcsem_members *m, const char *opt,
			const char *list);

/* The number of semaphores a set needs to hold every member of m. */
int ipcsem_members_span(const struct ipcsem_members *m);

/* What semwait and sempost both take: the target, --all-of and -c N. */
struct ipcsem_args {
	struct ipc_target t;
	struct ipcsem_members members;
	const char *allof, *count_arg;
	uint64_t count;      /* 1 without -c */
};

#define IPCSEM_OPT_ALLOF 0x1f71
/* Their long option --all-of; put it in the sorted table. */
#define IPCSEM_LONGOPT_ALLOF { "all-of", required_argument, NULL, IPCSEM_OPT_ALLOF }

void ipcsem_args_init(struct ipcsem_args *a);
/* Take a target option, --all-of or -c N ('c'); false if opt is none. */
bool ipcsem_args_option(struct ipcsem_args *a, int opt, const char *arg);
/*
 * Once the options and operands are read: a usage error without a
 * target, or for --all-of with a POSIX semaphore; then --all-of and -c
 * are parsed (-c up to the kind's maximum).
 */
void ipcsem_args_check(struct ipcsem_args *a);

/*
 * Take n permits of each member, all or none: waits until d passes unless
 * nowait. System V: one semop, with SEM_UNDO when undo is set, so the
 * kernel gives them back when the process ends. POSIX: n > 1 are tried
 * for all at once (given back at once if short) and between tries none
 * is held. A deadline that has passed still tries once. Returns SEMOP_*;
 * SEMOP_INTR when a signal cut the wait. Other errors exit 1.
 */
int ipcsem_take(struct ipcsem *s, const struct ipcsem_members *m, unsigned n,
		const struct deadline *d, bool nowait, bool undo);

/*
 * System V: wait until every member is zero, once the set has been
 * operated on at least once (sem_otime): a set never posted is not yet
 * initialized. Returns as ipcsem_take.
 */
int ipcsem_zero(struct ipcsem *s, const struct ipcsem_members *m,
		const struct deadline *d, bool nowait);

/*
 * Add n permits to each member, all or none. A value that would pass the
 * kind's maximum exits 1 naming the limit.
 */
void ipcsem_give(struct ipcsem *s, const struct ipcsem_members *m, unsigned n);

/*
 * Set each member to n (sempost --set, --init). System V: SETVAL, then an
 * operation that changes nothing, so semwait -z sees a set that has been
 * initialized; SETVAL also drops what SEM_UNDO would give back to a
 * holder. POSIX has no "set": permits are posted or taken one at a time,
 * so one that a waiter takes meanwhile is its own (the value then ends
 * below n). A value past the kind's maximum exits 1 naming the limit.
 */
void ipcsem_set(struct ipcsem *s, const struct ipcsem_members *m, unsigned n);

/*
 * POSIX: n sem_posts, all or none (those done are taken back on a
 * failure). 0, or -1 with errno (EOVERFLOW past SEM_VALUE_MAX).
 */
int ipcsem_post(sem_t *sem, unsigned n);

/*
 * POSIX, in semwait's holder: record that this process holds n permits
 * (semrec.h). Where no record can be made it says why and goes on: the
 * holder still gives them back, only a crash of it cannot be recovered.
 */
void ipcsem_record(struct ipcsem *s, unsigned n, struct semrec_claim *c);
/* Free the record, then give the n permits back if it was still ours. */
void ipcsem_give_recorded(struct ipcsem *s, unsigned n, struct semrec_claim *c);
/*
 * POSIX: post the permits of holders that died holding them; prints
 * "recovered: N" and "recovered-from: PID:N ..." on stdout. Exits 1 when
 * the record fails its check (nothing posted).
 */
void ipcsem_recover(struct ipcsem *s);

/* Exit 1 unless an existing semaphore has mode and belongs to us. */
void ipcsem_check_mode(struct ipcsem *s, mode_t mode);

/* Print its state as "key: value" lines on stdout; one is "value: N". */
void ipcsem_stat(struct ipcsem *s, const struct ipcsem_members *m);

/* Remove it; exits 1 on failure. */
void ipcsem_remove(struct ipcsem *s);

/* The largest value a semaphore of this kind holds. */
unsigned ipcsem_max(enum ipc_kind kind);

#endif
