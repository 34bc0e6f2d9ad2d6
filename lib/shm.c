/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "await.h"
#include "cleanup.h"
#include "diag.h"
#include "io.h"
#include "idname.h"
#include "show.h"
#include "opterr.h"
#include "proc.h"
#include "shm.h"
#include "tmpname.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif

void shm_init(struct shm *s)
{
	memset(s, 0, sizeof *s);
	ipc_target_init(&s->t);
	s->fd = -1;
	s->id = -1;
	s->label = s->t.label;
}

static void only_one(const struct shm *s)
{
	if (s->file)
		usage_error("more than one object given (already %s); name one: NAME, -k KEY, -i ID, --ftok PATH or -F PATH",
			    s->path);
}

bool shm_option(struct shm *s, int opt, const char *arg)
{
	if (opt == 'F') {
		only_one(s);
		if (s->t.kind != IPC_NONE)
			usage_error("more than one object given (already %s); name one: NAME, -k KEY, -i ID, --ftok PATH or -F PATH",
				    s->t.label);
		if (arg[0] == '\0')
			usage_error("--file: empty path");
		if (strlen(arg) >= sizeof s->path)
			usage_error("--file: path too long");
		strcpy(s->path, arg);
		s->file = true;
		s->label = s->path;
		return true;
	}
	if (opt == 'k' || opt == 'i' || opt == IPC_OPT_FTOK)
		only_one(s);
	return ipc_target_option(&s->t, opt, arg);
}

static bool take_shm(void *s, int c, const char *arg)
{
	return shm_option(s, c, arg);
}

int shm_getopt(struct shm *s, int argc, char **argv, const char *optstring,
	       const struct option *longopts)
{
	return getopt_taking(argc, argv, optstring, longopts, take_shm, s);
}

void shm_operands(struct shm *s, int argc, char **argv, const char *forms)
{
	if (optind < argc) {
		only_one(s);
		ipc_target_name(&s->t, argv[optind]);
		snprintf(s->path, sizeof s->path, "%s%s", SHM_DIR, s->t.name);
		optind++;
	}
	if (optind < argc)
		usage_error("extra operand '%s'", argv[optind]);
	if (!s->file && s->t.kind == IPC_NONE)
		usage_error("no object given; name one: %s", forms);
}

void shm_die_missing(const struct shm *s)
{
	if (s->file)
		die(EXIT_FAIL, "%s: no such file", s->label);
	if (s->t.kind == IPC_POSIX)
		die(EXIT_FAIL, "%s: no such shared memory object", s->label);
	if (s->t.id >= 0)
		die(EXIT_FAIL, "%s: no shared memory segment has this identifier (ipcs -m lists them)",
		    s->label);
	die(EXIT_FAIL, "%s: no shared memory segment has this key", s->label);
}

static int open_fd(struct shm *s, bool writable)
{
	int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW;
	struct stat st;

	/* O_NONBLOCK: a FIFO given as -F must not hang the open. */
	if (s->file)
		s->fd = open(s->path, flags | O_NONBLOCK | O_NOCTTY);
	else
		s->fd = shm_open(s->t.name, flags, 0);
	if (s->fd < 0) {
		if (errno == ENOENT)
			return -1;
		die(EXIT_FAIL, "%s: cannot open:", s->label);
	}
	if (fstat(s->fd, &st) < 0)
		die(EXIT_FAIL, "%s: cannot stat:", s->label);
	if (!S_ISREG(st.st_mode))
		die(EXIT_FAIL, "%s: not a regular file", s->label);
	if (s->file)
		fcntl(s->fd, F_SETFL, 0); /* blocking again */
	if ((uint64_t)st.st_size > SIZE_MAX)
		die(EXIT_FAIL, "%s: too large to map", s->label);
	s->size = (size_t)st.st_size;
	return 0;
}

static int open_sysv(struct shm *s)
{
	struct shmid_ds ds;

	s->id = s->t.id;
	if (s->id < 0) {
		if (s->t.key == IPC_PRIVATE)
			die(EXIT_FAIL, "-k private names no existing segment; use -i ID");
		s->id = shmget(s->t.key, 0, 0);
		if (s->id < 0) {
			if (errno == ENOENT)
				return -1;
			die(EXIT_FAIL, "%s: cannot open segment:", s->label);
		}
	}
	if (shmctl(s->id, IPC_STAT, &ds) < 0) {
		if (errno == EINVAL || errno == EIDRM) {
			errno = ENOENT;
			return -1;
		}
		die(EXIT_FAIL, "%s: cannot open segment:", s->label);
	}
	s->size = ds.shm_segsz;
	return 0;
}

int shm_open_existing(struct shm *s, bool writable)
{
	return shm_is_fd(s) ? open_fd(s, writable) : open_sysv(s);
}

/* The directory an object appears in, for inotify. */
static void dir_of(const struct shm *s, char *dir, size_t n)
{
	const char *slash = strrchr(s->path, '/');

	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == s->path)
		snprintf(dir, n, "/");
	else
		snprintf(dir, n, "%.*s", (int)(slash - s->path), s->path);
}

