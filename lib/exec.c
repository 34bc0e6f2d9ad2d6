/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include "diag.h"
#include "exec.h"

void exec_command(char *const argv[])
{
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	int status = errno == ENOENT ? EXIT_NOENT : EXIT_NOEXEC;
	warn("%s: cannot run:", argv[0]);
	_exit(status);
}

int exit_status_of(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_FAIL;
}
