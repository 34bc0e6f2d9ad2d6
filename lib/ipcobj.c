/* SPDX-License-Identifier: ISC */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "fields.h"
#include "ipcobj.h"
#include "semrec.h"

#define MQUEUE_DIR "/dev/mqueue"
#define POSIX_SHM_DIR "/dev/shm"
#define MQUEUE_MAGIC 0x19800202

const char ipcobj_kind_words[] =
	"sysv-shm, sysv-msg, sysv-sem, posix-shm, posix-mq, posix-sem, sysv, posix, shm, mq, sem";

static unsigned kind_word(const char *w, size_t n)
{
	static const struct { const char *w; unsigned mask; } groups[] = {
		{ "sysv", OBJ_SYSV },
		{ "posix", OBJ_ALL & ~OBJ_SYSV },
		{ "shm", 1u << OBJ_SYSV_SHM | 1u << OBJ_POSIX_SHM },
		{ "mq", 1u << OBJ_SYSV_MSG | 1u << OBJ_POSIX_MQ },
		{ "msg", 1u << OBJ_SYSV_MSG | 1u << OBJ_POSIX_MQ },
		{ "sem", 1u << OBJ_SYSV_SEM | 1u << OBJ_POSIX_SEM },
	};

	for (int k = 0; k < OBJ_NKINDS; k++)
		if (strlen(kind_names[k]) == n && memcmp(w, kind_names[k], n) == 0)
			return 1u << k;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (strlen(groups[i].w) == n && memcmp(w, groups[i].w, n) == 0)
			return groups[i].mask;
	return 0;
}

int ipcobj_kinds_parse(const char *s, unsigned *mask, const char **bad, size_t *badlen)
{
	*mask = 0;
	for (;;) {
		size_t n = strcspn(s, ",");
		unsigned m = kind_word(s, n);

		if (m == 0) {
			*bad = s;
			*badlen = n;
			return -1;
		}
		*mask |= m;
		if (s[n] == '\0')
			return 0;
		s += n + 1;
	}
}

void ipcobj_label(const struct ipc_obj *o, char *buf, size_t size)
{
	if (o->id < 0)
		snprintf(buf, size, "%s %s", kind_names[o->kind], o->name);
	else
		snprintf(buf, size, "%s key 0x%08x (id %d)", kind_names[o->kind],
			 (unsigned)o->key, o->id);
}

static struct ipc_obj *add(struct ipc_list *l, enum obj_kind kind)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, cap, sizeof *l->v);
		l->cap = cap;
	}
	struct ipc_obj *o = &l->v[l->n++];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->id = -1;
	o->size = o->messages = o->bytes = o->msg_max = o->msg_size = -1;
	o->nattch = -1;
	o->waiters = -1;
	o->lost = -1;
	return o;
}

static time_t latest(time_t a, time_t b)
{
	return a > b ? a : b;
}

/*
 * Split a /proc/sysvipc line into up to max numbers; the third (perms) is
 * octal. Returns how many were read.
 */
static int numbers(const char *p, long long *v, int max)
{
	int n = 0;
	char *end;

	while (n < max) {
		errno = 0;
		v[n] = strtoll(p, &end, n == 2 ? 8 : 10);
		if (end == p || errno)
			break;
		p = end;
		n++;
	}
	return n;
}

/*
 * System V semaphore values, the last process of each (LAST-PID: the
 * first's), and how many processes wait on the set: a blocked semop is a
 * use no timestamp shows.
 */
static void sem_values(struct ipc_obj *o)
{
	union { int val; struct semid_ds *buf; unsigned short *array; } arg;
	unsigned short *vals = xcalloc((size_t)o->nsems, sizeof *vals);

	arg.array = vals;
	if (semctl(o->id, 0, GETALL, arg) == 0) {
		o->values = xcalloc((size_t)o->nsems, sizeof *o->values);
		o->sempids = xcalloc((size_t)o->nsems, sizeof *o->sempids);
		o->waiters = 0;
		for (int i = 0; i < o->nsems; i++) {
			int pid = semctl(o->id, i, GETPID);
			int n = semctl(o->id, i, GETNCNT), z = semctl(o->id, i, GETZCNT);
			o->values[i] = vals[i];
			o->sempids[i] = pid > 0 ? pid : 0;
			o->waiters = o->waiters >= 0 && n >= 0 && z >= 0 ? o->waiters + n + z : -1;
		}
		if (o->sempids[0] > 0)
			o->lpid = o->sempids[0];
	}
	free(vals);
}

