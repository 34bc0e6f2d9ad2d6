/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "idname.h"
#include "show.h"
#include "parse.h"
#include "sem.h"

/* The file of a POSIX named semaphore: glibc's sem.NAME, musl's NAME. */
#ifdef __GLIBC__
#define SEM_DIR "/dev/shm/sem."
#else
#define SEM_DIR "/dev/shm/"
#endif

/* semctl's fourth argument: the caller defines it (semctl(2)). */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* The largest value a semaphore of this kind holds. */
unsigned ipcsem_max(enum ipc_kind kind)
{
	return kind == IPC_SYSV ? SEM_SYSV_MAX : (unsigned)SEM_VALUE_MAX;
}

static const char *limit_name(enum ipc_kind kind)
{
	return kind == IPC_SYSV ? "SEMVMX" : "SEM_VALUE_MAX";
}

static void posix_path(const struct ipcsem *s, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", SEM_DIR, s->name + 1);
}

static noreturn void open_failed(const struct ipcsem *s)
{
	ipc_die_open(s->label, s->kind, "semaphore", "semaphore set");
}

/*
 * Anyone who may write in /dev/shm can plant a file under a semaphore's
 * name, and a mapped file shorter than a semaphore kills whoever touches
 * it (SIGBUS). Refuse what is not a regular file of a semaphore's size,
 * before sem_open maps it. A missing or unreadable file is sem_open's to
 * report.
 */
static void check_posix_file(const struct ipcsem *s)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, r;

	posix_path(s, path, sizeof path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP)
		die(EXIT_FAIL, "%s: not a semaphore: %s is a symbolic link; left as it is",
		    s->label, path);
	if (fd < 0)
		return;
	r = fstat(fd, &st);
	close(fd);
	if (r < 0 || (S_ISREG(st.st_mode) && st.st_size >= (off_t)sizeof(sem_t)))
		return;
	if (!S_ISREG(st.st_mode))
		die(EXIT_FAIL, "%s: not a semaphore: %s is not a regular file (owner %s); left as it is",
		    s->label, path, id_name((unsigned)st.st_uid, false));
	die(EXIT_FAIL, "%s: not a semaphore: %s is %lld bytes, a semaphore %zu (owner %s); left as it is",
	    s->label, path, (long long)st.st_size, sizeof(sem_t),
	    id_name((unsigned)st.st_uid, false));
}

static void open_posix(struct ipcsem *s, const struct ipcsem_create *c)
{
	check_posix_file(s);
	s->psem = sem_open(s->name, 0);
	if (s->psem == SEM_FAILED && errno == ENOENT && c && c->create) {
		mode_t old = umask(0); /* the mode asked, whatever the umask */

		s->psem = sem_open(s->name, O_CREAT | O_EXCL, c->mode, 0);
		umask(old);
		if (s->psem != SEM_FAILED)
			s->created = true;
		else if (errno == EEXIST) /* made by another meanwhile */
			s->psem = sem_open(s->name, 0);
		else
			die(EXIT_FAIL, "%s: cannot create semaphore:", s->label);
	}
	if (s->psem == SEM_FAILED)
		open_failed(s);
}

/* Linux starts a new set at zero and we never SETVAL, so there is no
 * window where another process sees it before it is initialized. */
