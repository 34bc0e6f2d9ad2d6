/* SPDX-License-Identifier: ISC */
/* shmcat: write a shared memory object, segment or mapped file to stdout. */
static const char usage[] =
	"Usage: shmcat [OPTION]... NAME\n"
	"  or:  shmcat [OPTION]... -k KEY | -i ID | --ftok PATH[:PROJ] | -F PATH\n"
	"Write the content of a shared memory object to standard output.\n"
	"\n"
	"  NAME, /NAME              POSIX shared memory object (/dev/shm/NAME)\n"
	"  -k, --key KEY            System V segment by key (decimal or 0x hex)\n"
	"  -i, --id ID              System V segment by identifier, as ipcs shows it\n"
	"      --ftok PATH[:PROJ]   System V segment by the key ftok(3) makes\n"
	"  -F, --file PATH          a regular file, mapped like a POSIX object\n"
	"\n"
	"  -f, --follow             write each new version whole as it is put in place\n"
	"                           (POSIX object or file), until interrupted\n"
	"      --length LEN         write LEN bytes (K, M, G suffixes) instead of all\n"
	"      --offset OFF         start at byte OFF\n"
	"  -s, --stat               print size, mode, owner, times (System V: attach\n"
	"                           count and pids) as 'key: value' lines, no data\n"
	"  -T, --timeout DURATION   with -W, give up after DURATION (exit 124)\n"
	"  -u, --unlink             remove the object once the reader has read it all\n"
	"  -W, --wait-exist         wait for the object to exist\n"
	"  -h, --help               display this help and exit\n"
	"  -V, --version            output version information and exit\n"
	"\n"
	"Exit status: 0 success, 1 failure, 2 usage error, 124 timed out.\n";

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/ipc.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "shm.h"
#include "tool.h"

/* Long-only: a letter means one thing in the whole suite (ipcutils(7)). */
enum { OPT_LENGTH = 0x100, OPT_OFFSET };

static const struct option longopts[] = {
	SHM_LONGOPT_FILE,
	{ "follow", no_argument, NULL, 'f' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	IPC_LONGOPT_KEY,
	{ "length", required_argument, NULL, OPT_LENGTH },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "stat", no_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "unlink", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait-exist", no_argument, NULL, 'W' },
	{ 0 }
};

/*
 * A POSIX object or file goes to stdout with sendfile(2): the kernel moves
 * the pages from the page cache straight into the pipe or file, with no
 * copy through this process. Returns false if stdout cannot take it, for a
 * fallback that writes from the mapping.
 */
static bool send_fd(struct shm *s, uint64_t off, uint64_t len)
{
	off_t pos = (off_t)off;
	bool first = true;

	while (len > 0) {
		size_t n = len > 0x40000000 ? 0x40000000 : (size_t)len;
		ssize_t w = sendfile(STDOUT_FILENO, s->fd, &pos, n);

		if (w > 0) {
			len -= (uint64_t)w;
			first = false;
		} else if (w == 0) {
			die(EXIT_FAIL, "%s: shrank while it was read; %" PRIu64 " bytes missing",
			    s->label, len);
		} else if (first && (errno == EINVAL || errno == ENOSYS)) {
			return false;
		} else if (errno == EAGAIN) {
			if (wait_fd(STDOUT_FILENO, POLLOUT, -1) < 0 && errno != EINTR)
				die_stdout();
		} else if (errno != EINTR) {
			die_stdout();
		}
	}
	return true;
}

/*
 * The object -u took gets its name back if shmcat fails or is stopped
 * before the reader has it all (in a signal handler too: shm_unclaim is
 * safe there, the message is not).
 */
static void give_back(void *arg)
{
	struct shm *s = arg;

	if (s->home[0] && shm_unclaim(s) < 0 && !cleanup_in_signal())
		warn("%s: not put back (%s took its name); it is kept as %s", s->label,
		     errno == EEXIST ? "a newer object" : "something", s->path);
}

struct opts {
	struct shm shm;   /* the target */
	uint64_t off, len;
	bool wait, unlink_it, have_len, follow, stat;
	struct timeout timeout; /* -T, with -w */
	struct deadline d;
};

/*
 * Open the object, waiting for it with -w. With -u a POSIX object or file
 * is claimed first: of two takers only one gets it, the other waits on
 * (-w) or finds it missing. Returns the cleanup handle that gives a
 * claimed object back, else -1.
 */
static int open_target(struct shm *s, const struct opts *o)
{
	for (;;) {
		if (o->wait ? shm_open_wait(s, false, &o->d) : shm_open_existing(s, false)) {
			if (errno == ETIMEDOUT)
				die(EXIT_TIMEOUT, "%s: did not appear within %s", s->label,
				    timeout_str(&o->timeout));
			shm_die_missing(s);
		}
		if (!o->unlink_it || !shm_is_fd(s))
			return -1;
		shm_close(s);
		if (shm_claim(s) == 0)
			break;
		if (!o->wait)
			shm_die_missing(s);
	}
	int undo = cleanup_push(give_back, s);
	if (shm_open_existing(s, false) < 0)
		die(EXIT_FAIL, "%s: vanished once taken", s->label);
	return undo;
}

/* Write [off, off+len) of the object to stdout. */
static void write_out(struct shm *s, uint64_t off, uint64_t len)
{
	/* A bigger pipe means fewer round trips between writer and reader. */
	if (len > 65536)
		fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20);
	if (len > 0 && !(shm_is_fd(s) && send_fd(s, off, len))) {
		shm_map(s, false);
		if (write_all(STDOUT_FILENO, (char *)s->addr + off, len) < 0)
			die_stdout();
	}
}

