/* SPDX-License-Identifier: ISC */
/* mqrecv: receive messages from a POSIX or System V message queue. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "ipcname.h"
#include "msgq.h"
#include "opterr.h"
#include "parse.h"
#include "record.h"
#include "tool.h"

static const char usage[] =
	"Usage: mqrecv [OPTION]... TARGET\n"
	"Receive messages from a message queue and write each as a record.\n"
	"TARGET is a POSIX queue NAME or /NAME, or a System V queue given by\n"
	"-k KEY, -i ID or --ftok PATH[:PROJ].\n"
	"\n"
	"  -0, --null               end each message with NUL, not newline\n"
	"  -c, --count N            receive N messages (default 1)\n"
	"  -f, --follow             receive until interrupted (SIGINT, SIGTERM)\n"
	"      --ftok PATH[:PROJ] System V\n"
	"                           queue with the key ftok(3) makes\n"
	"  -i, --id ID              System V queue by identifier\n"
	"      --json               with -s: one JSON object\n"
	"  -k, --key KEY            System V queue by key\n"
	"  -n, --nonblock           do not wait: an empty queue gives status 124,\n"
	"                           or with -c or -f ends the drain\n"
	"  -P, --show-priority      write each message's priority or type and a tab\n"
	"                           first\n"
	"  -r, --raw                write messages with nothing after them\n"
	"  -s, --stat               print the queue's attributes, as ipcs -q -i does;\n"
	"                           take no message\n"
	"  -T, --timeout DURATION   wait at most DURATION for each message\n"
	"  -t, --type N             System V: 0 any (default), N>0 that type,\n"
	"                           N<0 the lowest type up to -N\n"
	"  -u, --unlink             remove the queue after receiving\n"
	"  -h, --help               display this help and exit\n"
	"  -V, --version            output version information and exit\n"
	"\n"
	"Exit status: 0 received, 1 failed, 2 usage error, 124 nothing in time.\n";

enum { OPT_JSON = 0x100 };

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "follow", no_argument, NULL, 'f' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	{ "json", no_argument, NULL, OPT_JSON },
	IPC_LONGOPT_KEY,
	{ "nonblock", no_argument, NULL, 'n' },
	{ "null", no_argument, NULL, '0' },
	{ "raw", no_argument, NULL, 'r' },
	{ "show-priority", no_argument, NULL, 'P' },
	{ "stat", no_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "type", required_argument, NULL, 't' },
	{ "unlink", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

#define TICK_MS 250
/* How long a put-back waits for room in a full queue. */
#define PUTBACK_NS (5 * NS_PER_SEC)
/* A reader that empties the pipe within this is keeping up: batch more. */
#define KEEPS_UP_NS 1000000

struct pending { size_t rec, off, len; long prio; }; /* rec: where its framing starts */

static struct msgq q;
static struct rec_writer w;
static struct pending *pend;   /* the messages queued in w, in order */
static size_t npend, pendcap;
static size_t inflight;        /* pipe: bytes of the last batch, maybe unread */
static size_t nflight;         /* and its messages, still in pend */
static int64_t written_at;     /* when it was written */
static size_t limit = 1;       /* pipe: messages per batch */
static bool pipe_out, nowait, show_prio;
static int pipe_size;          /* stdout's pipe size, to restore */
static long type;
static int64_t timeout = -1;
static uint64_t got;           /* messages written out */
static volatile sig_atomic_t stop;
static sigset_t stopsigs;

static void on_stop(int sig)
{
	stop = sig;
}

/* Put back the queued messages i to j, say how many, and how many are lost. */
static void put_back(size_t i, size_t j, size_t partly)
{
	struct deadline d;
	size_t back = 0, n = j - i + partly;
	int err = 0;

	deadline_start(&d, PUTBACK_NS);
	for (; i < j; i++) {
		if (msgq_putback(&q, w.buf + pend[i].off, pend[i].len, pend[i].prio, &d))
			back++;
		else if (!err)
			err = errno;
	}
	if (n == 0)
		return;
	if (back == n)
		warn("%s: %zu message%s put back into the queue", q.label, back,
		     back == 1 ? "" : "s");
	else
		warn("%s: %zu message%s put back into the queue; %zu lost (%s)", q.label,
		     back, back == 1 ? "" : "s", n - back, partly && !err
		     ? "the reader read part of it" : strerror(err ? err : EAGAIN));
}

