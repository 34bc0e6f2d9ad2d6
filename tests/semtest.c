/* SPDX-License-Identifier: ISC */
/*
 * semtest: a plain POSIX semaphore client, for the interop tests in
 * tests/sempost.bats: what sem_open, sem_post, sem_wait and sem_getvalue
 * see must agree with semwait and sempost. Not installed.
 *   semtest NAME value      print the value
 *   semtest NAME post N     create it if missing (0600, value 0), post N times
 *   semtest NAME wait N     sem_wait N times
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "tool.h"

int main(int argc, char **argv)
{
	uint64_t n = 0;
	sem_t *s;
	int v;

	tool_init("semtest");
	if (argc < 3 || (strcmp(argv[2], "value") != 0 && argc != 4))
		usage_error("usage: semtest NAME value|post N|wait N");
	if (argc == 4)
		n = arg_u64("N", argv[3], 0, UINT32_MAX);
	s = strcmp(argv[2], "post") == 0 ? sem_open(argv[1], O_CREAT, 0600, 0)
					 : sem_open(argv[1], 0);
	if (s == SEM_FAILED)
		die(EXIT_FAIL, "%s: sem_open:", argv[1]);
	for (uint64_t i = 0; i < n; i++) {
		int r = strcmp(argv[2], "post") == 0 ? sem_post(s) : sem_wait(s);
		if (r < 0)
			die(EXIT_FAIL, "%s: %s:", argv[1], argv[2]);
	}
	if (strcmp(argv[2], "value") == 0) {
		if (sem_getvalue(s, &v) < 0)
			die(EXIT_FAIL, "%s: sem_getvalue:", argv[1]);
		printf("%d\n", v);
	}
	return 0;
}
