/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "maps.h"
#include "proc.h"
#include "sem.h"
#include "semrec.h"

/*
 * The layout, version 1. The table starts at byte 256, past any libc's
 * sem_t (glibc's is 32 bytes, musl's 128), and the first holder grows
 * the file to one page for it; nothing ever shrinks it.
 */
#define REC_OFFSET 256
#define REC_FILE 4096
#define REC_TAG 0x3130636572637069ull  /* "ipcrec01": the magic and version */
#define REC_MARK 0x80000000u            /* on a PID word: being recovered */
#define PID_LIMIT 4194304u              /* PID_MAX_LIMIT: no PID is larger */
#define START_UNKNOWN UINT64_MAX        /* no /proc of ours to read it from */

struct slot {
	_Atomic uint32_t pid;     /* the claim: 0 free */
	_Atomic uint32_t permits;
	_Atomic uint64_t start;   /* clock ticks after boot; 0: being recorded */
	_Atomic uint64_t pidns;   /* the inode of its PID namespace; 0 unknown */
};

struct table {
	_Atomic uint64_t tag;
	uint64_t reserved;
	struct slot slot[SEMREC_SLOTS];
};

#define REC_END (REC_OFFSET + sizeof(struct table))
_Static_assert(sizeof(sem_t) <= REC_OFFSET, "sem_t overlaps the record");
_Static_assert(REC_END <= REC_FILE, "the record passes one page");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LLONG_LOCK_FREE == 2,
	       "atomics shared between processes must be lock-free");

/* What a slot is judged against: our PID namespace, and whether /proc is
 * ours (its PIDs are ours, so a start time read there is the process's). */
struct env {
	uint64_t pidns;
	bool proc_ours;
};

static void env_init(struct env *e)
{
	struct stat st;
	char self[32];
	ssize_t n = readlink("/proc/self", self, sizeof self - 1);

	e->pidns = stat("/proc/self/ns/pid", &st) == 0 ? (uint64_t)st.st_ino : 0;
	e->proc_ours = n > 0 && (self[n] = '\0', strtol(self, NULL, 10) == getpid());
}

/*
 * Is the process of a slot gone? Only when we can tell for sure: its PID
 * namespace is ours and no process has its PID, or the one that has it
 * has ended (a zombie) or started at another time (the PID was reused).
 * A process hidden from us (hidepid, another namespace) is live.
 */
static enum semrec_state judge(const struct env *e, uint32_t pid, uint64_t start,
			       uint64_t ns)
{
	uint64_t now;

	if (pid == 0)
		return SEMREC_FREE;
	if (pid & REC_MARK)
		return SEMREC_RECOVERING;
	if (ns == 0 || ns != e->pidns)
		return SEMREC_LIVE;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return SEMREC_DEAD;
	if (!e->proc_ours)
		return SEMREC_LIVE;
	char st = proc_state((pid_t)pid);
	if (st == 'Z' || st == 'X') /* ended, not yet waited for */
		return SEMREC_DEAD;
	if (start == 0 || start == START_UNKNOWN || proc_start_time((pid_t)pid, &now) < 0)
		return SEMREC_LIVE;
	return now == start ? SEMREC_LIVE : SEMREC_DEAD;
}

/* Could semwait have written this slot? (A mark is only ever set on a PID.) */
static bool slot_sane(uint32_t pid, uint32_t permits)
{
	uint32_t p = pid & ~REC_MARK;

	return (p != 0 || pid == 0) && p <= PID_LIMIT && permits <= (uint32_t)SEM_VALUE_MAX;
}

/* The table's check: our tag, and every slot one semwait could write. */
static bool table_sane(struct table *t)
{
	if (atomic_load(&t->tag) != REC_TAG)
		return false;
	for (int i = 0; i < SEMREC_SLOTS; i++)
		if (!slot_sane(atomic_load(&t->slot[i].pid), atomic_load(&t->slot[i].permits)))
			return false;
	return true;
}

static void add(struct semrec_view *v, uint32_t pid, uint32_t permits,
		enum semrec_state st)
{
	v->h[v->n++] = (struct semrec_holder){ (pid_t)(pid & ~REC_MARK), permits, st };
	if (st == SEMREC_DEAD)
		v->lost += permits;
	else if (st == SEMREC_LIVE)
		v->held += permits;
}

