/* SPDX-License-Identifier: ISC */
/*
 * Every IPC object on the system, of all six kinds: System V shared memory,
 * message queues and semaphore sets (the files in /proc/sysvipc), POSIX shared memory
 * (/dev/shm), POSIX message queues (/dev/mqueue) and POSIX named
 * semaphores (/dev/shm/sem.NAME, where glibc and musl keep them). Read
 * with what the caller may see: a value the kernel does not show this user
 * is left unknown (-1), never an error.
 */
#ifndef IPCUTILS_IPCOBJ_H
#define IPCUTILS_IPCOBJ_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "fields.h"

/* The kinds are lib/fields.h's enum obj_kind. */
#define OBJ_ALL ((1u << OBJ_NKINDS) - 1)
#define OBJ_SYSV ((1u << OBJ_SYSV_SHM) | (1u << OBJ_SYSV_MSG) | (1u << OBJ_SYSV_SEM))

struct holder {
	pid_t pid;
	char comm[16];
};

struct ipc_obj {
	enum obj_kind kind;
	char name[NAME_MAX + 2]; /* POSIX: with its slash; System V: "" */
	key_t key;               /* System V */
	int id;                  /* System V identifier; POSIX: -1 */
	uid_t uid, cuid;
	gid_t gid;
	unsigned mode;           /* permission bits */
	int64_t size;            /* shm bytes; -1: not this kind */
	int64_t messages, bytes; /* queues; -1 unknown or not this kind */
	int64_t msg_max, msg_size; /* POSIX queue attributes; -1 unknown */
	int nsems;               /* semaphores in the set (POSIX: 1); else 0 */
	int *values;             /* their values, NULL if unknown */
	pid_t *sempids;          /* System V: each one's last user, NULL if unknown */
	long waiters;            /* System V: processes waiting on the set; -1 unknown */
	int64_t lost;            /* POSIX semaphore: permits held by dead holders
				    (semrec.h); -1 unknown or not this kind */
	time_t changed;          /* last change the kernel records */
	time_t used;             /* last use it records (attach, send, op) */
	time_t optime;           /* System V semaphore set: its last semop, or 0 */
	pid_t cpid, lpid;        /* creator, last user; 0 if none or unknown */
	long nattch;             /* System V shm attachments; else -1 */
	dev_t dev;               /* POSIX: the file's device and inode */
	ino_t ino;
	struct holder *holders;  /* filled by holders_scan */
	size_t nholders;
	bool holders_known;      /* the holder list is complete */
};

struct ipc_list {
	struct ipc_obj *v;
	size_t n, cap;
	bool mq_unmounted;       /* /dev/mqueue is not a mounted mqueue fs */
	bool mq_foreign;         /* /dev/mqueue is another IPC namespace's: not listed */
	int shm_errno;           /* why /dev/shm cannot be read, or 0 */
	bool procs_hidden;       /* holders_scan: /proc does not show every process */
	int64_t undo_since;      /* holders_scan: the earliest start of a process
				    that may hold System V permits under SEM_UNDO
				    (INT64_MAX: none; 0: unknown) */
};

/* Read the objects of the kinds in mask (bit 1 << OBJ_...) into l. */
void ipcobj_scan(struct ipc_list *l, unsigned mask);
void ipcobj_free(struct ipc_list *l);

/*
 * Remove the object: IPC_RMID, shm_unlink, mq_unlink or sem_unlink, once
 * it is checked to be the object listed. 0, or -1 with errno: ENOENT when
 * it is gone, or another object has its name, or its key and id (System V:
 * another change time or creator), which is left alone; EBUSY when a
 * segment was attached since it was listed, unless force.
 */
int ipcobj_remove(const struct ipc_obj *o, bool force);
/* Would the kernel let this user remove it? 0, or -1 with errno (EPERM,
 * EACCES), for --dry-run. */
int ipcobj_may_remove(const struct ipc_obj *o);

/*
 * A comma-separated list of kinds or groups (sysv, posix, shm, mq or msg,
 * sem) into a mask. -1 with the first unknown word in *bad.
 */
int ipcobj_kinds_parse(const char *s, unsigned *mask, const char **bad, size_t *badlen);
/* The kind names and group words, for messages: "sysv-shm, ..., sem". */
extern const char ipcobj_kind_words[];

/* How messages name it: "/NAME" or "key 0x... (id N)". */
void ipcobj_label(const struct ipc_obj *o, char *buf, size_t size);

#endif
