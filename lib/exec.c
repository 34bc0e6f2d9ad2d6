/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "diag.h"
#include "exec.h"
#include "ksig.h"

/*
 * Caught signals to their default before the mask opens: execve would
 * reset them too, but a signal pending now (one a parent passed on before
 * the exec) would otherwise run the tool's handler and be eaten.
 */
static void default_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL
		    && (sa.sa_handler != SIG_IGN || sig == SIGPIPE))
			signal(sig, SIG_DFL);
	}
}

void exec_command(char *const argv[])
{
	sigset_t none;

	default_signals(); /* an ignored SIGPIPE too: ours, not the caller's */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	int status = errno == ENOENT ? EXIT_NOENT : EXIT_NOEXEC;
	warn("%s: cannot run:", argv[0]);
	_exit(status);
}

/* 0, or the status for a file path names that is missing or cannot run. */
static int check_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return EXIT_NOENT;
	if (S_ISDIR(st.st_mode)) {
		errno = EACCES;
		return EXIT_NOEXEC;
	}
	return access(path, X_OK) < 0 ? EXIT_NOEXEC : 0;
}

/* 0 and the file in found if some directory of path holds name that can
 * run, else 126 or 127. */
static int search_path(const char *name, const char *path, char found[PATH_MAX])
{
	int status = EXIT_NOENT;

	for (const char *p = path;; p = strchr(p, ':') + 1) {
		int n = (int)strcspn(p, ":");
		snprintf(found, PATH_MAX, "%.*s%s%s", n, n ? p : ".", "/", name);
		struct stat st;
		if (stat(found, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(found, X_OK) == 0)
				return 0;
			status = EXIT_NOEXEC;
		}
		if (p[n] == '\0')
			break;
	}
	errno = status == EXIT_NOEXEC ? EACCES : ENOENT;
	return status;
}

int exec_find(const char *name, char **path)
{
	static char found[PATH_MAX];
	const char *env = getenv("PATH");
	int status;

	if (strchr(name, '/') || !env) {
		status = check_file(name);
		snprintf(found, sizeof found, "%s", name);
	} else {
		status = search_path(name, env, found);
	}
	if (status != 0)
		warn("%s: cannot run:", name);
	if (path)
		*path = found;
	return status;
}

int exit_status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_FAIL;
}

/* What exec_spawn's child needs; it writes err if it cannot run the command. */
struct spawn {
	const char *path;
	char *const *argv, *const *envp;
	int fd, err;
};

/*
 * exec_spawn's child. It shares our memory and we wait until it has
 * exec'd (CLONE_VM | CLONE_VFORK), so it makes system calls only, with
 * every signal blocked: a handler of ours must never run in it. Caught
 * signals go back to default (exec would reset them, but only once it
 * has run), an ignored SIGPIPE too (ours, not the caller's), then the
 * mask opens and the command runs.
 */
__attribute__((no_sanitize("address", "undefined")))
static int spawn_child(void *arg)
{
	struct spawn *sp = arg;
	uint64_t none = 0;

	for (int sig = 1; sig <= 64; sig++) {
		struct ksigaction old, dfl = { .handler = NULL };
		if (kaction(sig, NULL, &old) == 0 && old.handler != NULL
		    && (old.handler != KSIG_IGN || sig == SIGPIPE))
			kaction(sig, &dfl, NULL);
	}
	if (syscall(SYS_dup3, sp->fd, STDIN_FILENO, 0) >= 0
	    && syscall(SYS_dup3, sp->fd, STDOUT_FILENO, 0) >= 0
	    && kmask(SIG_SETMASK, &none, NULL) >= 0)
		syscall(SYS_execve, sp->path, sp->argv, sp->envp);
	sp->err = errno ? errno : ENOEXEC;
	syscall(SYS_exit, 127);
	return 127;
}

/*
 * A clone that shares our memory and borrows a stack of ours until it
 * execs, rather than posix_spawn: no PATH search per connection, no
 * stack mapped and unmapped, no limits read, a few system calls in the
 * child instead of some 130. A server's connection rate pays for each.
 */
pid_t exec_spawn(const char *path, char *const argv[], int fd, char *const envp[])
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	struct spawn sp = { .path = path, .argv = argv, .envp = envp, .fd = fd };
	uint64_t all = ~(uint64_t)0, old;
	int st;

	kmask(SIG_SETMASK, &all, &old);
	pid_t pid = clone(spawn_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &sp);
	int e = pid < 0 ? errno : sp.err;
	kmask(SIG_SETMASK, &old, NULL);
	if (pid > 0 && e == 0)
		return pid;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			continue;
	errno = e;
	warn("%s: cannot run:", argv[0]);
	errno = e;
	return -1;
}
