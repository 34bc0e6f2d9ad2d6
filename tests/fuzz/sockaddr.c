/* SPDX-License-Identifier: ISC */
/*
 * lib/sockaddr: sock_parse and sock_arg (no connect, no listen, no name
 * lookup). Properties: sock_arg exits 2 exactly when sock_parse fails, and
 * a failure always says why; an address that parses is one of the forms,
 * and printed back in its own form it parses to the same spec.
 */
#include <stdbool.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "diag.h"
#include "sockaddr.h"

static void arg(void *p)
{
	struct sock_spec sp;

	sock_arg(p, &sp);
}

/* Print sp in a form sock_parse takes, or "" if it has none. */
static void print(const struct sock_spec *sp, char *buf, size_t n)
{
	static const char *const inet[2][3] = {
		{ "tcp", "tcp4", "tcp6" }, { "udp", "udp4", "udp6" },
	};
	int f = sp->family == AF_INET ? 1 : sp->family == AF_INET6 ? 2 : 0;
	bool v6 = strchr(sp->host, ':') || sp->host[0] == '[';

	if (sp->family == AF_UNIX)
		snprintf(buf, n, "%s:%s", sp->abstract ? "abstract"
			 : sp->type == SOCK_DGRAM ? "unix-dgram" : "unix",
			 sp->path + sp->abstract);
	else
		snprintf(buf, n, "%s:%s%s%s:%s", inet[sp->type == SOCK_DGRAM][f],
			 v6 ? "[" : "", sp->host, v6 ? "]" : "", sp->port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet();
	char *s = fz_str(data, size);
	struct sock_spec sp, again;
	const char *why = NULL;
	char text[512];

	int rc = sock_parse(s, &sp, &why);
	FZ_CHECK(rc == 0 || (rc == -1 && why && *why));
	FZ_CHECK(fz_call(arg, s) == (rc < 0 ? EXIT_USAGE : FZ_RETURNED));
	if (rc == 0) {
		FZ_CHECK(sp.type == SOCK_STREAM || sp.type == SOCK_DGRAM);
		FZ_CHECK(sp.family == AF_UNIX || sp.family == AF_INET
			 || sp.family == AF_INET6 || sp.family == AF_UNSPEC);
		FZ_CHECK(sp.family == AF_UNIX ? sp.path[sp.abstract] != '\0' : sp.port[0] != '\0');
		print(&sp, text, sizeof text);
		FZ_CHECK(sock_parse(text, &again, &why) == 0);
		FZ_CHECK(again.family == sp.family && again.type == sp.type
			 && again.abstract == sp.abstract);
		FZ_CHECK(strcmp(again.path + again.abstract, sp.path + sp.abstract) == 0);
		FZ_CHECK(strcmp(again.host, sp.host) == 0 && strcmp(again.port, sp.port) == 0);
	}
	free(s);
	return 0;
}
