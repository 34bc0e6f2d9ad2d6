/* SPDX-License-Identifier: ISC */
/*
 * lib/maps: maps_entry_parse on lines of /proc/PID/maps. The first
 * byte picks the case: 0, the rest is one line as it is (in a buffer of
 * its exact size, so a read past its end is caught); else the rest gives
 * the fields of a well-formed line, which is printed and must parse back
 * to the same device, inode and kind. Properties: nothing is read past a
 * line; an entry is a System V one or has an inode.
 */
#include <inttypes.h>
#include <sys/sysmacros.h>

#include "fuzz.h"
#include "holders.h"

static void raw_line(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	struct maps_entry e;

	FZ_CHECK(line != NULL);
	memcpy(line, data, size);
	if (maps_entry_parse(line, line + size, &e))
		FZ_CHECK(e.sysv || e.ino != 0);
	free(line);
}

/* A line as the kernel prints it, with the path the input ends with. */
static void made_line(const uint8_t *data, size_t size)
{
	uint32_t maj, min;
	uint64_t ino;
	char line[512];
	struct maps_entry e;

	if (size < 16)
		return;
	memcpy(&maj, data, 4);
	memcpy(&min, data + 4, 4);
	memcpy(&ino, data + 8, 8);
	maj &= 0xfff;
	min &= 0xfffff;
	bool sysv = data[0] & 1;
	int n = snprintf(line, sizeof line, "7f00-7f01 rw-s 00000000 %02" PRIx32 ":%02" PRIx32 " %" PRIu64 "%*s%s%.*s",
			 maj, min, ino, 10, "", sysv ? "/SYSV00000000 (deleted)" : "/dev/shm/",
			 (int)(size - 16 > 200 ? 200 : size - 16), (const char *)data + 16);
	FZ_CHECK(n > 0 && (size_t)n < sizeof line);
	size_t len = strcspn(line, "\n");
	bool ok = maps_entry_parse(line, line + len, &e);
	FZ_CHECK(ok == (sysv || ino != 0));
	if (ok) {
		FZ_CHECK(e.sysv == sysv);
		FZ_CHECK((uint64_t)e.ino == ino);
		FZ_CHECK(major(e.dev) == maj && minor(e.dev) == min);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	fz_quiet();
	if (data[0] == 0)
		raw_line(data + 1, size - 1);
	else
		made_line(data + 1, size - 1);
	return 0;
}
