/* SPDX-License-Identifier: ISC */
/* sockpipe: connect standard input and output to a socket. */
#include <getopt.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/socket.h>

#include "diag.h"
#include "exec.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "record.h"
#include "sockpipe.h"
#include "tool.h"

static const char usage[] =
"Usage: sockpipe [OPTION]... ADDRESS\n"
"  or:  sockpipe -l [OPTION]... ADDRESS\n"
"  or:  sockpipe -l -e [OPTION]... ADDRESS -- COMMAND [ARG]...\n"
"Relay standard input to a socket and the socket to standard output, both\n"
"ways at once. At end of input the sending side is shut down and the reply\n"
"is read until the peer closes; the peer closing first does not stop the\n"
"sending.\n"
"ADDRESS: unix:PATH (or a PATH with a slash), abstract:NAME, unix-dgram:PATH,\n"
"tcp:HOST:PORT, tcp:[IPV6]:PORT, udp:HOST:PORT; tcp4: tcp6: udp4: udp6: pin\n"
"the family. Datagram sockets carry one record per datagram.\n"
"\n"
"  -0, --null               records end with NUL, not newline (datagrams)\n"
"  -a, --all                the whole input is one record (datagrams)\n"
"      --allow PREFIX       with -l on tcp: let clients in PREFIX in (ADDRESS or\n"
"                           ADDRESS/LEN; the longest matching --allow or --deny\n"
"                           decides; any --allow refuses the unmatched)\n"
"      --backlog N          with -l: connections the kernel queues unaccepted\n"
"                           (listen(2); default SOMAXCONN)\n"
"      --deny PREFIX        with -l on tcp: refuse clients in PREFIX (one line on\n"
"                           standard error each)\n"
"  -e, --exec               with -l: run COMMAND for each connection, the\n"
"                           socket as its standard input and output (125 if\n"
"                           sockpipe failed first, 126/127 if it could not\n"
"                           run or was not found)\n"
"  -h, --help               display this help and exit\n"
"      --idle-timeout DURATION\n"
"                           stop when nothing has moved for DURATION (status\n"
"                           124); with --keep, end each connection idle that\n"
"                           long\n"
"      --keep               with -l: serve connections until interrupted\n"
"      --keepalive DURATION tcp: probe a connection idle for DURATION\n"
"                           (default 60s; 0: never)\n"
"  -l, --listen             listen on ADDRESS (loopback unless the host is '*';\n"
"                           no host: 127.0.0.1 and ::1)\n"
"  -m, --mode MODE          permissions of a unix socket file (default 600)\n"
"      --max-conns N        with --keep: at most N connections at once (default 64;\n"
"                           a line buffer each of 64 MiB / N, 1 MiB at most)\n"
"      --max-per-ip N       with --keep on tcp: at most N connections at once\n"
"                           from one client address\n"
"      --netstring          records are netstrings, LEN:BYTES, (datagrams;\n"
"                           with -l --keep, each connection's written whole)\n"
"      --print-port[=FD]    with -l: write the port bound to standard error,\n"
"                           or to descriptor FD (then closed), never into the\n"
"                           data on standard output\n"
"      --quit-on-eof        stop at end of input, once the peer has it, without\n"
"                           waiting for its end (not with --keep or -e)\n"
"  -r, --raw                write received records with no terminator\n"
"                           (datagrams)\n"
"  -R, --retry DURATION     keep trying to connect for up to DURATION\n"
"  -T, --timeout DURATION   give up (status 124) if not connected within\n"
"                           DURATION, retries included (not with --keep)\n"
"      --user-timeout DURATION\n"
"                           tcp: end a connection whose peer acknowledges\n"
"                           nothing for DURATION (default 60s; 0: never)\n"
"      --userspec USER[:GROUP]\n"
"                           with -l: once listening, run as USER (its groups;\n"
"                           or GROUP alone), names or numbers\n"
"  -v, --verbose            one line per connection on standard error: the\n"
"                           peer, bytes each way, how it ended\n"
"  -V, --version            output version information and exit\n"
"\n"
"With -e, the status is the command's: 126 if it cannot run, 127 if it is\n"
"not found.\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error, 124 timed out; -e: above.\n";

