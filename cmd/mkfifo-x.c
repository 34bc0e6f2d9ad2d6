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
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "exec.h"
#include "io.h"
#include "opterr.h"
#include "parse.h"
#include "tool.h"

static const char usage[] =
"Usage: mkfifo-x [OPTION]... NAME...\n"
"  or:  mkfifo-x [OPTION]... -t [-c N] [NAME]...\n"
"  or:  mkfifo-x [OPTION]... -r [-t] [NAME]... -- COMMAND [ARG]...\n"
"Create named pipes (FIFOs), mode 0600 unless -m says otherwise.\n"
"\n"
"  -c, --count=N         with -t: make N temporary FIFOs (1 to 4096)\n"
"  -e, --exist-ok        an existing FIFO is success (its mode set by -m)\n"
"  -h, --help            show this help and exit\n"
"  -m, --mode=MODE       octal permissions, applied exactly (default 600)\n"
"  -p, --parents         make missing parent directories (mode 0700)\n"
"  -r, --run             run COMMAND with the FIFOs in its environment\n"
"                        (FIFO, FIFO1..FIFON), remove them when it ends,\n"
"                        and exit with its status\n"
"  -t, --temp[=TEMPLATE] make a FIFO with a unique name from TEMPLATE\n"
"                        (ending in XXXXXX; default fifo.XXXXXX) and\n"
"                        print its path\n"
"      --tmpdir=DIR      with -t: make it in DIR, not $TMPDIR or /tmp\n"
"  -v, --verbose         say what was created and removed (stderr)\n"
"  -V, --version         show the version and exit\n"
"\n"
"Exit status: 0 all made, 1 some failed, 2 usage error; with -r the\n"
"command's status, 125 if mkfifo-x failed first, 126/127 if it could not\n"
"run or was not found.\n";

enum { OPT_TMPDIR = 0x100, MAX_COUNT = 4096, MAX_TRIES = 100 };

static const struct option longopts[] = {
	{ "count", required_argument, NULL, 'c' },
	{ "exist-ok", no_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "mode", required_argument, NULL, 'm' },
	{ "parents", no_argument, NULL, 'p' },
	{ "run", no_argument, NULL, 'r' },
	{ "temp", optional_argument, NULL, 't' },
	{ "tmpdir", required_argument, NULL, OPT_TMPDIR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct fifo {
	char *path;
	bool made;     /* ours to remove (-r); not an existing one taken by -e */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	int pin;       /* O_PATH: keeps the inode, so its number is not reused; or -1 */
};

static bool exist_ok, parents, verbose, mode_given, runcmd;
static mode_t mode = 0600, mask;
static struct fifo *fifos;
static size_t nfifos;

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
static int make_parents(const char *path)
{
	char buf[PATH_MAX];
	char *slash;
	int r = 0;

	snprintf(buf, sizeof buf, "%s", path);
	umask(mask & ~0300);
	for (char *p = buf + 1; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		if (slash > buf && slash[-1] != '/') {
			if (mkdir(buf, 0700) == 0) {
				if (verbose)
					warn("created directory '%s'", buf);
			} else if (errno != EEXIST) {
				warn("%s: cannot create directory:", buf);
				r = -1;
				break;
			}
		}
		*slash = '/';
	}
	umask(mask);
	return r;
}

/* Is path a FIFO itself (not a symlink to one)? Says why not. */
static int check_fifo(const char *path, struct stat *st)
{
	if (fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW) < 0) {
		warn("%s:", path);
		return -1;
	}
	if (!S_ISFIFO(st->st_mode)) {
		warn("%s: exists and is not a FIFO%s; left untouched", path,
		     S_ISLNK(st->st_mode) ? " (a symbolic link)" : "");
		return -1;
	}
	return 0;
}

/*
 * Set the mode of the FIFO at path exactly, never through a symlink: the
 * check and the change both refuse to follow one.
 */
static int set_mode(const char *path, struct stat *st)
{
	if (check_fifo(path, st) < 0)
		return -1;
	if ((st->st_mode & 07777) == mode)
		return 0;
	if (fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW) < 0) {
		/* No /proc for glibc's or musl's emulation: path was just checked. */
		if ((errno != ENOTSUP && errno != EOPNOTSUPP) || chmod(path, mode) < 0) {
			warn("%s: cannot set mode %04o:", path, (unsigned)mode);
			return -1;
		}
	}
	return 0;
}

