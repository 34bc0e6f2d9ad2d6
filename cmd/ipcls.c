/* SPDX-License-Identifier: ISC */
/* ipcls: list, inspect, filter and delete IPC objects of every kind. */
static const char usage[] =
	"Usage: ipcls [OPTION]... [NAME | -k KEY | -i ID | --ftok PATH[:PROJ]]...\n"
	"List the IPC objects of all six kinds, System V and POSIX shared memory,\n"
	"message queues and semaphores, with the processes that hold them; with a\n"
	"NAME, KEY or ID, show those objects in detail.\n"
	"\n"
	"  NAME, /NAME              POSIX object(s) of that name\n"
	"  -k, --key KEY            System V object(s) with that key\n"
	"  -i, --id ID              System V object(s) with that identifier\n"
	"      --ftok PATH[:PROJ]   System V object(s) with the key ftok(3) makes\n"
	"\n"
	"Output:\n"
	"  -b, --bytes              exact sizes in bytes, not 4K, 1.5M\n"
	"  -J, --json               a JSON array: numbers as numbers, times RFC 3339\n"
	"      --json-lines         one JSON object per line\n"
	"      --noheadings         no heading line\n"
	"  -o, --output COLUMNS     the columns to show, comma-separated (below)\n"
	"  -r, --raw                single spaces between columns, for awk\n"
	"\n"
	"Filters (all must match):\n"
	"      --holder PID         objects PID holds (maps or has open)\n"
	"      --idle DURATION      unused for at least DURATION\n"
	"      --kind KIND[,KIND]   sysv-shm, sysv-msg, sysv-sem, posix-shm, posix-mq,\n"
	"                           posix-sem; or sysv, posix, shm, mq, sem\n"
	"      --name GLOB          POSIX name (with or without its slash) or 0x key;\n"
	"                           given again, any of the GLOBs\n"
	"      --older-than DURATION\n"
	"                           changed last at least DURATION ago\n"
	"      --owner USER         owned by USER (name or uid)\n"
	"      --stale              no holder, creator and last pid gone, and idle\n"
	"                           for --idle DURATION (1m by default)\n"
	"\n"
	"Deleting:\n"
	"  -d, --delete             remove the objects the filters or targets select\n"
	"      --dry-run            with --delete, list what would be removed\n"
	"      --force              with --delete, remove objects that have holders too\n"
	"\n"
	"  -h, --help               display this help and exit\n"
	"  -V, --version            output version information and exit\n"
	"\n"
	"Columns: KIND NAME KEY ID OWNER GROUP MODE SIZE MESSAGES BYTES VALUES\n"
	"CHANGED USED CREATOR-PID LAST-PID ATTACHED HOLDERS LOST (OUTPUT FIELDS in\n"
	"ipcutils(7)). In HOLDERS, PID:COMMAND, and ? where a process this user may\n"
	"not look into could hold the object. LOST: permits of a POSIX semaphore\n"
	"held by dead holders (sempost(1) gives them back).\n"
	"\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n";

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "holders.h"
#include "ipcfmt.h"
#include "ipcname.h"
#include "ipcobj.h"
#include "ipcsel.h"
#include "opterr.h"
#include "parse.h"
#include "tool.h"

enum {
	OPT_DRY_RUN = 0x100, OPT_NOHEADINGS, OPT_FORCE, OPT_HOLDER, OPT_IDLE, OPT_JSON_LINES,
	OPT_KIND, OPT_NAME, OPT_OLDER, OPT_OWNER, OPT_STALE,
};

static const struct option longopts[] = {
	{ "bytes", no_argument, NULL, 'b' },
	{ "delete", no_argument, NULL, 'd' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "force", no_argument, NULL, OPT_FORCE },
	IPC_LONGOPT_FTOK,
	{ "help", no_argument, NULL, 'h' },
	{ "holder", required_argument, NULL, OPT_HOLDER },
	IPC_LONGOPT_ID,
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "json", no_argument, NULL, 'J' },
	{ "json-lines", no_argument, NULL, OPT_JSON_LINES },
	IPC_LONGOPT_KEY,
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "noheadings", no_argument, NULL, OPT_NOHEADINGS },
	{ "older-than", required_argument, NULL, OPT_OLDER },
	{ "output", required_argument, NULL, 'o' },
	{ "owner", required_argument, NULL, OPT_OWNER },
	{ "raw", no_argument, NULL, 'r' },
	{ "stale", no_argument, NULL, OPT_STALE },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

static const char optstring[] = ":bdhi:Jk:o:rV";

struct opts {
	struct ipcsel sel;       /* the filters and targets */
	bool filtered;           /* a filter was given */
	bool del, dry_run, force, cols_given;
	struct fmt fmt;
};

/* o->sel.targets has room for one per argument. */
static struct ipc_target *new_target(struct opts *o)
{
	ipc_target_init(&o->sel.targets[o->sel.ntargets]);
	return &o->sel.targets[o->sel.ntargets++];
}

