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

#include "alloc.h"
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
	"      --netstring          write each message as a netstring, LEN:BYTES,\n"
	"                           (binary safe)\n"
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

enum { OPT_JSON = 0x100, OPT_NETSTRING };

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "follow", no_argument, NULL, 'f' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	{ "json", no_argument, NULL, OPT_JSON },
	IPC_LONGOPT_KEY,
	{ "netstring", no_argument, NULL, OPT_NETSTRING },
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

struct opts {
	struct ipc_target t;
	int term;                  /* '\n', '\0', REC_RAW or REC_NETSTRING */
	uint64_t count;
	bool count_set, follow, nowait, show_prio, stat_only, json, unlink_after;
	long type;
	int64_t timeout;           /* -1: none */
	const char *timeout_text;   /* as the user wrote it, for messages */
};

/* A receiver: the queue, the records on their way out, and the pipe. */
struct rx {
	const struct opts *o;
	struct msgq q;
	struct rec_writer w;
	struct pending *pend;      /* the messages queued in w, in order */
	size_t npend, pendcap;
	size_t inflight;           /* pipe: bytes of the last batch, maybe unread */
	size_t nflight;            /* and its messages, still in pend */
	int64_t written_at;        /* when it was written */
	size_t limit;              /* pipe: messages per batch */
	bool pipe_out;
	int pipe_size;             /* stdout's pipe size, to restore */
	uint64_t got;              /* messages written out */
	sigset_t stopsigs;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	stop = sig;
}

/* Put back the queued messages i to j, say how many, and how many are lost. */
static void put_back(struct rx *x, size_t i, size_t j, size_t partly)
{
	struct deadline d;
	size_t back = 0, n = j - i + partly;
	int err = 0;

	deadline_start(&d, PUTBACK_NS);
	for (; i < j; i++) {
		if (msgq_putback(&x->q, x->w.buf + x->pend[i].off, x->pend[i].len, x->pend[i].prio, &d))
			back++;
		else if (!err)
			err = errno;
	}
	if (n == 0)
		return;
	if (back == n)
		warn("%s: %zu message%s put back into the queue", x->q.label, back,
		     back == 1 ? "" : "s");
	else
		warn("%s: %zu message%s put back into the queue; %zu lost (%s)", x->q.label,
		     back, back == 1 ? "" : "s", n - back, partly && !err
		     ? "the reader read part of it" : strerror(err ? err : EAGAIN));
}

/*
 * The reader left: the bytes of the last batch that it did not read are
 * still in the pipe. Read them back through /proc/self/fd/1 (possible now
 * that no reader holds the pipe) and put back the messages they hold,
 * with those never written. A message the reader took a part of is lost.
 */
static void reclaim(struct rx *x)
{
	char buf[2 * PIPE_BUF];
	ssize_t r = 0;
	int fd = open("/proc/self/fd/1", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t i, from = x->inflight, unread;
	size_t term = x->w.term != REC_RAW;
	size_t n = x->npend > 0 ? x->npend : x->nflight;

	if (fd >= 0) {
		r = read(fd, buf, sizeof buf);
		close(fd);
	}
	unread = r > 0 ? (size_t)r : 0;
	if (unread > 0 && unread <= x->inflight
	    && memcmp(buf, x->w.buf + x->inflight - unread, unread) == 0)
		from = x->inflight - unread;
	else if (unread > 0) /* not our bytes, or not only ours */
		warn("standard output: %zu unread bytes in the pipe were not this "
		     "mqrecv's last batch; lost", unread);
	for (i = 0; i < n && x->pend[i].off + x->pend[i].len + term <= from; i++)
		;
	bool partly = i < n && x->pend[i].rec < from;
	put_back(x, i + partly, n, partly);
}

/* Nothing more can go out: put back what is queued from i on, and fail. */
static noreturn void undeliverable(struct rx *x, size_t i)
{
	int err = errno;

	if (x->pipe_out && err == EPIPE)
		reclaim(x);
	else
		put_back(x, i, x->npend, 0);
	errno = err;
	die_stdout();
}

/*
 * Pipe: wait until the reader has emptied it (POLLOUT on a one-page pipe),
 * so that what a leaving reader did not read is at most one batch, and a
 * slow reader holds at most one message besides the one it works on. A
 * reader that keeps up gets twice as many next time, one that does not half.
 */
static void wait_drained(struct rx *x)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			die(EXIT_FAIL, "standard output: poll:");
	if (p.revents & (POLLERR | POLLHUP)) {
		errno = EPIPE;
		undeliverable(x, 0);
	}
	if (now_ns() - x->written_at < KEEPS_UP_NS)
		x->limit = x->limit * 2 > 4096 ? 4096 : x->limit * 2;
	else if (x->limit > 1)
		x->limit /= 2;
	x->inflight = 0;
	x->nflight = 0;
}

