/* SPDX-License-Identifier: ISC */
/*
 * mqloop posix|sysv N: the system's limit for bench/cases/30-mq.sh. A child
 * sends N 16-byte messages with mq_send or msgsnd in a loop; the parent
 * receives them with mq_receive or msgrcv. No framing, no output.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "parse.h"
#include "tool.h"

int main(int argc, char **argv)
{
	struct { long type; char text[8192]; } m = { 1, "0123456789abcdef" };
	char name[64];
	bool posix;
	uint64_t n;
	mqd_t q = (mqd_t)-1;
	int id = -1;

	tool_init("mqloop");
	if (argc != 3)
		usage_error("usage: mqloop posix|sysv N");
	posix = strcmp(argv[1], "posix") == 0;
	n = arg_u64("N", argv[2], 1, UINT64_MAX);
	snprintf(name, sizeof name, "/mqloop-%d", (int)getpid());
	if (posix && (q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL)) == (mqd_t)-1)
		die(1, "%s: mq_open:", name);
	if (!posix && (id = msgget(IPC_PRIVATE, 0600)) < 0)
		die(1, "msgget:");
	if (posix)
		mq_unlink(name);
	pid_t pid = fork();
	if (pid < 0)
		die(1, "fork:");
	for (uint64_t i = 0; i < n; i++) {
		int r;
		if (pid == 0)
			r = posix ? mq_send(q, m.text, 16, 0) : msgsnd(id, &m, 16, 0);
		else
			r = posix ? (int)mq_receive(q, m.text, sizeof m.text, NULL)
				  : (int)msgrcv(id, &m, sizeof m.text, 0, 0);
		if (r < 0)
			die(1, "%s:", pid == 0 ? "send" : "receive");
	}
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	if (!posix)
		msgctl(id, IPC_RMID, NULL);
	return 0;
}
