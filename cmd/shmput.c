/* SPDX-License-Identifier: ISC */
/* shmput: store standard input in a shared memory object, segment or file. */
static const char usage[] =
	"Usage: shmput [OPTION]... NAME\n"
	"  or:  shmput [OPTION]... -k KEY | -i ID | --ftok PATH[:PROJ] | -F PATH | --new\n"
	"Store standard input in a shared memory object.\n"
	"\n"
	"  NAME, /NAME              POSIX shared memory object (/dev/shm/NAME)\n"
	"  -k, --key KEY            System V segment by key (decimal, 0x hex, private)\n"
	"  -i, --id ID              existing System V segment by identifier\n"
	"      --ftok PATH[:PROJ]   System V segment by the key ftok(3) makes\n"
	"  -F, --file PATH          a regular file, mapped like a POSIX object\n"
	"      --new                a new private System V segment (-k private)\n"
	"\n"
	"  -E, --no-create          fail if the object does not exist\n"
	"  -m, --mode MODE          permissions of a new object, octal (default 600)\n"
	"      --offset OFF         write at byte OFF, keep the rest (not atomic)\n"
	"      --print-id           print the System V segment's identifier\n"
	"      --size SIZE          make it SIZE bytes (K, M, G); pad with zeros\n"
	"  -x, --exclusive          fail if the object exists\n"
	"  -h, --help               display this help and exit\n"
	"  -V, --version            output version information and exit\n"
	"\n"
	"A POSIX object or file is replaced atomically: readers see the old\n"
	"content or the new, never a mix. A System V segment is written in place.\n"
	"\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "diag.h"
#include "input.h"
#include "io.h"
#include "idname.h"
#include "ipcperm.h"
#include "opterr.h"
#include "parse.h"
#include "shm.h"
#include "tool.h"

enum { OPT_NEW = 0x100, OPT_OFFSET, OPT_PRINT_ID, OPT_SIZE };

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
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "print-id", no_argument, NULL, OPT_PRINT_ID },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

/* Refuse input of total bytes, or (exact false) of more than room bytes;
 * why, if not NULL, names the limit that room is. */
static noreturn void too_big(const char *label, uint64_t total, bool exact, uint64_t room,
			     const char *what, const char *why)
{
	die(EXIT_FAIL, "%s: input is %s%s; %s %" PRIu64 "%s%s%s", label, exact ? "" : "more than ",
	    fmt_bytes(exact ? total : room), what, room, why ? " (" : "", why ? why : "",
	    why ? ")" : "");
}

struct opts {
	struct shm shm;   /* the target */
	bool exclusive, no_create, patch, sized, have_mode, print_id;
	uint64_t off, size;
	mode_t mode;
};

/* At most this many bytes of input fit from the offset on (sized, or a limit). */
static size_t room_for(const struct shm *s, const struct opts *o, uint64_t limit)
{
	if (o->sized && o->off > o->size)
		die(EXIT_FAIL, "%s: offset %" PRIu64 " is past the end (--size %" PRIu64 ")",
		    s->label, o->off, o->size);
	if (o->sized)
		limit = o->size;
	if (limit > SIZE_MAX / 2)
		limit = SIZE_MAX / 2;
	if (o->off > limit)
		die(EXIT_FAIL, "%s: offset %" PRIu64 " is too large", s->label, o->off);
	return (size_t)(limit - o->off);
}

/*
 * The existing POSIX object or file to be replaced: its mode when the
 * caller owns it (never looser than 0600: only -m opens it up), else 0600.
 * Another user's object is replaced only when the caller may write it.
 */
static void check_replace(const struct shm *s, const struct opts *o, mode_t *mode)
{
	struct stat st;

	*mode = o->mode;
	if (lstat(s->path, &st) < 0) {
		if (errno != ENOENT)
			die(EXIT_FAIL, "%s: cannot open:", s->label);
		if (o->no_create)
			shm_die_missing(s);
		return;
	}
	if (o->exclusive)
		die(EXIT_FAIL, "%s: already exists", s->label);
	if (!S_ISREG(st.st_mode))
		die(EXIT_FAIL, "%s: not a regular file", s->label);
	if (st.st_uid != geteuid() && faccessat(AT_FDCWD, s->path, W_OK, AT_EACCESS) < 0)
		die(EXIT_FAIL, "%s: cannot open:", s->label);
	if (!o->have_mode)
		*mode = st.st_uid == geteuid() ? st.st_mode & 0600 : 0600;
}