static void flush_batch(struct rx *x)
{
	size_t done, i;

	if (x->w.len == 0)
		return;
	if (rec_flush_some(&x->w, &done) < 0) {
		for (i = 0; i < x->npend; i++)
			if (x->pend[i].off + x->pend[i].len + (x->w.term != REC_RAW) > done)
				break;
		x->inflight = done;
		undeliverable(x, i);
	}
	x->got += x->npend;
	if (x->pipe_out) { /* kept until the reader has read them */
		x->inflight = done;
		x->nflight = x->npend;
		x->written_at = now_ns();
	}
	x->npend = 0;
}

static bool reader_gone(struct rx *x)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	return x->pipe_out && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/*
 * An idle POSIX queue may have been unlinked, and perhaps made again: then
 * nobody can send to ours any more. Compare /dev/mqueue/NAME with it.
 */
static void check_replaced(struct rx *x)
{
	char path[NAME_MAX + 16];
	struct stat mine, now;

	snprintf(path, sizeof path, "/dev/mqueue%s", x->q.name);
	if (fstat(x->q.mqd, &mine) < 0)
		return;
	if (stat(path, &now) == 0 && now.st_ino == mine.st_ino && now.st_dev == mine.st_dev)
		return;
	if (errno == ENOENT && stat("/dev/mqueue", &now) < 0)
		return; /* no mqueue file system here: nothing to compare */
	die(EXIT_FAIL, "%s: the queue was removed%s; stopping", x->q.label,
	    errno == ENOENT ? "" : " (a new one has its name)");
}

/* Wait for a POSIX queue to have a message, the deadline, or a signal. */
static int wait_posix(struct rx *x, const struct deadline *d)
{
	struct pollfd p[2] = { { .fd = x->q.mqd, .events = POLLIN }, { .fd = STDOUT_FILENO } };
	struct timespec ts, *tp = NULL;
	sigset_t old;
	int r;

	sigprocmask(SIG_BLOCK, &x->stopsigs, &old);
	if (stop) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return MSGQ_INTR;
	}
	int64_t left = deadline_left(d);
	bool tick = left > (int64_t)TICK_MS * 1000000;
	if (tick)
		left = (int64_t)TICK_MS * 1000000;
	ts = ns_to_timespec(left);
	tp = &ts;
	r = ppoll(p, x->pipe_out ? 2 : 1, tp, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0 && errno != EINTR)
		die(EXIT_FAIL, "%s: poll:", x->q.label);
	if (r > 0 && (p[1].revents & (POLLERR | POLLHUP))) {
		errno = EPIPE;
		undeliverable(x, x->npend);
	}
	if (r == 0 && tick) {
		check_replaced(x);
		return MSGQ_INTR; /* look around, then wait again */
	}
	if (r == 0)
		return MSGQ_TIMEOUT;
	return r < 0 ? MSGQ_INTR : MSGQ_OK;
}

