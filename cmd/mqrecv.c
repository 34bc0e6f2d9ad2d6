/* SPDX-License-Identifier: ISC */
/* mqrecv: receive messages from a POSIX or System V message queue. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cleanup.h"
#include "await.h"
#include "deadline.h"
#include "diag.h"
#include "ipcname.h"
#include "msgq.h"
#include "opterr.h"
#include "outq.h"
#include "parse.h"
#include "record.h"
#include "supervise.h"
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
	"      --ftok PATH[:PROJ]   System V queue with the key ftok(3) makes\n"
	"  -i, --id ID              System V queue by identifier\n"
	"      --idle-timeout DURATION\n"
	"                           give up when no message has come for DURATION\n"
	"  -J, --json               with -s: one JSON object\n"
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
	"  -T, --timeout DURATION   wait at most DURATION in all, -W included\n"
	"      --type N             System V: 0 any (default), N>0 that type,\n"
	"                           N<0 the lowest type up to -N\n"
	"  -u, --unlink             remove the queue after receiving\n"
	"  -W, --wait-exist         wait for the queue to exist, up to -T DURATION\n"
	"  -h, --help               display this help and exit\n"
	"  -V, --version            output version information and exit\n"
	"\n"
	"Exit status: 0 received, 1 failed, 2 usage error, 124 nothing in time.\n";

enum { OPT_NETSTRING = 0x100, OPT_TYPE, OPT_IDLE_TIMEOUT };

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "follow", no_argument, NULL, 'f' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "json", no_argument, NULL, 'J' },
	IPC_LONGOPT_KEY,
	{ "netstring", no_argument, NULL, OPT_NETSTRING },
	{ "nonblock", no_argument, NULL, 'n' },
	{ "null", no_argument, NULL, '0' },
	{ "raw", no_argument, NULL, 'r' },
	{ "show-priority", no_argument, NULL, 'P' },
	{ "stat", no_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "unlink", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait-exist", no_argument, NULL, 'W' },
	{ 0 }
};

#define TICK_MS 250
/* How long a put-back waits for room in a full queue. */
#define PUTBACK_S 5

struct opts {
	struct ipc_target t;
	int term;                  /* '\n', '\0', REC_RAW or REC_NETSTRING */
	uint64_t count;
	bool count_set, follow, nowait, show_prio, stat_only, json, unlink_after;
	bool wait_exist;           /* -W: wait for the queue to appear */
	long type;
	struct timeout timeout;    /* -T: all the waiting together */
	struct timeout idle;       /* --idle-timeout: each message */
};

/* A receiver: the queue, the output, and whether a message is in flight. */
struct rx {
	const struct opts *o;
	struct msgq q;
	struct rec_writer w;       /* one record at a time */
	struct outq out;
	uint64_t got;              /* messages taken */
	bool in_flight;            /* message got is written, maybe not yet read */
	struct deadline total;     /* -T, from the start */
	sigset_t stopsigs;
};

/* Message got could not be written at all: put it back, say so, fail. */
static noreturn void undeliverable(struct rx *x, const char *p, size_t len, long prio)
{
	struct deadline d;
	int err = errno;

	deadline_start(&d, (int64_t)PUTBACK_S * NS_PER_SEC);
	if (msgq_putback(&x->q, p, len, prio, &d))
		warn("%s: 1 message put back into the queue", x->q.label);
	else if (errno == EACCES)
		warn("%s: 1 message lost, message %" PRIu64 " of this run: it cannot go back (no write permission)",
		     x->q.label, x->got);
	else
		warn("%s: 1 message lost, message %" PRIu64 " of this run: the queue stayed full for %d s",
		     x->q.label, x->got, PUTBACK_S);
	errno = err;
	die_stdout();
}

/*
 * Write message got as one record, in one write(2) where it fits a pipe
 * (PIPE_BUF), so that writers sharing the pipe never split it. One message
 * at a time: a failing output risks that one, which goes back.
 */
static void deliver(struct rx *x, const char *p, size_t len, long prio)
{
	char head[32];
	size_t hl = x->o->show_prio ? (size_t)snprintf(head, sizeof head, "%ld\t", prio) : 0;
	size_t done;

	rec_writer_reserve(&x->w, hl + len + 32); /* a netstring's head too */
	rec_append(&x->w, head, hl);
	rec_write(&x->w, p, len);
	if (rec_flush_some(&x->w, &done) == 0) {
		x->in_flight = true;
		return;
	}
	if (done == 0)
		undeliverable(x, p, len, prio);
	die(EXIT_FAIL, "%s: 1 message lost, message %" PRIu64 " of this run: %zu of its %zu bytes were written (%s)",
	    x->q.label, x->got, done, hl + len + (x->w.term != REC_RAW), strerror(errno));
}

/*
 * Before taking a message, and before exit: wait until the reader has
 * read the pipe or socket empty, the last message with it, or has left.
 * So at most one message is at risk, and it is named when lost: bytes
 * in a pipe cannot be proven ours (other writers share it), so nothing
 * ever comes back out of one. A file takes a message as it is written.
 */
