/* SPDX-License-Identifier: ISC */
/*
 * Strict parsing of numbers, sizes, durations and modes: the whole string,
 * range-checked, no silent wrap. The parse_* functions return 0, or -1
 * with errno EINVAL (not a number of that kind) or ERANGE (out of range).
 * The arg_* twins are for option arguments: on failure they print a usage
 * error naming the option and the accepted range, and exit 2.
 */
#ifndef IPCUTILS_PARSE_H
#define IPCUTILS_PARSE_H

#include <stdint.h>
#include <sys/types.h>

#define NS_PER_SEC 1000000000LL

/* Decimal digits, or 0x and hex digits. No sign, no blanks. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* As parse_u64 with an optional leading '-'. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* A number with an optional K, M or G (1024-based, either case). */
int parse_size(const char *s, uint64_t max, uint64_t *out);
/* A number, fractions allowed, with an optional unit ms, s (default), m, h. */
int parse_duration(const char *s, int64_t *ns);
/* Octal permission bits, at most 07777. */
int parse_mode(const char *s, mode_t *out);

uint64_t arg_u64(const char *opt, const char *s, uint64_t min, uint64_t max);
int64_t arg_i64(const char *opt, const char *s, int64_t min, int64_t max);
uint64_t arg_size(const char *opt, const char *s, uint64_t max);
int64_t arg_duration(const char *opt, const char *s);
mode_t arg_mode(const char *opt, const char *s);

/*
 * For messages that print a duration as the user gave it: "s" when the
 * text has no unit ("0.3" is printed "0.3s"), else "". Use "%s%s", s,
 * duration_unit(s): the user's own text, never a reformatted number.
 */
const char *duration_unit(const char *s);

#endif
