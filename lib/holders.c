/* SPDX-License-Identifier: ISC */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "holders.h"
#include "proc.h"

/* kcmp(2): are two processes' descriptor tables, or System V undo
 * lists, one? (linux/kcmp.h) */
#define KCMP_FILES 2
#define KCMP_SYSVSEM 6

/* System V segments are keyed by shmid under this device number. */
#define SYSV_DEV ((dev_t)-1)

struct slot {
	dev_t dev;
	ino_t ino;
	size_t idx; /* object index + 1; 0: empty */
};

struct index {
	struct slot *s;
	size_t mask;
	unsigned *attaches;   /* System V maps entries seen, per object */
	struct ipc_list *l;
	pid_t pid;            /* the process being scanned */
	bool other_ipc_ns;    /* it lives in another IPC namespace */
	char comm[16];        /* its command, once read */
	char *buf;            /* a maps file */
	size_t cap;
};

static size_t hash(dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino ^ ((uint64_t)dev << 17)) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32);
}

static void put(struct index *x, dev_t dev, ino_t ino, size_t idx)
{
	size_t i = hash(dev, ino) & x->mask;

	while (x->s[i].idx)
		i = (i + 1) & x->mask;
	x->s[i] = (struct slot){ dev, ino, idx + 1 };
}

/* The object with that device and inode, or NULL. */
static struct ipc_obj *find(const struct index *x, dev_t dev, ino_t ino)
{
	for (size_t i = hash(dev, ino) & x->mask; x->s[i].idx; i = (i + 1) & x->mask)
		if (x->s[i].dev == dev && x->s[i].ino == ino)
			return &x->l->v[x->s[i].idx - 1];
	return NULL;
}

static void build(struct index *x, struct ipc_list *l)
{
	size_t cap = 16;

	while (cap < 2 * l->n + 1)
		cap *= 2;
	memset(x, 0, sizeof *x);
	x->s = xcalloc(cap, sizeof *x->s);
	x->attaches = xcalloc(l->n + 1, sizeof *x->attaches);
	x->mask = cap - 1;
	x->l = l;
	for (size_t i = 0; i < l->n; i++) {
		const struct ipc_obj *o = &l->v[i];
		if (o->kind == OBJ_SYSV_SHM)
			put(x, SYSV_DEV, (ino_t)o->id, i);
		else if (o->id < 0)
			put(x, o->dev, o->ino, i);
	}
}