static void sysv_line(struct ipc_list *l, enum obj_kind kind, const char *line)
{
	long long v[16];
	int n = numbers(line, v, 16);
	struct ipc_obj *o;

	if ((kind == OBJ_SYSV_SHM && n < 14) || (kind == OBJ_SYSV_MSG && n < 14) ||
	    (kind == OBJ_SYSV_SEM && n < 10))
		return; /* the heading, or a format this does not know */
	o = add(l, kind);
	o->key = (key_t)v[0];
	o->id = (int)v[1];
	o->mode = (unsigned)v[2] & 07777;
	if (kind == OBJ_SYSV_SHM) {
		o->size = v[3];
		o->cpid = (pid_t)v[4];
		o->lpid = (pid_t)v[5];
		o->nattch = (long)v[6];
		o->uid = (uid_t)v[7], o->gid = (gid_t)v[8], o->cuid = (uid_t)v[9];
		o->changed = (time_t)v[13];
		o->used = latest(latest(v[11], v[12]), v[13]);
	} else if (kind == OBJ_SYSV_MSG) {
		o->bytes = v[3];
		o->messages = v[4];
		o->lpid = (pid_t)(v[11] >= v[12] ? v[5] : v[6]); /* the later of send and receive */
		o->uid = (uid_t)v[7], o->gid = (gid_t)v[8], o->cuid = (uid_t)v[9];
		o->changed = (time_t)v[13];
		o->used = latest(latest(v[11], v[12]), v[13]);
	} else {
		o->nsems = (int)v[3];
		o->uid = (uid_t)v[4], o->gid = (gid_t)v[5], o->cuid = (uid_t)v[6];
		o->changed = (time_t)v[9];
		o->used = latest(v[8], v[9]);
		o->optime = (time_t)v[8];
		sem_values(o);
	}
}

static void scan_sysv(struct ipc_list *l, enum obj_kind kind, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return; /* a kernel without System V IPC has none */
	while (getline(&line, &cap, f) > 0)
		sysv_line(l, kind, line);
	free(line);
	fclose(f);
}

/* A POSIX semaphore's value: the first 32 bits of the sem_t in the file,
 * for glibc (its low word on little-endian) and musl alike; and the
 * permits its record shows lost. */
static void psem_value(struct ipc_obj *o, int dirfd, const char *file)
{
	unsigned char b[8];
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return;
	if (pread(fd, b, sizeof b, 0) == (ssize_t)sizeof b) {
		uint32_t w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ && UINTPTR_MAX > 0xffffffffu
		memcpy(&w, b + 4, sizeof w);
#else
		memcpy(&w, b, sizeof w);
#endif
		o->values = xmalloc(sizeof *o->values);
		o->values[0] = (int)(w & 0x7fffffff);
	}
	struct semrec_view v;
	if (semrec_read(fd, &v) >= 0)
		o->lost = (int64_t)v.lost;
	close(fd);
}

