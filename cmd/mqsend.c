/* SPDX-License-Identifier: ISC */
/* mqsend: send messages to a POSIX or System V message queue. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/msg.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "await.h"
#include "cleanup.h"
#include "deadline.h"
#include "diag.h"
#include "io.h"
#include "ipcname.h"
#include "msgq.h"
#include "opterr.h"
#include "parse.h"
#include "record.h"
#include "tool.h"

static const char usage[] =
	"Usage: mqsend [OPTION]... TARGET [MESSAGE]...\n"
	"Send each MESSAGE, or each record of standard input, to a message queue.\n"
	"TARGET is a POSIX queue NAME or /NAME, or a System V queue given by\n"
	"-k KEY, -i ID or --ftok PATH[:PROJ]; a missing queue is created.\n"
	"\n"
	"  -0, --null               input records end with NUL, not newline\n"
	"  -a, --all                the whole input is one message (binary safe)\n"
	"  -E, --no-create          fail if the queue does not exist\n"
	"      --ftok PATH[:PROJ]   System V queue with the key ftok(3) makes\n"
	"  -i, --id ID              existing System V queue by identifier\n"
	"      --idle-timeout DURATION\n"
	"                           give up when the queue has had no room for\n"
	"                           DURATION\n"
	"  -k, --key KEY            System V queue by key (or 'private': a new one,\n"
	"                           whose identifier is printed)\n"
	"  -m, --mode MODE          permissions of a new queue (default 600); an\n"
	"                           existing one must have MODE and be ours\n"
	"      --max-msgs N         a new POSIX queue holds N messages\n"
	"      --msg-size SIZE      a new POSIX queue takes messages up to SIZE\n"
	"      --netstring          input records are netstrings, LEN:BYTES,\n"
	"                           (binary safe)\n"
	"  -n, --nonblock           fail if the queue is full (status 124)\n"
	"      --priority N         POSIX priority, 0 (default) to the system's maximum\n"
	"  -T, --timeout DURATION   wait at most DURATION in all, -W included\n"
	"      --type N             System V message type, at least 1 (default 1)\n"
	"  -W, --wait-exist         wait for the queue to exist, up to -T DURATION,\n"
	"                           instead of making it (implies -E)\n"
	"  -x, --exclusive          fail if the queue exists; nothing is sent\n"
	"  -h, --help               display this help and exit\n"
	"  -V, --version            output version information and exit\n"
	"\n"
	"Exit status: 0 sent, 1 failed, 2 usage error, 124 no room in time.\n";

enum { OPT_MAXMSGS = 0x100, OPT_MSGSIZE, OPT_NETSTRING, OPT_PRIORITY, OPT_TYPE,
       OPT_IDLE_TIMEOUT };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "exclusive", no_argument, NULL, 'x' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	IPC_LONGOPT_KEY,
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "max-msgs", required_argument, NULL, OPT_MAXMSGS },
	{ "mode", required_argument, NULL, 'm' },
	{ "msg-size", required_argument, NULL, OPT_MSGSIZE },
	{ "netstring", no_argument, NULL, OPT_NETSTRING },
	{ "no-create", no_argument, NULL, 'E' },
	{ "nonblock", no_argument, NULL, 'n' },
	{ "null", no_argument, NULL, '0' },
	{ "priority", required_argument, NULL, OPT_PRIORITY },
	{ "timeout", required_argument, NULL, 'T' },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "version", no_argument, NULL, 'V' },
	{ "wait-exist", no_argument, NULL, 'W' },
	{ 0 }
};

struct opts {
	struct ipc_target t;
	struct msgq_create c;
	int delim;                 /* '\n', '\0', REC_WHOLE or REC_NETSTRING */
	bool framing;              /* -0, -a or --netstring given */
	bool nowait;
	bool wait_exist;           /* -W: wait for the queue to appear */
	bool prio_set, type_set;
	long prio;                 /* POSIX priority or System V type */
	struct timeout timeout;    /* -T: all the waiting together */
	struct timeout idle;       /* --idle-timeout: each message */
	char **msgs;               /* the MESSAGE operands, or none: stdin */
	int nmsgs;
};

/* A run: the queue, what reached it, and whether it is ours alone. */
struct run {
	const struct opts *o;
	struct msgq q;
	uint64_t sent;
	bool private_q;            /* -k private: a queue of our own */
	struct deadline total;     /* -T, from the start */
};

/* The queue is left: say why, so the user knows what state it is in. */
static void left_in_place(const struct run *r, unsigned long n)
{
	warn("%s: the queue mqsend made is left in place: another producer sent to it; %lu message%s wait%s",
	     r->q.label, n, n == 1 ? "" : "s", n == 1 ? "s" : "");
}

/* POSIX: sent is 0 here, so only an empty queue holds nothing but ours. */
static void remove_posix(const struct run *r)
{
	struct mq_attr a;

	if (mq_getattr(r->q.mqd, &a) < 0)
		return;
	if (a.mq_curmsgs == 0)
		mq_unlink(r->q.name);
	else
		left_in_place(r, (unsigned long)a.mq_curmsgs);
}