static void open_sysv(struct ipcsem *s, const struct ipc_target *t,
		      const struct ipcsem_create *c)
{
	struct semid_ds ds;

	s->id = t->id;
	if (s->id < 0 && c && c->create) {
		int flags = IPC_CREAT | (int)(c->mode & 0777);

		if (t->key != IPC_PRIVATE)
			flags |= IPC_EXCL;
		s->id = semget(t->key, c->nsems, flags);
		if (s->id >= 0)
			s->created = true;
		else if (errno == ENOSPC)
			die(EXIT_FAIL, "%s: cannot create: the system's limit of semaphore sets or semaphores is reached (/proc/sys/kernel/sem)",
			    s->label);
		else if (errno == EINVAL)
			die(EXIT_FAIL, "%s: cannot create a set of %d semaphores (the system's limit is in /proc/sys/kernel/sem)",
			    s->label, c->nsems);
		else if (errno != EEXIST)
			die(EXIT_FAIL, "%s: cannot create semaphore:", s->label);
	}
	if (s->id < 0 && (s->id = semget(t->key, 0, 0)) < 0)
		open_failed(s);
	s->nsems = -1;
	if (semctl(s->id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0)
		s->nsems = (int)ds.sem_nsems;
	else if (errno != EACCES)
		open_failed(s);
}

void ipcsem_open(struct ipcsem *s, const struct ipc_target *t,
		 const struct ipcsem_create *c)
{
	memset(s, 0, sizeof *s);
	s->kind = t->kind;
	s->label = t->label;
	s->name = t->name;
	s->id = -1;
	if (t->kind == IPC_POSIX)
		open_posix(s, c);
	else
		open_sysv(s, t, c);
	if (c && c->exclusive && !s->created)
		die(EXIT_FAIL, "%s: the semaphore already exists", s->label);
}

void ipcsem_args_init(struct ipcsem_args *a)
{
	*a = (struct ipcsem_args){ .count = 1 };
	ipc_target_init(&a->t);
}

bool ipcsem_args_option(struct ipcsem_args *a, int opt, const char *arg)
{
	if (opt == IPCSEM_OPT_ALLOF)
		a->allof = arg;
	else if (opt == 'c')
		a->count_arg = arg;
	else
		return ipc_target_option(&a->t, opt, arg);
	return true;
}

void ipcsem_args_check(struct ipcsem_args *a)
{
	ipc_target_require(&a->t);
	if (a->t.kind == IPC_POSIX && a->allof)
		usage_error("--all-of is for System V sets; a POSIX semaphore is one value");
	ipcsem_members_arg(&a->members, "--all-of", a->allof);
	if (a->count_arg)
		a->count = arg_u64("--count", a->count_arg, 1, ipcsem_max(a->t.kind));
}

void ipcsem_members_arg(struct ipcsem_members *m, const char *opt,
			const char *list)
{
	char buf[32];

	m->n = 0;
	if (!list) {
		m->num[m->n++] = 0;
		return;
	}
	for (const char *p = list;; p++) {
		size_t len = strcspn(p, ",");
		uint64_t v;

		if (len >= sizeof buf)
			usage_error("%s: invalid member '%.*s...'", opt, 16, p);
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (parse_u64(buf, 0, SEM_MEMBERS_MAX * 16 - 1, &v) < 0)
			usage_error("%s: invalid member '%s' (a number 0 to %d, as semctl numbers them)",
				    opt, buf, SEM_MEMBERS_MAX * 16 - 1);
		for (int i = 0; i < m->n; i++)
			if (m->num[i] == v)
				usage_error("%s: member %s given twice", opt, buf);
		if (m->n == SEM_MEMBERS_MAX)
			usage_error("%s: more than %d members", opt, SEM_MEMBERS_MAX);
		m->num[m->n++] = (unsigned short)v;
		p += strcspn(p, ",");
		if (*p == '\0')
			break;
	}
}

int ipcsem_members_span(const struct ipcsem_members *m)
{
	int span = 1;

	for (int i = 0; i < m->n; i++)
		if (m->num[i] + 1 > span)
			span = m->num[i] + 1;
	return span;
}

static noreturn void op_failed(const struct ipcsem *s, const char *what)
{
	if (errno == EIDRM || (s->kind == IPC_SYSV && errno == EINVAL))
		die(EXIT_FAIL, "%s: the semaphore has been removed", s->label);
	if (errno == EACCES)
		die(EXIT_FAIL, "%s: permission denied", s->label);
	if (errno == EFBIG && s->nsems >= 0)
		die(EXIT_FAIL, "%s: the set has only %d semaphores", s->label, s->nsems);
	if (errno == EFBIG) /* no read permission: its size is unknown */
		die(EXIT_FAIL, "%s: the set has fewer semaphores than --all-of names", s->label);
	if (errno == E2BIG)
		die(EXIT_FAIL, "%s: more members than one semop call takes (SEMOPM, /proc/sys/kernel/sem)",
		    s->label);
	die(EXIT_FAIL, "%s: cannot %s:", s->label, what);
}

/* One semtimedop on every member: delta -n, +n or 0 (wait for zero). */
static int sysv_op(struct ipcsem *s, const struct ipcsem_members *m, int delta,
		   const struct deadline *d, bool nowait, bool undo)
{
	struct sembuf ops[SEM_MEMBERS_MAX];
	struct timespec ts, *tp = NULL;
	bool once = nowait;

	if (d && !d->forever && !nowait) {
		int64_t left = deadline_left(d);

		once = left == 0; /* a deadline passed (-T 0) still tries once */
		ts = ns_to_timespec(left);
		tp = &ts;
	}
	for (int i = 0; i < m->n; i++) {
		ops[i].sem_num = m->num[i];
		ops[i].sem_op = (short)delta;
		ops[i].sem_flg = (short)((once ? IPC_NOWAIT : 0) | (undo ? SEM_UNDO : 0));
	}
	if (semtimedop(s->id, ops, (size_t)m->n, tp) == 0)
		return SEMOP_OK;
	if (errno == EAGAIN)
		return nowait ? SEMOP_AGAIN : SEMOP_TIMEOUT;
	if (errno == EINTR)
		return SEMOP_INTR;
	return -1;
}

static int value_of(struct ipcsem *s, int member)
{
	int v = 0;

	if (s->kind == IPC_POSIX ? sem_getvalue(s->psem, &v) < 0
	    : (v = semctl(s->id, member, GETVAL)) < 0)
		op_failed(s, "read the value");
	return v;
}

/* POSIX: one permit; errno tells why not. */
static int posix_take1(struct ipcsem *s, const struct deadline *d, bool nowait)
{
	struct timespec ts;
	const struct timespec *abs = nowait ? NULL : deadline_realtime(d, &ts);
	int r = nowait ? sem_trywait(s->psem)
		: abs ? sem_timedwait(s->psem, abs) : sem_wait(s->psem);

	if (r == 0)
		return SEMOP_OK;
	if (errno == EAGAIN)
		return SEMOP_AGAIN;
	if (errno == ETIMEDOUT)
		return SEMOP_TIMEOUT;
	if (errno == EINTR)
		return SEMOP_INTR;
	op_failed(s, "take a permit");
}

/* All n now, or none: what a race left short goes back at once. */
static bool posix_take_all(struct ipcsem *s, unsigned n)
{
	unsigned got = 0;

	while (got < n && sem_trywait(s->psem) == 0)
		got++;
	if (got == n)
		return true;
	while (got > 0 && sem_post(s->psem) == 0)
		got--;
	return false;
}

/*
 * Between two looks at a semaphore: SEMOP_AGAIN with nowait,
 * SEMOP_TIMEOUT once d has passed, SEMOP_INTR when a signal cuts the
 * sleep (pause, or what is left of d) short; SEMOP_OK to look again.
 */
static int pause_between(const struct deadline *d, bool nowait, int64_t pause)
{
	if (nowait)
		return SEMOP_AGAIN;
	int64_t left = deadline_left(d);
	if (left == 0)
		return SEMOP_TIMEOUT;
	struct timespec ts = ns_to_timespec(left < pause ? left : pause);
	return nanosleep(&ts, NULL) < 0 ? SEMOP_INTR : SEMOP_OK;
}

/*
 * POSIX has no operation for n permits. Try for all of them when the
 * value shows enough, and between tries hold nothing and sleep, a little
 * longer each time (up to 50 ms): a taker of many never sits on part of
 * them while takers of fewer starve, and two such takers never deadlock.
 */
static int posix_take(struct ipcsem *s, unsigned n, const struct deadline *d,
		      bool nowait)
{
	int64_t pause = NS_PER_SEC / 1000;

	if (n == 1)
		return posix_take1(s, d, nowait);
	for (;;) {
		if ((unsigned)value_of(s, 0) >= n && posix_take_all(s, n))
			return SEMOP_OK;
		int r = pause_between(d, nowait, pause);
		if (r != SEMOP_OK)
			return r;
		if (pause < NS_PER_SEC / 20)
			pause *= 2;
	}
}

int ipcsem_take(struct ipcsem *s, const struct ipcsem_members *m, unsigned n,
		const struct deadline *d, bool nowait, bool undo)
{
	int r;

	if (s->kind == IPC_POSIX)
		return posix_take(s, n, d, nowait);
	r = sysv_op(s, m, -(int)n, d, nowait, undo);
	if (r < 0 && errno == ERANGE)
		die(EXIT_FAIL, "%s: taking %u permits with undo passes the kernel's limit of %d per process (SEMAEM)",
		    s->label, n, SEM_SYSV_MAX);
	if (r < 0)
		op_failed(s, "take permits");
	return r;
}

/*
 * A set that was never operated on (sem_otime 0) may be one its creator
 * has not posted yet: at 0 it would pass a barrier it should not. Wait
 * for the first operation, as semget(2) NOTES say; the window is the
 * creator's next system call, so a short sleep between looks is enough.
 */
static int wait_initialized(struct ipcsem *s, const struct deadline *d,
			    bool nowait)
{
	struct semid_ds ds;

	for (;;) {
		if (semctl(s->id, 0, IPC_STAT, (union semun){ .buf = &ds }) < 0)
			op_failed(s, "read its state");
		if (ds.sem_otime != 0)
			return SEMOP_OK;
		int r = pause_between(d, nowait, NS_PER_SEC / 1000);
		if (r != SEMOP_OK)
			return r;
	}
}

int ipcsem_zero(struct ipcsem *s, const struct ipcsem_members *m,
		const struct deadline *d, bool nowait)
{
	int r = wait_initialized(s, d, nowait);

	if (r != SEMOP_OK)
		return r;
	r = sysv_op(s, m, 0, d, nowait, false);

	if (r < 0)
		op_failed(s, "wait for zero");
	return r;
}

static noreturn void overflow(struct ipcsem *s, int member, unsigned n)
{
	int v = value_of(s, member);

	die(EXIT_FAIL, "%s: value %d + %u would pass the limit of %u (%s); nothing added",
	    s->label, v, n, ipcsem_max(s->kind), limit_name(s->kind));
}

void ipcsem_give(struct ipcsem *s, const struct ipcsem_members *m, unsigned n)
{
	if (s->kind == IPC_SYSV) {
		if (sysv_op(s, m, (int)n, NULL, false, false) == SEMOP_OK)
			return;
		if (errno == ERANGE)
			for (int i = 0; i < m->n; i++)
				if ((unsigned)value_of(s, m->num[i]) + n > SEM_SYSV_MAX)
					overflow(s, m->num[i], n);
		op_failed(s, "add permits");
	}
	if ((unsigned)value_of(s, 0) > ipcsem_max(IPC_POSIX) - n)
		overflow(s, 0, n);
	if (ipcsem_post(s->psem, n) == 0)
		return;
	if (errno == EOVERFLOW)
		overflow(s, 0, n);
	op_failed(s, "add permits");
}

int ipcsem_post(sem_t *sem, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (sem_post(sem) == 0)
			continue;
		int err = errno;
		while (i > 0 && sem_trywait(sem) == 0) /* all or none */
			i--;
		errno = err;
		return -1;
	}
	return 0;
}

