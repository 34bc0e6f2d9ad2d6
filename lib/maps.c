/* SPDX-License-Identifier: ISC */
#include <string.h>
#include <sys/sysmacros.h>

#include "maps.h"

static unsigned long hexnum(const char **p, const char *end)
{
	unsigned long v = 0;

	for (; *p < end; (*p)++) {
		char c = **p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else
			break;
	}
	return v;
}

bool maps_entry_parse(const char *p, const char *end, struct maps_entry *e)
{
	for (int field = 0; field < 3; field++) {
		p = memchr(p, ' ', (size_t)(end - p));
		if (!p)
			return false;
		p++;
	}
	unsigned long maj = hexnum(&p, end);
	if (p == end || *p++ != ':')
		return false;
	unsigned long min = hexnum(&p, end);
	if (p == end || *p++ != ' ')
		return false;
	unsigned long long ino = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		ino = ino * 10 + (unsigned)(*p - '0');
	while (p < end && *p == ' ')
		p++;
	e->sysv = end - p > 5 && memcmp(p, "/SYSV", 5) == 0;
	e->dev = makedev(maj, min);
	e->ino = (ino_t)ino;
	/* Inode 0 is no file, but it is a System V shmid like any other. */
	return ino != 0 || e->sysv;
}
