/* SPDX-License-Identifier: ISC */
/*
 * mkfifo-x: mkfifo(1) plus what scripts hand-roll with mktemp and traps:
 * race-free temporary FIFOs, parents, an exact mode, and running a
 * command with the FIFOs that are removed when it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "fifo.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "supervise.h"
#include "tmpname.h"
#include "tool.h"

static const char usage[] =
"Usage: mkfifo-x [OPTION]... NAME...\n"
"  or:  mkfifo-x [OPTION]... -t [-c N] [NAME]...\n"
"  or:  mkfifo-x [OPTION]... -e [-t] [NAME]... -- COMMAND [ARG]...\n"
"Create named pipes (FIFOs), mode 0600 unless -m says otherwise.\n"
"\n"
"  -c, --count N            with -t: make N temporary FIFOs (1 to 4096)\n"
"  -e, --exec               run COMMAND with the FIFOs in its environment\n"
"                           (FIFO, FIFO1..FIFON), remove them when it ends,\n"
"                           and exit with its status (125 if mkfifo-x failed\n"
"                           first, 126/127 if it could not run or was not found)\n"
"      --exist-ok           an existing FIFO is success (its mode set by -m)\n"
"  -m, --mode MODE          octal permissions, applied exactly (default 600)\n"
"  -p, --parents            make missing parent directories (mode 0700)\n"
"  -t, --temp[=TEMPLATE]    make a FIFO with a unique name from TEMPLATE\n"
"                           (ending in XXXXXX; default fifo.XXXXXX) and\n"
"                           print its path\n"
"      --tmpdir DIR         with -t: make it in DIR, not $TMPDIR or /tmp\n"
"  -v, --verbose            say what was created and removed (stderr)\n"
"  -h, --help               display this help and exit\n"
"  -V, --version            output version information and exit\n"
"\n"
"Exit status: 0 all made, 1 some failed, 2 usage error; with -e, see --exec.\n";

enum { OPT_TMPDIR = 0x100, OPT_EXIST_OK, MAX_COUNT = 4096 };

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "exec", no_argument, NULL, 'e' },
	{ "exist-ok", no_argument, NULL, OPT_EXIST_OK },
	{ "help", no_argument, NULL, 'h' },
	{ "mode", required_argument, NULL, 'm' },
	{ "parents", no_argument, NULL, 'p' },
	{ "temp", optional_argument, NULL, 't' },
	{ "tmpdir", required_argument, NULL, OPT_TMPDIR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	struct fifo_how how;         /* -m, --exist-ok, -v; the umask */
	bool parents, run, temp;
	uint64_t count;              /* -c, 1 with -t alone */
	const char *template, *tmpdir;
	size_t nx;                   /* the template's trailing X's */
	char **names;                /* the NAMEs (room for argc) */
	int nnames;
	char **cmd;                  /* -e: COMMAND [ARG]... */
};

/* Long names are usage errors; show the start of one, not 4 KiB of it. */
static void check_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		usage_error("'': empty name");
	if (len >= PATH_MAX)
		usage_error("%.32s...: name is %zu bytes; the limit is %d",
			    name, len, PATH_MAX - 1);
	for (const char *p = name; *p; ) {
		size_t n = strcspn(p, "/");
		if (n > NAME_MAX)
			usage_error("%s: component '%.32s...' is %zu bytes; the limit is %d",
				    name, p, n, NAME_MAX);
		p += n + (p[n] == '/');
	}
}

/*
 * Make the missing directories before path's last slash, mode 0700 less
 * the umask but always u+wx (as mkdir -p does), so the next one can be
 * made in it.
 */
static int make_parents(const struct opts *o, const char *path)
{
	char buf[PATH_MAX];
	char *slash;
	int r = 0;

	snprintf(buf, sizeof buf, "%s", path);
	umask(o->how.mask & ~0300);
	for (char *p = buf + 1; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		if (slash > buf && slash[-1] != '/') {
			if (mkdir(buf, 0700) == 0) {
				if (o->how.verbose)
					warn("created directory '%s'", buf);
			} else if (errno != EEXIST) {
				warn("%s: cannot create directory:", buf);
				r = -1;
				break;
			}
		}
		*slash = '/';
	}
	umask(o->how.mask);
	return r;
}

/* tmpname_make's make(): one try at a temporary FIFO. */
struct temp_try {
	const struct opts *o;
	bool made, reported;
};

static int try_temp(const char *path, void *arg)
{
	struct temp_try *t = arg;
	int r = fifo_make(&t->o->how, path, true, &t->made);

	if (r == -1) {
		t->reported = true;
		errno = ECANCELED; /* not EEXIST: no other name helps */
	}
	return r < 0 ? -1 : 0;
}