/*
 * System V: first stop every send (msg_qbytes 0: no message fits), then
 * look. Ours alone: empty, or nobody ever received (msg_lrpid 0) and it
 * holds as many as we sent. A sender blocked meanwhile gets EIDRM, or
 * goes on once the limit is back.
 */
static void remove_sysv(const struct run *r)
{
	struct msqid_ds ds;
	msglen_t qbytes;

	if (msgctl(r->q.id, IPC_STAT, &ds) < 0)
		return;
	qbytes = ds.msg_qbytes;
	ds.msg_qbytes = 0;
	if (msgctl(r->q.id, IPC_SET, &ds) < 0 || msgctl(r->q.id, IPC_STAT, &ds) < 0)
		return;
	if (ds.msg_qnum == 0 || (ds.msg_lrpid == 0 && ds.msg_qnum == r->sent)) {
		msgctl(r->q.id, IPC_RMID, NULL);
		return;
	}
	ds.msg_qbytes = qbytes;
	msgctl(r->q.id, IPC_SET, &ds);
	left_in_place(r, (unsigned long)ds.msg_qnum);
}

/*
 * A queue this run made and then failed to fill is removed (-k private
 * always, a named one if nothing reached it), but only while it holds
 * nothing but our own messages: another producer may have found it (its
 * name, the identifier printed) and sent meanwhile. Runs at exit unless
 * popped (mqsend finished): a signal's default death leaves the queue.
 */
static void remove_made(void *arg)
{
	struct run *r = arg;

	if (!r->q.created || !(r->private_q || r->sent == 0))
		return;
	if (r->q.kind == IPC_POSIX)
		remove_posix(r);
	else
		remove_sysv(r);
}

/* Send one message, waiting for room as the options say. */
static void send_one(struct run *r, const char *p, size_t len)
{
	const struct opts *o = r->o;
	struct deadline d;
	int k;

	deadline_start_within(&d, o->idle.ns, &r->total);
	do
		k = msgq_send(&r->q, p, len, o->prio, &d, o->nowait, 0);
	while (k == MSGQ_INTR);
	if (k == MSGQ_AGAIN)
		die(EXIT_TIMEOUT, "%s: the queue is full; %" PRIu64 " message%s sent",
		    r->q.label, r->sent, r->sent == 1 ? "" : "s");
	if (k == MSGQ_TIMEOUT && (deadline_passed(&r->total) || !o->idle.text))
		die(EXIT_TIMEOUT, "%s: the queue is still full after %s; %" PRIu64 " message%s sent",
		    r->q.label, timeout_str(&o->timeout), r->sent, r->sent == 1 ? "" : "s");
	if (k == MSGQ_TIMEOUT)
		die(EXIT_TIMEOUT, "%s: the queue stayed full for %s; %" PRIu64 " message%s sent",
		    r->q.label, timeout_str(&o->idle), r->sent, r->sent == 1 ? "" : "s");
	r->sent++;
}

/* Message n is len bytes (more than len with cut) and cannot go. */
static noreturn void too_big(const struct run *r, uint64_t n, size_t len, bool cut)
{
	die(EXIT_FAIL, "%s: message %" PRIu64 " is %s%zu bytes; the queue takes at most %zu (%s; %" PRIu64 " sent)",
	    r->q.label, n, cut ? "more than " : "", len, r->q.msgsize, r->q.limit, r->sent);
}

/* MESSAGE arguments, each as it is. */
static void send_args(struct run *r, char **args, int n)
{
	for (int i = 0; i < n; i++) {
		size_t len = strlen(args[i]);

		if (len > r->q.msgsize)
			too_big(r, (uint64_t)i + 1, len, false);
		send_one(r, args[i], len);
	}
}

/* -a: the whole input, refused as soon as it passes the message size. */
static void send_all(struct run *r)
{
	static char *buf; /* static: still reachable when a failure exits */
	ssize_t n;

	buf = xmalloc(r->q.msgsize + 1);
	n = read_full(STDIN_FILENO, buf, r->q.msgsize + 1);
	if (n < 0)
		die(EXIT_FAIL, "standard input: read error:");
	if ((size_t)n > r->q.msgsize)
		die(EXIT_FAIL, "%s: message 1 is more than %zu bytes; the queue takes at most %zu (%s; 0 sent)",
		    r->q.label, r->q.msgsize, r->q.msgsize, r->q.limit);
	send_one(r, buf, (size_t)n);
	free(buf);
	buf = NULL;
}

/* Each record of standard input, framed as -0 says. */
static void send_records(struct run *r)
{
	struct rec_reader in;
	char *rec;
	size_t len;
	int n;

	rec_reader_init(&in, STDIN_FILENO, r->o->delim, r->q.msgsize);
	while ((n = rec_read(&in, &rec, &len)) != 0) {
		if (n == REC_TOOBIG)
			too_big(r, in.count, len, in.cut);
		if (n == REC_BADFRAME)
			die(EXIT_FAIL, "standard input: netstring %" PRIu64 ", byte %" PRIu64 ": %s (%" PRIu64 " sent)",
			    in.count, in.bad_at, in.why, r->sent);
		if (n < 0)
			die(EXIT_FAIL, "standard input: read error:");
		send_one(r, rec, len);
	}
	rec_reader_free(&in);
}

