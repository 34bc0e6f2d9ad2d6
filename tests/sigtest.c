/* SPDX-License-Identifier: ISC */
/*
 * sigtest: drives lib/signame and lib/pidfile from the shell, so
 * tests/signame.bats can check them and their messages. Not installed.
 *   sigtest parse SIG [MIN]   the number, via arg_signal
 *   sigtest name N            sig_name
 *   sigtest named N           exit 0 if N has a name
 *   sigtest rt                SIGRTMIN SIGRTMAX
 *   sigtest readpid FILE      pidfile_read
 *   sigtest writepid FILE N   pidfile_write
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "pidfile.h"
#include "signame.h"
#include "tool.h"

int main(int argc, char **argv)
{
	char name[SIG_NAME_MAX];

	tool_init("sigtest");
	if (argc < 2)
		usage_error("missing command");
	const char *cmd = argv[1];
	if (strcmp(cmd, "parse") == 0 && (argc == 3 || argc == 4))
		printf("%d\n", arg_signal(argc == 4 ? "--signal" : NULL, argv[2],
					  argc == 4 ? (int)arg_u64("MIN", argv[3], 0, 1000) : 0));
	else if (strcmp(cmd, "name") == 0 && argc == 3)
		puts(sig_name((int)arg_u64("N", argv[2], 0, 1000), name));
	else if (strcmp(cmd, "named") == 0 && argc == 3)
		return sig_named((int)arg_u64("N", argv[2], 0, 1000)) ? 0 : 1;
	else if (strcmp(cmd, "rt") == 0 && argc == 2)
		printf("%d %d\n", SIGRTMIN, SIGRTMAX);
	else if (strcmp(cmd, "readpid") == 0 && argc == 3) {
		uint64_t start;
		pid_t pid = pidfile_read(argv[2], &start);
		if (pid < 0)
			return 1;
		printf("%ld\n", (long)pid);
		if (start != PIDFILE_NO_START)
			printf("start %llu\n", (unsigned long long)start);
	} else if (strcmp(cmd, "writepid") == 0 && argc == 4) {
		struct pidfile pf;
		if (pidfile_write(&pf, argv[2], (pid_t)arg_u64("N", argv[3], 1, 1 << 30)) < 0)
			die(1, "%s: cannot write pidfile:", argv[2]);
	} else
		usage_error("unknown command '%s'", cmd);
	return 0;
}
