/* SPDX-License-Identifier: ISC */
/*
 * lib/semrec's reader of untrusted bytes: the record of holders in a
 * semaphore's file, which its owner (or anyone who plants the file) may
 * fill with anything. The input is the whole file. Properties: it
 * returns -1, 0 or 1 and never crashes; with 1, at most SEMREC_SLOTS
 * holders, each with a plausible PID and count, and held and lost are
 * the sums of the live and of the dead holders' permits.
 */
#include <limits.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "semrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct semrec_view v;
	static int fd = -1;
	unsigned long held = 0, lost = 0;

	fz_quiet();
	if (fd < 0)
		fd = memfd_create("semrec", MFD_CLOEXEC);
	FZ_CHECK(fd >= 0);
	FZ_CHECK(ftruncate(fd, 0) == 0);
	FZ_CHECK(size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size);
	int r = semrec_read(fd, &v);
	FZ_CHECK(r >= -1 && r <= 1);
	if (r != 1) {
		FZ_CHECK(v.n == 0 || r < 0);
		return 0;
	}
	FZ_CHECK(v.n >= 0 && v.n <= SEMREC_SLOTS);
	for (int i = 0; i < v.n; i++) {
		FZ_CHECK(v.h[i].pid > 0 && v.h[i].pid <= 4194304);
		FZ_CHECK(v.h[i].permits <= (unsigned)SEM_VALUE_MAX);
		FZ_CHECK(v.h[i].state != SEMREC_FREE);
		if (v.h[i].state == SEMREC_LIVE)
			held += v.h[i].permits;
		else if (v.h[i].state == SEMREC_DEAD)
			lost += v.h[i].permits;
	}
	FZ_CHECK(held == v.held && lost == v.lost);
	return 0;
}