int semrec_read(int fd, struct semrec_view *v)
{
	static struct table t;
	struct stat st;
	struct env e;

	memset(v, 0, sizeof *v);
	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_size < (off_t)REC_END)
		return 0;
	if (pread(fd, &t, sizeof t, REC_OFFSET) != (ssize_t)sizeof t)
		return -1;
	if (atomic_load(&t.tag) == 0)
		return 0;
	if (!table_sane(&t))
		return errno = EINVAL, -1;
	env_init(&e);
	for (int i = 0; i < SEMREC_SLOTS; i++) {
		struct slot *s = &t.slot[i];
		uint32_t pid = atomic_load(&s->pid);
		enum semrec_state j = judge(&e, pid, atomic_load(&s->start), atomic_load(&s->pidns));

		if (j != SEMREC_FREE)
			add(v, pid, atomic_load(&s->permits), j);
	}
	return 1;
}

/*
 * Is sem mapped from the file fd is open on? /proc/self/maps names the
 * device and inode of the mapping at sem's page: the name may have been
 * unlinked and made again since sem_open, and a record in another file
 * would have a recovery post permits the new semaphore never lent.
 */
static bool same_file(int fd, const sem_t *sem)
{
	uintptr_t at = (uintptr_t)sem;
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool same = false;
	struct stat st;

	if (!f || fstat(fd, &st) < 0) {
		if (f)
			fclose(f);
		return false;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *p;
		uintptr_t lo = (uintptr_t)strtoull(line, &p, 16), hi;
		struct maps_entry m;

		if (*p != '-')
			continue;
		hi = (uintptr_t)strtoull(p + 1, NULL, 16);
		if (at < lo || at >= hi)
			continue;
		if (line[n - 1] == '\n')
			n--;
		same = maps_entry_parse(line, line + n, &m) && !m.sysv &&
		       m.dev == st.st_dev && m.ino == st.st_ino;
		break;
	}
	free(line);
	fclose(f);
	return same;
}

/*
 * Map the table of the file at path, growing the file to hold it (never
 * shrinking it); a file without one gets it only if its table's bytes are
 * all zero. NULL with *why when the file is not one to record in.
 */
static struct table *map_table(const char *path, const sem_t *sem, bool grow,
			       const char **why)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	*why = "cannot open its file";
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !same_file(fd, sem)) {
		*why = "its file is not the one mapped (replaced, or /proc unreadable)";
		goto fail;
	}
	if (st.st_size < (off_t)REC_END) {
		if (!grow) {
			close(fd);
			*why = NULL; /* no table: nothing recorded */
			return NULL;
		}
		/* fallocate grows the file and never shrinks it, even when
		 * another has grown it meanwhile. */
		if (fallocate(fd, 0, 0, REC_FILE) < 0 &&
		    (errno != EOPNOTSUPP || ftruncate(fd, REC_FILE) < 0)) {
			*why = "cannot grow its file for the record of holders";
			goto fail;
		}
	}
	map = mmap(NULL, REC_END, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		*why = "cannot map the record of holders";
		return NULL;
	}
	return (struct table *)((char *)map + REC_OFFSET);
fail:
	close(fd);
	return NULL;
}

static void unmap(struct table *t)
{
	munmap((char *)t - REC_OFFSET, REC_END);
}

/* A table of zeros becomes ours; a tagged one must pass the check. */
static bool table_take(struct table *t)
{
	uint64_t tag = 0;

	if (atomic_load(&t->tag) == 0) {
		for (int i = 0; i < SEMREC_SLOTS; i++) {
			struct slot *s = &t->slot[i];
			if (atomic_load(&s->pid) || atomic_load(&s->permits) ||
			    atomic_load(&s->start) || atomic_load(&s->pidns))
				return false;
		}
		if (atomic_compare_exchange_strong(&t->tag, &tag, REC_TAG))
			return true;
	}
	return table_sane(t);
}

