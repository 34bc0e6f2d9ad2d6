/* SPDX-License-Identifier: ISC */
/* Timeouts (-T DURATION) as deadlines on the monotonic clock. */
#ifndef IPCUTILS_DEADLINE_H
#define IPCUTILS_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/time.h>

struct deadline {
	bool forever;
	struct timespec end; /* CLOCK_MONOTONIC */
};

/* A deadline ns nanoseconds from now; ns < 0 means no deadline. */
void deadline_start(struct deadline *d, int64_t ns);
/*
 * The same, but never later than outer: an --idle-timeout for one wait
 * inside the -T that bounds them all.
 */
void deadline_start_within(struct deadline *d, int64_t ns,
			   const struct deadline *outer);

/*
 * A timeout as the user gave it (-T DURATION, and every other duration
 * option whose passing a message reports): its length, and its text,
 * which messages print as written, never reformatted.
 */
struct timeout {
	int64_t ns;       /* -1: none given */
	const char *text; /* the option's argument; NULL: none given */
};
#define NO_TIMEOUT ((struct timeout){ .ns = -1, .text = NULL })

/* OPT's argument s as a timeout; a usage error naming OPT (exit 2) if not a duration. */
struct timeout arg_timeout(const char *opt, const char *s);
/*
 * The one way messages name a timeout: the user's text, with "s" when it
 * has no unit ("0.3" is "0.3s", "250ms" stays), as in "no message within
 * 0.3s". Valid until the next call.
 */
const char *timeout_str(const struct timeout *t);
/*
 * What is left of t after the time since start_ns (now_ns()), at least 0:
 * for one -T that bounds two waits together.
 */
void timeout_spend(struct timeout *t, int64_t start_ns);
/* Nanoseconds left (0 once passed); INT64_MAX without a deadline. */
int64_t deadline_left(const struct deadline *d);
bool deadline_passed(const struct deadline *d);
/* Milliseconds left for poll(2), rounded up; -1 without a deadline. */
int deadline_poll_ms(const struct deadline *d);
/*
 * The same instant on CLOCK_REALTIME, for the calls that take an absolute
 * time (mq_timedsend, mq_timedreceive, sem_timedwait). NULL without one.
 */
const struct timespec *deadline_realtime(const struct deadline *d,
					 struct timespec *buf);
/*
 * For calls that have no timeout of their own (flock, msgsnd, msgrcv):
 * SIGALRM, with a handler that only interrupts (no SA_RESTART), when d
 * passes, or after tick_ms if that is sooner (0: no tick), so a caller
 * without a deadline can still look around now and then. The call then
 * fails with EINTR; deadline_passed(d) tells a timeout from a tick or
 * another signal. Returns whether anything was armed (nothing is without
 * a deadline or a tick). deadline_alarm_off disarms it and keeps errno,
 * so the interrupted call's error can be read after it.
 */
bool deadline_alarm(const struct deadline *d, int tick_ms);
void deadline_alarm_off(void);
/*
 * A pause between tries: sleep *delay, or until d passes if that is
 * sooner (a signal does not cut it short), then double *delay, up to max.
 */
void deadline_backoff(const struct deadline *d, int64_t *delay, int64_t max);
/* The current monotonic time in nanoseconds. */
int64_t now_ns(void);
/* A duration of ns >= 0 nanoseconds as a timespec (nanosleep). */
struct timespec ns_to_timespec(int64_t ns);
/* The same as a timeval (SO_SNDTIMEO, setitimer), microseconds cut. */
struct timeval ns_to_timeval(int64_t ns);
/* ns >= 0 as milliseconds for poll(2): rounded up, at most INT_MAX. */
int ns_to_poll_ms(int64_t ns);

#endif
