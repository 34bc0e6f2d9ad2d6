/* SPDX-License-Identifier: ISC */
/*
 * sigdefault CMD [ARG]...: run CMD with every signal at its default
 * action and none blocked, whatever this process inherited. A test that
 * kills a tool with a signal needs that: a background job of a script
 * ignores INT and QUIT, GNU parallel (bats --jobs) leaves ALRM ignored,
 * and GNU make leaves 32 and 33 ignored, which env --default-signal
 * cannot undo (the C library's sigaction refuses them): an ignored
 * signal stays ignored across exec, and then rightly kills nothing.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "exec.h"
#include "tool.h"

int main(int argc, char **argv)
{
	/* The kernel's struct sigaction: handler NULL is SIG_DFL. */
	struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } dfl = { 0 };
	uint64_t none = 0;

	tool_init("sigdefault");
	if (argc < 2)
		usage_error("usage: sigdefault CMD [ARG]...");
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof none);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
	exec_command(argv + 1);
}