static void parse_cols(struct opts *o, const char *s)
{
	const char *bad;
	size_t badlen;

	int r = ipcfmt_cols_parse(&o->fmt, s, &bad, &badlen);

	if (r == -2)
		usage_error("--output: too many columns");
	if (r < 0)
		usage_error("--output: unknown column '%.*s' (%s)", (int)badlen, bad,
			    ipcfmt_col_words);
	o->cols_given = true;
}

static void parse_owner(struct opts *o, const char *s)
{
	struct passwd *pw = getpwnam(s);
	uint64_t uid;

	if (pw)
		o->sel.owner = pw->pw_uid;
	else if (parse_u64(s, 0, (uid_t)-2, &uid) == 0)
		o->sel.owner = (uid_t)uid;
	else
		usage_error("--owner: no such user '%s'", s);
	o->sel.have_owner = true;
}

/* Options that are not a target or an output format: the filters. */
static void filter_option(struct opts *o, int c, const char *arg)
{
	const char *bad;
	size_t badlen;

	o->filtered = c != OPT_KIND; /* a --kind of every kind selects nothing */
	switch (c) {
	case OPT_HOLDER: o->sel.holder = (pid_t)arg_u64("--holder", arg, 1, INT32_MAX); break;
	case OPT_IDLE: o->sel.idle_ns = arg_duration("--idle", arg); break;
	case OPT_KIND:
		if (ipcobj_kinds_parse(arg, &o->sel.kinds, &bad, &badlen) < 0)
			usage_error("--kind: unknown kind '%.*s' (%s)", (int)badlen, bad,
				    ipcobj_kind_words);
		break;
	case OPT_NAME: o->sel.globs[o->sel.nglobs++] = arg; break; /* room for each argument */
	case OPT_OLDER: o->sel.older_ns = arg_duration("--older-than", arg); break;
	case OPT_OWNER: parse_owner(o, arg); break;
	case OPT_STALE: o->sel.stale = true; break;
	}
}

/* The options and operands into o, with its defaults, checked together. */
static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .sel = { .kinds = OBJ_ALL, .older_ns = -1, .idle_ns = -1 } };
	o->sel.targets = xcalloc((size_t)argc, sizeof *o->sel.targets);
	o->sel.globs = xcalloc((size_t)argc, sizeof *o->sel.globs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		if (c == 'k' || c == 'i' || c == IPC_OPT_FTOK) {
			ipc_target_option(new_target(o), c, optarg);
			continue;
		}
		switch (c) {
		case 'b': o->fmt.bytes = true; break;
		case 'd': o->del = true; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_FORCE: o->force = true; break;
		case 'h': print_usage(usage);
		case 'J': o->fmt.style = FMT_JSON; break;
		case OPT_JSON_LINES: o->fmt.style = FMT_JSON_LINES; break;
		case OPT_NOHEADINGS: o->fmt.noheadings = true; break;
		case 'o': parse_cols(o, optarg); break;
		case 'r': o->fmt.style = FMT_RAW; break;
		case 'V': print_version();
		case OPT_HOLDER: case OPT_IDLE: case OPT_KIND: case OPT_NAME:
		case OPT_OLDER: case OPT_OWNER: case OPT_STALE:
			filter_option(o, c, optarg);
			break;
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	while (optind < argc)
		ipc_target_name(new_target(o), argv[optind++]);
	for (size_t i = 0; i < o->sel.ntargets; i++)
		if (o->sel.targets[i].kind == IPC_SYSV && o->sel.targets[i].id < 0 &&
		    o->sel.targets[i].key == 0)
			usage_error("--key: a private key names no object; use -i ID");
	if ((o->dry_run || o->force) && !o->del)
		usage_error("--%s: only with --delete", o->dry_run ? "dry-run" : "force");
	if (o->sel.kinds != OBJ_ALL)
		o->filtered = true;
	if (o->del && !o->filtered && o->sel.ntargets == 0)
		usage_error("--delete: refused without a filter or an object to select what to remove");
}

/* By kind, then key and id, or name. */
static int order(const void *a, const void *b)
{
	const struct ipc_obj *x = *(struct ipc_obj *const *)a, *y = *(struct ipc_obj *const *)b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->id >= 0)
		return x->id < y->id ? -1 : x->id > y->id;
	return strcmp(x->name, y->name);
}

/* Say why x, which is held, is not removed without --force. */
static void warn_held(const char *label, const struct ipc_obj *x)
{
	if (x->nholders)
		warn("%s: held by %d (%s)%s; not removed (--force removes it)",
		     label, (int)x->holders[0].pid, x->holders[0].comm,
		     x->nholders > 1 ? " and others" : "");
	else
		warn("%s: attached %ld times by processes this user cannot see; not removed (--force removes it)",
		     label, x->nattch);
}

/*
 * Remove what is selected, keeping in v what was (or would be) removed.
 * A dry run asks whether the kernel would let this user, and says so.
 */
