/* SPDX-License-Identifier: ISC */
/*
 * lib/sem's parser of untrusted text: --all-of N,... (ipcsem_members_arg).
 * Properties: it returns or exits 2; what it returns is 1 to
 * SEM_MEMBERS_MAX distinct members, each below the largest it names, and
 * span is one more than the largest; printed back as a list and parsed
 * again it gives the same members in the same order.
 */
#include "fuzz.h"
#include "diag.h"
#include "sem.h"

struct job {
	struct ipcsem_members m;
	const char *list;
};

static void parse(void *p)
{
	struct job *j = p;

	ipcsem_members_arg(&j->m, "--all-of", j->list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char again[SEM_MEMBERS_MAX * 8];
	size_t len = 0;

	fz_quiet();
	char *s = fz_str(data, size);
	struct job j = { .list = s }, k = { .list = again };
	int st = fz_call(parse, &j);

	FZ_CHECK(st == FZ_RETURNED || st == EXIT_USAGE);
	if (st == FZ_RETURNED) {
		int max = 0;

		FZ_CHECK(j.m.n >= 1 && j.m.n <= SEM_MEMBERS_MAX);
		for (int i = 0; i < j.m.n; i++) {
			FZ_CHECK(j.m.num[i] < SEM_MEMBERS_MAX * 16);
			for (int h = 0; h < i; h++)
				FZ_CHECK(j.m.num[h] != j.m.num[i]);
			if (j.m.num[i] > max)
				max = j.m.num[i];
			len += (size_t)snprintf(again + len, sizeof again - len, "%s%u",
						i ? "," : "", (unsigned)j.m.num[i]);
		}
		FZ_CHECK(ipcsem_members_span(&j.m) == max + 1);
		FZ_CHECK(fz_call(parse, &k) == FZ_RETURNED);
		FZ_CHECK(k.m.n == j.m.n);
		FZ_CHECK(memcmp(k.m.num, j.m.num, sizeof *j.m.num * (size_t)j.m.n) == 0);
	}
	free(s);
	return 0;
}