struct shm_try { struct shm *s; bool writable; };

static bool shm_try_open(void *arg)
{
	struct shm_try *t = arg;

	return shm_open_existing(t->s, t->writable) == 0;
}

int shm_open_wait(struct shm *s, bool writable, const struct deadline *d)
{
	char dir[PATH_MAX];
	struct shm_try t = { s, writable };

	if (shm_is_fd(s))
		dir_of(s, dir, sizeof dir);
	return await_exists(shm_is_fd(s) ? dir : NULL, shm_try_open, &t, d) ? 0 : -1;
}

int shm_watch(const struct shm *s, uint32_t mask)
{
	char dir[PATH_MAX];
	int in;

	dir_of(s, dir, sizeof dir);
	in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (in < 0 || inotify_add_watch(in, dir, mask) < 0)
		die(EXIT_FAIL, "%s: cannot watch with inotify:", dir);
	return in;
}

/* Take the pending events; true if one names the object. */
static bool read_events(const struct shm *s, int in)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const char *base = strrchr(s->path, '/');
	bool hit = false;
	ssize_t n;

	base = base ? base + 1 : s->path;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n; ) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			if (e->len && strcmp(e->name, base) == 0)
				hit = true;
			p += sizeof *e + e->len;
		}
	}
	return hit;
}

int shm_event_wait(const struct shm *s, int in, int watch_out)
{
	struct pollfd p[2] = { { .fd = in, .events = POLLIN }, { .fd = watch_out } };

	for (;;) {
		if (poll(p, watch_out >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_FAIL, "%s: cannot wait:", s->label);
		}
		if (p[1].revents & POLLERR) {
			errno = EPIPE;
			return -1;
		}
		if (read_events(s, in))
			return 0;
	}
}

void shm_stat(struct shm *s)
{
	struct show o = { 0 };
	struct shmid_ds ds;
	struct stat st;

	if (shm_is_fd(s)) {
		if (fstat(s->fd, &st) < 0)
			die(EXIT_FAIL, "%s: cannot stat:", s->label);
		show_kind(&o, s->file ? OBJ_FILE : OBJ_POSIX_SHM);
		show_str(&o, FLD_NAME, s->file ? s->path : s->t.name);
		show_num(&o, FLD_SIZE, (long long)st.st_size);
		show_mode(&o, (unsigned)st.st_mode);
		show_str(&o, FLD_OWNER, id_name(st.st_uid, false));
		show_time(&o, FLD_MODIFIED, st.st_mtime);
		show_time(&o, FLD_CHANGED, st.st_ctime);
		show_time(&o, FLD_ACCESSED, st.st_atime);
		return;
	}
	if (shmctl(s->id, IPC_STAT, &ds) < 0)
		die(EXIT_FAIL, "%s: cannot stat:", s->label);
	show_kind(&o, OBJ_SYSV_SHM);
	show_sysv(&o, ds.shm_perm.__key, s->id);
	show_num(&o, FLD_SIZE, (long long)ds.shm_segsz);
	show_mode(&o, (unsigned)ds.shm_perm.mode & 0777);
	show_str(&o, FLD_OWNER, id_name(ds.shm_perm.uid, false));
	show_num(&o, FLD_ATTACHED, (long long)ds.shm_nattch);
	show_num(&o, FLD_CREATOR_PID, ds.shm_cpid);
	show_num(&o, FLD_LAST_PID, ds.shm_lpid);
	show_time(&o, FLD_CHANGED, ds.shm_ctime);
	show_time(&o, FLD_LAST_ATTACH, ds.shm_atime);
	show_time(&o, FLD_LAST_DETACH, ds.shm_dtime);
}

void shm_map(struct shm *s, bool writable)
{
	if (s->size == 0)
		return;
	if (shm_is_fd(s)) {
		int prot = PROT_READ | (writable ? PROT_WRITE : 0);

		s->addr = mmap(NULL, s->size, prot, MAP_SHARED, s->fd, 0);
		if (s->addr == MAP_FAILED) {
			s->addr = NULL;
			die(EXIT_FAIL, "%s: cannot map:", s->label);
		}
	} else {
		s->addr = shmat(s->id, NULL, writable ? 0 : SHM_RDONLY);
		if (s->addr == (void *)-1) {
			s->addr = NULL;
			die(EXIT_FAIL, "%s: cannot attach:", s->label);
		}
	}
}

