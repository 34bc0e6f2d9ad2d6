/* SPDX-License-Identifier: ISC */
/*
 * ipcmany make|remove N KEY PREFIX: N System V segments of 4 KiB with keys
 * KEY .. KEY+N-1, and N POSIX objects: N/2 shared memory objects
 * /PREFIX-mI and the rest named semaphores /PREFIX-sI; or remove them all
 * again (what is missing is skipped). For bench/cases/80-ipcls.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "diag.h"
#include "parse.h"
#include "tool.h"

static void make(uint64_t n, key_t key, const char *prefix)
{
	char name[256];

	for (uint64_t i = 0; i < n; i++) {
		if (shmget(key + (key_t)i, 4096, IPC_CREAT | 0600) < 0)
			die(EXIT_FAIL, "key 0x%08x: shmget:", (unsigned)(key + (key_t)i));
		if (i < n / 2) {
			snprintf(name, sizeof name, "/%s-m%llu", prefix, (unsigned long long)i);
			int fd = shm_open(name, O_RDWR | O_CREAT, 0600);
			if (fd < 0 || ftruncate(fd, 4096) < 0)
				die(EXIT_FAIL, "%s: shm_open:", name);
			close(fd);
		} else {
			snprintf(name, sizeof name, "/%s-s%llu", prefix, (unsigned long long)i);
			sem_t *s = sem_open(name, O_CREAT, 0600, 1);
			if (s == SEM_FAILED)
				die(EXIT_FAIL, "%s: sem_open:", name);
			sem_close(s);
		}
	}
}

static void removeall(uint64_t n, key_t key, const char *prefix)
{
	char name[256];

	for (uint64_t i = 0; i < n; i++) {
		int id = shmget(key + (key_t)i, 0, 0);
		if (id >= 0)
			shmctl(id, IPC_RMID, NULL);
		snprintf(name, sizeof name, "/%s-m%llu", prefix, (unsigned long long)i);
		shm_unlink(name);
		snprintf(name, sizeof name, "/%s-s%llu", prefix, (unsigned long long)i);
		sem_unlink(name);
	}
}

int main(int argc, char **argv)
{
	uint64_t n, key;

	tool_init("ipcmany");
	if (argc != 5 || parse_u64(argv[2], 1, 100000, &n) < 0 ||
	    parse_u64(argv[3], 1, 0x7fffffff, &key) < 0)
		usage_error("usage: ipcmany make|remove N KEY PREFIX");
	if (strcmp(argv[1], "make") == 0)
		make(n, (key_t)key, argv[4]);
	else
		removeall(n, (key_t)key, argv[4]);
	return 0;
}