static const char optstring[] = ":0aEhi:k:m:nT:VWx";

static void parse_option(struct opts *o, int opt, int argc, char **argv)
{
	switch (opt) {
	case '0': o->delim = '\0'; o->framing = true; break;
	case 'a': o->delim = REC_WHOLE; o->framing = true; break;
	case 'E': o->c.create = false; break;
	case 'h': print_usage(usage);
	case 'm':
		o->c.mode = arg_mode("--mode", optarg);
		o->c.mode_set = true;
		break;
	case OPT_MAXMSGS:
		o->c.maxmsg = (long)arg_u64("--max-msgs", optarg, 1, 65536);
		break;
	case OPT_MSGSIZE:
		o->c.msgsize = (long)arg_size("--msg-size", optarg, 16 * 1024 * 1024);
		if (o->c.msgsize == 0)
			usage_error("--msg-size: '%s' is out of range (1 to 16M)", optarg);
		break;
	case OPT_NETSTRING: o->delim = REC_NETSTRING; o->framing = true; break;
	case 'n': o->nowait = true; break;
	case OPT_PRIORITY:
		o->prio = (long)arg_u64("--priority", optarg, 0, (uint64_t)msgq_prio_max() - 1);
		o->prio_set = true;
		break;
	case 'T': o->timeout = arg_timeout("--timeout", optarg); break;
	case OPT_IDLE_TIMEOUT: o->idle = arg_timeout("--idle-timeout", optarg); break;
	case OPT_TYPE:
		o->prio = (long)arg_i64("--type", optarg, 1, INT64_MAX);
		o->type_set = true;
		break;
	case 'V': print_version();
	case 'W': o->wait_exist = true; o->c.create = false; break;
	case 'x': o->c.exclusive = true; break;
	default: usage_bad_option(argc, argv, optstring, opt);
	}
}

/* What the options say together: refused before anything is made. */
static void check(struct opts *o)
{
	if (o->t.kind == IPC_POSIX && o->type_set)
		usage_error("--type is for System V queues; a POSIX queue takes --priority");
	if (o->t.kind == IPC_SYSV && o->prio_set)
		usage_error("--priority is for POSIX queues; a System V queue takes --type");
	if (o->t.kind == IPC_SYSV && (o->c.maxmsg || o->c.msgsize))
		usage_error("--max-msgs and --msg-size are for POSIX queues");
	if (o->t.kind == IPC_SYSV && !o->type_set)
		o->prio = 1;
	if (o->wait_exist && o->c.exclusive)
		usage_error("--wait-exist waits for an existing queue; --exclusive refuses one");
	if (o->t.id >= 0)
		o->c.create = false; /* an identifier names an existing queue */
	if (o->framing && o->nmsgs > 0)
		usage_error("--null, --all and --netstring frame standard input; MESSAGE arguments are messages as they are");
}

/* Options, the target and the MESSAGEs into o, with its defaults, checked. */
static void parse(int argc, char **argv, struct opts *o)
{
	int opt;

	*o = (struct opts){ .c = { .create = true, .mode = 0600 }, .delim = '\n',
			    .timeout = NO_TIMEOUT, .idle = NO_TIMEOUT };
	ipc_target_init(&o->t);
	while ((opt = ipc_target_getopt(&o->t, argc, argv, optstring, longopts)) != -1)
		parse_option(o, opt, argc, argv);
	ipc_target_operand(&o->t, argc, argv);
	o->msgs = argv + optind;
	o->nmsgs = argc - optind;
	check(o);
}

/* Open or make the queue; -k private prints its identifier at once, as
 * sigrecv writes its pidfile: the sends after it may block. */
static void open_queue(struct run *r)
{
	const struct opts *o = r->o;

	r->private_q = o->t.kind == IPC_SYSV && o->t.id < 0 && o->t.key == 0;
	if (r->private_q)
		need_std(STDOUT_FILENO);
	if (o->wait_exist)
		await_target_or_die(&o->t, AWAIT_MSGQ, &o->timeout);
	msgq_open(&r->q, &o->t, true, o->nowait, &o->c);
	if (r->private_q) {
		char id[32];
		int n = snprintf(id, sizeof id, "%d\n", r->q.id);

		if (write_all(STDOUT_FILENO, id, (size_t)n) < 0)
			die_stdout();
	}
}

int main(int argc, char **argv)
{
	static struct run r; /* static: remove_made may run at exit */
	struct opts o;
	int undo;

	tool_init("mqsend");
	parse(argc, argv, &o);
	if (o.nmsgs == 0)
		need_std(STDIN_FILENO);
	r.o = &o;
	deadline_start(&r.total, o.timeout.ns);
	undo = cleanup_push(remove_made, &r);
	open_queue(&r);
	if (o.nmsgs > 0)
		send_args(&r, o.msgs, o.nmsgs);
	else if (o.delim == REC_WHOLE)
		send_all(&r);
	else
		send_records(&r);
	cleanup_pop(undo, false);
	return 0;
}
