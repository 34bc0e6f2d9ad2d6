/* SPDX-License-Identifier: ISC */
/*
 * lib/prefix: prefix_parse and prefix_add (--allow, --deny). Properties:
 * prefix_add exits 2 exactly when prefix_parse fails, and a failure says
 * why; a prefix that parses covers its own address and, printed back as
 * ADDRESS/LEN, parses to the same prefix; deny wins over allow on it.
 */
#include <arpa/inet.h>

#include "fuzz.h"
#include "diag.h"
#include "prefix.h"

static void add(void *p)
{
	struct prefix_rules r = { 0 };

	prefix_add(&r, "--deny", p, false);
	free(r.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet();
	char *s = fz_str(data, size);
	struct prefix p, again;
	const char *why = NULL;

	int rc = prefix_parse(s, &p, &why);
	FZ_CHECK(rc == 0 || (rc == -1 && why && *why));
	FZ_CHECK(fz_call(add, s) == (rc < 0 ? EXIT_USAGE : FZ_RETURNED));
	if (rc == 0) {
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
		bool v4 = memcmp(p.addr.a, mapped, 12) == 0 && p.len >= 96;
		char text[INET6_ADDRSTRLEN + 8], host[INET6_ADDRSTRLEN];
		FZ_CHECK(p.len <= 128);
		inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? p.addr.a + 12 : p.addr.a, host, sizeof host);
		snprintf(text, sizeof text, "%s/%u", host, v4 ? p.len - 96 : p.len);
		FZ_CHECK(prefix_parse(text, &again, &why) == 0);
		FZ_CHECK(again.len == p.len && ipaddr_eq(&again.addr, &p.addr));
		struct prefix rules[2] = { p, p };
		rules[0].allow = true;
		struct prefix_rules r = { rules, 2, true };
		const struct prefix *rule;
		FZ_CHECK(!prefix_allows(&r, &p.addr, &rule) && rule == &rules[1]);
	}
	free(s);
	return 0;
}
