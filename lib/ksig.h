/* SPDX-License-Identifier: ISC */
/*
 * Signals 1 to 64 as the kernel sees them. The C library's sigaction and
 * sigprocmask refuse or hide the signals it keeps for itself (32 and 33
 * with glibc, 32 to 34 with musl), and those kill too, so cleanup.c and
 * exec.c set and read actions with the system calls. The system calls
 * also touch nothing of the C library's: a child sharing our memory
 * (exec_spawn) may make them.
 */
#ifndef IPCUTILS_KSIG_H
#define IPCUTILS_KSIG_H

#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>

struct ksigaction {
	void *handler;          /* NULL: SIG_DFL, as on every Linux */
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};
#define KBIT(sig) ((uint64_t)1 << ((sig) - 1))
#define KSIG_IGN ((void *)1)

static inline int kaction(int sig, const struct ksigaction *sa, struct ksigaction *old)
{
	return (int)syscall(SYS_rt_sigaction, sig, sa, old, sizeof(uint64_t));
}

static inline int kmask(int how, const uint64_t *set, uint64_t *old)
{
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, sizeof(uint64_t));
}

#endif