/*
 * Create one FIFO. Returns 0, -1 after saying why, or for a temporary
 * FIFO -2 when mkfifo failed (errno set, unreported): on EEXIST the
 * caller tries another name, else it names the template.
 */
static int make_fifo(const char *path, bool temp, bool *made)
{
	struct stat st;

	*made = false;
	if (mkfifo(path, mode) < 0) {
		if (temp)
			return -2;
		if (errno != EEXIST || !exist_ok) {
			warn("%s:", path);
			return -1;
		}
		if (mode_given)
			return set_mode(path, &st);
		return check_fifo(path, &st);
	}
	*made = true;
	/* The umask may have taken bits away; set them exactly. */
	if ((mode & ~mask) != mode || (mode & 07000)) {
		if (set_mode(path, &st) < 0) {
			unlink(path);
			*made = false;
			return -1;
		}
	}
	if (verbose)
		warn("created FIFO '%s'", path);
	return 0;
}

/*
 * Remember a FIFO. One we made and may remove is pinned with an O_PATH
 * descriptor (no reader, no writer: the FIFO works as before), so that a
 * FIFO the command makes in its place cannot get the same inode number.
 */
static void add_fifo(const char *path, bool made, bool pin)
{
	struct stat st = { 0 };
	struct fifo *f;
	int fd = -1;

	fifos = realloc(fifos, (nfifos + 1) * sizeof *fifos);
	if (!fifos || !(path = strdup(path)))
		die(EXIT_CANNOT, "out of memory");
	if (made && pin)
		fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (made && (fd >= 0 ? fstat(fd, &st) : fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW)) < 0)
		made = false;
	f = &fifos[nfifos++];
	*f = (struct fifo){ (char *)path, made, st.st_dev, st.st_ino, st.st_ctim, fd };
}