enum { OPT_ALLOW = 0x100, OPT_BACKLOG, OPT_DENY, OPT_MAX_CONNS, OPT_MAX_PER_IP, OPT_PRINT_PORT, OPT_KEEPALIVE, OPT_NETSTRING, OPT_USER_TIMEOUT, OPT_USERSPEC,
       OPT_IDLE_TIMEOUT, OPT_KEEP, OPT_QUIT_ON_EOF };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "allow", required_argument, NULL, OPT_ALLOW },
	{ "backlog", required_argument, NULL, OPT_BACKLOG },
	{ "deny", required_argument, NULL, OPT_DENY },
	{ "exec", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "keepalive", required_argument, NULL, OPT_KEEPALIVE },
	{ "listen", no_argument, NULL, 'l' },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "max-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
	{ "mode", required_argument, NULL, 'm' },
	{ "netstring", no_argument, NULL, OPT_NETSTRING },
	{ "null", no_argument, NULL, '0' },
	{ "print-port", optional_argument, NULL, OPT_PRINT_PORT },
	{ "quit-on-eof", no_argument, NULL, OPT_QUIT_ON_EOF },
	{ "raw", no_argument, NULL, 'r' },
	{ "retry", required_argument, NULL, 'R' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "user-timeout", required_argument, NULL, OPT_USER_TIMEOUT },
	{ "userspec", required_argument, NULL, OPT_USERSPEC },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* A connected socket: a stream relayed, or datagrams. */
static int connect_mode(struct sockpipe_opts *o)
{
	int fd = sockopen_connect(o);

	return o->addr.type == SOCK_DGRAM ? sockdgram_run(fd, false, o) : sockstream_run(fd, o);
}

/* A listening socket: the mode -e and --keep pick, or the one connection. */
static int listen_mode(struct sockpipe_opts *o)
{
	int st;

	if (o->exec && (st = exec_find(o->cmd[0], &o->cmd_path)) != 0)
		return st;
	/* Until a command runs, -e's own failures are 125, as timeout(1)'s. */
	if (o->exec)
		die_fail_status = EXIT_CANNOT;
	int lfd = sockopen_listen(o);
	if (lfd < 0)
		return die_fail_status;
	/* Bound (a low port, a socket file root may make): drop root now. */
	const char *what;
	if (o->drop && userspec_become(&o->user, &what) < 0)
		die(EXIT_FAIL, "--userspec %s: %s:", o->user.text, what);
	if (!o->keep)
		sockopen_await(lfd, o);
	if (o->addr.type == SOCK_DGRAM)
		return sockdgram_run(o->lfd[0], true, o);
	if (o->exec)
		return sockserve_run(lfd, o);
	if (o->keep)
		return socklog_run(lfd, o);
	return sockstream_run(sockopen_accept_one(lfd, o), o);
}

/* Options that do not go together, or not with this address. */
static void check(const struct sockpipe_opts *o)
{
	if (o->exec && !*o->cmd)
		usage_error("--exec: missing COMMAND after the address");
	if (!o->exec && *o->cmd)
		usage_error("extra operand '%s' (a command needs --exec)", *o->cmd);
	if (!o->listen && (o->keep || o->exec || o->print_port))
		usage_error("--%s needs --listen", o->keep ? "keep" : o->exec ? "exec" : "print-port");
	if (!o->listen && o->drop)
		usage_error("--userspec needs --listen");
	if (o->listen && o->retry.text)
		usage_error("--retry is for connecting, not with --listen");
	if (o->print_port && o->addr.family == AF_UNIX)
		usage_error("--print-port needs a tcp or udp address");
	if (o->exec && o->addr.type == SOCK_DGRAM)
		usage_error("--exec needs a stream address, not %s", o->addr.text);
	if (!o->listen && o->mode_given)
		usage_error("--mode needs --listen");
	bool tcp_listen = o->listen && o->addr.type == SOCK_STREAM && o->addr.family != AF_UNIX;
	if (o->rules.n > 0 && !tcp_listen)
		usage_error("--%s needs --listen on a tcp address", o->rules.any_allow ? "allow" : "deny");
	if (o->backlog_given && (!o->listen || o->addr.type != SOCK_STREAM))
		usage_error("--backlog needs --listen on a stream address");
	if (o->max_given && !o->keep)
		usage_error("--max-conns needs --keep");
	if (o->max_per_ip && !(tcp_listen && o->keep))
		usage_error("--max-per-ip needs --keep on a tcp address");
	if (o->mode_given && (o->addr.family != AF_UNIX || o->addr.abstract))
		usage_error("--mode is for a unix socket file, not %s", o->addr.text);
	/* -T bounds the wait for one connection; --keep waits for ever. */
	if (o->keep && o->timeout.text)
		usage_error("--timeout is for one connection, not with --keep");
	if (o->relay.quit_on_eof && (o->keep || o->exec))
		usage_error("--quit-on-eof is about standard input, which --%s does not read",
			    o->exec ? "exec" : "keep");
	/* --netstring also frames what a -l --keep sink writes (whole records). */
	bool sink = o->delim == REC_NETSTRING && o->listen && o->keep && !o->exec;
	if (o->framing && o->addr.type != SOCK_DGRAM && !sink)
		usage_error("--%s is for datagram addresses%s, not %s", o->framing,
			    o->delim == REC_NETSTRING ? " and -l --keep" : "", o->addr.text);
	/* The streams this run reads and writes must be open (--keep needs no input). */
	if (!o->exec && !o->keep)
		need_std(STDIN_FILENO);
	if (!o->exec || (o->print_port && o->port_fd == STDOUT_FILENO))
		need_std(STDOUT_FILENO);
}