int semrec_hold(struct semrec_claim *c, const char *path, const sem_t *sem,
		unsigned n, const char **why)
{
	struct table *t = map_table(path, sem, true, why);
	struct env e;
	uint64_t start;

	c->slot = -1;
	c->map = t;
	c->pid = getpid();
	if (!t)
		return -1;
	if (!table_take(t)) {
		*why = "the record of holders is not one semwait wrote";
		goto fail;
	}
	for (int i = 0; i < SEMREC_SLOTS && c->slot < 0; i++) {
		uint32_t free_pid = 0;
		if (atomic_compare_exchange_strong(&t->slot[i].pid, &free_pid, (uint32_t)c->pid))
			c->slot = i;
	}
	if (c->slot < 0) {
		*why = "every slot of the record of holders is taken";
		goto fail;
	}
	env_init(&e);
	if (!e.proc_ours || proc_start_time(c->pid, &start) < 0 || start == 0)
		start = START_UNKNOWN;
	struct slot *s = &t->slot[c->slot];
	atomic_store(&s->pidns, e.pidns);
	atomic_store(&s->permits, n);
	atomic_store(&s->start, start); /* last: the record is whole */
	return 0;
fail:
	unmap(t);
	c->map = NULL;
	return -1;
}

bool semrec_release(struct semrec_claim *c)
{
	struct table *t = c->map;
	uint32_t pid = (uint32_t)c->pid;

	if (!t || c->slot < 0)
		return true;
	struct slot *s = &t->slot[c->slot];
	/* Zeros first: while the PID word is still ours, a recovery judging
	 * the slot sees a live process, and a free slot is all zeros. */
	atomic_store(&s->permits, 0);
	atomic_store(&s->start, 0);
	atomic_store(&s->pidns, 0);
	bool ours = atomic_compare_exchange_strong(&s->pid, &pid, 0);
	/* A recovery that took a new holder with a dead one's PID for the
	 * dead one puts the slot back within microseconds: wait (at most a
	 * second) rather than leave the permits to no one. */
	for (int i = 0; !ours && pid == ((uint32_t)c->pid | REC_MARK) && i < 1000; i++) {
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		pid = (uint32_t)c->pid;
		ours = atomic_compare_exchange_strong(&s->pid, &pid, 0);
	}
	unmap(t);
	c->map = NULL;
	return ours;
}

int semrec_recover(const char *path, sem_t *sem, struct semrec_view *done,
		   const char **why)
{
	struct table *t = map_table(path, sem, false, why);
	struct env e;
	int r = 0;

	memset(done, 0, sizeof *done);
	if (!t)
		return *why ? -1 : 0;
	if (atomic_load(&t->tag) == 0)
		goto out;
	if (!table_sane(t)) {
		*why = "the record of holders is not one semwait wrote";
		r = -1;
		goto out;
	}
	env_init(&e);
	for (int i = 0; i < SEMREC_SLOTS; i++) {
		struct slot *s = &t->slot[i];
		uint32_t pid = atomic_load(&s->pid), mine = pid;

		if (judge(&e, pid, atomic_load(&s->start), atomic_load(&s->pidns)) != SEMREC_DEAD)
			continue;
		/* Ours to post, or another recovery's. */
		if (!atomic_compare_exchange_strong(&s->pid, &mine, pid | REC_MARK))
			continue;
		uint32_t n = atomic_load(&s->permits);
		/* Still the dead one, not a new holder that got its PID. */
		if (!slot_sane(pid, n) ||
		    judge(&e, pid, atomic_load(&s->start), atomic_load(&s->pidns)) != SEMREC_DEAD) {
			atomic_store(&s->pid, pid);
			continue;
		}
		if (n > 0 && ipcsem_post(sem, n) < 0) {
			atomic_store(&s->pid, pid);
			*why = errno == EOVERFLOW ? "the lost permits would pass SEM_VALUE_MAX"
						   : "cannot post the lost permits";
			r = -1;
			break;
		}
		atomic_store(&s->permits, 0);
		atomic_store(&s->start, 0);
		atomic_store(&s->pidns, 0);
		atomic_store(&s->pid, 0);
		add(done, pid, n, SEMREC_DEAD);
	}
out:
	unmap(t);
	return r;
}
