/* SPDX-License-Identifier: ISC */
/* Running a user's command: execvp with its own argv, never a shell. */
#ifndef IPCUTILS_EXEC_H
#define IPCUTILS_EXEC_H

#include <stdnoreturn.h>
#include <sys/types.h>

/*
 * In a child: restore the signal dispositions a command expects, then
 * execvp(argv[0], argv). If that fails, say why and _exit with 127 (not
 * found) or 126 (found but could not run), as env(1) and timeout(1) do.
 */
noreturn void exec_command(char *const argv[]);

/*
 * Before a command is run, possibly many times later: 0 if execvp(name)
 * would find a file it can run (the same PATH search, "." for an empty
 * entry), its path in *path (static; NULL path: not wanted); otherwise
 * say why as exec_command would and return 127 (not found) or 126 (found
 * but could not run).
 */
int exec_find(const char *name, char **path);

/*
 * Start argv, the file at path (from exec_find: no search now), in the
 * background with fd as its standard input and output and envp as its
 * environment, the signals reset as exec_command does (an ignored SIGPIPE
 * to default, none blocked). Returns its PID, or -1 with errno set after
 * saying "NAME: cannot run: ...".
 */
pid_t exec_spawn(const char *path, char *const argv[], int fd, char *const envp[]);

/* The exit status a shell would report for a wait(2) status. */
int exit_status_of(int wstatus);

#endif
