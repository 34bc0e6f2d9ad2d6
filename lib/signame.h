/* SPDX-License-Identifier: ISC */
/*
 * Signal names and numbers: TERM, SIGTERM, term, 15, RTMIN+N, RTMAX-N, and
 * back. A table of our own, since sigabbrev_np is glibc-only. Real-time
 * signals are numbered from the C library's SIGRTMIN, as kill(1) does.
 */
#ifndef IPCUTILS_SIGNAME_H
#define IPCUTILS_SIGNAME_H

#include <signal.h>
#include <stdbool.h>

/* Long enough for any name sig_name returns, with its NUL ("RTMIN+15"). */
#define SIG_NAME_MAX 16

/*
 * The signal s names: a name with or without SIG in any case, a decimal
 * number 0 to SIGRTMAX, RTMIN, RTMAX, RTMIN+N or RTMAX-N. Returns the
 * number, or -1 with errno EINVAL (no such name) or ERANGE (a number or
 * offset past the last signal).
 */
int sig_parse(const char *s);

/*
 * The name of sig without SIG ("TERM", "RTMIN+2", "RTMAX"), in buf, or
 * its decimal number if it has no name (0, or a number the C library
 * keeps for itself). Returns buf.
 */
const char *sig_name(int sig, char buf[SIG_NAME_MAX]);

/* Does sig have a name: 1 to 31 as the system numbers them, SIGRTMIN to SIGRTMAX. */
bool sig_named(int sig);

/*
 * Does sig end a process that left it at its default action, with a core
 * file or without: every signal 1 to 64 as the kernel numbers them (the
 * C library's own 32 to 34 too) but KILL and STOP, which cannot be
 * caught, and those whose default is to stop, continue or be ignored.
 * The one list of them; the others below are cut from it.
 */
bool sig_ends_process(int sig);

/* A signal a fault raises (SEGV, BUS, ILL, FPE, TRAP, SYS): after a real
 * one a handler cannot go on safely, nor can it wait while blocked. */
bool sig_fault(int sig);

/*
 * Would sig end a process that left it at its default action, coming from
 * kill(2): sig_ends_process, less the faults and the numbers the C
 * library keeps for itself (QUIT, ABRT, XCPU, the real-time ones, ...).
 */
bool sig_kills(int sig);

/* The signals that would kill us (sig_kills) and that we do not ignore:
 * those a stop or a supervisor catches. */
void sig_stops(sigset_t *set);

/*
 * kill -l: every named signal as "NUMBER NAME" lines on stdout, or each
 * of the n args converted, name to number and number to name; all are
 * checked first (a usage error for a bad one, nothing printed).
 */
void sig_list(char **args, int n);

/*
 * sig_parse for an argument: on failure a usage error naming opt (or
 * nothing, for an operand, when opt is NULL) and exit 2. Numbers below
 * min are refused too.
 */
int arg_signal(const char *opt, const char *s, int min);

#endif