/* Make one temporary FIFO in --tmpdir: new random names until one is free. */
static int make_temp(const struct opts *o, struct fifos *fs)
{
	char path[PATH_MAX];
	struct temp_try t = { .o = o };

	snprintf(path, sizeof path, "%s/%s", o->tmpdir, o->template);
	if (tmpname_make(path, o->nx, try_temp, &t) == 0) {
		fifos_add(fs, path, t.made, o->run);
		return 0;
	}
	if (t.reported)
		return -1;
	if (errno == EEXIST)
		warn("%s/%s: no free name after %d tries", o->tmpdir, o->template,
		     TMPNAME_TRIES);
	else
		warn("%s/%s:", o->tmpdir, o->template);
	return -1;
}

/* FIFO, FIFO1..FIFON for the command: the paths, in order. */
static void export_fifos(const struct fifos *fs)
{
	char var[32];

	setenv("FIFO", fs->v[0].path, 1);
	for (size_t i = 0; i < fs->n; i++) {
		snprintf(var, sizeof var, "FIFO%zu", i + 1);
		setenv(var, fs->v[i].path, 1);
	}
	/* Stale FIFO<N+1>... from an outer mkfifo-x would mislead. */
	for (size_t i = fs->n + 1; snprintf(var, sizeof var, "FIFO%zu", i), getenv(var); i++)
		unsetenv(var);
}

/*
 * Run the command with the FIFOs in its environment; remove them when it
 * ends or when we are told to stop. Its status is ours: its exit code, or
 * the same death by a signal.
 */
static noreturn void run(const struct opts *o, struct fifos *fs, struct supervisor *sup)
{
	export_fifos(fs);
	int ws = sup_run(sup, o->cmd);
	if (ws < 0)
		warn("cannot fork:");
	fifos_remove(fs, o->how.verbose);
	if (ws < 0)
		exit(EXIT_CANNOT);
	sup_exit_as(ws);
}

/* Remove the temporary FIFOs (from first on), but never the named ones. */
static void remove_temps(const struct opts *o, struct fifos *fs, size_t first)
{
	for (size_t j = 0; j < first; j++)
		fs->v[j].made = false;
	fifos_remove(fs, o->how.verbose);
}

/* Print the temporary paths; ones that cannot be printed are lost: remove them. */
static void print_temps(const struct opts *o, struct fifos *fs, size_t first)
{
	for (size_t i = first; i < fs->n; i++) {
		char *path = fs->v[i].path;
		size_t len = strlen(path);

		path[len] = '\n';
		int r = write_all(STDOUT_FILENO, path, len + 1);
		path[len] = '\0';
		if (r < 0) {
			int e = errno;
			remove_temps(o, fs, first);
			errno = e;
			die_stdout();
		}
	}
}

/* A usage error unless template and tmpdir make a path; the number of X's. */
static size_t check_template(const char *template, const char *tmpdir)
{
	size_t nx = 0;

	if (*tmpdir == '\0')
		usage_error("--tmpdir: empty directory name");
	if (strchr(template, '/'))
		usage_error("--temp: template '%s' has a slash; use --tmpdir DIR for the directory",
			    template);
	if (strlen(template) > NAME_MAX)
		usage_error("--temp: template is %zu bytes; the limit is %d",
			    strlen(template), NAME_MAX);
	for (size_t n = strlen(template); nx < n && template[n - 1 - nx] == 'X'; )
		nx++;
	if (nx < 6)
		usage_error("--temp: template '%s' must end in XXXXXX", template);
	if (strlen(tmpdir) + 1 + strlen(template) >= PATH_MAX)
		usage_error("%.32s...: directory and template are longer than %d bytes",
			    tmpdir, PATH_MAX - 1);
	return nx;
}

/*
 * A NAME that ends in XXXXXX beside --temp is most likely a template
 * written "-t job.XXXXXX", which getopt cannot tell from a NAME (the
 * template is an optional argument): refused, never guessed.
 */
static void check_name_beside_temp(const char *name)
{
	size_t n = strlen(name);

	if (n >= 6 && strcmp(name + n - 6, "XXXXXX") == 0)
		usage_error("%s: a NAME that ends in XXXXXX beside --temp is ambiguous; "
			    "a template is written --temp=%s or -t%s", name, name, name);
}

