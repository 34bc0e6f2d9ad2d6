/* SPDX-License-Identifier: ISC */
/* Timeouts (-T DURATION) as deadlines on the monotonic clock. */
#ifndef IPCUTILS_DEADLINE_H
#define IPCUTILS_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct deadline {
	bool forever;
	struct timespec end; /* CLOCK_MONOTONIC */
};

/* A deadline ns nanoseconds from now; ns < 0 means no deadline. */
void deadline_start(struct deadline *d, int64_t ns);
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
 * For calls that have no timeout of their own (flock, msgsnd): SIGALRM,
 * with a handler that only interrupts (no SA_RESTART), when d passes.
 * The call then fails with EINTR. Nothing is armed without a deadline.
 */
void deadline_alarm(const struct deadline *d);
void deadline_alarm_off(void);
/* The current monotonic time in nanoseconds. */
int64_t now_ns(void);

#endif
