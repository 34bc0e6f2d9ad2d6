/* SPDX-License-Identifier: ISC */
/* mqsend: send messages to a POSIX or System V message queue. */
#include <getopt.h>
#include <stdlib.h>
#include <sys/msg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
	"      --ftok PATH[:PROJ] System V\n"
	"                           queue with the key ftok(3) makes\n"
	"  -i, --id ID              existing System V queue by identifier\n"
	"  -k, --key KEY            System V queue by key (or 'private': a new one,\n"
	"                           whose identifier is printed)\n"
	"  -m, --mode MODE          permissions of a new queue (default 600); an\n"
	"                           existing one must have MODE and be ours\n"
	"      --max-msgs N         a new POSIX queue holds N messages\n"
	"      --msg-size SIZE      a new POSIX queue takes messages up to SIZE\n"
	"  -n, --nonblock           fail if the queue is full (status 124)\n"
	"  -p, --priority N         POSIX priority, 0 (default) to the system's maximum\n"
	"  -T, --timeout DURATION   wait at most DURATION for room for each message\n"
	"  -t, --type N             System V message type, at least 1 (default 1)\n"
	"  -x, --exclusive          fail if the queue exists; nothing is sent\n"
	"  -h, --help               display this help and exit\n"
	"  -V, --version            output version information and exit\n"
	"\n"
	"Exit status: 0 sent, 1 failed, 2 usage error, 124 no room in time.\n";