/* The options together: a usage error for what does not fit; defaults. */
static void check(struct opts *o)
{
	if (o->count && !o->temp)
		usage_error("--count: counts temporary FIFOs; it needs --temp");
	if (o->tmpdir && !o->temp)
		usage_error("--tmpdir: places temporary FIFOs; it needs --temp");
	if (!o->temp && o->nnames == 0)
		usage_error("missing NAME");
	for (int i = 0; i < o->nnames; i++) {
		check_name(o->names[i]);
		if (o->temp)
			check_name_beside_temp(o->names[i]);
	}
	if (!o->temp)
		return;
	if (!o->template)
		o->template = "fifo.XXXXXX";
	if (!o->tmpdir && !((o->tmpdir = getenv("TMPDIR")) && *o->tmpdir))
		o->tmpdir = "/tmp";
	o->nx = check_template(o->template, o->tmpdir);
	if (!o->count)
		o->count = 1;
}

/*
 * '-': getopt_long returns the NAMEs in order (as option 1) and stops at
 * "--", so what follows it is known without looking for it: the COMMAND
 * with -e, more NAMEs without.
 */
static const char optstring[] = "-:c:ehm:pt::vV";

/* The command line into o, with its defaults, checked. */
static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .how.mode = 0600 };
	o->names = xcalloc((size_t)argc, sizeof *o->names);
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 1: o->names[o->nnames++] = optarg; break;
		case 'c': o->count = arg_u64("--count", optarg, 1, MAX_COUNT); break;
		case 'e': o->run = true; break;
		case OPT_EXIST_OK: o->how.exist_ok = true; break;
		case 'h': print_usage(usage);
		case 'm': o->how.mode = arg_mode("--mode", optarg); o->how.mode_given = true; break;
		case 'p': o->parents = true; break;
		case 't': o->temp = true; o->template = optarg; break;
		case OPT_TMPDIR: o->tmpdir = optarg; break;
		case 'v': o->how.verbose = true; break;
		case 'V': print_version();
		default: usage_bad_option(argc, argv, optstring, c);
		}
	}
	if (o->run && optind == argc)
		usage_error("--exec: no command after '--'");
	if (o->run)
		o->cmd = argv + optind;
	while (!o->run && optind < argc)
		o->names[o->nnames++] = argv[optind++];
	check(o);
}

/* The named FIFOs: 1 if any failed (the others are made all the same). */
static int make_named(const struct opts *o, struct fifos *fs)
{
	int failed = 0;

	for (int i = 0; i < o->nnames; i++) {
		bool made;
		if ((o->parents && make_parents(o, o->names[i]) < 0)
		    || fifo_make(&o->how, o->names[i], false, &made) < 0)
			failed = 1;
		else
			fifos_add(fs, o->names[i], made, o->run);
	}
	return failed;
}

/* The temporary FIFOs (with -p, --tmpdir first): -1 at the first that fails. */
static int make_temps(const struct opts *o, struct fifos *fs, int *failed)
{
	if (o->parents) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/", o->tmpdir);
		if (make_parents(o, dir) < 0)
			*failed = 1;
	}
	for (uint64_t i = 0; i < o->count; i++)
		if (make_temp(o, fs) < 0)
			return -1;
	return 0;
}

/* Without -e: a batch of temporary FIFOs is all or nothing; print it. */
static int finish(const struct opts *o, struct fifos *fs, size_t first_temp,
		  bool temp_failed)
{
	if (temp_failed) {
		remove_temps(o, fs, first_temp);
		if (fs->n > first_temp)
			warn("removed the %zu temporary FIFO%s made before the failure",
			     fs->n - first_temp, fs->n - first_temp == 1 ? "" : "s");
		return 1;
	}
	print_temps(o, fs, first_temp);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct fifos fs = { 0 };
	struct supervisor sup;

	tool_init("mkfifo-x");
	parse(argc, argv, &o);
	if (o.temp && !o.run)
		need_std(STDOUT_FILENO); /* the paths go there */
	if (o.run) {
		/*
		 * The signals that stop mkfifo-x are waited for, not delivered:
		 * until the command runs, stopping means cleaning up first; then
		 * they are passed on to it.
		 */
		if (sup_init(&sup, 0) < 0)
			die(EXIT_CANNOT, "cannot hold the signals for the command:");
		die_fail_status = EXIT_CANNOT;
	}

	o.how.mask = umask(0);
	umask(o.how.mask);
	int failed = make_named(&o, &fs);
	size_t first_temp = fs.n;
	bool temp_failed = o.temp && make_temps(&o, &fs, &failed) < 0;

	if (o.run) {
		if (failed || temp_failed) {
			fifos_remove(&fs, o.how.verbose);
			exit(EXIT_CANNOT);
		}
		run(&o, &fs, &sup);
	}
	failed |= finish(&o, &fs, first_temp, temp_failed);
	fifos_free(&fs);
	free(o.names);
	return failed;
}
