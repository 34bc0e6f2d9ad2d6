/* SPDX-License-Identifier: ISC */
/*
 * lib/signame: sig_parse, sig_name, arg_signal. Properties: a name parses
 * to a signal whose name parses back to it; the answer does not depend on
 * a stale errno; arg_signal exits 2 exactly when sig_parse fails or the
 * signal is below its minimum.
 */
#include <errno.h>
#include <signal.h>

#include "fuzz.h"
#include "diag.h"
#include "signame.h"

struct job {
	const char *s;
	int min, sig;
};

static void arg(void *p)
{
	struct job *j = p;

	j->sig = arg_signal(j->min ? "-s" : NULL, j->s, j->min);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fz_quiet();
	char *s = fz_str(data + 1, size - 1);
	char buf[SIG_NAME_MAX];

	errno = 0;
	int sig = sig_parse(s);
	int e = errno;
	errno = ERANGE;
	FZ_CHECK(sig_parse(s) == sig && (sig >= 0 || errno == e));
	errno = EINVAL;
	FZ_CHECK(sig_parse(s) == sig && (sig >= 0 || errno == e));
	FZ_CHECK(sig >= -1 && sig <= SIGRTMAX);
	FZ_CHECK(sig >= 0 || e == EINVAL || e == ERANGE);
	if (sig >= 0)
		FZ_CHECK(sig_parse(sig_name(sig, buf)) == sig);

	struct job j = { s, data[0] & 1, 0 };
	int st = fz_call(arg, &j);
	if (sig < j.min)
		FZ_CHECK(st == EXIT_USAGE);
	else
		FZ_CHECK(st == FZ_RETURNED && j.sig == sig);
	free(s);
	return 0;
}