void ipcsem_record(struct ipcsem *s, unsigned n, struct semrec_claim *c)
{
	char path[PATH_MAX];
	const char *why;

	posix_path(s, path, sizeof path);
	if (semrec_hold(c, path, s->psem, n, &why) < 0)
		warn("%s: %s (%s); permits lost to a crash of the holder cannot be recovered",
		     s->label, why, path);
}

void ipcsem_give_recorded(struct ipcsem *s, unsigned n, struct semrec_claim *c)
{
	struct ipcsem_members one = { .n = 1 };

	if (semrec_release(c))
		ipcsem_give(s, &one, n);
	else
		warn("%s: %u permits already given back by a recovery (sempost --recover)",
		     s->label, n);
}

/* " PID:N" for each holder in state st. */
/* "PID:N,PID:N" of the holders in state st, as ipcls's HOLDERS lists. */
static char *holders_text(const struct semrec_view *v, enum semrec_state st)
{
	size_t cap = (size_t)v->n * 24 + 1, n = 0;
	char *t = xmalloc(cap);

	t[0] = '\0';
	for (int i = 0; i < v->n; i++)
		if (v->h[i].state == st)
			n += (size_t)snprintf(t + n, cap - n, "%s%d:%u", n ? "," : "",
					      (int)v->h[i].pid, v->h[i].permits);
	return t;
}