/* Take one message, waiting for it unless wait is false. */
static int take(struct rx *x, char **p, size_t *len, long *prio, bool wait, const struct deadline *d)
{
	for (;;) {
		int r = msgq_recv(&x->q, p, len, prio, x->o->type, d, !wait,
				  wait ? TICK_MS : 0);

		if (r == MSGQ_OK || !wait || r == MSGQ_TIMEOUT)
			return r;
		if (x->q.kind == IPC_POSIX) {
			if (r == MSGQ_AGAIN && (r = wait_posix(x, d)) == MSGQ_OK)
				continue;
		}
		if (stop)
			return MSGQ_INTR;
		if (r == MSGQ_TIMEOUT)
			return r;
		if (reader_gone(x)) {
			errno = EPIPE;
			undeliverable(x, x->npend);
		}
	}
}

/* Queue one message for stdout, making room first. */
static void add(struct rx *x, const char *p, size_t len, long prio)
{
	char head[32];
	size_t hl = x->o->show_prio ? (size_t)snprintf(head, sizeof head, "%ld\t", prio) : 0;
	size_t need = hl + len + 32; /* a netstring's head too */

	if (x->w.len + need > x->w.cap && !x->pipe_out)
		flush_batch(x);
	rec_writer_reserve(&x->w, need);
	if (x->npend == x->pendcap) {
		x->pendcap = x->pendcap ? x->pendcap * 2 : 1024;
		x->pend = xreallocarray(x->pend, x->pendcap, sizeof *x->pend);
	}
	size_t rec = x->w.len;
	rec_append(&x->w, head, hl);
	x->pend[x->npend++] = (struct pending){ rec, x->w.len + rec_head_len(&x->w, len), len, prio };
	rec_write(&x->w, p, len);
}

/* Standard output: a pipe shrinks to one page while mqrecv writes (see
 * wait_drained); INT and TERM end the loop after what is in hand. */
