/* SPDX-License-Identifier: ISC */
/*
 * What every harness in tests/fuzz/ shares. Built with clang
 * -fsanitize=fuzzer,address,undefined and -Wl,--wrap=exit (tests/fuzz/run):
 * lib/ dies through exit(), and a harness must see which status it asked
 * for and go on with the next input, so fz_call runs a function with
 * exit() turned into a jump back.
 */
#ifndef IPCUTILS_FUZZ_H
#define IPCUTILS_FUZZ_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdnoreturn.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
noreturn void __real_exit(int status);
noreturn void __wrap_exit(int status);

#define FZ_RETURNED (-1)

static jmp_buf fz_jmp;
static volatile int fz_armed, fz_status;

noreturn void __wrap_exit(int status)
{
	if (fz_armed) {
		fz_armed = 0;
		fz_status = status;
		longjmp(fz_jmp, 1);
	}
	__real_exit(status);
}

/* Run fn(arg): FZ_RETURNED if it returned, else the status it exited with. */
static inline int fz_call(void (*fn)(void *), void *arg)
{
	if (setjmp(fz_jmp))
		return fz_status;
	fz_armed = 1;
	fn(arg);
	fz_armed = 0;
	return FZ_RETURNED;
}

/* A property that does not hold is a crash, with the input saved. */
#define FZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(fz_err, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static FILE *fz_err;

/* Messages lib/ prints for bad input go nowhere; FZ_CHECK's to fd 2. */
static inline void fz_quiet(void)
{
	if (!fz_err) {
		fz_err = stderr;
		FILE *null = fopen("/dev/null", "w");
		if (null)
			stderr = null;
	}
}

/* The input as a C string: a copy up to its first NUL, freed by the caller. */
static inline char *fz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
