/* SPDX-License-Identifier: ISC */
/*
 * shmwatch KEY COUNT: attach the System V segment with key KEY and stay
 * attached; print "attached ID SIZE", then each time its content changes
 * print the content (printable bytes as they are, others as \ooo), COUNT
 * times, then exit 0. Exits 1 if nothing changes for 10 seconds. Lets
 * tests check that shmput writes in place, visibly to a process that has
 * the segment attached, and that --offset touches only the bytes named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <time.h>

#include "deadline.h"
#include "diag.h"
#include "parse.h"
#include "tool.h"

static void show(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\%03o", p[i]);
	putchar('\n');
	fflush(stdout);
}

int main(int argc, char **argv)
{
	uint64_t key, count;
	struct shmid_ds ds;
	struct deadline d;

	tool_init("shmwatch");
	if (argc != 3)
		usage_error("usage: shmwatch KEY COUNT");
	key = arg_u64("KEY", argv[1], 1, 0xffffffffu);
	count = arg_u64("COUNT", argv[2], 0, 1000);
	int id = shmget((key_t)(uint32_t)key, 0, 0);
	if (id < 0 || shmctl(id, IPC_STAT, &ds) < 0)
		die(1, "key %s: cannot find the segment:", argv[1]);
	const unsigned char *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		die(1, "key %s: cannot attach:", argv[1]);
	size_t n = ds.shm_segsz;
	unsigned char *last = malloc(n);
	if (!last)
		die(1, "out of memory");
	memcpy(last, p, n);
	printf("attached %d %zu\n", id, n);
	show(last, n);
	while (count > 0) {
		deadline_start(&d, 10 * NS_PER_SEC);
		while (memcmp(last, p, n) == 0) {
			if (deadline_passed(&d))
				die(1, "no change in 10 seconds");
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		}
		/* Let a write in progress finish before showing it. */
		nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
		memcpy(last, p, n);
		show(last, n);
		count--;
	}
	return 0;
}
