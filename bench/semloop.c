/* SPDX-License-Identifier: ISC */
/*
 * semloop [-n RUNS] N: the floor for bench/cases/60-sem.sh. Times N
 * take-and-give pairs on a System V semaphore (semop -1 with SEM_UNDO,
 * then +1, as semwait -k does around a command) and on a POSIX one
 * (sem_wait, sem_post), RUNS times, and prints the time of 1000 pairs:
 * what the kernel costs, without a process start.
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sem.h>
#include <unistd.h>

#include "deadline.h"
#include "diag.h"
#include "parse.h"
#include "table.h"
#include "tool.h"

static int64_t sysv_pairs(int id, uint64_t n)
{
	struct sembuf p = { 0, -1, SEM_UNDO }, v = { 0, 1, SEM_UNDO };
	int64_t t0 = now_ns();

	for (uint64_t i = 0; i < n; i++)
		if (semop(id, &p, 1) < 0 || semop(id, &v, 1) < 0)
			die(EXIT_FAIL, "semop:");
	return (now_ns() - t0) * 1000 / (int64_t)n;
}

static int64_t posix_pairs(sem_t *s, uint64_t n)
{
	int64_t t0 = now_ns();

	for (uint64_t i = 0; i < n; i++)
		if (sem_wait(s) < 0 || sem_post(s) < 0)
			die(EXIT_FAIL, "sem_wait:");
	return (now_ns() - t0) * 1000 / (int64_t)n;
}

int main(int argc, char **argv)
{
	static const char *const label[] = { "C semop -1/+1 SEM_UNDO (1000 pairs)",
					     "C sem_wait/sem_post (1000 pairs)" };
	char name[64];
	int runs = 10, opt;

	tool_init("semloop");
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			usage_error("usage: semloop [-n RUNS] N");
		runs = (int)arg_u64("-n", optarg, 1, 100000);
	}
	if (optind != argc - 1)
		usage_error("usage: semloop [-n RUNS] N");
	uint64_t n = arg_u64("N", argv[optind], 1, UINT32_MAX);
	int id = semget(IPC_PRIVATE, 1, 0600);
	struct sembuf one = { 0, 1, 0 };
	if (id < 0 || semop(id, &one, 1) < 0)
		die(EXIT_FAIL, "semget:");
	snprintf(name, sizeof name, "/semloop-%d", (int)getpid());
	sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	if (s == SEM_FAILED)
		die(EXIT_FAIL, "%s: sem_open:", name);
	sem_unlink(name);
	int64_t *ns[2] = { calloc((size_t)runs, sizeof(int64_t)),
			   calloc((size_t)runs, sizeof(int64_t)) };
	if (!ns[0] || !ns[1])
		die(EXIT_FAIL, "out of memory");
	for (int r = 0; r < runs; r++) {
		ns[0][r] = sysv_pairs(id, n);
		ns[1][r] = posix_pairs(s, n);
	}
	semctl(id, 0, IPC_RMID);
	print_table("sem op floor", 2, label, ns, runs);
	return 0;
}
