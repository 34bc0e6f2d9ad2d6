/* SPDX-License-Identifier: ISC */
/* shmput: store standard input in a shared memory object, segment or file. */
static const char usage[] =
	"Usage: shmput [OPTION]... NAME\n"
	"  or:  shmput [OPTION]... -k KEY | -i ID | --ftok PATH[:PROJ] | -F PATH | --new\n"
	"Store standard input in a shared memory object.\n"
	"\n"
	"  NAME, /NAME             POSIX shared memory object (/dev/shm/NAME)\n"
	"  -k, --key KEY           System V segment by key (decimal, 0x hex, private)\n"
	"  -i, --id ID             existing System V segment by identifier\n"
	"      --ftok PATH[:PROJ]  System V segment by the key ftok(3) makes\n"
	"  -F, --file PATH         a regular file, mapped like a POSIX object\n"
	"      --new               a new private System V segment (-k private)\n"
	"\n"
	"  -E, --no-create         fail if the object does not exist\n"
	"  -m, --mode MODE         permissions of a new object, octal (default 600)\n"
	"  -o, --offset OFF        write at byte OFF, keep the rest (not atomic)\n"
	"  -p, --print-id          print the System V segment's identifier\n"
	"  -s, --size SIZE         make it SIZE bytes (K, M, G); pad with zeros\n"
	"  -x, --exclusive         fail if the object exists\n"
	"  -h, --help              display this help and exit\n"
	"  -V, --version           output version information and exit\n"
	"\n"
	"A POSIX object or file is replaced atomically: readers see the old\n"
	"content or the new, never a mix. A System V segment is written in place.\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "shm.h"
#include "tool.h"

enum { OPT_NEW = 0x100, STEP = 64 << 20 };

