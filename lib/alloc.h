/* SPDX-License-Identifier: ISC */
/*
 * Checked allocation: on failure say "out of memory" and exit through
 * die(EXIT_FAIL), so with die_fail_status (diag.h): a tool about to run a
 * command exits 125 for it too.
 */
#ifndef IPCUTILS_ALLOC_H
#define IPCUTILS_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* realloc to n * size bytes; an overflowing product is out of memory too. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
