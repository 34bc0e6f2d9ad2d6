/* SPDX-License-Identifier: ISC */
/* Running a user's command: execvp with its own argv, never a shell. */
#ifndef IPCUTILS_EXEC_H
#define IPCUTILS_EXEC_H

#include <stdnoreturn.h>

/*
 * In a child: restore the signal dispositions a command expects, then
 * execvp(argv[0], argv). If that fails, say why and _exit with 127 (not
 * found) or 126 (found but could not run), as env(1) and timeout(1) do.
 */
noreturn void exec_command(char *const argv[]);

/* The exit status a shell would report for a wait(2) status. */
int exit_status_of(int wstatus);

#endif