static void setup_output(struct rx *x)
{
	struct stat st;
	struct sigaction sa = { .sa_handler = on_stop }; /* no SA_RESTART */

	rec_writer_init(&x->w, STDOUT_FILENO, x->o->term);
	x->pipe_out = fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode);
	if (x->pipe_out && (x->pipe_size = fcntl(STDOUT_FILENO, F_GETPIPE_SZ)) > 0
	    && fcntl(STDOUT_FILENO, F_SETPIPE_SZ, PIPE_BUF) < 0)
		x->pipe_size = 0;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&x->stopsigs);
	sigaddset(&x->stopsigs, SIGINT);
	sigaddset(&x->stopsigs, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * Receive count messages, or until stopped with follow: the first of each
 * batch waits as the options say, the rest are what is there now. Returns
 * how the last take ended (MSGQ_OK, MSGQ_AGAIN, MSGQ_TIMEOUT, MSGQ_INTR).
 */
static int receive(struct rx *x)
{
	struct deadline d;
	int r = MSGQ_OK;

	while (!stop && (x->o->follow || x->got + x->npend < x->o->count)) {
		char *p;
		size_t len;
		long prio;
		bool first = x->npend == 0;

		if (first) {
			if (x->inflight > 0)
				wait_drained(x);
			if (stop)
				break;
			if (reader_gone(x)) {
				errno = EPIPE;
				undeliverable(x, x->npend);
			}
			deadline_start(&d, x->o->timeout);
		}
		r = take(x, &p, &len, &prio, first && !x->o->nowait, &d);
		if (r == MSGQ_AGAIN && !first) {
			flush_batch(x); /* before waiting */
			continue;
		}
		if (r != MSGQ_OK)
			break;
		/* A pipe takes a batch in one write of at most PIPE_BUF: atomic. */
		if (x->pipe_out && x->npend > 0 && x->w.len + len + 32 > PIPE_BUF) {
			flush_batch(x);
			wait_drained(x);
		}
		add(x, p, len, prio);
		if (x->pipe_out && x->npend >= x->limit)
			flush_batch(x);
	}
	flush_batch(x);
	if (x->inflight > 0 && !stop)
		wait_drained(x); /* the last batch too: a reader may leave without it */
	if (x->pipe_size > 0)
		fcntl(STDOUT_FILENO, F_SETPIPE_SZ, x->pipe_size);
	return r;
}

static const char optstring[] = ":0c:fhi:k:nPrsT:t:uV";

static void parse_option(struct opts *o, int opt, int argc, char **argv)
{
	switch (opt) {
	case '0': o->term = '\0'; break;
	case 'c':
		o->count = arg_u64("--count", optarg, 1, UINT64_MAX);
		o->count_set = true;
		break;
	case 'f': o->follow = true; break;
	case 'h': print_usage(usage);
	case OPT_NETSTRING: o->term = REC_NETSTRING; break;
	case 'n': o->nowait = true; break;
	case 'P': o->show_prio = true; break;
	case 'r': o->term = REC_RAW; break;
	case 's': o->stat_only = true; break;
	case OPT_JSON: o->json = true; break;
	case 'T':
		o->timeout = arg_duration("--timeout", optarg);
		o->timeout_text = optarg;
		break;
	case 't': o->type = (long)arg_i64("--type", optarg, -INT64_MAX, INT64_MAX); break;
	case 'u': o->unlink_after = true; break;
	case 'V': print_version();
	default: usage_bad_option(argc, argv, optstring, opt);
	}
}

/* Options and the target into o, checked together. */
static void parse(struct opts *o, int argc, char **argv)
{
	int opt;

	*o = (struct opts){ .term = '\n', .count = 1, .timeout = -1 };
	ipc_target_init(&o->t);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1)
		if (!ipc_target_option(&o->t, opt, optarg))
			parse_option(o, opt, argc, argv);
	ipc_target_operand(&o->t, argc, argv);
	if (optind < argc)
		usage_error("extra operand '%s'", argv[optind]);
	if (o->t.kind == IPC_SYSV && o->t.id < 0 && o->t.key == 0)
		usage_error("--key private makes a new, empty queue; name an existing one");
	if (o->t.kind == IPC_POSIX && o->type != 0)
		usage_error("--type is for System V queues");
	if (o->follow && o->count_set)
		usage_error("--count and --follow exclude each other");
	if (o->json && !o->stat_only)
		usage_error("--json is for --stat");
}

/* How the receiving ended, as a status: a stop ends as its signal would. */
static int finish(struct rx *x, int r)
{
	const struct opts *o = x->o;

	if (stop && !o->follow) { /* interrupted: end as the signal would */
		signal(stop, SIG_DFL);
		raise(stop);
	}
	if (x->got == 0 && r == MSGQ_AGAIN) {
		if (o->follow || o->count_set) /* a drain of an empty queue: no news */
			return EXIT_TIMEOUT;
		die(EXIT_TIMEOUT, "%s: no message waiting", x->q.label);
	}
	if (x->got == 0 && r == MSGQ_TIMEOUT)
		die(EXIT_TIMEOUT, "%s: no message within %s%s", x->q.label, o->timeout_text,
		    duration_unit(o->timeout_text));
	if (o->unlink_after)
		msgq_remove(&x->q);
	return 0;
}

int main(int argc, char **argv)
{
	static struct rx x = { .limit = 1 }; /* static: reachable when a failure exits */
	struct opts o;

	tool_init("mqrecv");
	parse(&o, argc, argv);
	need_std(STDOUT_FILENO);
	x.o = &o;
	msgq_open(&x.q, &o.t, false, true, NULL);
	if (o.stat_only) {
		msgq_stat(&x.q, o.json);
		if (o.unlink_after)
			msgq_remove(&x.q);
		return 0;
	}
	setup_output(&x);
	return finish(&x, receive(&x));
}