static void settle(struct rx *x, bool more)
{
	long unread = outq_wait(&x->out);

	if (unread > 0 && x->in_flight)
		die(EXIT_FAIL, "%s: 1 message lost, message %" PRIu64 " of this run: the reader left before reading all of standard output",
		    x->q.label, x->got);
	x->in_flight = false;
	if (more && outq_gone(&x->out)) {
		errno = EPIPE;
		die_stdout();
	}
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
	if (sup_stop) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return MSGQ_INTR;
	}
	int64_t left = deadline_left(d);
	bool tick = left > (int64_t)TICK_MS * 1000000;
	if (tick)
		left = (int64_t)TICK_MS * 1000000;
	ts = ns_to_timespec(left);
	tp = &ts;
	r = ppoll(p, x->out.kind != OUTQ_OTHER ? 2 : 1, tp, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0 && errno != EINTR)
		die(EXIT_FAIL, "%s: cannot wait for a message:", x->q.label);
	if (r > 0 && (p[1].revents & (POLLERR | POLLHUP))) {
		errno = EPIPE; /* nothing in flight: settled before the take */
		die_stdout();
	}
	if (r == 0 && tick) {
		check_replaced(x);
		return MSGQ_INTR; /* look around, then wait again */
	}
	if (r == 0)
		return MSGQ_TIMEOUT;
	return r < 0 ? MSGQ_INTR : MSGQ_OK;
}

/* Take one message, waiting for it as the options say. */
static int take(struct rx *x, char **p, size_t *len, long *prio, const struct deadline *d)
{
	bool wait = !x->o->nowait;

	for (;;) {
		int r = msgq_recv(&x->q, p, len, prio, x->o->type, d, !wait,
				  wait ? TICK_MS : 0);

		if (r == MSGQ_OK || !wait || r == MSGQ_TIMEOUT)
			return r;
		if (x->q.kind == IPC_POSIX) {
			if (r == MSGQ_AGAIN && (r = wait_posix(x, d)) == MSGQ_OK)
				continue;
		}
		if (sup_stop)
			return MSGQ_INTR;
		if (r == MSGQ_TIMEOUT)
			return r;
		if (outq_gone(&x->out)) {
			errno = EPIPE;
			die_stdout();
		}
	}
}

/* INT and TERM end the loop; the message in flight is settled first. */
static void setup_output(struct rx *x)
{
	rec_writer_init(&x->w, STDOUT_FILENO, x->o->term);
	outq_init(&x->out, STDOUT_FILENO);
	sigemptyset(&x->stopsigs);
	sigaddset(&x->stopsigs, SIGINT);
	sigaddset(&x->stopsigs, SIGTERM);
	sup_catch_stops(&x->stopsigs, NULL);
}

/*
 * Receive count messages, or until stopped with follow, one at a time:
 * each is taken only once the reader has read the one before. Returns
 * how the last take ended (MSGQ_OK, MSGQ_AGAIN, MSGQ_TIMEOUT, MSGQ_INTR).
 */
static int receive(struct rx *x)
{
	struct deadline d;
	int r = MSGQ_OK;

	while (!sup_stop && (x->o->follow || x->got < x->o->count)) {
		char *p;
		size_t len;
		long prio;

		settle(x, true);
		if (sup_stop)
			break;
		deadline_start_within(&d, x->o->idle.ns, &x->total);
		if ((r = take(x, &p, &len, &prio, &d)) != MSGQ_OK)
			break;
		x->got++;
		deliver(x, p, len, prio);
	}
	settle(x, false); /* the last one too: a stop or the end waits for it */
	return r;
}

static const char optstring[] = ":0c:fhi:Jk:nPrsT:uVW";

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
	case 'J': o->json = true; break;
	case 'T': o->timeout = arg_timeout("--timeout", optarg); break;
	case OPT_IDLE_TIMEOUT: o->idle = arg_timeout("--idle-timeout", optarg); break;
	case OPT_TYPE: o->type = (long)arg_i64("--type", optarg, -INT64_MAX, INT64_MAX); break;
	case 'u': o->unlink_after = true; break;
	case 'V': print_version();
	case 'W': o->wait_exist = true; break;
	default: usage_bad_option(argc, argv, optstring, opt);
	}
}

/* Options and the target into o, with its defaults, checked together. */
static void parse(int argc, char **argv, struct opts *o)
{
	int opt;

	*o = (struct opts){ .term = '\n', .count = 1, .timeout = NO_TIMEOUT,
			    .idle = NO_TIMEOUT };
	ipc_target_init(&o->t);
	while ((opt = ipc_target_getopt(&o->t, argc, argv, optstring, longopts)) != -1)
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

	if (sup_stop && !o->follow) /* interrupted: end as the signal would */
		cleanup_die_of(sup_stop);
	if (x->got == 0 && r == MSGQ_AGAIN) {
		if (o->follow || o->count_set) /* a drain of an empty queue: no news */
			return EXIT_TIMEOUT;
		die(EXIT_TIMEOUT, "%s: no message waiting", x->q.label);
	}
	if (x->got == 0 && r == MSGQ_TIMEOUT)
		die(EXIT_TIMEOUT, "%s: no message within %s", x->q.label,
		    timeout_str(deadline_passed(&x->total) || !o->idle.text ? &o->timeout : &o->idle));
	if (o->unlink_after)
		msgq_remove(&x->q);
	return 0;
}

int main(int argc, char **argv)
{
	static struct rx x; /* static: reachable when a failure exits */
	struct opts o;

	tool_init("mqrecv");
	parse(argc, argv, &o);
	need_std(STDOUT_FILENO);
	x.o = &o;
	deadline_start(&x.total, o.timeout.ns);
	if (o.wait_exist)
		await_target_or_die(&o.t, AWAIT_MSGQ, &o.timeout);
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
