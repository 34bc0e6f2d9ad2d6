/* SPDX-License-Identifier: ISC */
/* sempost: add permits to a semaphore, creating it if need be. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "await.h"
#include "diag.h"
#include "ipcname.h"
#include "opterr.h"
#include "parse.h"
#include "sem.h"
#include "tool.h"

static const char usage[] =
	"Usage: sempost [OPTION]... TARGET\n"
	"Add permits to a semaphore; a missing one is created with value 0 and\n"
	"then posted, so 'sempost -c 4 /slots' makes a semaphore of 4 permits.\n"
	"TARGET is a POSIX semaphore NAME or /NAME, or a System V set given by\n"
	"-k KEY, -i ID or --ftok PATH[:PROJ].\n"
	"\n"
	"      --all-of N,...       System V: post to each member N of the set, in\n"
	"                           one operation; a new set holds them all\n"
	"  -c, --count N            add N permits (default 1)\n"
	"  -E, --no-create          fail if the semaphore does not exist\n"
	"      --ftok PATH[:PROJ]   System V set with the key ftok(3) makes\n"
	"  -h, --help               display this help and exit\n"
	"  -i, --id ID              existing System V set by identifier\n"
	"      --init N             post nothing: a missing semaphore is made with\n"
	"                           N permits (0 too), an existing one left alone\n"
	"  -k, --key KEY            System V set by key (or 'private': a new one,\n"
	"                           whose identifier is printed)\n"
	"  -m, --mode MODE          permissions of a new semaphore (default 600);\n"
	"                           an existing one of another mode is refused\n"
	"      --recover            POSIX: post nothing but the permits of holders\n"
	"                           (semwait -- COMMAND) that died holding them\n"
	"      --set N              post nothing: set the value to N (0 too), making\n"
	"                           the semaphore if it is missing\n"
	"  -T, --timeout DURATION   with -W: wait at most DURATION (status 124)\n"
	"  -V, --version            output version information and exit\n"
	"  -W, --wait-exist         wait for the semaphore to exist instead of\n"
	"                           making it (implies -E)\n"
	"  -x, --exclusive          fail if the semaphore exists\n"
	"\n"
	"Exit status: 0 posted, 1 failed, 2 usage error.\n";

enum { OPT_INIT = 0x100, OPT_RECOVER, OPT_SET };

static const struct option longopts[] = {
	IPCSEM_LONGOPT_ALLOF,
	{ "count", required_argument, NULL, 'c' },
	{ "exclusive", no_argument, NULL, 'x' },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	IPC_LONGOPT_ID,
	{ "init", required_argument, NULL, OPT_INIT },
	IPC_LONGOPT_KEY,
	{ "mode", required_argument, NULL, 'm' },
	{ "no-create", no_argument, NULL, 'E' },
	{ "recover", no_argument, NULL, OPT_RECOVER },
	{ "set", required_argument, NULL, OPT_SET },
	{ "timeout", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ "wait-exist", no_argument, NULL, 'W' },
	{ 0 }
};

static const char optstring[] = ":c:Ehi:k:m:T:VWx";

struct opts {
	struct ipcsem_args sem; /* the target, --all-of, -c */
	struct ipcsem_create create;
	bool wait_exist;         /* -W: wait for the semaphore to appear */
	bool recover;            /* --recover: post what dead holders lost */
	struct timeout timeout;  /* -T with -W */
	const char *value_opt;   /* "init" or "set", or NULL: post -c N */
	uint64_t value;
};

