/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "diag.h"
#include "exec.h"

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

/* 0 if some directory of path holds name that can run, else 126 or 127. */
static int search_path(const char *name, const char *path)
{
	char buf[PATH_MAX];
	int status = EXIT_NOENT;

	for (const char *p = path;; p = strchr(p, ':') + 1) {
		int n = (int)strcspn(p, ":");
		snprintf(buf, sizeof buf, "%.*s%s%s", n, n ? p : ".", "/", name);
		struct stat st;
		if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			status = EXIT_NOEXEC;
		}
		if (p[n] == '\0')
			break;
	}
	errno = status == EXIT_NOEXEC ? EACCES : ENOENT;
	return status;
}

int exec_check(const char *name)
{
	const char *path = getenv("PATH");
	int status = strchr(name, '/') || !path ? check_file(name) : search_path(name, path);

	if (status != 0)
		warn("%s: cannot run:", name);
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

/* posix_spawn (a vfork: nothing to copy) rather than fork: a server's
 * connection rate pays for it. */
pid_t exec_spawn(char *const argv[], int fd, char *const envp[])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	pid_t pid;

	/* exec resets caught signals; of ours only an ignored SIGPIPE would stay */
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	int e = posix_spawnp(&pid, argv[0], &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e == 0)
		return pid;
	errno = e;
	warn("%s: cannot run:", argv[0]);
	errno = e;
	return -1;
}
