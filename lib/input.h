/* SPDX-License-Identifier: ISC */
/*
 * Standard input read into memory: once, straight into its place, and
 * bounded, so endless input ends where it can no longer fit.
 */
#ifndef IPCUTILS_INPUT_H
#define IPCUTILS_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Memory that input is read into: a mapping of fd, anonymous (fd -1), or fixed. */
struct area {
	int fd;
	bool fixed;
	char *p;
	size_t len;
	const char *label;
};

/* stdin's remaining size if it is a regular file, else -1. */
int64_t input_size(void);

/*
 * Read stdin into a from byte off on, at most max bytes, growing a as the
 * input comes (it starts at room bytes). Returns the bytes stored, or
 * max + 1 when there was more: reading stops there, so endless input
 * ends too.
 */
size_t slurp(struct area *a, size_t off, size_t max, size_t room);

/*
 * Copy known bytes of stdin, a regular file, into fd with one copy and
 * no page zeroing: write(2) from a mapping of it. (Reading into a mapping
 * of a tmpfs object makes the kernel zero each page first; splice(2) from
 * a pipe measured slower still.) False when stdin cannot be mapped.
 */
bool copy_in(int fd, const char *label, size_t known);

#endif