/* What the options say together: refused before anything is made. */
static void check(struct opts *o)
{
	ipcsem_args_check(&o->sem);
	o->create.nsems = ipcsem_members_span(&o->sem.members);
	if (o->value_opt && o->value > ipcsem_max(o->sem.t.kind))
		usage_error("--%s: '%llu' is out of range (0 to %u)", o->value_opt,
			    (unsigned long long)o->value, ipcsem_max(o->sem.t.kind));
	if (o->value_opt && o->sem.count_arg)
		usage_error("--%s sets the value; --count adds to it", o->value_opt);
	if (o->value_opt && o->value_opt[0] == 'i' && !o->create.create)
		usage_error("--init makes a missing semaphore; --%s refuses to",
			    o->wait_exist ? "wait-exist" : "no-create");
	if (o->timeout.text && !o->wait_exist)
		usage_error("--timeout is for --wait-exist: posting never waits");
	if (o->create.exclusive && !o->create.create)
		usage_error("--exclusive and --%s exclude each other",
			    o->wait_exist ? "wait-exist" : "no-create");
	if (o->sem.t.id >= 0 && o->create.exclusive)
		usage_error("--exclusive makes a new semaphore; -i names an existing one");
	if (o->sem.t.id >= 0)
		o->create.create = false; /* an identifier names an existing set */
	if (o->recover && o->sem.t.kind != IPC_POSIX)
		usage_error("--recover is for POSIX semaphores; System V's SEM_UNDO loses nothing");
	if (o->recover && (o->sem.count_arg || o->value_opt || o->create.exclusive ||
			   o->create.check_mode))
		usage_error("--recover posts only what dead holders lost; it takes no --count, --init, --set, --exclusive or --mode");
	if (o->recover)
		o->create.create = false; /* nothing to recover in a new one */
}

/* The options and the target into o, with its defaults, checked. */
static void parse(int argc, char **argv, struct opts *o)
{
	int opt;

	*o = (struct opts){ .create = { .create = true, .mode = 0600 }, .timeout = NO_TIMEOUT };
	ipcsem_args_init(&o->sem);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (ipcsem_args_option(&o->sem, opt, optarg))
			continue;
		switch (opt) {
		case 'E': o->create.create = false; break;
		case 'h': print_usage(usage);
		case 'm':
			o->create.mode = arg_mode("--mode", optarg);
			if (o->create.mode & ~(mode_t)0777) /* setuid, sticky: no meaning here */
				usage_error("--mode: '%s': a semaphore has only permission bits (at most 777)",
					    optarg);
			o->create.check_mode = true;
			break;
		case 'T':
			o->timeout = arg_timeout("--timeout", optarg);
			break;
		case OPT_INIT:
		case OPT_SET:
			if (o->value_opt)
				usage_error("--init and --set exclude each other");
			o->value_opt = opt == OPT_INIT ? "init" : "set";
			o->value = arg_u64(opt == OPT_INIT ? "--init" : "--set", optarg, 0, UINT32_MAX);
			break;
		case OPT_RECOVER: o->recover = true; break;
		case 'V': print_version();
		case 'W': o->wait_exist = true; o->create.create = false; break;
		case 'x': o->create.exclusive = true; break;
		default: usage_bad_option(argc, argv, optstring, opt);
		}
	}
	if (o->sem.t.kind == IPC_NONE && optind < argc)
		ipc_target_name(&o->sem.t, argv[optind++]);
	if (optind < argc)
		usage_error("extra operand '%s'", argv[optind]);
	check(o);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct ipcsem s;

	tool_init("sempost");
	parse(argc, argv, &o);
	bool private = o.sem.t.kind == IPC_SYSV && o.sem.t.id < 0 && o.sem.t.key == 0;
	if (private || o.recover)
		need_std(STDOUT_FILENO);

	if (o.wait_exist)
		await_target_or_die(&o.sem.t, AWAIT_SEM, &o.timeout);
	ipcsem_open(&s, &o.sem.t, &o.create);
	if (o.create.check_mode)
		ipcsem_check_mode(&s, o.create.mode);
	if (o.recover)
		ipcsem_recover(&s);
	else if (!o.value_opt)
		ipcsem_give(&s, &o.sem.members, (unsigned)o.sem.count);
	else if (o.value_opt[0] == 's' || s.created) /* --init leaves one that was */
		ipcsem_set(&s, &o.sem.members, (unsigned)o.value);
	if (private)
		printf("%d\n", s.id);
	return 0;
}