enum { OPT_MAXMSGS = 0x100, OPT_MSGSIZE };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "exclusive", no_argument, NULL, 'x' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	IPC_LONGOPT_KEY,
	{ "max-msgs", required_argument, NULL, OPT_MAXMSGS },
	{ "mode", required_argument, NULL, 'm' },
	{ "msg-size", required_argument, NULL, OPT_MSGSIZE },
	{ "no-create", no_argument, NULL, 'E' },
	{ "nonblock", no_argument, NULL, 'n' },
	{ "null", no_argument, NULL, '0' },
	{ "priority", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "type", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

static struct msgq q;
static bool nowait;
static int64_t timeout = -1;
static const char *timeout_arg;
static long prio;
static uint64_t sent;
static bool private_q;         /* -k private: a queue of our own */
static bool finished;          /* main returned: keep what was made */

/* A queue this run made and then failed to fill is removed: -k private
 * always, a named one if nothing reached it. */
static void remove_made(void)
{
	if (!finished && q.created && (private_q || sent == 0)) {
		if (q.kind == IPC_POSIX)
			mq_unlink(q.name);
		else
			msgctl(q.id, IPC_RMID, NULL);
	}
}

/* Send one message, waiting for room as the options say. */
static void send_one(const char *p, size_t len)
{
	struct deadline d;
	int r;

	deadline_start(&d, timeout);
	do
		r = msgq_send(&q, p, len, prio, &d, nowait, 0);
	while (r == MSGQ_INTR);
	if (r == MSGQ_AGAIN)
		die(EXIT_TIMEOUT, "%s: the queue is full; %" PRIu64 " message%s sent",
		    q.label, sent, sent == 1 ? "" : "s");
	if (r == MSGQ_TIMEOUT)
		die(EXIT_TIMEOUT, "%s: the queue stayed full for %s%s; %" PRIu64 " message%s sent",
		    q.label, timeout_arg, duration_unit(timeout_arg), sent, sent == 1 ? "" : "s");
	sent++;
}

static noreturn void too_big(uint64_t n, size_t len)
{
	die(EXIT_FAIL, "%s: message %" PRIu64 " is %zu bytes; the queue takes at most %zu (%s; %" PRIu64 " sent)",
	    q.label, n, len, q.msgsize, q.limit, sent);
}

/* -a: the whole input, refused as soon as it passes the message size. */
static void send_all(void)
{
	static char *buf; /* static: still reachable when a failure exits */
	ssize_t n;

	if (!(buf = malloc(q.msgsize + 1)))
		die(EXIT_FAIL, "out of memory");
	n = read_full(STDIN_FILENO, buf, q.msgsize + 1);
	if (n < 0)
		die(EXIT_FAIL, "standard input: read error:");
	if ((size_t)n > q.msgsize)
		die(EXIT_FAIL, "%s: message 1 is more than %zu bytes; the queue takes at most %zu (%s; 0 sent)",
		    q.label, q.msgsize, q.msgsize, q.limit);
	send_one(buf, (size_t)n);
	free(buf);
	buf = NULL;
}

static const char optstring[] = ":0aEhi:k:m:np:T:t:Vx";

int main(int argc, char **argv)
{
	struct ipc_target t;
	struct msgq_create c = { .create = true, .mode = 0600 };
	int delim = '\n', opt;
	bool prio_set = false, type_set = false, framing = false;

	tool_init("mqsend");
	ipc_target_init(&t);
	prio = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (ipc_target_option(&t, opt, optarg))
			continue;
		switch (opt) {
		case '0': delim = '\0'; framing = true; break;
		case 'a': delim = REC_WHOLE; framing = true; break;
		case 'E': c.create = false; break;
		case 'h': print_usage(usage);
		case 'm':
			c.mode = arg_mode("--mode", optarg);
			c.mode_set = true;
			break;
		case OPT_MAXMSGS:
			c.maxmsg = (long)arg_u64("--max-msgs", optarg, 1, 65536);
			break;
		case OPT_MSGSIZE:
			c.msgsize = (long)arg_size("--msg-size", optarg, 16 * 1024 * 1024);
			if (c.msgsize == 0)
				usage_error("--msg-size: '%s' is out of range (1 to 16M)", optarg);
			break;
		case 'n': nowait = true; break;
		case 'p':
			prio = (long)arg_u64("--priority", optarg, 0, (uint64_t)msgq_prio_max() - 1);
			prio_set = true;
			break;
		case 'T':
			timeout = arg_duration("--timeout", optarg);
			timeout_arg = optarg;
			break;
		case 't':
			prio = (long)arg_i64("--type", optarg, 1, INT64_MAX);
			type_set = true;
			break;
		case 'V': print_version();
		case 'x': c.exclusive = true; break;
		default: usage_bad_option(argc, argv, optstring, opt);
		}
	}
	if (t.kind == IPC_NONE && optind < argc)
		ipc_target_name(&t, argv[optind++]);
	ipc_target_require(&t);
	if (t.kind == IPC_POSIX && type_set)
		usage_error("--type is for System V queues; a POSIX queue takes --priority");
	if (t.kind == IPC_SYSV && prio_set)
		usage_error("--priority is for POSIX queues; a System V queue takes --type");
	if (t.kind == IPC_SYSV && (c.maxmsg || c.msgsize))
		usage_error("--max-msgs and --msg-size are for POSIX queues");
	if (t.kind == IPC_SYSV && !type_set)
		prio = 1;
	if (t.id >= 0)
		c.create = false; /* an identifier names an existing queue */
	if (framing && optind < argc)
		usage_error("-0 and -a frame standard input; MESSAGE arguments are messages as they are");

	if (optind == argc)
		need_std(STDIN_FILENO);
	private_q = t.kind == IPC_SYSV && t.id < 0 && t.key == 0;
	if (private_q)
		need_std(STDOUT_FILENO);
	atexit(remove_made);
	msgq_open(&q, &t, true, nowait, &c);
	if (private_q) { /* at once, as sigrecv writes its pidfile: we may block */
		char id[32];
		int n = snprintf(id, sizeof id, "%d\n", q.id);

		if (write_all(STDOUT_FILENO, id, (size_t)n) < 0)
			die_stdout();
	}

	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			size_t len = strlen(argv[i]);

			if (len > q.msgsize)
				too_big((uint64_t)(i - optind + 1), len);
			send_one(argv[i], len);
		}
		finished = true;
		return 0;
	}
	if (delim == REC_WHOLE) {
		send_all();
		finished = true;
		return 0;
	}
	struct rec_reader r;
	char *rec;
	size_t len;
	int n;

	rec_reader_init(&r, 0, delim, q.msgsize);
	while ((n = rec_read(&r, &rec, &len)) != 0) {
		if (n == REC_TOOBIG)
			too_big(r.count, len);
		if (n < 0)
			die(EXIT_FAIL, "standard input: read error:");
		send_one(rec, len);
	}
	rec_reader_free(&r);
	finished = true;
	return 0;
}
