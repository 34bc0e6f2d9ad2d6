/* SPDX-License-Identifier: ISC */
/*
 * A line of /proc/PID/maps, read for what it maps: used by ipcls's holder
 * scan and by the semaphore record's check that a file is the one mapped.
 * A leaf: nothing else of ipcls comes with it.
 */
#ifndef IPCUTILS_MAPS_H
#define IPCUTILS_MAPS_H

#include <stdbool.h>
#include <sys/types.h>

/* What a line of /proc/PID/maps maps: a file's device and inode, or a
 * System V segment (sysv, ino its shmid). */
struct maps_entry {
	dev_t dev;
	ino_t ino;
	bool sysv;
};
/* The entry of the maps line from p to end (no newline); false for an
 * anonymous mapping or a line that is not one. */
bool maps_entry_parse(const char *p, const char *end, struct maps_entry *e);

#endif
