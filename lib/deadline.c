/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "alloc.h"
#include "deadline.h"
#include "parse.h"

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * NS_PER_SEC + t->tv_nsec;
}

struct timespec ns_to_timespec(int64_t ns)
{
	return (struct timespec){ .tv_sec = ns / NS_PER_SEC,
				  .tv_nsec = ns % NS_PER_SEC };
}

struct timeval ns_to_timeval(int64_t ns)
{
	return (struct timeval){ .tv_sec = ns / NS_PER_SEC,
				 .tv_usec = ns % NS_PER_SEC / 1000 };
}

int ns_to_poll_ms(int64_t ns)
{
	int64_t ms = ns / 1000000 + (ns % 1000000 != 0);
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

void deadline_start(struct deadline *d, int64_t ns)
{
	d->forever = ns < 0;
	if (!d->forever) {
		int64_t now = now_ns();

		d->end = ns_to_timespec(ns > INT64_MAX - now ? INT64_MAX : now + ns);
	}
}

void deadline_start_within(struct deadline *d, int64_t ns,
			   const struct deadline *outer)
{
	deadline_start(d, ns);
	if (!outer->forever && (d->forever || ts_ns(&outer->end) < ts_ns(&d->end)))
		*d = *outer;
}

int64_t deadline_left(const struct deadline *d)
{
	if (d->forever)
		return INT64_MAX;
	int64_t left = ts_ns(&d->end) - now_ns();
	return left > 0 ? left : 0;
}

bool deadline_passed(const struct deadline *d)
{
	return deadline_left(d) == 0;
}

int deadline_poll_ms(const struct deadline *d)
{
	if (d->forever)
		return -1;
	return ns_to_poll_ms(deadline_left(d));
}

const struct timespec *deadline_realtime(const struct deadline *d,
					 struct timespec *buf)
{
	struct timespec now;
	int64_t left;

	if (d->forever)
		return NULL;
	left = deadline_left(d);
	clock_gettime(CLOCK_REALTIME, &now);
	*buf = ns_to_timespec(ts_ns(&now) > INT64_MAX - left ? INT64_MAX : ts_ns(&now) + left);
	return buf;
}

static void on_alarm(int sig)
{
	(void)sig;
}

bool deadline_alarm(const struct deadline *d, int tick_ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int64_t ns = deadline_left(d);

	if (tick_ms > 0 && ns > (int64_t)tick_ms * (NS_PER_SEC / 1000))
		ns = (int64_t)tick_ms * (NS_PER_SEC / 1000);
	if (ns == INT64_MAX)
		return false;
	if (ns < 1000)
		ns = 1000; /* 0 would disarm it */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART */
	/*
	 * Then again every millisecond: an expiry that comes before the call
	 * starts interrupts nothing, and the next one cuts the wait short.
	 */
	struct itimerval it = { .it_value = ns_to_timeval(ns),
				.it_interval = { 0, 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	return true;
}

void deadline_alarm_off(void)
{
	struct itimerval it = { 0 };
	int saved = errno;

	setitimer(ITIMER_REAL, &it, NULL);
	errno = saved;
}

void deadline_backoff(const struct deadline *d, int64_t *delay, int64_t max)
{
	int64_t left = deadline_left(d);
	struct timespec ts = ns_to_timespec(*delay < left ? *delay : left);

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		continue;
	*delay = *delay > max / 2 ? max : *delay * 2;
}

struct timeout arg_timeout(const char *opt, const char *s)
{
	return (struct timeout){ arg_duration(opt, s), s };
}

const char *timeout_str(const struct timeout *t)
{
	static char *buf; /* the user's text has no bound */
	size_t n = strlen(t->text) + 2;

	buf = xreallocarray(buf, n, 1);
	snprintf(buf, n, "%s%s", t->text, duration_unit(t->text));
	return buf;
}

void timeout_spend(struct timeout *t, int64_t start_ns)
{
	int64_t spent = now_ns() - start_ns;

	if (t->ns >= 0)
		t->ns = t->ns > spent ? t->ns - spent : 0;
}
