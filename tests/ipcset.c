/* SPDX-License-Identifier: ISC */
/*
 * ipcset: give a System V queue or segment to another owner with IPC_SET,
 * as its creator may, for the tests of who keeps the owner's rights.
 *
 *   ipcset q|m ID UID   set the owner of queue or segment ID to UID
 *
 * The creator (cuid) keeps the owner's rights whatever uid says.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/shm.h>

#include "parse.h"
#include "tool.h"

int main(int argc, char **argv)
{
	tool_init("ipcset");
	if (argc != 4 || (strcmp(argv[1], "q") != 0 && strcmp(argv[1], "m") != 0)) {
		fputs("usage: ipcset q|m ID UID\n", stderr);
		return 2;
	}
	int id = (int)arg_u64("ID", argv[2], 0, INT32_MAX);
	uid_t uid = (uid_t)arg_u64("UID", argv[3], 0, UINT32_MAX - 1);

	if (argv[1][0] == 'q') {
		struct msqid_ds ds;

		if (msgctl(id, IPC_STAT, &ds) == 0) {
			ds.msg_perm.uid = uid;
			if (msgctl(id, IPC_SET, &ds) == 0)
				return 0;
		}
	} else {
		struct shmid_ds ds;

		if (shmctl(id, IPC_STAT, &ds) == 0) {
			ds.shm_perm.uid = uid;
			if (shmctl(id, IPC_SET, &ds) == 0)
				return 0;
		}
	}
	perror("ipcset");
	return 1;
}
