/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "parse.h"
#include "userspec.h"

/* A name, or a number when all digits (as chroot and chown take them). */
static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

void userspec_arg(const char *opt, const char *s, struct userspec *u)
{
	const char *colon = strchr(s, ':');
	char user[256];
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	uint64_t n;

	*u = (struct userspec){ .text = s, .init_groups = !colon };
	if (ulen == 0 || ulen >= sizeof user)
		usage_error("%s: '%s': %s", opt, s, ulen ? "user name too long" : "missing USER");
	if (colon && colon[1] == '\0')
		usage_error("%s: '%s': missing GROUP after ':'", opt, s);
	memcpy(user, s, ulen);
	user[ulen] = '\0';
	struct passwd *pw;
	if (all_digits(user)) {
		if (parse_u64(user, 0, (uid_t)-2, &n) < 0)
			usage_error("%s: '%s': user id out of range", opt, s);
		u->uid = (uid_t)n;
		pw = getpwuid(u->uid);
		if (!pw && !colon)
			usage_error("%s: '%s': user %s has no passwd entry; give its group, %s:GROUP",
				    opt, s, user, user);
	} else if ((pw = getpwnam(user))) {
		u->uid = pw->pw_uid;
	} else {
		usage_error("%s: unknown user '%s'", opt, user);
	}
	if (pw) {
		u->gid = pw->pw_gid;
		snprintf(u->name, sizeof u->name, "%s", pw->pw_name);
	}
	if (!colon)
		return;
	const char *group = colon + 1;
	struct group *gr;
	if (all_digits(group)) {
		if (parse_u64(group, 0, (gid_t)-2, &n) < 0)
			usage_error("%s: '%s': group id out of range", opt, s);
		u->gid = (gid_t)n;
	} else if ((gr = getgrnam(group))) {
		u->gid = gr->gr_gid;
	} else {
		usage_error("%s: unknown group '%s'", opt, group);
	}
}

int userspec_become(const struct userspec *u, const char **what)
{
	*what = "cannot set the supplementary groups";
	if ((u->init_groups ? initgroups(u->name, u->gid) : setgroups(1, &u->gid)) < 0)
		return -1;
	*what = "cannot set the group";
	if (setgid(u->gid) < 0)
		return -1;
	*what = "cannot set the user";
	if (setuid(u->uid) < 0)
		return -1;
	/* setuid by a process without CAP_SETUID in its user namespace can
	 * leave the saved ID behind: root must be gone for good. */
	*what = "root can still be taken back after the switch";
	if (getuid() != u->uid || geteuid() != u->uid || getgid() != u->gid || getegid() != u->gid
	    || (u->uid != 0 && setuid(0) == 0)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