/* A POSIX queue's depth: mq_getattr works on a descriptor of its file. */
static void pmq_depth(struct ipc_obj *o, int dirfd, const char *file)
{
	int fd = openat(dirfd, file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct mq_attr a;
	char buf[128];

	if (fd < 0)
		fd = openat(dirfd, file, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (mq_getattr((mqd_t)fd, &a) == 0) {
		o->messages = a.mq_curmsgs;
		o->msg_max = a.mq_maxmsg;
		o->msg_size = a.mq_msgsize;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = '\0';
		if (strncmp(buf, "QSIZE:", 6) == 0)
			o->bytes = strtoll(buf + 6, NULL, 10);
	}
	close(fd);
}

static void posix_entry(struct ipc_list *l, int dirfd, const char *file, bool mq)
{
	struct stat st;
	bool sem = !mq && strncmp(file, "sem.", 4) == 0;
	const char *name = sem ? file + 4 : file;

	if (fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return;
	if (strlen(name) + 2 > NAME_MAX + 2 || name[0] == '\0')
		return;
	struct ipc_obj *o = add(l, mq ? OBJ_POSIX_MQ : sem ? OBJ_POSIX_SEM : OBJ_POSIX_SHM);
	o->name[0] = '/';
	strcpy(o->name + 1, name);
	o->uid = o->cuid = st.st_uid;
	o->gid = st.st_gid;
	o->mode = st.st_mode & 07777;
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	/* Reading a queue's file (its QSIZE line) sets its atime and ctime,
	 * so its mtime, set by each send and receive, stands for both; and
	 * sem_post touches nothing, so a semaphore's mtime is its last write. */
	o->changed = mq ? st.st_mtime : st.st_ctime;
	o->used = mq || sem ? st.st_mtime : latest(st.st_atime, st.st_mtime);
	if (mq) {
		pmq_depth(o, dirfd, file);
	} else if (sem) {
		o->nsems = 1;
		psem_value(o, dirfd, file);
	} else {
		o->size = st.st_size;
	}
}

/* POSIX objects of kinds in mask in dir; false if it cannot be read. */
static bool scan_dir(struct ipc_list *l, const char *dir, unsigned mask)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool mq = strcmp(dir, MQUEUE_DIR) == 0;

	if (!d)
		return false;
	while ((e = readdir(d))) {
		/* ".dotshm" is a name like any other; "." and ".." are no files. */
		if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN)
			continue;
		bool sem = !mq && strncmp(e->d_name, "sem.", 4) == 0;
		enum obj_kind k = mq ? OBJ_POSIX_MQ : sem ? OBJ_POSIX_SEM : OBJ_POSIX_SHM;
		if (mask & (1u << k))
			posix_entry(l, dirfd(d), e->d_name, mq);
	}
	closedir(d);
	return true;
}

/* A queue's name opened in this IPC namespace, where mq_unlink acts. */
static int mq_fd(const char *name)
{
	mqd_t q = mq_open(name, O_RDONLY | O_NONBLOCK);

	if (q == (mqd_t)-1 && errno == EACCES)
		q = mq_open(name, O_WRONLY | O_NONBLOCK);
	return (int)q;
}

/*
 * Is the queue that mq_open finds under o's name o itself? 1 yes, 0 no
 * (another queue, or none), -1 when it cannot be opened to tell.
 */
static int mq_same(const struct ipc_obj *o)
{
	struct stat st;
	int fd = mq_fd(o->name), same;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	same = fstat(fd, &st) == 0 && st.st_dev == o->dev && st.st_ino == o->ino;
	close(fd);
	return same;
}

/*
 * Are the queues in /dev/mqueue another IPC namespace's (mounted before
 * unshare)? mq_open and mq_unlink act on this namespace's: the first
 * listed queue that can be opened tells, by its device, or one that
 * mq_open does not find while its file is still there.
 */
static bool mq_foreign(const struct ipc_list *l, size_t from)
{
	char path[PATH_MAX];
	struct stat st;

	for (size_t i = from; i < l->n; i++) {
		const struct ipc_obj *o = &l->v[i];
		int fd = mq_fd(o->name);

		if (fd >= 0) {
			bool other = fstat(fd, &st) == 0 && st.st_dev != o->dev;
			close(fd);
			return other;
		}
		snprintf(path, sizeof path, "%s%s", MQUEUE_DIR, o->name);
		if (errno == ENOENT && stat(path, &st) == 0 && st.st_ino == o->ino)
			return true;
	}
	return false;
}

void ipcobj_scan(struct ipc_list *l, unsigned mask)
{
	static const char *const files[] = {
		"/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem",
	};
	struct statfs fs;

	memset(l, 0, sizeof *l);
	for (int k = OBJ_SYSV_SHM; k <= OBJ_SYSV_SEM; k++)
		if (mask & (1u << k))
			scan_sysv(l, (enum obj_kind)k, files[k]);
	if (mask & ((1u << OBJ_POSIX_SHM) | (1u << OBJ_POSIX_SEM)))
		l->shm_errno = scan_dir(l, POSIX_SHM_DIR, mask) ? 0 : errno;
	if (mask & (1u << OBJ_POSIX_MQ)) {
		size_t from = l->n;
		if (statfs(MQUEUE_DIR, &fs) < 0 || fs.f_type != MQUEUE_MAGIC)
			l->mq_unmounted = true;
		else if (scan_dir(l, MQUEUE_DIR, mask) && mq_foreign(l, from))
			l->mq_foreign = true;
		if (l->mq_foreign)
			l->n = from; /* names that mq_unlink would not find */
	}
}

void ipcobj_free(struct ipc_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].values);
		free(l->v[i].sempids);
		free(l->v[i].holders);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* The POSIX file still the one listed (not replaced since)? */