/*
 * '-': operands come in order, so parsing stops at the first one after
 * the address: the command's options are its own, with or without "--".
 */
static const char optstring[] = "-:0aehlm:rR:T:vV";

static void parse(int argc, char **argv, struct sockpipe_opts *o)
{
	int c;

	*o = (struct sockpipe_opts){
		.relay = { .idle = NO_TIMEOUT },
		.delim = '\n', .term = '\n',
		.timeout = NO_TIMEOUT, .retry = NO_TIMEOUT,
		.keepalive_ns = 60 * NS_PER_SEC, .user_timeout_ns = 60 * NS_PER_SEC,
		.mode = 0600, .max_conns = 64, .backlog = SOMAXCONN,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (o->addr.text) {
				optind--; /* the command */
				goto operands;
			}
			sock_arg(optarg, &o->addr);
			break;
		case '0': o->delim = o->term = '\0'; o->framing = "null"; break;
		case 'a': o->delim = REC_WHOLE; o->framing = "all"; break;
		case OPT_ALLOW: prefix_add(&o->rules, "--allow", optarg, true); break;
		case OPT_DENY: prefix_add(&o->rules, "--deny", optarg, false); break;
		case OPT_BACKLOG:
			o->backlog = (int)arg_u64("--backlog", optarg, 1, 65535);
			o->backlog_given = true;
			break;
		case 'e': o->exec = true; break;
		case 'h': print_usage(usage);
		case OPT_IDLE_TIMEOUT: o->relay.idle = arg_timeout("--idle-timeout", optarg); break;
		case OPT_KEEP: o->keep = true; break;
		case OPT_KEEPALIVE: o->keepalive_ns = arg_duration("--keepalive", optarg); break;
		case 'l': o->listen = true; break;
		case 'm': o->mode = arg_mode("--mode", optarg); o->mode_given = true; break;
		case OPT_MAX_CONNS:
			o->max_conns = (unsigned)arg_u64("--max-conns", optarg, 1, 4096);
			o->max_given = true;
			break;
		case OPT_MAX_PER_IP:
			o->max_per_ip = (unsigned)arg_u64("--max-per-ip", optarg, 1, 4096);
			break;
		case OPT_NETSTRING:
			o->delim = o->term = REC_NETSTRING;
			o->framing = "netstring";
			break;
		case OPT_PRINT_PORT:
			o->print_port = true;
			o->port_fd = optarg ? (int)arg_u64("--print-port", optarg, 1, 65535) : STDERR_FILENO;
			if (fcntl(o->port_fd, F_GETFD) < 0)
				usage_error("--print-port: %d is not an open file descriptor", o->port_fd);
			break;
		case OPT_QUIT_ON_EOF: o->relay.quit_on_eof = true; break;
		case 'r': o->term = REC_RAW; o->framing = "raw"; break;
		case 'R': o->retry = arg_timeout("--retry", optarg); break;
		case 'T': o->timeout = arg_timeout("--timeout", optarg); break;
		case OPT_USER_TIMEOUT:
			o->user_timeout_ns = arg_duration("--user-timeout", optarg);
			break;
		case OPT_USERSPEC:
			userspec_arg("--userspec", optarg, &o->user);
			o->drop = true;
			break;
		case 'v': o->verbose = true; break;
		case 'V': print_version();
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (!o->addr.text) {
		if (optind >= argc)
			usage_error("missing ADDRESS");
		sock_arg(argv[optind++], &o->addr);
	}
operands:
	o->cmd = argv + optind;
	check(o);
}

int main(int argc, char **argv)
{
	static struct sockpipe_opts o;

	tool_init("sockpipe");
	parse(argc, argv, &o);
	if (o.listen && o.keep)
		sockopen_cap_conns(&o);
	o.relay.label = o.addr.text;
	o.owner = getpid();
	return o.listen ? listen_mode(&o) : connect_mode(&o);
}
