/* SPDX-License-Identifier: ISC */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "diag.h"

static void *checked(void *p)
{
	if (!p)
		die(EXIT_FAIL, "out of memory");
	return p;
}

void *xmalloc(size_t n)
{
	return checked(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return checked(calloc(n ? n : 1, size ? size : 1));
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return checked(NULL);
	size_t total = n * size;
	return checked(realloc(p, total > 0 ? total : 1));
}

char *xstrdup(const char *s)
{
	return checked(strdup(s));
}
