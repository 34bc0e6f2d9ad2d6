/* SPDX-License-Identifier: ISC */
/*
 * --userspec USER[:GROUP], as chroot(1)'s: the user and group a server
 * becomes once it holds what needed root (tcpserver -u -g). USER alone
 * (a name, or a number with a passwd entry) brings its primary group and
 * its supplementary groups, as login does; USER:GROUP that group alone.
 */
#ifndef IPCUTILS_USERSPEC_H
#define IPCUTILS_USERSPEC_H

#include <stdbool.h>
#include <sys/types.h>

struct userspec {
	const char *text;   /* as given, for messages */
	uid_t uid;
	gid_t gid;
	bool init_groups;   /* USER alone: its supplementary groups too */
	char name[256];     /* the user's name, for initgroups */
};

/* Parse USER[:GROUP]; an unknown user or group is a usage error naming it. */
void userspec_arg(const char *opt, const char *s, struct userspec *u);
/*
 * Become u: supplementary groups, group, user, in that order, then make
 * sure root cannot be taken back. 0, or -1 with errno and *what saying
 * which step failed.
 */
int userspec_become(const struct userspec *u, const char **what);

#endif