/* Record x->pid as a holder of o, once. */
static void hold(struct index *x, struct ipc_obj *o)
{
	if (o->nholders > 0 && o->holders[o->nholders - 1].pid == x->pid)
		return;
	if (!x->comm[0]) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/comm", (int)x->pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, x->comm, sizeof x->comm - 1) : -1;
		if (fd >= 0)
			close(fd);
		x->comm[n > 0 ? n : 0] = '\0';
		x->comm[strcspn(x->comm, "\n")] = '\0';
		if (!x->comm[0])
			strcpy(x->comm, "?");
	}
	if ((o->nholders & (o->nholders - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
		size_t cap = o->nholders ? o->nholders * 2 : 1;
		o->holders = xreallocarray(o->holders, cap, sizeof *o->holders);
	}
	o->holders[o->nholders].pid = x->pid;
	memcpy(o->holders[o->nholders].comm, x->comm, sizeof x->comm);
	o->nholders++;
}

/* A hex number at *p, not past end. */
/* One maps line: "start-end perms offset MAJ:MIN INODE   PATH". */
static void maps_line(struct index *x, const char *p, const char *end)
{
	struct maps_entry e;
	struct ipc_obj *o;

	if (!maps_entry_parse(p, end, &e))
		return;
	/* Another IPC namespace's shmid N is another segment than ours. */
	if (e.sysv && x->other_ipc_ns)
		return;
	o = find(x, e.sysv ? SYSV_DEV : e.dev, e.ino);
	if (!o)
		return;
	if (o->kind == OBJ_SYSV_SHM)
		x->attaches[o - x->l->v]++;
	hold(x, o);
}

/*
 * Read DIR/maps whole, then match its lines; *mapped when it had any.
 * false: not readable.
 */
static bool scan_maps(struct index *x, int piddir, bool *mapped)
{
	int fd = openat(piddir, "maps", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return errno != EACCES && errno != EPERM;
	for (;;) {
		if (x->cap - len < 65536) {
			x->cap = x->cap ? x->cap * 2 : 262144;
			x->buf = xreallocarray(x->buf, x->cap, 1);
		}
		n = read(fd, x->buf + len, x->cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0)
		return errno != EACCES && errno != EPERM;
	*mapped = len > 0;
	for (const char *p = x->buf, *end = x->buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		maps_line(x, p, nl);
		p = nl + 1;
	}
	return true;
}

/* Where descriptors of POSIX objects point. */
struct fdpaths {
	char shm[PATH_MAX + 1], mq[PATH_MAX + 1]; /* the directories, resolved, with a slash */
	dev_t shm_dev, mq_dev;
};

/*
 * Could the descriptor whose link reads link be a POSIX object or queue?
 * Only those are stat'ed: stat on a descriptor of a dead NFS server hangs.
 * A queue opened with mq_open(3) reads "/NAME".
 */
static bool maybe_ipc(const char *link, const struct fdpaths *fp)
{
	return strncmp(link, fp->shm, strlen(fp->shm)) == 0 ||
	       strncmp(link, fp->mq, strlen(fp->mq)) == 0 ||
	       (link[0] == '/' && !strchr(link + 1, '/'));
}

/* Descriptors open on a POSIX object or queue. false: not readable. */
static bool scan_fds(struct index *x, int piddir, const struct fdpaths *fp)
{
	int dfd = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	struct stat st;
	char link[PATH_MAX];

	if (dfd < 0)
		return errno != EACCES && errno != EPERM;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return true;
	}
	while ((e = readdir(d))) {
		ssize_t n = readlinkat(dfd, e->d_name, link, sizeof link - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!maybe_ipc(link, fp) || fstatat(dfd, e->d_name, &st, 0) < 0)
			continue;
		if (st.st_dev != fp->shm_dev && st.st_dev != fp->mq_dev)
			continue;
		struct ipc_obj *o = find(x, st.st_dev, st.st_ino);
		if (o)
			hold(x, o);
	}
	closedir(d);
	return true;
}

/* A directory's device and its resolved path with a trailing slash. */
static void dir_of(const char *dir, char *path, dev_t *dev)
{
	struct stat st;
	char real[PATH_MAX];

	*dev = stat(dir, &st) == 0 ? st.st_dev : (dev_t)-2;
	snprintf(path, PATH_MAX + 1, "%s/", realpath(dir, real) ? real : dir);
}

/*
 * Complete where no unreadable process could hide a holder. A System V
 * segment's attachment count tells: complete once every attachment the
 * kernel counts was seen in a maps file.
 */
static void mark_known(struct index *x, unsigned unreadable)
{
	for (size_t i = 0; i < x->l->n; i++) {
		struct ipc_obj *o = &x->l->v[i];

		if (!holders_apply(o->kind))
			continue;
		if (o->kind == OBJ_SYSV_SHM)
			o->holders_known = (long)x->attaches[i] >= o->nattch;
		else
			o->holders_known = unreadable == 0;
	}
}

/*
 * The other threads of x->pid, from DIR/task. A thread's maps are its
 * process's, read here only when the main thread's were empty (it has
 * exited: a zombie leader shows no maps and no fds). Its descriptors may be
 * a table of its own (clone without CLONE_FILES): read when kcmp(2) says
 * they are not the last table read, or cannot tell and none was read.
 */
static bool scan_threads(struct index *x, int piddir, const struct fdpaths *fp, bool mapped)
{
	int tfd = openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = tfd >= 0 ? fdopendir(tfd) : NULL;
	struct dirent *e;
	pid_t last = x->pid;
	bool ok = true, fds_read = mapped; /* the main thread's, if it lives */
	long r = -1;

	if (!d) {
		if (tfd >= 0)
			close(tfd);
		return true;
	}
	while ((e = readdir(d))) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);
		if (*end || tid <= 0 || tid == x->pid)
			continue;
		int tdir = openat(tfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0)
			continue;
		if (!mapped)
			ok &= scan_maps(x, tdir, &mapped);
#ifdef SYS_kcmp
		r = syscall(SYS_kcmp, last, (pid_t)tid, KCMP_FILES, 0, 0);
#endif
		if (r > 0 || !fds_read) {
			ok &= scan_fds(x, tdir, fp);
			fds_read = true;
			last = (pid_t)tid;
		}
		close(tdir);
	}
	closedir(d);
	return ok;
}

/* Its maps and descriptors, and its threads' where they may differ. */
static bool scan_process(struct index *x, int piddir, const struct fdpaths *fp)
{
	struct stat st;
	bool mapped = false;
	bool ok = scan_maps(x, piddir, &mapped);

	ok &= scan_fds(x, piddir, fp);
	/* The task directory's link count is 2 + the number of threads. */
	if (!mapped || (fstatat(piddir, "task", &st, 0) == 0 && st.st_nlink > 3))
		ok &= scan_threads(x, piddir, fp, mapped);
	return ok;
}