/* -u: remove the object only once the reader has read all of it. */
static void remove_delivered(struct shm *s, int undo)
{
	long unread = wait_read(STDOUT_FILENO);

	if (unread > 0) {
		cleanup_pop(undo, true);
		die(EXIT_FAIL, "%s: the reader left with %ld byte%s unread; the object is kept",
		    s->label, unread, unread == 1 ? "" : "s");
	}
	if (shm_remove(s) < 0) {
		if (errno == ESTALE)
			die(EXIT_FAIL, "%s: replaced while it was read; the new one is left in place",
			    s->label);
		die(EXIT_FAIL, "%s: cannot remove:", s->label);
	}
	s->home[0] = '\0';
	cleanup_pop(undo, false);
}

/* Write the object's range that -o and -l ask for. */
static void write_range(struct shm *s, const struct opts *o)
{
	uint64_t len = o->len;

	if (o->off > s->size)
		die(EXIT_FAIL, "%s: offset %" PRIu64 " is past the end (%s)",
		    s->label, o->off, fmt_bytes(s->size));
	if (!o->have_len)
		len = s->size - o->off;
	else if (len > s->size - o->off)
		die(EXIT_FAIL, "%s: %" PRIu64 " bytes from offset %" PRIu64
		    " go past the end: there are %" PRIu64 " (%zu in all)",
		    s->label, len, o->off, s->size - o->off, s->size);
	write_out(s, o->off, len);
}

static void cat_once(struct shm *s, const struct opts *o)
{
	int undo = open_target(s, o);

	if (o->stat)
		shm_stat(s);
	else
		write_range(s, o);
	if (o->unlink_it)
		remove_delivered(s, undo);
	shm_close(s);
}

/*
 * -f: each version whole, as it is renamed into place or closed after a
 * write, until interrupted or the reader leaves. The watch is in place
 * before the first look, so no version slips between.
 */
static noreturn void follow(struct shm *s, const struct opts *o)
{
	int in = shm_watch(s, IN_MOVED_TO | IN_CLOSE_WRITE);
	struct stat st, last = { 0 };

	for (;;) {
		/* One change can send two events (shmput's rename, then its close). */
		if (shm_open_existing(s, false) == 0 && fstat(s->fd, &st) == 0 &&
		    (st.st_ino != last.st_ino || st.st_size != last.st_size ||
		     st.st_mtim.tv_sec != last.st_mtim.tv_sec ||
		     st.st_mtim.tv_nsec != last.st_mtim.tv_nsec)) {
			write_range(s, o);
			last = st;
		}
		shm_close(s);
		if (shm_event_wait(s, in, STDOUT_FILENO) < 0)
			die_stdout();
	}
}

static const char optstring[] = ":fF:hi:k:sT:uVW";

/* The command line into s and o; a usage error for anything wrong. */
static void parse(int argc, char **argv, struct opts *o)
{
	struct shm *s = &o->shm;
	int c;

	*o = (struct opts){ .len = UINT64_MAX, .timeout = NO_TIMEOUT };
	shm_init(s);
	while ((c = shm_getopt(s, argc, argv, optstring, longopts)) != -1) {
		switch (c) {
		case 'f': o->follow = true; break;
		case 'h': print_usage(usage);
		case OPT_LENGTH:
			o->len = arg_size("--length", optarg, INT64_MAX);
			o->have_len = true;
			break;
		case OPT_OFFSET: o->off = arg_size("--offset", optarg, INT64_MAX); break;
		case 's': o->stat = true; break;
		case 'T': o->timeout = arg_timeout("--timeout", optarg); break;
		case 'u': o->unlink_it = true; break;
		case 'V': print_version();
		case 'W': o->wait = true; break;
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	shm_operands(s, argc, argv, "NAME, -k KEY, -i ID, --ftok PATH or -F PATH");
	if (o->timeout.text && !o->wait)
		usage_error("--timeout: only with --wait-exist");
	if (!shm_is_fd(s) && s->t.id < 0 && s->t.key == IPC_PRIVATE)
		usage_error("-k private names no existing segment; use -i ID");
	if (o->follow && !shm_is_fd(s))
		usage_error("--follow: only for a POSIX object or a file (a System V segment has no change events)");
	if (o->follow && o->timeout.text)
		usage_error("--follow: not with --timeout");
	if (o->follow && (o->unlink_it || o->stat))
		usage_error("--follow: not with %s", o->stat ? "--stat" : "--unlink");
	if (o->stat && (o->have_len || o->off))
		usage_error("--stat: not with --length or --offset");
}

int main(int argc, char **argv)
{
	struct opts o;

	tool_init("shmcat");
	parse(argc, argv, &o);
	need_std(STDOUT_FILENO);

	cleanup_on_signals();
	deadline_start(&o.d, o.timeout.ns);
	if (o.follow)
		follow(&o.shm, &o);
	cat_once(&o.shm, &o);
	return 0;
}