static bool same_file(const char *path, const struct ipc_obj *o)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	return st.st_dev == o->dev && st.st_ino == o->ino;
}

/*
 * The System V object still the one listed: the same key, change time
 * (creation or IPC_SET) and, for a segment, creator; 0, or -1 with errno:
 * ENOENT when it is not, EBUSY when a segment was attached since.
 */
static int sysv_same(const struct ipc_obj *o, bool force)
{
	struct shmid_ds shm;
	struct msqid_ds msg;
	struct semid_ds sem;
	union { int val; struct semid_ds *buf; } arg = { .buf = &sem };
	struct ipc_perm *perm;
	time_t ctime;
	int r;

	switch (o->kind) {
	case OBJ_SYSV_SHM:
		r = shmctl(o->id, IPC_STAT, &shm), perm = &shm.shm_perm, ctime = shm.shm_ctime;
		break;
	case OBJ_SYSV_MSG:
		r = msgctl(o->id, IPC_STAT, &msg), perm = &msg.msg_perm, ctime = msg.msg_ctime;
		break;
	default:
		r = semctl(o->id, 0, IPC_STAT, arg), perm = &sem.sem_perm, ctime = sem.sem_ctime;
	}
	if (r < 0)
		return -1;
	if (perm->__key != o->key || ctime != o->changed ||
	    (o->kind == OBJ_SYSV_SHM && shm.shm_cpid != o->cpid)) {
		errno = ENOENT;
		return -1;
	}
	if (o->kind == OBJ_SYSV_SHM && !force && (long)shm.shm_nattch > o->nattch) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

static void posix_path(const struct ipc_obj *o, char *path, size_t size)
{
	snprintf(path, size, "%s/%s%s", o->kind == OBJ_POSIX_MQ ? MQUEUE_DIR : POSIX_SHM_DIR,
		 o->kind == OBJ_POSIX_SEM ? "sem." : "", o->name + 1);
}

int ipcobj_remove(const struct ipc_obj *o, bool force)
{
	char path[PATH_MAX];
	int r;

	if (o->id >= 0) {
		r = sysv_same(o, force);
		if (r == 0)
			r = o->kind == OBJ_SYSV_SHM ? shmctl(o->id, IPC_RMID, NULL) :
			    o->kind == OBJ_SYSV_MSG ? msgctl(o->id, IPC_RMID, NULL) :
			    semctl(o->id, 0, IPC_RMID);
		if (r < 0 && (errno == EINVAL || errno == EIDRM))
			errno = ENOENT; /* removed by someone else meanwhile */
		return r;
	}
	posix_path(o, path, sizeof path);
	/* A queue is checked where mq_unlink looks; by its file if it
	 * cannot be opened (mq_foreign has made sure they are the same). */
	r = o->kind == OBJ_POSIX_MQ ? mq_same(o) : -1;
	if (r == 0 || (r < 0 && !same_file(path, o))) {
		errno = ENOENT;
		return -1;
	}
	return o->kind == OBJ_POSIX_MQ ? mq_unlink(o->name) : unlink(path);
}

/*
 * Would ipcobj_remove be let? The kernel's rules: System V, the owner or
 * creator; POSIX, write access to the directory and, as it is sticky, the
 * file's or directory's owner. mq_unlink says EACCES where unlink says
 * EPERM. Privilege is taken as euid 0.
 */
int ipcobj_may_remove(const struct ipc_obj *o)
{
	uid_t euid = geteuid();
	char path[PATH_MAX];
	struct stat dir;

	if (euid == 0)
		return 0;
	if (o->id >= 0) {
		if (euid == o->uid || euid == o->cuid)
			return 0;
		errno = EPERM;
		return -1;
	}
	posix_path(o, path, sizeof path);
	*strrchr(path, '/') = '\0';
	if (faccessat(AT_FDCWD, path, W_OK | X_OK, AT_EACCESS) < 0 || stat(path, &dir) < 0)
		return -1;
	if ((dir.st_mode & S_ISVTX) && euid != o->uid && euid != dir.st_uid) {
		errno = o->kind == OBJ_POSIX_MQ ? EACCES : EPERM;
		return -1;
	}
	return 0;
}