/* POSIX object or file: a fresh object, filled, then renamed into place. */
static void put_replace(struct shm *s, const struct opts *o)
{
	int64_t known = input_size();
	mode_t mode;
	struct shm_fresh tmp;
	struct area a = { .fd = -1, .label = s->label };
	size_t got, max = room_for(s, o, SIZE_MAX / 2);

	check_replace(s, o, &mode);
	if (known > (int64_t)max)
		too_big(s->label, (uint64_t)known, true, max, "--size is", NULL);
	a.fd = shm_fresh_open(s, &tmp, mode);
	if (known > 0 && copy_in(a.fd, s->label, (size_t)known))
		got = (size_t)known;
	else if ((got = slurp(&a, 0, max, known > 0 ? (size_t)known : 0)) > max)
		too_big(s->label, got, false, max, "--size is", NULL);
	if (a.p && munmap(a.p, a.len) < 0)
		die(EXIT_FAIL, "%s: cannot unmap:", s->label);
	/* Sparse: -s sets the size; only the input's bytes take pages. */
	if (ftruncate(a.fd, (off_t)(o->sized ? o->size : got)) < 0)
		die(EXIT_FAIL, "%s: cannot set its size:", s->label);
	shm_fresh_commit(s, &tmp, o->exclusive);
	close(a.fd);
}

/*
 * -o writes in place, so another user's object would get what is meant
 * for ours: with -m, or when shmput meant to make it and found one made
 * meanwhile (planted while the input was read), it must be ours with
 * that mode. The descriptor is checked: the object written is this one.
 */
static void check_fd_owner(const struct shm *s, mode_t mode)
{
	struct stat st;
	char want[64];

	if (fstat(s->fd, &st) < 0)
		die(EXIT_FAIL, "%s: cannot stat:", s->label);
	if (st.st_uid == geteuid() && (st.st_mode & 0777) == mode)
		return;
	snprintf(want, sizeof want, "%s", id_name((unsigned)geteuid(), false));
	die(EXIT_FAIL, "%s: exists with mode %03o and owner %s, not mode %03o and owner %s; nothing written",
	    s->label, (unsigned)st.st_mode & 0777, id_name((unsigned)st.st_uid, false),
	    (unsigned)mode, want);
}

/*
 * POSIX object or file, -o: the input is held first, so a refused write
 * changes nothing, then written where it goes with pwrite(2): the size
 * changes only if the patch reaches past the end, and then to its end.
 */
static void put_patch(struct shm *s, const struct opts *o)
{
	bool exists = shm_open_existing(s, true) == 0;
	int64_t known = input_size();
	struct area hold = { .fd = -1, .label = "standard input" };
	size_t got, max = room_for(s, o, SIZE_MAX / 2);

	if (exists && o->exclusive)
		die(EXIT_FAIL, "%s: already exists", s->label);
	if (!exists && o->no_create)
		shm_die_missing(s);
	if (exists && o->have_mode)
		check_fd_owner(s, o->mode);
	if (known > (int64_t)max)
		too_big(s->label, (uint64_t)known, true, max, "from the offset there is room for", NULL);
	if ((got = slurp(&hold, 0, max, known > 0 ? (size_t)known : 0)) > max)
		too_big(s->label, got, false, max, "from the offset there is room for", NULL);
	if (!exists) {
		int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC;

		s->fd = s->file ? open(s->path, flags, 0600) : shm_open(s->t.name, flags, 0600);
		/* Made by another process meanwhile: patch that one. */
		if (s->fd < 0 && errno == EEXIST && !o->exclusive && shm_open_existing(s, true) == 0) {
			check_fd_owner(s, o->mode);
			exists = true;
		} else if (s->fd < 0)
			die(EXIT_FAIL, "%s: cannot create:", s->label);
		if (!exists && fchmod(s->fd, o->mode) < 0)
			die(EXIT_FAIL, "%s: cannot set mode %04o:", s->label, (unsigned)o->mode);
	}
	if (o->sized && ftruncate(s->fd, (off_t)o->size) < 0)
		die(EXIT_FAIL, "%s: cannot set its size:", s->label);
	size_t w = pwrite_all(s->fd, hold.p, got, (off_t)o->off);
	if (w < got)
		die(EXIT_FAIL, "%s: cannot write at offset %" PRIu64 ":", s->label, o->off + w);
}