/* Remove the FIFOs we made, but only if each is still the one we made. */
static void remove_fifos(void)
{
	struct stat st;

	for (size_t i = 0; i < nfifos; i++) {
		struct fifo *f = &fifos[i];
		if (!f->made)
			continue;
		if (fstatat(AT_FDCWD, f->path, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* the command removed it */
		/* Unpinned (out of descriptors), the ctime tells a reused number. */
		if (!S_ISFIFO(st.st_mode) || st.st_dev != f->dev || st.st_ino != f->ino ||
		    (f->pin < 0 && (st.st_ctim.tv_sec != f->ctime.tv_sec ||
				    st.st_ctim.tv_nsec != f->ctime.tv_nsec))) {
			warn("%s: replaced since it was made; left in place", f->path);
			continue;
		}
		if (unlink(f->path) < 0)
			warn("%s: cannot remove:", f->path);
		else if (verbose)
			warn("removed '%s'", f->path);
		f->made = false;
	}
}

/* Replace the trailing X's of name with random letters and digits. */
static void randomize(char *name, size_t nx)
{
	static const char chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static uint64_t x;
	unsigned char r[NAME_MAX];
	char *p = name + strlen(name) - nx;

	if (getrandom(r, nx, GRND_NONBLOCK) != (ssize_t)nx) {
		/* Very old kernel: an xorshift seeded by the time and the pid. */
		x ^= (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
		for (size_t i = 0; i < nx; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r[i] = (unsigned char)x;
		}
	}
	for (size_t i = 0; i < nx; i++)
		p[i] = chars[r[i] % (sizeof chars - 1)];
}

/* Make one temporary FIFO in dir: new random names until one is free. */
static int make_temp(const char *dir, const char *template, size_t nx)
{
	char path[PATH_MAX];
	bool made;

	for (int i = 0; i < MAX_TRIES; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, template);
		randomize(path, nx);
		int r = make_fifo(path, true, &made);
		if (r == 0) {
			add_fifo(path, made, runcmd);
			return 0;
		}
		if (r == -1)
			return -1;
		if (errno != EEXIST) {
			warn("%s/%s:", dir, template);
			return -1;
		}
	}
	warn("%s/%s: no free name after %d tries", dir, template, MAX_TRIES);
	return -1;
}

/*
 * Run the command with the FIFOs in its environment; remove them when it
 * ends or when we are told to stop. Its status is ours: its exit code, or
 * the same death by a signal.
 */
static noreturn void run(char **cmd, const sigset_t *sigs)
{
	char var[32];
	siginfo_t si;
	int ws, sig;
	pid_t pid;

	setenv("FIFO", fifos[0].path, 1);
	for (size_t i = 0; i < nfifos; i++) {
		snprintf(var, sizeof var, "FIFO%zu", i + 1);
		setenv(var, fifos[i].path, 1);
	}
	/* Stale FIFO<N+1>... from an outer mkfifo-x would mislead. */
	for (size_t i = nfifos + 1; snprintf(var, sizeof var, "FIFO%zu", i), getenv(var); i++)
		unsetenv(var);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		warn("cannot fork:");
		remove_fifos();
		exit(EXIT_CANNOT);
	}
	if (pid == 0)
		exec_command(cmd);
	for (;;) {
		sig = sigwaitinfo(sigs, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			kill(pid, sig);
			continue;
		}
		if (waitpid(pid, &ws, WNOHANG) == pid)
			break;
	}
	remove_fifos();
	if (WIFSIGNALED(ws)) {
		/* No core file of ours for the command's crash. */
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		signal(WTERMSIG(ws), SIG_DFL);
		sigprocmask(SIG_UNBLOCK, sigs, NULL);
		raise(WTERMSIG(ws));
	}
	exit(exit_status_of(ws));
}

/* Remove the temporary FIFOs (from first on), but never the named ones. */
static void remove_temps(size_t first)
{
	for (size_t j = 0; j < first; j++)
		fifos[j].made = false;
	remove_fifos();
}

/* Print the temporary paths; ones that cannot be printed are lost: remove them. */
static void print_temps(size_t first)
{
	for (size_t i = first; i < nfifos; i++) {
		size_t len = strlen(fifos[i].path);
		fifos[i].path[len] = '\n';
		int r = write_all(STDOUT_FILENO, fifos[i].path, len + 1);
		fifos[i].path[len] = '\0';
		if (r < 0) {
			int e = errno;
			remove_temps(first);
			errno = e;
			die_stdout();
		}
	}
}

/*
 * "-t job.XXXXXX" (a space, not '='): getopt leaves the template among
 * the NAMEs, where it would make a FIFO of that literal name. Take it.
 */
static const char *template_from_names(char **names, int *nnames)
{
	for (int i = 0; i < *nnames; i++) {
		size_t n = strlen(names[i]);
		const char *t = names[i];

		if (n < 6 || strcmp(t + n - 6, "XXXXXX") != 0)
			continue;
		memmove(names + i, names + i + 1, (size_t)(*nnames - i - 1) * sizeof *names);
		(*nnames)--;
		return t;
	}
	return NULL;
}

/* A usage error unless template and tmpdir make a path; the number of X's. */
static size_t check_template(const char *template, const char *tmpdir)
{
	size_t nx = 0;

	if (*tmpdir == '\0')
		usage_error("--tmpdir: empty directory name");
	if (strchr(template, '/'))
		usage_error("-t: template '%s' has a slash; use --tmpdir=DIR for the directory",
			    template);
	if (strlen(template) > NAME_MAX)
		usage_error("-t: template is %zu bytes; the limit is %d",
			    strlen(template), NAME_MAX);
	for (size_t n = strlen(template); nx < n && template[n - 1 - nx] == 'X'; )
		nx++;
	if (nx < 6)
		usage_error("-t: template '%s' must end in XXXXXX", template);
	if (strlen(tmpdir) + 1 + strlen(template) >= PATH_MAX)
		usage_error("%.32s...: directory and template are longer than %d bytes",
			    tmpdir, PATH_MAX - 1);
	return nx;
}

int main(int argc, char **argv)
{
	static const char optstring[] = ":c:ehm:prt::vV";
	const char *template = NULL, *tmpdir = NULL;
	bool temp = false;
	uint64_t count = 0;
	char **cmd = NULL;
	int c, nopt = argc, failed = 0, temp_failed = 0;

	tool_init("mkfifo-x");
	/* With -r, the first "--" ends the NAMEs and starts the command. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			nopt = i;
			break;
		}
	opterr = 0;
	while ((c = getopt_long(nopt, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'c': count = arg_u64("-c", optarg, 1, MAX_COUNT); break;
		case 'e': exist_ok = true; break;
		case 'h': print_usage(usage);
		case 'm': mode = arg_mode("-m", optarg); mode_given = true; break;
		case 'p': parents = true; break;
		case 'r': runcmd = true; break;
		case 't': temp = true; template = optarg; break;
		case OPT_TMPDIR: tmpdir = optarg; break;
		case 'v': verbose = true; break;
		case 'V': print_version();
		default: usage_bad_option(nopt, argv, optstring, c);
		}
	}
	char **names = argv + optind;
	int nnames = nopt - optind;
	if (runcmd) {
		cmd = nopt + 1 < argc ? argv + nopt + 1 : NULL;
		if (!cmd)
			usage_error("-r: no command after '--'");
	} else if (nopt < argc) {
		/* "--" only ended the options: NAMEs may follow it too. */
		memmove(argv + nopt, argv + nopt + 1, (size_t)(argc - nopt) * sizeof *argv);
		nnames = argc - 1 - optind;
	}
	if (temp && !template)
		template = template_from_names(names, &nnames);
	if (count && !temp)
		usage_error("-c: counts temporary FIFOs; it needs -t");
	if (tmpdir && !temp)
		usage_error("--tmpdir: places temporary FIFOs; it needs -t");
	if (!temp && nnames == 0)
		usage_error("missing NAME");
	for (int i = 0; i < nnames; i++)
		check_name(names[i]);

	size_t nx = 0;
	if (temp) {
		if (!template)
			template = "fifo.XXXXXX";
		if (!tmpdir && !((tmpdir = getenv("TMPDIR")) && *tmpdir))
			tmpdir = "/tmp";
		nx = check_template(template, tmpdir);
		if (!count)
			count = 1;
	}

	if (temp && !runcmd)
		need_std(STDOUT_FILENO); /* the paths go there */

	/* Until the command runs, stopping means cleaning up first. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGCHLD);
	if (runcmd)
		sigprocmask(SIG_BLOCK, &sigs, NULL);

	mask = umask(0);
	umask(mask);
	for (int i = 0; i < nnames; i++) {
		bool made;
		if ((parents && make_parents(names[i]) < 0)
		    || make_fifo(names[i], false, &made) < 0)
			failed = 1;
		else
			add_fifo(names[i], made, runcmd);
	}
	size_t first_temp = nfifos;
	if (temp && parents) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/", tmpdir);
		if (make_parents(dir) < 0)
			failed = 1;
	}
	for (uint64_t i = 0; temp && i < count && !temp_failed; i++)
		if (make_temp(tmpdir, template, nx) < 0)
			temp_failed = 1;

	if (runcmd) {
		if (failed || temp_failed) {
			remove_fifos();
			exit(EXIT_CANNOT);
		}
		run(cmd, &sigs);
	}
	/* A batch of temporary FIFOs is all or nothing. */
	if (temp_failed) {
		remove_temps(first_temp);
		if (nfifos > first_temp)
			warn("removed the %zu temporary FIFO%s made before the failure",
			     nfifos - first_temp, nfifos - first_temp == 1 ? "" : "s");
		return 1;
	}
	print_temps(first_temp);
	return failed;
}