static void show_holders(struct show *o, enum field f, const struct semrec_view *v,
			 enum semrec_state st)
{
	char *t = holders_text(v, st);

	show_str(o, f, t);
	free(t);
}

void ipcsem_recover(struct ipcsem *s)
{
	char path[PATH_MAX];
	const char *why;
	struct semrec_view done;
	int r;

	posix_path(s, path, sizeof path);
	r = semrec_recover(path, s->psem, &done, &why);
	struct show o = { 0 };
	if (r == 0 || done.n > 0)
		show_num(&o, FLD_RECOVERED, (long long)done.lost);
	if (done.n > 0)
		show_holders(&o, FLD_RECOVERED_FROM, &done, SEMREC_DEAD);
	if (r < 0)
		die(EXIT_FAIL, "%s: %s (%s); %s recovered", s->label, why, path,
		    done.n > 0 ? "nothing more" : "nothing");
}

/* POSIX: the permits held by live holders and lost by dead ones. */
static void stat_record(struct show *o, struct ipcsem *s)
{
	char path[PATH_MAX];
	struct semrec_view v;
	int fd, r = -1;

	posix_path(s, path, sizeof path);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) >= 0) {
		r = semrec_read(fd, &v);
		close(fd);
	}
	if (r < 0) {
		warn("%s: the record of holders in %s %s", s->label, path,
		     errno == EINVAL ? "is not one semwait wrote" : "cannot be read");
		show_str(o, FLD_HELD, "?");
		show_str(o, FLD_LOST, "?");
		return;
	}
	show_num(o, FLD_HELD, (long long)v.held);
	if (v.held > 0)
		show_holders(o, FLD_HELD_BY, &v, SEMREC_LIVE);
	show_num(o, FLD_LOST, (long long)v.lost);
	if (v.lost > 0)
		show_holders(o, FLD_LOST_BY, &v, SEMREC_DEAD);
}

