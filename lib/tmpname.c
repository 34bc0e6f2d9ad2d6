/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "deadline.h"
#include "tmpname.h"

/* Replace the last nx characters of name with random [A-Za-z0-9]. */
static void tmpname_fill(char *name, size_t nx)
{
	static const char chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static uint64_t x;
	char *p = name + strlen(name) - nx;

	for (size_t i = 0; i < nx; i++) {
		unsigned char r;
		if (getrandom(&r, 1, GRND_NONBLOCK) != 1) {
			/* No getrandom (old kernel, seccomp): xorshift on time and pid. */
			x ^= (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r = (unsigned char)x;
		}
		p[i] = chars[r % (sizeof chars - 1)];
	}
}

size_t tmpname_beside(char *buf, size_t size, const char *path, const char *tag)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	/* ".", ".", "-" and 8 X's around BASE and TAG in one component. */
	size_t fixed = strlen(tag) + 11;
	int n;

	if (fixed >= NAME_MAX) {
		errno = ENAMETOOLONG;
		return 0;
	}
	n = snprintf(buf, size, "%.*s.%.*s.%s-XXXXXXXX", dirlen, path,
		     (int)(NAME_MAX - fixed), path + dirlen, tag);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return 0;
	}
	return 8;
}

int tmpname_make(char *path, size_t nx, int (*make)(const char *path, void *arg),
		 void *arg)
{
	for (int i = 0; i < TMPNAME_TRIES; i++) {
		tmpname_fill(path, nx);
		int r = make(path, arg);
		if (r >= 0 || errno != EEXIST)
			return r;
	}
	errno = EEXIST;
	return -1;
}
