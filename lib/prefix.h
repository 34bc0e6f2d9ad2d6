/* SPDX-License-Identifier: ISC */
/*
 * Client address rules, tcprules' job: --allow and --deny PREFIX, an IPv4
 * or IPv6 address with an optional /LEN. The longest matching prefix
 * decides; on equal length a deny wins; with no match a client is
 * allowed unless some allow rule was given. IPv4 is held as IPv6
 * v4-mapped (::ffff:a.b.c.d), so a mapped peer matches IPv4 prefixes.
 */
#ifndef IPCUTILS_PREFIX_H
#define IPCUTILS_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct ipaddr {
	uint8_t a[16];
};

struct prefix {
	struct ipaddr addr;
	unsigned len;       /* bits of the 128 that must match */
	bool allow;
	const char *text;   /* as given, for messages */
};

struct prefix_rules {
	struct prefix *v;
	size_t n;
	bool any_allow;
};

/* Parse PREFIX strictly; 0, or -1 with *why saying what is wrong. */
int prefix_parse(const char *s, struct prefix *p, const char **why);
/* Add a rule; a malformed PREFIX is a usage error naming opt. */
void prefix_add(struct prefix_rules *r, const char *opt, const char *s, bool allow);
/*
 * Whether a is allowed; *rule is the rule that decided, NULL if none
 * matched.
 */
bool prefix_allows(const struct prefix_rules *r, const struct ipaddr *a,
		   const struct prefix **rule);
/* An AF_INET or AF_INET6 address as an ipaddr; false (and all zeros) for any other. */
bool ipaddr_of(const struct sockaddr *sa, struct ipaddr *out);
/* Whether two addresses are the same. */
bool ipaddr_eq(const struct ipaddr *x, const struct ipaddr *y);

#endif
