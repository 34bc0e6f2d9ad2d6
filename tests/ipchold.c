/* SPDX-License-Identifier: ISC */
/*
 * ipchold: make or hold IPC objects the way other programs do, for the
 * ipcls tests.
 *
 *   ipchold [-x | -t | -f] SPEC...
 *
 *   sem:/NAME:VALUE  create a POSIX named semaphore (sem_open, mode 0600)
 *   shm:/NAME        map an existing POSIX shared memory object
 *   sysv:ID          attach an existing System V segment
 *   mq:/NAME         open an existing POSIX message queue
 *
 * Prints "ready" once it holds them all, then waits until killed; with -x
 * it exits instead (sem_open then just makes the semaphore). With -t a
 * second thread takes and holds them, and the main thread exits: the
 * process lives on with its leader a zombie, as ipcls must still see.
 * With -f the second thread first takes a descriptor table of its own
 * (unshare CLONE_FILES), and the main thread stays.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdnoreturn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static void fail(const char *what, const char *spec)
{
	fprintf(stderr, "ipchold: %s: ", spec);
	perror(what);
	exit(1);
}

static void hold(const char *spec)
{
	if (strncmp(spec, "sem:", 4) == 0) {
		char name[256];
		const char *colon = strrchr(spec + 4, ':');
		if (!colon || (size_t)(colon - spec - 4) >= sizeof name)
			fail("sem:/NAME:VALUE", spec);
		memcpy(name, spec + 4, (size_t)(colon - spec - 4));
		name[colon - spec - 4] = '\0';
		if (sem_open(name, O_CREAT, 0600, (unsigned)atoi(colon + 1)) == SEM_FAILED)
			fail("sem_open", spec);
	} else if (strncmp(spec, "shm:", 4) == 0) {
		struct stat st;
		int fd = shm_open(spec + 4, O_RDWR, 0);
		if (fd < 0 || fstat(fd, &st) < 0)
			fail("shm_open", spec);
		if (mmap(NULL, st.st_size ? (size_t)st.st_size : 1, PROT_READ,
			 MAP_SHARED, fd, 0) == MAP_FAILED)
			fail("mmap", spec);
		close(fd); /* held by the mapping alone */
	} else if (strncmp(spec, "sysv:", 5) == 0) {
		if (shmat(atoi(spec + 5), NULL, SHM_RDONLY) == (void *)-1)
			fail("shmat", spec);
	} else if (strncmp(spec, "mq:", 3) == 0) {
		if (mq_open(spec + 3, O_RDONLY) == (mqd_t)-1)
			fail("mq_open", spec);
	} else {
		fail("unknown spec", spec);
	}
}

static char **specs;

/* Hold every spec, say so, wait until killed; arg: in a table of its own. */
static noreturn void *hold_all(void *arg)
{
	if (arg && unshare(CLONE_FILES) < 0)
		fail("unshare", "-f");
	for (char **p = specs; *p; p++)
		hold(*p);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int i = 1;
	pthread_t t;

	if (i < argc && strcmp(argv[i], "-x") == 0) {
		for (i++; i < argc; i++)
			hold(argv[i]);
		return 0;
	}
	if (i < argc && (strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "-f") == 0)) {
		bool own = argv[i][1] == 'f';
		specs = argv + i + 1;
		if (pthread_create(&t, NULL, hold_all, own ? argv : NULL) != 0)
			fail("pthread_create", argv[i]);
		if (own)
			for (;;)
				pause();
		pthread_exit(NULL);
	}
	specs = argv + i;
	hold_all(NULL);
}