void ipcsem_set(struct ipcsem *s, const struct ipcsem_members *m, unsigned n)
{
	if (n > ipcsem_max(s->kind))
		die(EXIT_FAIL, "%s: %u is past the limit of %u (%s); nothing set",
		    s->label, n, ipcsem_max(s->kind), limit_name(s->kind));
	if (s->kind == IPC_SYSV) {
		/* 0, then a semop to n: the semop marks the set initialized
		 * (sem_otime), which SETVAL does not. */
		for (int i = 0; i < m->n; i++)
			if (semctl(s->id, m->num[i], SETVAL, 0) < 0)
				op_failed(s, "set its value");
		if (sysv_op(s, m, (int)n, NULL, true, false) != SEMOP_OK)
			op_failed(s, "set its value");
		return;
	}
	int v = value_of(s, 0);
	if ((unsigned)v < n)
		ipcsem_give(s, m, n - (unsigned)v);
	for (; (unsigned)v > n && sem_trywait(s->psem) == 0; v--)
		;
}

/* The owner's name, or number: as ipcls shows it. */
static const char *user(uid_t uid)
{
	return id_name((unsigned)uid, false);
}

/* Its mode and owner: the file of a POSIX one, the set's permissions. */
static void perm_of(struct ipcsem *s, mode_t *mode, uid_t *uid)
{
	if (s->kind == IPC_POSIX) {
		char path[PATH_MAX];
		struct stat st;

		posix_path(s, path, sizeof path);
		if (stat(path, &st) < 0)
			die(EXIT_FAIL, "%s: cannot read its mode (%s):", s->label, path);
		*mode = st.st_mode & 07777;
		*uid = st.st_uid;
		return;
	}
	struct semid_ds ds;

	if (semctl(s->id, 0, IPC_STAT, (union semun){ .buf = &ds }) < 0)
		op_failed(s, "read its state");
	*mode = ds.sem_perm.mode & 0777;
	*uid = ds.sem_perm.uid;
}

