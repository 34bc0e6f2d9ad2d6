/* SPDX-License-Identifier: ISC */
/*
 * The one table every bench helper prints (bench/README.md): per command
 * the median, the spread (min..max, or p10..p90 from 10 runs on) and the
 * ratio of its median to the first command's.
 */
#ifndef IPCUTILS_BENCH_TABLE_H
#define IPCUTILS_BENCH_TABLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Times in a unit that keeps three significant figures readable. */
static void fmt_ns(char *buf, size_t n, int64_t ns)
{
	if (ns < 1000000)
		snprintf(buf, n, "%.1f us", ns / 1e3);
	else if (ns < 1000 * 1000000LL)
		snprintf(buf, n, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, n, "%.3f s", ns / 1e9);
}

/*
 * Sorts each ns[i] (runs samples) and prints one row per command. A
 * negative sample marks a command that failed (a relay that lost data):
 * its row says so and gives no time, and no ratio is taken against it.
 */
static void print_table(const char *name, int ncmd, const char *const label[],
			int64_t *const ns[], int runs)
{
	int64_t first = 0;

	for (int i = 0; i < ncmd; i++) {
		int64_t *t = ns[i];
		char med[32], lo[32], hi[32], ratio[16];
		int a = runs >= 10 ? runs / 10 : 0;
		int b = runs >= 10 ? runs - 1 - runs / 10 : runs - 1;

		qsort(t, (size_t)runs, sizeof *t, cmp64);
		if (t[0] < 0) {
			printf("%-18s %-34s %10s\n", i == 0 ? name : "", label[i], "FAILED");
			continue;
		}
		int64_t m = t[runs / 2];
		if (i == 0)
			first = m;
		fmt_ns(med, sizeof med, m);
		fmt_ns(lo, sizeof lo, t[a]);
		fmt_ns(hi, sizeof hi, t[b]);
		if (first)
			snprintf(ratio, sizeof ratio, "%.2f", (double)m / (double)first);
		else
			snprintf(ratio, sizeof ratio, "-");
		printf("%-18s %-34s %10s  %10s .. %-10s %6s\n", i == 0 ? name : "",
		       label[i], med, lo, hi, ratio);
	}
}

#endif
