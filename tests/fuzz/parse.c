/* SPDX-License-Identifier: ISC */
/*
 * lib/parse: numbers, sizes, durations and modes. The first byte picks the
 * parser, the rest is the text. Properties: arg_X exits 2 exactly when
 * parse_X fails, and returns what parse_X gave otherwise; a failure sets
 * errno EINVAL or ERANGE; a duration is never negative.
 */
#include <errno.h>

#include "fuzz.h"
#include "diag.h"
#include "parse.h"

struct job {
	int which;
	const char *s;
	uint64_t max;
	int64_t v;
};

static void arg(void *p)
{
	struct job *j = p;

	switch (j->which) {
	case 0: j->v = (int64_t)arg_u64("-n", j->s, 0, j->max); break;
	case 1: j->v = arg_i64("-n", j->s, -(int64_t)(j->max >> 1), (int64_t)(j->max >> 1)); break;
	case 2: j->v = (int64_t)arg_size("-s", j->s, j->max); break;
	case 3: j->v = arg_duration("-T", j->s); break;
	default: j->v = (int64_t)arg_mode("-m", j->s); break;
	}
}

static int parse(struct job *j, int64_t *v)
{
	uint64_t u;
	mode_t m;
	int rc;

	switch (j->which) {
	case 0: rc = parse_u64(j->s, 0, j->max, &u); *v = (int64_t)u; return rc;
	case 1: return parse_i64(j->s, -(int64_t)(j->max >> 1), (int64_t)(j->max >> 1), v);
	case 2: rc = parse_size(j->s, j->max, &u); *v = (int64_t)u; return rc;
	case 3:
		rc = parse_duration(j->s, v);
		FZ_CHECK(rc < 0 || *v >= 0);
		return rc;
	default:
		rc = parse_mode(j->s, &m);
		*v = m;
		FZ_CHECK(rc < 0 || m <= 07777);
		return rc;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	fz_quiet();
	char *s = fz_str(data + 2, size - 2);
	/* The second byte picks a range: all of uint64, or a small one. */
	struct job j = { data[0] % 5, s, data[1] & 1 ? UINT64_MAX : (uint64_t)data[1] << 8, 0 };
	int64_t v = 0;
	errno = 0;
	int rc = parse(&j, &v);
	FZ_CHECK(rc == 0 || rc == -1);
	FZ_CHECK(rc == 0 || errno == EINVAL || errno == ERANGE);
	int st = fz_call(arg, &j);
	FZ_CHECK(rc < 0 ? st == EXIT_USAGE : st == FZ_RETURNED && j.v == v);
	free(s);
	return 0;
}
