/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "parse.h"

/*
 * Read an unsigned number, decimal or 0x hex, from the start of s. On
 * success *end points past the digits. Never trusts strtoull, which
 * accepts blanks, a sign and "-1" as a huge number.
 */
static int scan_u64(const char *s, const char **end, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;
	int overflow = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *first = p;
	for (;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			overflow = 1;
		else
			v = v * base + d;
	}
	if (p == first) {
		errno = EINVAL;
		return -1;
	}
	*end = p;
	if (overflow) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;

	if (scan_u64(s, &end, &v) < 0) {
		if (errno == ERANGE && *end != '\0')
			errno = EINVAL;
		return -1;
	}
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	uint64_t mag;
	int neg = s[0] == '-';
	int64_t v;

	if (parse_u64(s + neg, 0, UINT64_MAX, &mag) < 0)
		return -1;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1) {
			errno = ERANGE;
			return -1;
		}
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > INT64_MAX) {
			errno = ERANGE;
			return -1;
		}
		v = (int64_t)mag;
	}
	if (v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v, mult = 1;

	if (scan_u64(s, &end, &v) < 0) {
		/* Too many digits is out of range only if a suffix could follow. */
		if (errno == ERANGE && end[0] != '\0'
		    && (end[1] != '\0' || !strchr("kKmMgG", end[0])))
			errno = EINVAL;
		return -1;
	}
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	default: errno = EINVAL; return -1;
	}
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (v > max / mult) {
		errno = ERANGE;
		return -1;
	}
	*out = v * mult;
	return 0;
}

/*
 * The nanoseconds in the fraction digits [p, end) of a unit of u ns,
 * rounded down, exactly for any number of digits: from the last digit
 * up, t = (d * u + t) / 10 keeps t below u, and flooring at each step
 * floors the whole.
 */
static int64_t frac_ns(const char *p, const char *end, int64_t u)
{
	int64_t t = 0;

	while (end > p) {
		end--;
		t = ((*end - '0') * u + t) / 10;
	}
	return t;
}

int parse_duration(const char *s, int64_t *ns)
{
	static const struct { const char *name; int64_t ns; } units[] = {
		{ "", NS_PER_SEC }, { "s", NS_PER_SEC }, { "ms", 1000000 },
		{ "m", 60 * NS_PER_SEC }, { "h", 3600 * NS_PER_SEC },
	};
	const char *p = s, *frac = NULL, *unit;
	uint64_t whole = 0;
	int64_t u = 0;
	int overflow = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			overflow = 1;
		else
			whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		frac = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	unit = p;
	/* At least one digit, before or after the point. */
	if (unit == s || (frac && unit == s + 1)) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(unit, units[i].name) == 0)
			u = units[i].ns;
	if (u == 0) {
		errno = EINVAL;
		return -1;
	}
	if (overflow || whole > (uint64_t)(INT64_MAX / u)) {
		errno = ERANGE;
		return -1;
	}
	int64_t part = frac ? frac_ns(frac, unit, u) : 0;
	if ((int64_t)whole * u > INT64_MAX - part) {
		errno = ERANGE;
		return -1;
	}
	*ns = (int64_t)whole * u + part;
	return 0;
}

int parse_mode(const char *s, mode_t *out)
{
	unsigned v = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (*p < '0' || *p > '7' || v > 07777 >> 3) {
			errno = *p < '0' || *p > '7' ? EINVAL : ERANGE;
			return -1;
		}
		v = v * 8 + (unsigned)(*p - '0');
	}
	if (p == s) {
		errno = EINVAL;
		return -1;
	}
	*out = (mode_t)v;
	return 0;
}

uint64_t arg_u64(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v) < 0) {
		if (errno == ERANGE)
			usage_error("%s: '%s' is out of range (%" PRIu64 " to %" PRIu64 ")",
				    opt, s, min, max);
		usage_error("%s: invalid number '%s'", opt, s);
	}
	return v;
}

int64_t arg_i64(const char *opt, const char *s, int64_t min, int64_t max)
{
	int64_t v;

	if (parse_i64(s, min, max, &v) < 0) {
		if (errno == ERANGE)
			usage_error("%s: '%s' is out of range (%" PRId64 " to %" PRId64 ")",
				    opt, s, min, max);
		usage_error("%s: invalid number '%s'", opt, s);
	}
	return v;
}

uint64_t arg_size(const char *opt, const char *s, uint64_t max)
{
	uint64_t v;

	if (parse_size(s, max, &v) < 0) {
		if (errno == ERANGE)
			usage_error("%s: '%s' is too large (at most %" PRIu64 " bytes)",
				    opt, s, max);
		usage_error("%s: invalid size '%s' (a number with an optional K, M or G)",
			    opt, s);
	}
	return v;
}

int64_t arg_duration(const char *opt, const char *s)
{
	int64_t v;

	if (parse_duration(s, &v) < 0) {
		if (errno == ERANGE)
			usage_error("%s: duration '%s' is too long", opt, s);
		usage_error("%s: invalid duration '%s' (a number with an optional unit ms, s, m or h)",
			    opt, s);
	}
	return v;
}

mode_t arg_mode(const char *opt, const char *s)
{
	mode_t m;

	if (parse_mode(s, &m) < 0) {
		if (errno == ERANGE)
			usage_error("%s: mode '%s' is out of range (at most 7777)", opt, s);
		usage_error("%s: invalid mode '%s' (octal digits, e.g. 600)", opt, s);
	}
	return m;
}

const char *duration_unit(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && ((s[n - 1] >= '0' && s[n - 1] <= '9') || s[n - 1] == '.') ? "s" : "";
}
