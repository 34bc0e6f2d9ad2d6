/* shmcat: write a shared memory object, segment or mapped file to stdout. */
static const char usage[] =
	"Usage: shmcat [OPTION]... NAME\n"
	"  or:  shmcat [OPTION]... -k KEY | -i ID | --ftok PATH[:PROJ] | -F PATH\n"
	"Write the content of a shared memory object to standard output.\n"
	"\n"
	"  NAME, /NAME             POSIX shared memory object (/dev/shm/NAME)\n"
	"  -k, --key KEY           System V segment by key (decimal or 0x hex)\n"
	"  -i, --id ID             System V segment by identifier, as ipcs shows it\n"
	"      --ftok PATH[:PROJ]  System V segment by the key ftok(3) makes\n"
	"  -F, --file PATH         a regular file, mapped like a POSIX object\n"
	"\n"
	"  -l, --length LEN        write LEN bytes (K, M, G suffixes) instead of all\n"
	"  -o, --offset OFF        start at byte OFF\n"
	"  -T, --timeout DURATION  with -w, give up after DURATION (exit 124)\n"
	"  -u, --unlink            remove the object after reading it\n"
	"  -w, --wait              wait for the object to exist\n"
	"  -h, --help              display this help and exit\n"
	"  -V, --version           output version information and exit\n"
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
#include <sys/ipc.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "shm.h"
#include "tool.h"

static const struct option longopts[] = {
	SHM_LONGOPT_FILE,
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	IPC_LONGOPT_KEY,
	{ "length", required_argument, NULL, 'l' },
	{ "offset", required_argument, NULL, 'o' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "unlink", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait", no_argument, NULL, 'w' },
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

static const char optstring[] = ":F:hi:k:l:o:T:uVw";

int main(int argc, char **argv)
{
	struct shm s;
	struct deadline d;
	int64_t timeout = -1;
	uint64_t off = 0, len = UINT64_MAX;
	bool wait = false, unlink_it = false, have_len = false;
	int c;

	tool_init("shmcat");
	shm_init(&s);
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (shm_option(&s, c, optarg))
			continue;
		switch (c) {
		case 'h': print_usage(usage);
		case 'l':
			len = arg_size("--length", optarg, INT64_MAX);
			have_len = true;
			break;
		case 'o': off = arg_size("--offset", optarg, INT64_MAX); break;
		case 'T': timeout = arg_duration("--timeout", optarg); break;
		case 'u': unlink_it = true; break;
		case 'V': print_version();
		case 'w': wait = true; break;
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (optind < argc)
		shm_operand(&s, argv[optind++]);
	if (optind < argc)
		usage_error("extra operand '%s'", argv[optind]);
	shm_require(&s);
	if (timeout >= 0 && !wait)
		usage_error("--timeout: only with --wait");
	if (!shm_is_fd(&s) && s.t.id < 0 && s.t.key == IPC_PRIVATE)
		usage_error("-k private names no existing segment; use -i ID");

	need_std(STDOUT_FILENO);
	deadline_start(&d, timeout);
	if (wait ? shm_open_wait(&s, false, &d) : shm_open_existing(&s, false)) {
		if (errno == ETIMEDOUT)
			die(EXIT_TIMEOUT, "%s: did not appear within the timeout", s.label);
		shm_die_missing(&s);
	}
	if (off > s.size)
		die(EXIT_FAIL, "%s: offset %" PRIu64 " is past the end (%zu bytes)",
		    s.label, off, s.size);
	if (!have_len)
		len = s.size - off;
	else if (len > s.size - off)
		die(EXIT_FAIL, "%s: %" PRIu64 " bytes from offset %" PRIu64
		    " go past the end: there are %" PRIu64 " (%zu in all)",
		    s.label, len, off, s.size - off, s.size);

	/* A bigger pipe means fewer round trips between writer and reader. */
	if (len > 65536)
		fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20);
	if (len > 0 && !(shm_is_fd(&s) && send_fd(&s, off, len))) {
		shm_map(&s, false);
		if (write_all(STDOUT_FILENO, (char *)s.addr + off, len) < 0)
			die_stdout();
	}
	if (unlink_it && shm_remove(&s) < 0) {
		if (errno == ESTALE)
			die(EXIT_FAIL, "%s: replaced while it was read; the new one is left in place",
			    s.label);
		die(EXIT_FAIL, "%s: cannot remove:", s.label);
	}
	shm_close(&s);
	return 0;
}
