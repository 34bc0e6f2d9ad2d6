/* SPDX-License-Identifier: ISC */
/* Checked allocation: on failure say "out of memory" and exit. */
#ifndef IPCUTILS_ALLOC_H
#define IPCUTILS_ALLOC_H

#include <stddef.h>

/*
 * The status an allocation failure exits with: EXIT_FAIL unless a tool
 * that runs a command sets EXIT_CANNOT while it has not run it yet.
 */
extern int alloc_fail_status;

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* realloc to n * size bytes; an overflowing product is out of memory too. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