/*
 * -m for a segment that exists: it must have that mode and be ours, its
 * creator included (the creator keeps the owner's rights whatever IPC_SET
 * made the owner), or another user could read what is written.
 */
static void check_sysv_owner(const struct shm *s, const struct opts *o)
{
	struct shmid_ds ds;
	char want[64];

	if (!o->have_mode)
		return;
	if (shmctl(s->id, IPC_STAT, &ds) < 0)
		die(EXIT_FAIL, "%s: cannot read its mode and owner for --mode; nothing written:",
		    s->label);
	if ((ds.shm_perm.mode & 0777) == o->mode && ipc_perm_ours(&ds.shm_perm))
		return;
	snprintf(want, sizeof want, "%s", id_name((unsigned)geteuid(), false));
	die(EXIT_FAIL, "%s: exists with mode %03o and %s, not mode %03o and owner %s; nothing written",
	    s->label, (unsigned)ds.shm_perm.mode & 0777, ipc_perm_whose(&ds.shm_perm),
	    (unsigned)o->mode, want);
}

/* A segment shmput made and must not leave behind if it fails. */
static void remove_segment(void *id)
{
	shmctl(*(int *)id, IPC_RMID, NULL);
}

/*
 * Make the segment of size bytes. When another process makes it first,
 * its segment is the one written. Returns the cleanup handle of one made
 * here, else -1.
 */
static int create_sysv(struct shm *s, const struct opts *o, uint64_t size)
{
	if (size == 0)
		die(EXIT_FAIL, o->sized ? "%s: --size 0: a System V segment cannot be empty"
		    : "%s: the input is empty, and a System V segment cannot be of size 0", s->label);
	s->id = shmget(s->t.key, (size_t)size, IPC_CREAT | IPC_EXCL | (int)o->mode);
	if (s->id >= 0) {
		s->size = (size_t)size;
		return cleanup_push(remove_segment, &s->id);
	}
	if (errno != EEXIST || o->exclusive || shm_open_existing(s, true) < 0) {
		if (errno == EEXIST)
			die(EXIT_FAIL, "%s: already exists", s->label);
		die(EXIT_FAIL, "%s: cannot create a segment of %s:", s->label, fmt_bytes(size));
	}
	check_sysv_owner(s, o);
	if (o->sized && o->size != s->size)
		die(EXIT_FAIL, "%s: the segment is %s; a System V segment cannot be resized to %" PRIu64,
		    s->label, fmt_bytes(s->size), o->size);
	return -1;
}

/*
 * System V: written in place; a missing segment is made with the input's
 * size. Input of unknown size is held first, so nothing is made or
 * written unless all of it fits. Returns the cleanup handle of a segment
 * it made, else -1.
 */