/* The system's boot time in seconds since the epoch (/proc/stat btime), or 0. */
static time_t boot_time(void)
{
	char *line = NULL;
	size_t cap = 0;
	long long t = 0;
	FILE *f = fopen("/proc/stat", "re");

	while (f && getline(&line, &cap, f) > 0 && sscanf(line, "btime %lld", &t) != 1)
		;
	free(line);
	if (f)
		fclose(f);
	return (time_t)t;
}

/*
 * May process pid hold System V permits under SEM_UNDO? This process has
 * no undo list (ipcls never asks for SEM_UNDO), so kcmp(2) finds pid's
 * list the same as ours only when pid has none either. One that has a
 * list, or that kcmp may not compare (another user's, or no kcmp), may
 * hold permits of any set it operated on since it started: the earliest
 * such start goes to l->undo_since.
 */
static void undo_user(struct ipc_list *l, pid_t self, pid_t pid, time_t boot)
{
	long r = -1;
	uint64_t start;
	long hz = sysconf(_SC_CLK_TCK);

#ifdef SYS_kcmp
	r = syscall(SYS_kcmp, self, pid, KCMP_SYSVSEM, 0, 0);
#endif
	if (r == 0 || (r < 0 && errno == ESRCH))
		return;
	time_t t = proc_start_time(pid, &start) == 0 && boot > 0 && hz > 0
			   ? boot + (time_t)(start / (uint64_t)hz) : 0;
	if ((int64_t)t < l->undo_since)
		l->undo_since = t;
}

/*
 * Can /proc hide processes from this one? It can when it is not the /proc
 * of the first PID namespace (the processes of the namespaces above are
 * not in it), or when it is mounted hidepid=invisible or ptraceable.
 */
static bool proc_hides(void)
{
	char link[64], self[32], *line = NULL;
	size_t cap = 0;
	bool hides = false;
	ssize_t n;

	n = readlink("/proc/self/ns/pid", link, sizeof link - 1);
	if (n < 0 || (link[n] = '\0', strcmp(link, "pid:[4026531836]") != 0))
		return true; /* PROC_PID_INIT_INO: the first namespace's */
	n = readlink("/proc/self", self, sizeof self - 1);
	if (n < 0 || (self[n] = '\0', strtol(self, NULL, 10) != getpid()))
		return true; /* a /proc of another namespace */
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return true;
	/* The last mount on /proc is the one seen; its options end the line. */
	while (getline(&line, &cap, f) > 0) {
		if (!strstr(line, " /proc "))
			continue;
		char *opts = strrchr(line, ' ');
		hides = opts && (strstr(opts, "hidepid=2") || strstr(opts, "hidepid=invisible") ||
				 strstr(opts, "hidepid=4") || strstr(opts, "hidepid=ptraceable"));
	}
	free(line);
	fclose(f);
	return hides;
}

void holders_scan(struct ipc_list *l)
{
	struct index x;
	unsigned unreadable = 0;
	static struct fdpaths fp;
	pid_t self = getpid();
	DIR *proc = opendir("/proc");
	struct dirent *e;

	struct stat own_ns = { 0 };
	stat("/proc/self/ns/ipc", &own_ns);
	dir_of("/dev/shm", fp.shm, &fp.shm_dev);
	dir_of("/dev/mqueue", fp.mq, &fp.mq_dev);
	build(&x, l);
	l->procs_hidden = proc_hides();
	l->undo_since = INT64_MAX;
	time_t boot = boot_time();
	while (proc && (e = readdir(proc))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		int piddir = openat(dirfd(proc), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue;
		x.pid = (pid_t)pid;
		x.comm[0] = '\0';
		struct stat ns;
		x.other_ipc_ns = fstatat(piddir, "ns/ipc", &ns, 0) == 0 && own_ns.st_ino != 0 &&
				 (ns.st_ino != own_ns.st_ino || ns.st_dev != own_ns.st_dev);
		if (!scan_process(&x, piddir, &fp))
			unreadable++;
		if (!x.other_ipc_ns)
			undo_user(l, self, (pid_t)pid, boot);
		close(piddir);
	}
	if (proc)
		closedir(proc);
	if (!proc || l->procs_hidden) {
		unreadable++;
		l->undo_since = 0;
	}
	mark_known(&x, unreadable);
	free(x.s);
	free(x.attaches);
	free(x.buf);
}