static int delete(const struct opts *o, struct ipc_obj **v, size_t *n)
{
	char label[PATH_MAX];
	size_t kept = 0;
	int status = 0;

	for (size_t i = 0; i < *n; i++) {
		ipcobj_label(v[i], label, sizeof label);
		if (ipcsel_held(v[i]) && !o->force) {
			warn_held(label, v[i]);
			status = EXIT_FAIL;
			continue;
		}
		int r = o->dry_run ? ipcobj_may_remove(v[i]) : ipcobj_remove(v[i], o->force);
		if (r < 0 && errno == EBUSY) {
			warn("%s: attached since it was listed; not removed (--force removes it)", label);
			status = EXIT_FAIL;
		} else if (r < 0 && errno != ENOENT) {
			warn("%s: cannot remove:", label);
			status = EXIT_FAIL;
		}
		if (r == 0)
			v[kept++] = v[i];
	}
	*n = kept;
	return status;
}

/*
 * A POSIX name may be a shared memory object, a queue and a semaphore at
 * once: --delete NAME removes one of them only where --kind says which.
 */
static bool ambiguous(const struct opts *o, struct ipc_obj *const *v, size_t n)
{
	bool any = false;

	for (size_t t = 0; t < o->sel.ntargets; t++) {
		char kinds[96] = "";
		size_t k = 0;
		for (size_t i = 0; i < n && o->sel.targets[t].kind == IPC_POSIX; i++) {
			if (!ipcsel_target_matches(&o->sel.targets[t], v[i]))
				continue;
			size_t len = strlen(kinds);
			snprintf(kinds + len, sizeof kinds - len, "%s%s", k ? " and a " : "a ",
				 kind_names[v[i]->kind]);
			k++;
		}
		if (k > 1) {
			if (k > 2) { /* "a posix-shm, a posix-mq and a posix-sem" */
				char *first = strstr(kinds, " and ");
				memmove(first + 1, first + 4, strlen(first + 4) + 1);
				first[0] = ',';
			}
			warn("%s: names %s; choose with --kind", o->sel.targets[t].label, kinds);
			any = true;
		}
	}
	return any;
}

/* Exit 1 naming each target that matched no object. */
static int missing_targets(const struct opts *o, const struct ipc_list *l)
{
	int status = 0;

	for (size_t t = 0; t < o->sel.ntargets; t++) {
		size_t i = 0;
		while (i < l->n && !ipcsel_target_matches(&o->sel.targets[t], &l->v[i]))
			i++;
		if (i == l->n) {
			warn("%s: no such object", o->sel.targets[t].label);
			status = EXIT_FAIL;
		}
	}
	return status;
}

static bool need_holders(const struct opts *o)
{
	if (o->del || o->sel.stale || o->sel.holder || o->fmt.style == FMT_DETAIL)
		return true;
	for (int i = 0; i < o->fmt.ncols; i++)
		if (o->fmt.cols[i] == FLD_HOLDERS)
			return true;
	return false;
}

static void default_format(struct opts *o)
{
	if (o->cols_given)
		return;
	if (o->fmt.style == FMT_JSON || o->fmt.style == FMT_JSON_LINES) {
		ipcfmt_all_cols(&o->fmt);
	} else if (o->sel.ntargets > 0 && !o->del && o->fmt.style == FMT_TABLE) {
		o->fmt.style = FMT_DETAIL;
		ipcfmt_all_cols(&o->fmt);
	} else {
		ipcfmt_default_cols(&o->fmt);
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct ipc_list l;
	int status;

	tool_init("ipcls");
	parse(argc, argv, &o);
	need_std(STDOUT_FILENO);
	default_format(&o);
	if (o.del) /* the table is not a listing */
		o.fmt.title = o.dry_run ? "Would remove (--dry-run):" : "Removed:";
	o.sel.now = time(NULL);

	ipcobj_scan(&l, o.sel.kinds);
	if (l.mq_unmounted)
		warn("/dev/mqueue: not mounted; POSIX message queues are not listed (mount -t mqueue none /dev/mqueue)");
	if (l.mq_foreign)
		warn("/dev/mqueue: mounted for another IPC namespace; POSIX message queues are not listed (mount -t mqueue none /dev/mqueue)");
	if ((errno = l.shm_errno))
		warn("/dev/shm: cannot read it; POSIX shared memory and semaphores are not listed:");
	if (need_holders(&o))
		holders_scan(&l);
	o.sel.procs_hidden = l.procs_hidden;
	o.sel.undo_since = l.undo_since;

	struct ipc_obj **v = xreallocarray(NULL, l.n + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		if (ipcsel_selected(&o.sel, &l.v[i]))
			v[n++] = &l.v[i];
	qsort(v, n, sizeof *v, order);
	status = missing_targets(&o, &l);
	if (o.del && ambiguous(&o, v, n)) {
		status = EXIT_FAIL; /* nothing removed */
		n = 0;
	} else if (o.del && delete(&o, v, &n) != 0) {
		status = EXIT_FAIL;
	}
	ipcfmt_print(&o.fmt, v, n);
	free(v);
	ipcobj_free(&l);
	free(o.sel.targets);
	free(o.sel.globs);
	return status;
}