/*
 * The reader left: the bytes of the last batch that it did not read are
 * still in the pipe. Read them back through /proc/self/fd/1 (possible now
 * that no reader holds the pipe) and put back the messages they hold,
 * with those never written. A message the reader took a part of is lost.
 */
static void reclaim(void)
{
	char buf[2 * PIPE_BUF];
	ssize_t r = 0;
	int fd = open("/proc/self/fd/1", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t i, from = inflight, unread;
	size_t term = w.term != REC_RAW;
	size_t n = npend > 0 ? npend : nflight;

	if (fd >= 0) {
		r = read(fd, buf, sizeof buf);
		close(fd);
	}
	unread = r > 0 ? (size_t)r : 0;
	if (unread > 0 && unread <= inflight
	    && memcmp(buf, w.buf + inflight - unread, unread) == 0)
		from = inflight - unread;
	else if (unread > 0) /* not our bytes, or not only ours */
		warn("standard output: %zu unread bytes in the pipe were not this "
		     "mqrecv's last batch; lost", unread);
	for (i = 0; i < n && pend[i].off + pend[i].len + term <= from; i++)
		;
	bool partly = i < n && pend[i].rec < from;
	put_back(i + partly, n, partly);
}

/* Nothing more can go out: put back what is queued from i on, and fail. */
static noreturn void undeliverable(size_t i)
{
	int err = errno;

	if (pipe_out && err == EPIPE)
		reclaim();
	else
		put_back(i, npend, 0);
	errno = err;
	die_stdout();
}

/*
 * Pipe: wait until the reader has emptied it (POLLOUT on a one-page pipe),
 * so that what a leaving reader did not read is at most one batch, and a
 * slow reader holds at most one message besides the one it works on. A
 * reader that keeps up gets twice as many next time, one that does not half.
 */
static void wait_drained(void)
{
	struct pollfd p = { .fd = 1, .events = POLLOUT };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			die(EXIT_FAIL, "standard output: poll:");
	if (p.revents & (POLLERR | POLLHUP)) {
		errno = EPIPE;
		undeliverable(0);
	}
	if (now_ns() - written_at < KEEPS_UP_NS)
		limit = limit * 2 > 4096 ? 4096 : limit * 2;
	else if (limit > 1)
		limit /= 2;
	inflight = 0;
	nflight = 0;
}

static void flush_batch(void)
{
	size_t done, i;

	if (w.len == 0)
		return;
	if (rec_flush_some(&w, &done) < 0) {
		for (i = 0; i < npend; i++)
			if (pend[i].off + pend[i].len + (w.term != REC_RAW) > done)
				break;
		inflight = done;
		undeliverable(i);
	}
	got += npend;
	if (pipe_out) { /* kept until the reader has read them */
		inflight = done;
		nflight = npend;
		written_at = now_ns();
	}
	npend = 0;
}

static bool reader_gone(void)
{
	struct pollfd p = { .fd = 1, .events = 0 };

	return pipe_out && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/*
 * An idle POSIX queue may have been unlinked, and perhaps made again: then
 * nobody can send to ours any more. Compare /dev/mqueue/NAME with it.
 */
static void check_replaced(void)
{
	char path[NAME_MAX + 16];
	struct stat mine, now;

	snprintf(path, sizeof path, "/dev/mqueue%s", q.name);
	if (fstat(q.mqd, &mine) < 0)
		return;
	if (stat(path, &now) == 0 && now.st_ino == mine.st_ino && now.st_dev == mine.st_dev)
		return;
	if (errno == ENOENT && stat("/dev/mqueue", &now) < 0)
		return; /* no mqueue file system here: nothing to compare */
	die(EXIT_FAIL, "%s: the queue was removed%s; stopping", q.label,
	    errno == ENOENT ? "" : " (a new one has its name)");
}

/* Wait for a POSIX queue to have a message, the deadline, or a signal. */
static int wait_posix(const struct deadline *d)
{
	struct pollfd p[2] = { { .fd = q.mqd, .events = POLLIN }, { .fd = 1 } };
	struct timespec ts, *tp = NULL;
	sigset_t old;
	int r;

	sigprocmask(SIG_BLOCK, &stopsigs, &old);
	if (stop) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return MSGQ_INTR;
	}
	int64_t left = deadline_left(d);
	bool tick = left > (int64_t)TICK_MS * 1000000;
	if (tick)
		left = (int64_t)TICK_MS * 1000000;
	ts = (struct timespec){ left / NS_PER_SEC, left % NS_PER_SEC };
	tp = &ts;
	r = ppoll(p, pipe_out ? 2 : 1, tp, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0 && errno != EINTR)
		die(EXIT_FAIL, "%s: poll:", q.label);
	if (r > 0 && (p[1].revents & (POLLERR | POLLHUP))) {
		errno = EPIPE;
		undeliverable(npend);
	}
	if (r == 0 && tick) {
		check_replaced();
		return MSGQ_INTR; /* look around, then wait again */
	}
	if (r == 0)
		return MSGQ_TIMEOUT;
	return r < 0 ? MSGQ_INTR : MSGQ_OK;
}

/* Take one message, waiting for it unless wait is false. */
static int take(char **p, size_t *len, long *prio, bool wait, const struct deadline *d)
{
	for (;;) {
		int r = msgq_recv(&q, p, len, prio, type, d, !wait,
				  wait ? TICK_MS : 0);

		if (r == MSGQ_OK || !wait || r == MSGQ_TIMEOUT)
			return r;
		if (q.kind == IPC_POSIX) {
			if (r == MSGQ_AGAIN && (r = wait_posix(d)) == MSGQ_OK)
				continue;
		}
		if (stop)
			return MSGQ_INTR;
		if (r == MSGQ_TIMEOUT)
			return r;
		if (reader_gone()) {
			errno = EPIPE;
			undeliverable(npend);
		}
	}
}

/* Queue one message for stdout, making room first. */
static void add(const char *p, size_t len, long prio)
{
	char head[32];
	size_t hl = show_prio ? (size_t)snprintf(head, sizeof head, "%ld\t", prio) : 0;
	size_t need = hl + len + 2;

	if (w.len + need > w.cap && !pipe_out)
		flush_batch();
	rec_writer_reserve(&w, need);
	if (npend == pendcap) {
		pendcap = pendcap ? pendcap * 2 : 1024;
		pend = realloc(pend, pendcap * sizeof *pend);
		if (!pend)
			die(EXIT_FAIL, "out of memory");
	}
	size_t rec = w.len;
	rec_append(&w, head, hl);
	pend[npend++] = (struct pending){ rec, w.len, len, prio };
	rec_write(&w, p, len);
}

/* Standard output: a pipe shrinks to one page while mqrecv writes (see
 * wait_drained); INT and TERM end the loop after what is in hand. */
static void setup_output(int term)
{
	struct stat st;
	struct sigaction sa = { .sa_handler = on_stop }; /* no SA_RESTART */

	rec_writer_init(&w, 1, term);
	pipe_out = fstat(1, &st) == 0 && S_ISFIFO(st.st_mode);
	if (pipe_out && (pipe_size = fcntl(1, F_GETPIPE_SZ)) > 0
	    && fcntl(1, F_SETPIPE_SZ, PIPE_BUF) < 0)
		pipe_size = 0;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * Receive count messages, or until stopped with follow: the first of each
 * batch waits as the options say, the rest are what is there now. Returns
 * how the last take ended (MSGQ_OK, MSGQ_AGAIN, MSGQ_TIMEOUT, MSGQ_INTR).
 */
static int receive(uint64_t count, bool follow)
{
	struct deadline d;
	int r = MSGQ_OK;

	while (!stop && (follow || got + npend < count)) {
		char *p;
		size_t len;
		long prio;
		bool first = npend == 0;

		if (first) {
			if (inflight > 0)
				wait_drained();
			if (stop)
				break;
			if (reader_gone()) {
				errno = EPIPE;
				undeliverable(npend);
			}
			deadline_start(&d, timeout);
		}
		r = take(&p, &len, &prio, first && !nowait, &d);
		if (r == MSGQ_AGAIN && !first) {
			flush_batch(); /* before waiting */
			continue;
		}
		if (r != MSGQ_OK)
			break;
		/* A pipe takes a batch in one write of at most PIPE_BUF: atomic. */
		if (pipe_out && npend > 0 && w.len + len + 32 > PIPE_BUF) {
			flush_batch();
			wait_drained();
		}
		add(p, len, prio);
		if (pipe_out && npend >= limit)
			flush_batch();
	}
	flush_batch();
	if (inflight > 0 && !stop)
		wait_drained(); /* the last batch too: a reader may leave without it */
	if (pipe_size > 0)
		fcntl(1, F_SETPIPE_SZ, pipe_size);
	return r;
}

static const char optstring[] = ":0c:fhi:k:nPrsT:t:uV";

int main(int argc, char **argv)
{
	struct ipc_target t;
	uint64_t count = 1;
	bool follow = false, count_set = false, stat_only = false, unlink_after = false;
	bool json = false;
	const char *timeout_arg = NULL;
	int term = '\n', opt, r = MSGQ_OK;

	tool_init("mqrecv");
	ipc_target_init(&t);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (ipc_target_option(&t, opt, optarg))
			continue;
		switch (opt) {
		case '0': term = '\0'; break;
		case 'c':
			count = arg_u64("--count", optarg, 1, UINT64_MAX);
			count_set = true;
			break;
		case 'f': follow = true; break;
		case 'h': print_usage(usage);
		case 'n': nowait = true; break;
		case 'P': show_prio = true; break;
		case 'r': term = REC_RAW; break;
		case 's': stat_only = true; break;
		case OPT_JSON: json = true; break;
		case 'T':
			timeout = arg_duration("--timeout", optarg);
			timeout_arg = optarg;
			break;
		case 't': type = (long)arg_i64("--type", optarg, -INT64_MAX, INT64_MAX); break;
		case 'u': unlink_after = true; break;
		case 'V': print_version();
		default: usage_bad_option(argc, argv, optstring, opt);
		}
	}
	if (t.kind == IPC_NONE && optind < argc)
		ipc_target_name(&t, argv[optind++]);
	ipc_target_require(&t);
	if (optind < argc)
		usage_error("extra operand '%s'", argv[optind]);
	if (t.kind == IPC_SYSV && t.id < 0 && t.key == 0)
		usage_error("--key private makes a new, empty queue; name an existing one");
	if (t.kind == IPC_POSIX && type != 0)
		usage_error("--type is for System V queues");
	if (follow && count_set)
		usage_error("--count and --follow exclude each other");
	if (json && !stat_only)
		usage_error("--json is for --stat");

	need_std(STDOUT_FILENO);
	msgq_open(&q, &t, false, true, NULL);
	if (stat_only) {
		msgq_stat(&q, json);
		if (unlink_after)
			msgq_remove(&q);
		return 0;
	}
	setup_output(term);
	r = receive(count, follow);
	if (stop && !follow) { /* interrupted: end as the signal would */
		signal(stop, SIG_DFL);
		raise(stop);
	}
	if (got == 0 && r == MSGQ_AGAIN) {
		if (follow || count_set) /* a drain of an empty queue: no news */
			return EXIT_TIMEOUT;
		die(EXIT_TIMEOUT, "%s: no message waiting", q.label);
	}
	if (got == 0 && r == MSGQ_TIMEOUT)
		die(EXIT_TIMEOUT, "%s: no message within %s%s", q.label, timeout_arg,
		    duration_unit(timeout_arg));
	if (unlink_after)
		msgq_remove(&q);
	return 0;
}