static int put_sysv(struct shm *s, const struct opts *o)
{
	bool private = s->t.id < 0 && s->t.key == IPC_PRIVATE;
	bool exists = !private && shm_open_existing(s, true) == 0;
	int64_t known = input_size();
	struct area hold = { .fd = -1, .label = "standard input" };
	struct area seg = { .fd = -1, .fixed = true, .label = s->label };
	const char *what = o->off ? "from the offset the segment has room for" : "the segment holds";
	const char *why = NULL;
	size_t got = known > 0 ? (size_t)known : 0, room;
	int undo = -1;

	if (exists && o->exclusive)
		die(EXIT_FAIL, "%s: already exists", s->label);
	if (!exists && (o->no_create || s->t.id >= 0))
		shm_die_missing(s);
	if (exists)
		check_sysv_owner(s, o);
	if (exists && o->sized && o->size != s->size)
		die(EXIT_FAIL, "%s: the segment is %s; a System V segment cannot be resized to %" PRIu64,
		    s->label, fmt_bytes(s->size), o->size);
	if (exists && o->off > s->size)
		die(EXIT_FAIL, "%s: offset %" PRIu64 " is past the end of the segment (%s)",
		    s->label, o->off, fmt_bytes(s->size));
	if (!exists && !o->sized)
		what = "a new segment can hold at most";
	else if (!exists)
		what = "--size is";
	room = room_for(s, o, exists ? s->size : shm_sysv_limit(&why));
	if (exists || o->sized)
		why = NULL; /* the room is the segment's, or --size */
	if (known > (int64_t)room)
		too_big(s->label, (uint64_t)known, true, room, what, why);
	if (known < 0 && (got = slurp(&hold, 0, room, 0)) > room)
		too_big(s->label, got, false, room, what, why);
	if (!exists) {
		undo = create_sysv(s, o, o->sized ? o->size : o->off + got);
		if (o->off > s->size || got > s->size - o->off)
			die(EXIT_FAIL, "%s: input is %s; the segment another process made meanwhile is %s",
			    s->label, fmt_bytes(got), fmt_bytes(s->size));
	}
	shm_map(s, true);
	room = s->size - (size_t)o->off;
	seg.p = s->addr;
	seg.len = s->size;
	if (known >= 0) {
		/* Fault in only the pages the input goes to, in one go. */
		uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), at = (uintptr_t)s->addr + o->off;

		shm_populate((void *)(at & ~(pg - 1)), got + (at & (pg - 1)));
		got = slurp(&seg, (size_t)o->off, room, got);
		if (got > room)
			die(EXIT_FAIL, "%s: the input grew while it was read; the segment has its first %s",
			    s->label, fmt_bytes(room));
	}
	else if (got > 0)
		memcpy((char *)s->addr + o->off, hold.p, got);
	if (!o->patch && room > got)
		shm_zero((char *)s->addr + o->off + got, room - got);
	return undo;
}

static const char optstring[] = ":EF:hi:k:m:Vx";

/* The command line into o, with its defaults; a usage error for anything wrong. */
static void parse(int argc, char **argv, struct opts *o)
{
	struct shm *s = &o->shm;
	int c;

	*o = (struct opts){ .mode = 0600 };
	shm_init(s);
	while ((c = shm_getopt(s, argc, argv, optstring, longopts)) != -1) {
		switch (c) {
		case 'E': o->no_create = true; break;
		case 'h': print_usage(usage);
		case 'm':
			o->mode = arg_mode("--mode", optarg) & 0777;
			o->have_mode = true;
			break;
		case OPT_NEW: shm_option(s, 'k', "private"); break;
		case OPT_OFFSET:
			o->off = arg_size("--offset", optarg, INT64_MAX);
			o->patch = true;
			break;
		case OPT_PRINT_ID: o->print_id = true; break;
		case OPT_SIZE:
			o->size = arg_size("--size", optarg, INT64_MAX);
			o->sized = true;
			break;
		case 'V': print_version();
		case 'x': o->exclusive = true; break;
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	shm_operands(s, argc, argv, "NAME, -k KEY, -i ID, --ftok PATH, -F PATH or --new");
	if (o->exclusive && o->no_create)
		usage_error("--exclusive and --no-create exclude each other");
	if (o->print_id && shm_is_fd(s))
		usage_error("--print-id: only for System V segments");
	/* A new private segment is found only by its id: say it, as ipcmk does. */
	if (!shm_is_fd(s) && s->t.id < 0 && s->t.key == IPC_PRIVATE)
		o->print_id = true;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct shm *s = &o.shm;
	int undo = -1;

	tool_init("shmput");
	parse(argc, argv, &o);
	need_std(STDIN_FILENO);
	if (o.print_id)
		need_std(STDOUT_FILENO);

	cleanup_on_signals();
	if (!shm_is_fd(s))
		undo = put_sysv(s, &o);
	else if (o.patch)
		put_patch(s, &o);
	else
		put_replace(s, &o);
	/* A new segment whose id cannot be passed on is removed again. */
	if (o.print_id) {
		char line[32];
		int n = snprintf(line, sizeof line, "%d\n", s->id);

		if (write_all(STDOUT_FILENO, line, (size_t)n) < 0)
			die_stdout();
	}
	cleanup_pop(undo, false);
	shm_close(s);
	return 0;
}
