/* SPDX-License-Identifier: ISC */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "alloc.h"
#include "diag.h"
#include "parse.h"
#include "prefix.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Whether the first len bits of x and y agree. */
static bool same_bits(const uint8_t *x, const uint8_t *y, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(x, y, whole) != 0)
		return false;
	return rest == 0 || ((x[whole] ^ y[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

int prefix_parse(const char *s, struct prefix *p, const char **why)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max, base;
	uint64_t len;

	memset(p, 0, sizeof *p);
	p->text = s;
	if (hlen == 0 || hlen >= sizeof host) {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, p->addr.a + 12) == 1) {
		memcpy(p->addr.a, v4mapped, sizeof v4mapped);
		max = 32;
		base = 96;
	} else if (inet_pton(AF_INET6, host, p->addr.a) == 1) {
		max = 128;
		base = 0;
	} else {
		*why = "not an IPv4 or IPv6 address";
		return -1;
	}
	len = max;
	/* /LEN: decimal, no sign, no leading zero, within the family's bits. */
	if (slash && (slash[1] == '\0' || strspn(slash + 1, "0123456789") != strlen(slash + 1)
		      || (slash[1] == '0' && slash[2] != '\0')
		      || parse_u64(slash + 1, 0, max, &len) < 0)) {
		*why = max == 32 ? "bad length (/0 to /32 for IPv4)" : "bad length (/0 to /128 for IPv6)";
		return -1;
	}
	p->len = base + (unsigned)len;
	/* Bits past the length would be ignored: say so rather than guess. */
	struct ipaddr masked = { { 0 } };
	memcpy(masked.a, p->addr.a, p->len / 8);
	if (p->len % 8)
		masked.a[p->len / 8] = p->addr.a[p->len / 8] & (uint8_t)(0xff00 >> (p->len % 8));
	if (memcmp(masked.a + base / 8, p->addr.a + base / 8, 16 - base / 8) != 0) {
		*why = "address bits set past the prefix length";
		return -1;
	}
	return 0;
}

void prefix_add(struct prefix_rules *r, const char *opt, const char *s, bool allow)
{
	const char *why;
	struct prefix p;

	if (prefix_parse(s, &p, &why) < 0)
		usage_error("%s: '%s': %s; a prefix is ADDRESS or ADDRESS/LEN (10.0.0.0/8, ::1, fd00::/8)",
			    opt, s, why);
	p.allow = allow;
	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	r->v[r->n++] = p;
	r->any_allow = r->any_allow || allow;
}

bool prefix_allows(const struct prefix_rules *r, const struct ipaddr *a,
		   const struct prefix **rule)
{
	const struct prefix *best = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const struct prefix *p = &r->v[i];
		if (!same_bits(p->addr.a, a->a, p->len))
			continue;
		if (!best || p->len > best->len || (p->len == best->len && !p->allow))
			best = p;
	}
	*rule = best;
	return best ? best->allow : !r->any_allow;
}

bool ipaddr_of(const struct sockaddr *sa, struct ipaddr *out)
{
	if (sa->sa_family == AF_INET) {
		memcpy(out->a, v4mapped, sizeof v4mapped);
		memcpy(out->a + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(out->a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	}
	memset(out, 0, sizeof *out);
	return false;
}

bool ipaddr_eq(const struct ipaddr *x, const struct ipaddr *y)
{
	return memcmp(x->a, y->a, sizeof x->a) == 0;
}