void ipcsem_check_mode(struct ipcsem *s, mode_t mode)
{
	mode_t have;
	uid_t uid;

	if (s->created)
		return;
	perm_of(s, &have, &uid);
	if (have != mode)
		die(EXIT_FAIL, "%s: exists with mode %03o, not %03o as -m asks; left as it is",
		    s->label, (unsigned)have, (unsigned)mode);
	if (uid != geteuid())
		die(EXIT_FAIL, "%s: exists and belongs to %s; left as it is",
		    s->label, user(uid));
}

void ipcsem_stat(struct ipcsem *s, const struct ipcsem_members *m)
{
	mode_t mode;
	uid_t uid;

	struct show o = { 0 };

	perm_of(s, &mode, &uid);
	if (s->kind == IPC_POSIX) {
		show_kind(&o, OBJ_POSIX_SEM);
		show_str(&o, FLD_NAME, s->name);
		show_mode(&o, (unsigned)mode);
		show_str(&o, FLD_OWNER, user(uid));
		show_num(&o, FLD_VALUE, value_of(s, 0));
		stat_record(&o, s);
		return;
	}
	struct semid_ds ds;
	int k = m->num[0];

	if (semctl(s->id, 0, IPC_STAT, (union semun){ .buf = &ds }) < 0)
		op_failed(s, "read its state");
	show_kind(&o, OBJ_SYSV_SEM);
	show_sysv(&o, ds.sem_perm.__key, s->id);
	show_mode(&o, (unsigned)mode);
	show_str(&o, FLD_OWNER, user(uid));
	show_num(&o, FLD_SEMAPHORES, (long long)ds.sem_nsems);
	show_num(&o, FLD_MEMBER, k);
	show_num(&o, FLD_VALUE, value_of(s, k));
	show_num(&o, FLD_WAITING, semctl(s->id, k, GETNCNT));
	show_num(&o, FLD_WAITING_ZERO, semctl(s->id, k, GETZCNT));
	show_num(&o, FLD_LAST_PID, semctl(s->id, k, GETPID));
	if (ds.sem_nsems > 1) { /* as ipcls's VALUES: comma-separated */
		size_t cap = ds.sem_nsems * 12 + 1, n = 0; /* ",-2147483648" */
		char *v = xmalloc(cap);
		for (unsigned long i = 0; i < ds.sem_nsems; i++)
			n += (size_t)snprintf(v + n, cap - n, "%s%d", i ? "," : "",
					      value_of(s, (int)i));
		show_str(&o, FLD_VALUES, v);
		free(v);
	}
	show_time(&o, FLD_LAST_OP, ds.sem_otime);
}

void ipcsem_remove(struct ipcsem *s)
{
	int r = s->kind == IPC_POSIX ? sem_unlink(s->name)
				     : semctl(s->id, 0, IPC_RMID);

	if (r < 0)
		die(EXIT_FAIL, "%s: cannot remove the semaphore:", s->label);
}