void shm_close(struct shm *s)
{
	if (s->addr && shm_is_fd(s))
		munmap(s->addr, s->size);
	else if (s->addr)
		shmdt(s->addr);
	s->addr = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int shm_remove(struct shm *s)
{
	struct stat now, was;

	/* Remove what was read, not an object that replaced it since. */
	if (shm_is_fd(s) && s->fd >= 0 && fstat(s->fd, &was) == 0 &&
	    stat(s->path, &now) == 0 &&
	    (now.st_dev != was.st_dev || now.st_ino != was.st_ino)) {
		errno = ESTALE;
		return -1;
	}
	if (s->file)
		return unlink(s->path);
	if (s->t.kind == IPC_POSIX)
		return shm_unlink(s->t.name);
	return shmctl(s->id, IPC_RMID, NULL);
}

/*
 * Rename bookkeeping: path and, for a POSIX object, its name. Only memcpy
 * and strlen, because shm_unclaim runs in a signal handler too.
 */
static void set_path(struct shm *s, const char *path)
{
	size_t n = strlen(path);

	memmove(s->path, path, n + 1);
	if (!s->file) {
		n -= strlen(SHM_DIR);
		if (n > 250)
			n = 250;
		memcpy(s->t.name, s->path + strlen(SHM_DIR), n);
		s->t.name[n] = '\0';
	}
}

int shm_claim(struct shm *s)
{
	char dir[PATH_MAX], to[PATH_MAX];
	const char *base = strrchr(s->path, '/');

	dir_of(s, dir, sizeof dir);
	base = base ? base + 1 : s->path;
	if (snprintf(to, sizeof to, "%.3800s/.%.200s.shmcat-%lx", dir, base,
		     (unsigned long)getpid()) >= (int)sizeof to)
		die(EXIT_FAIL, "%s: path too long", s->label);
	if (rename(s->path, to) < 0) {
		if (errno == ENOENT)
			return -1;
		die(EXIT_FAIL, "%s: cannot take it (rename):", s->label);
	}
	memcpy(s->home, s->path, sizeof s->home);
	set_path(s, to);
	return 0;
}

int shm_unclaim(struct shm *s)
{
	if (!s->home[0])
		return 0;
	/* renameat2 by its syscall: musl before 1.2.5 has no wrapper. */
	if (syscall(SYS_renameat2, AT_FDCWD, s->path, AT_FDCWD, s->home, RENAME_NOREPLACE) < 0)
		return -1;
	set_path(s, s->home);
	s->home[0] = '\0';
	return 0;
}

void shm_populate(void *p, size_t n)
{
	if (n > 0)
		madvise(p, n, MADV_POPULATE_WRITE);
}

static int open_fresh(const char *path, void *arg)
{
	const struct shm *s = arg;
	int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC;

	return s->file ? open(path, flags, 0600) : shm_open(path + strlen(SHM_DIR), flags, 0600);
}

int shm_fresh_open(const struct shm *s, struct shm_fresh *tmp, mode_t mode)
{
	size_t nx = tmpname_beside(tmp->path, sizeof tmp->path, s->path, "shmput");
	int fd = nx ? tmpname_make(tmp->path, nx, open_fresh, (void *)s) : -1;

	if (fd < 0 && errno == EEXIST)
		die(EXIT_FAIL, "%s: cannot make a unique temporary name", s->label);
	if (fd < 0)
		die(EXIT_FAIL, "%s: cannot create:", s->label);
	tmp->undo = cleanup_push(cleanup_unlink, tmp->path);
	if (fchmod(fd, mode) < 0)
		die(EXIT_FAIL, "%s: cannot set mode %04o:", s->label, (unsigned)mode);
	return fd;
}

void shm_fresh_commit(const struct shm *s, struct shm_fresh *tmp, bool exclusive)
{
	if (exclusive) {
		if (link(tmp->path, s->path) < 0) {
			if (errno == EEXIST)
				die(EXIT_FAIL, "%s: already exists", s->label);
			die(EXIT_FAIL, "%s: cannot create:", s->label);
		}
		cleanup_pop(tmp->undo, true);
	} else {
		if (rename(tmp->path, s->path) < 0)
			die(EXIT_FAIL, "%s: cannot replace:", s->label);
		cleanup_pop(tmp->undo, false);
	}
}

uint64_t shm_sysv_limit(const char **why)
{
	uint64_t max = SIZE_MAX / 2, v, pg = (uint64_t)sysconf(_SC_PAGESIZE);
	struct shm_info info;
	struct sysinfo si;

	*why = NULL;
	if ((v = proc_sys_u64("/proc/sys/kernel/shmmax", max)) < max)
		max = v, *why = "SHMMAX, /proc/sys/kernel/shmmax";
	if ((v = proc_sys_u64("/proc/sys/kernel/shmall", max)) < max / pg) {
		uint64_t used = shmctl(0, SHM_INFO, (struct shmid_ds *)&info) >= 0 ? info.shm_tot : 0;

		v = v > used ? (v - used) * pg : 0;
		if (v < max)
			max = v, *why = "SHMALL, /proc/sys/kernel/shmall, less the pages in use";
	}
	if (sysinfo(&si) == 0 && (uint64_t)si.totalram * si.mem_unit < max)
		max = (uint64_t)si.totalram * si.mem_unit, *why = "the memory there is, MemTotal";
	return max;
}

void shm_zero(char *p, size_t n)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1), b = ((uintptr_t)p + n) & ~(pg - 1);

	if (b <= a || madvise((void *)a, b - a, MADV_REMOVE) < 0) {
		memset(p, 0, n);
		return;
	}
	memset(p, 0, a - (uintptr_t)p);
	memset((void *)b, 0, (uintptr_t)p + n - b);
}