static const struct option longopts[] = {
	{ "exclusive", no_argument, NULL, 'x' },
	SHM_LONGOPT_FILE,
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	IPC_LONGOPT_KEY,
	{ "mode", required_argument, NULL, 'm' },
	{ "new", no_argument, NULL, OPT_NEW },
	{ "no-create", no_argument, NULL, 'E' },
	{ "offset", required_argument, NULL, 'o' },
	{ "print-id", no_argument, NULL, 'p' },
	{ "size", required_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

/* What to undo if we fail: a temporary object, a segment we created. */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;
static int new_segment = -1;

static void cleanup(void)
{
	if (tmp_live)
		unlink(tmp_path);
	tmp_live = 0;
	if (new_segment >= 0)
		shmctl(new_segment, IPC_RMID, NULL);
	new_segment = -1;
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Memory that input is read into: a mapping of fd, anonymous (fd -1), or fixed. */
struct area {
	int fd;
	bool fixed;
	char *p;
	size_t len;
	size_t keep; /* fd: never make the object smaller than this */
	const char *label;
};

/* Grow the mapping to len bytes (and the object under it first). */
static void area_resize(struct area *a, size_t len)
{
	char *p;

	/* fallocate gets tmpfs pages in one go, cheaper than faulting each in. */
	if (a->fd >= 0 && len > a->keep &&
	    fallocate(a->fd, 0, (off_t)a->keep, (off_t)(len - a->keep)) < 0 &&
	    (errno != EOPNOTSUPP || ftruncate(a->fd, (off_t)len) < 0))
		die(EXIT_FAIL, "%s: cannot grow to %zu bytes:", a->label, len);
	if (len == 0)
		return;
	if (a->p)
		p = mremap(a->p, a->len, len, MREMAP_MAYMOVE);
	else if (a->fd >= 0)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
	else
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die(EXIT_FAIL, "%s: cannot map %zu bytes:", a->label, len);
	shm_populate(p + a->len, len - a->len);
	a->p = p;
	a->len = len;
	if (len > a->keep)
		a->keep = len;
}

static size_t read_in(void *p, size_t n)
{
	ssize_t r = read_full(STDIN_FILENO, p, n);

	if (r < 0)
		die(EXIT_FAIL, "standard input: read error:");
	return (size_t)r;
}

/* The rest of the input, read and counted, for the message that refuses it. */
static uint64_t count_rest(void)
{
	static char buf[1 << 16];
	uint64_t n = 0;
	size_t r;

	while ((r = read_in(buf, sizeof buf)) > 0)
		n += r;
	return n;
}

/* stdin's remaining size if it is a regular file, else -1. */
static int64_t input_size(void)
{
	struct stat st;
	off_t pos;

	if (fstat(STDIN_FILENO, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (pos = lseek(STDIN_FILENO, 0, SEEK_CUR)) < 0 || pos > st.st_size)
		return -1;
	return st.st_size - pos;
}

/*
 * Read stdin into a from byte off on, at most max bytes, growing a as the
 * input comes (it starts at room bytes). The input is read once, straight
 * into its place. Returns the bytes stored; *total is the whole input's
 * length, more than max when it did not fit.
 */
static size_t slurp(struct area *a, size_t off, size_t max, size_t room, uint64_t *total)
{
	static char probe[1 << 16];
	size_t got = 0, r;

	if (room > max)
		room = max;
	if (!a->fixed)
		area_resize(a, off + room);
	for (;;) {
		if (room > got)
			got += read_in(a->p + off + got, room - got);
		if (got < room)
			break;
		if (got == max) {
			*total = got + count_rest();
			return got;
		}
		/* Full: look for more before growing, so an exact fit never grows. */
		if ((r = read_in(probe, sizeof probe)) == 0)
			break;
		if (r > max - got) {
			*total = got + r + count_rest();
			return got;
		}
		room = room < STEP ? 2 * room : room + STEP;
		if (room < got + r)
			room = got + r + (1 << 20);
		if (room > max)
			room = max;
		area_resize(a, off + room);
		memcpy(a->p + off + got, probe, r);
		got += r;
	}
	*total = got;
	return got;
}

static noreturn void too_big(const char *label, uint64_t total, size_t room, const char *what)
{
	die(EXIT_FAIL, "%s: input is %" PRIu64 " bytes; %s %zu", label, total, what, room);
}

/*
 * Copy stdin into the fresh object fd, at most max bytes, with one copy
 * and no page zeroing when stdin is a regular file: write(2) from a
 * mapping of it. (Reading into a mapping of the object makes the kernel
 * zero each page first; splice(2) from a pipe measured slower still.)
 * Returns false when stdin is not, for slurp to do it; else as slurp.
 */
static bool copy_in(int fd, const char *label, int64_t known, size_t max, size_t *got,
		    uint64_t *total)
{
	size_t n;

	if (known > 0) {
		off_t pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
		size_t skew = (size_t)pos % (size_t)sysconf(_SC_PAGESIZE);
		char *src;

		*got = 0;
		*total = (uint64_t)known;
		if ((uint64_t)known > max)
			return true; /* refused before anything is written */
		n = (size_t)known;
		src = mmap(NULL, n + skew, PROT_READ, MAP_SHARED | MAP_POPULATE, STDIN_FILENO,
			   pos - (off_t)skew);
		if (src == MAP_FAILED)
			return false;
		if (write_all(fd, src + skew, n) < 0)
			die(EXIT_FAIL, "%s: cannot write:", label);
		munmap(src, n + skew);
		lseek(STDIN_FILENO, pos + (off_t)n, SEEK_SET);
		*got = n;
		return true;
	}
	return false; /* a pipe, a terminal, /proc: length unknown */
}

/* A fresh object next to the target, to be renamed into place. */
static int make_temp(const struct shm *s, mode_t mode)
{
	const char *slash = strrchr(s->path, '/');
	const char *base = slash ? slash + 1 : s->path;
	int dirlen = slash ? (int)(slash - s->path) : 0;
	uint64_t r = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);

	for (int i = 0; i < 100; i++) {
		int fd;

		snprintf(tmp_path, sizeof tmp_path, "%.*s%s.%.200s.shmput-%08" PRIx64,
			 dirlen, s->path, slash ? "/" : "", base,
			 (r + (uint64_t)i * 0x9e3779b97f4a7c15u) & 0xffffffffu);
		if (s->file)
			fd = open(tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		else
			fd = shm_open(tmp_path + strlen(SHM_DIR), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				      0600);
		if (fd >= 0) {
			tmp_live = 1;
			if (fchmod(fd, mode) < 0)
				die(EXIT_FAIL, "%s: cannot set mode %04o:", s->label, (unsigned)mode);
			return fd;
		}
		if (errno != EEXIST)
			die(EXIT_FAIL, "%s: cannot create:", s->label);
	}
	die(EXIT_FAIL, "%s: cannot make a unique temporary name", s->label);
}

/* Put the temporary object in place: rename, or link for -x (atomic either way). */
static void commit(const struct shm *s, bool exclusive)
{
	if (exclusive) {
		if (link(tmp_path, s->path) < 0) {
			if (errno == EEXIST)
				die(EXIT_FAIL, "%s: already exists", s->label);
			die(EXIT_FAIL, "%s: cannot create:", s->label);
		}
		cleanup();
	} else {
		if (rename(tmp_path, s->path) < 0)
			die(EXIT_FAIL, "%s: cannot replace:", s->label);
		tmp_live = 0;
	}
}

struct opts {
	bool exclusive, no_create, patch, sized, have_mode;
	uint64_t off, size;
	mode_t mode;
};

/* POSIX object or file: a fresh object renamed into place, or -o in place. */
static void put_fd(struct shm *s, const struct opts *o)
{
	bool exists = shm_open_existing(s, true) == 0;
	int64_t known = input_size();
	struct area a = { .fd = -1, .label = s->label };
	uint64_t total, end;
	size_t got, max;
	mode_t mode = o->mode;
	size_t orig = o->patch && exists ? s->size : 0;
	struct stat st;

	if (exists && o->exclusive)
		die(EXIT_FAIL, "%s: already exists", s->label);
	if (!exists && o->no_create)
		shm_die_missing(s);
	if (exists && !o->have_mode && !o->patch && fstat(s->fd, &st) == 0)
		mode = st.st_mode & 07777; /* a replacement keeps the mode it replaces */
	if (o->sized && o->off > o->size)
		die(EXIT_FAIL, "%s: offset %" PRIu64 " is past the end (--size %" PRIu64 ")",
		    s->label, o->off, o->size);
	if (o->off + (o->sized ? o->size : known >= 0 ? (uint64_t)known : 0) > SIZE_MAX / 2)
		die(EXIT_FAIL, "%s: too large to map", s->label);
	if (o->patch && !exists) {
		int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC;

		s->fd = s->file ? open(s->path, flags, 0600) : shm_open(s->t.name, flags, 0600);
		if (s->fd < 0)
			die(EXIT_FAIL, "%s: cannot create:", s->label);
		if (fchmod(s->fd, mode) < 0)
			die(EXIT_FAIL, "%s: cannot set mode %04o:", s->label, (unsigned)mode);
	}
	a.fd = o->patch ? s->fd : make_temp(s, mode);
	a.keep = orig;
	max = o->sized ? o->size - o->off : SIZE_MAX / 2;
	if (o->patch || !copy_in(a.fd, s->label, known, max, &got, &total))
		got = slurp(&a, o->off, max, o->sized ? o->size : known >= 0 ? (size_t)known : 1 << 20,
			    &total);
	if (total > got)
		too_big(s->label, total, (size_t)(o->size - o->off),
			o->off ? "from the offset there is room for" : "--size is");
	end = o->sized ? o->size : o->off + got > orig ? o->off + got : orig;
	if (a.p && munmap(a.p, a.len) < 0)
		die(EXIT_FAIL, "%s: cannot unmap:", s->label);
	if (ftruncate(a.fd, (off_t)end) < 0)
		die(EXIT_FAIL, "%s: cannot set its size:", s->label);
	if (!o->patch) {
		commit(s, o->exclusive);
		close(a.fd);
	}
}

/* System V: write in place; create the segment with the input's size if missing. */
static void put_sysv(struct shm *s, const struct opts *o)
{
	bool private = s->t.id < 0 && s->t.key == IPC_PRIVATE;
	bool exists = !private && shm_open_existing(s, true) == 0;
	int64_t known = input_size();
	struct area hold = { .fd = -1, .label = "standard input" };
	struct area seg = { .fd = -1, .fixed = true, .label = s->label };
	uint64_t total = 0;
	size_t got = 0, room;
	bool held = false;

	if (exists && o->exclusive)
		die(EXIT_FAIL, "%s: already exists", s->label);
	if (!exists && (o->no_create || s->t.id >= 0))
		shm_die_missing(s);
	if (exists && o->sized && o->size != s->size)
		die(EXIT_FAIL, "%s: the segment is %zu bytes; a System V segment cannot be resized to %" PRIu64,
		    s->label, s->size, o->size);
	if (!exists) {
		uint64_t size = o->sized ? o->size : o->off + (known >= 0 ? (uint64_t)known : 0);

		if (!o->sized && known < 0) {
			/* The size must be known before the segment exists: hold the input once. */
			got = slurp(&hold, 0, SIZE_MAX / 2, 1 << 20, &total);
			size = o->off + got;
			held = true;
		}
		if (o->off > size)
			die(EXIT_FAIL, "%s: offset %" PRIu64 " is past the end (--size %" PRIu64 ")",
			    s->label, o->off, size);
		if (size == 0)
			die(EXIT_FAIL, "%s: the input is empty, and a System V segment cannot be",
			    s->label);
		if (size > SIZE_MAX / 2)
			die(EXIT_FAIL, "%s: %" PRIu64 " bytes is too large", s->label, size);
		s->id = shmget(s->t.key, (size_t)size, IPC_CREAT | IPC_EXCL | (int)o->mode);
		if (s->id < 0) {
			if (errno == EEXIST)
				die(EXIT_FAIL, "%s: already exists (made by another process meanwhile)",
				    s->label);
			die(EXIT_FAIL, "%s: cannot create a segment of %" PRIu64 " bytes:",
			    s->label, size);
		}
		new_segment = s->id;
		s->size = (size_t)size;
	}
	if (o->off > s->size)
		die(EXIT_FAIL, "%s: offset %" PRIu64 " is past the end of the segment (%zu bytes)",
		    s->label, o->off, s->size);
	room = s->size - (size_t)o->off;
	if (!held && !o->sized && known > (int64_t)room)
		too_big(s->label, (uint64_t)known, room,
			o->off ? "from the offset the segment has room for" : "the segment holds");
	if (!held && !o->sized && known < 0) {
		/* Nothing is written unless all of it fits: hold it first. */
		got = slurp(&hold, 0, room, room < (1 << 20) ? room : 1 << 20, &total);
		held = true;
		if (total > got)
			too_big(s->label, total, room,
				o->off ? "from the offset the segment has room for" : "the segment holds");
	}
	shm_map(s, true);
	shm_populate(s->addr, s->size);
	seg.p = s->addr;
	seg.len = s->size;
	if (!held)
		got = slurp(&seg, (size_t)o->off, room, room, &total);
	else if (got > 0)
		memcpy((char *)s->addr + o->off, hold.p, got);
	if (total > got)
		die(EXIT_FAIL, "%s: input is more than the %zu bytes it holds; the first %zu were written",
		    s->label, room, got);
	if (!o->patch)
		memset((char *)s->addr + o->off + got, 0, room - got);
}

static const char optstring[] = ":EF:hi:k:m:o:ps:Vx";

int main(int argc, char **argv)
{
	struct shm s;
	struct opts o = { .mode = 0600 };
	bool print_id = false;
	int c;

	tool_init("shmput");
	shm_init(&s);
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (shm_option(&s, c, optarg))
			continue;
		switch (c) {
		case 'E': o.no_create = true; break;
		case 'h': print_usage(usage);
		case 'm':
			o.mode = arg_mode("--mode", optarg) & 0777;
			o.have_mode = true;
			break;
		case OPT_NEW: shm_option(&s, 'k', "private"); break;
		case 'o':
			o.off = arg_size("--offset", optarg, INT64_MAX);
			o.patch = true;
			break;
		case 'p': print_id = true; break;
		case 's':
			o.size = arg_size("--size", optarg, INT64_MAX);
			o.sized = true;
			break;
		case 'V': print_version();
		case 'x': o.exclusive = true; break;
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (optind < argc)
		shm_operand(&s, argv[optind++]);
	if (optind < argc)
		usage_error("extra operand '%s'", argv[optind]);
	shm_require(&s);
	if (o.exclusive && o.no_create)
		usage_error("--exclusive and --no-create exclude each other");
	if (print_id && shm_is_fd(&s))
		usage_error("--print-id: only for System V segments");

	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (shm_is_fd(&s))
		put_fd(&s, &o);
	else
		put_sysv(&s, &o);
	/* A new segment whose id cannot be passed on is removed again. */
	if (print_id) {
		char line[32];
		int n = snprintf(line, sizeof line, "%d\n", s.id);

		if (write_all(STDOUT_FILENO, line, (size_t)n) < 0)
			die_stdout();
	}
	new_segment = -1;
	shm_close(&s);
	return 0;
}
