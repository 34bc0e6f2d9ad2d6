/* SPDX-License-Identifier: ISC */
/*
 * The vocabulary every tool shows objects in (ipcls, and each tool's
 * --stat): the one list of field names and kind names, documented in
 * ipcutils(7) under OUTPUT FIELDS. A field is spelled as here in
 * "field: value" lines, upper case as a table heading, with '_' for '-'
 * as a JSON key.
 * tests/fields.bats reads the F( and K( lines of this file; lib/show.c
 * holds the two lists of names.
 */
#ifndef IPCUTILS_FIELDS_H
#define IPCUTILS_FIELDS_H

/* ipcls's columns first, in the order --output lists them. */
#define FIELDS(F) \
	F(KIND, "kind") \
	F(NAME, "name") \
	F(KEY, "key") \
	F(ID, "id") \
	F(OWNER, "owner") \
	F(GROUP, "group") \
	F(MODE, "mode") \
	F(SIZE, "size") \
	F(MESSAGES, "messages") \
	F(BYTES, "bytes") \
	F(VALUES, "values") \
	F(CHANGED, "changed") \
	F(USED, "used") \
	F(CREATOR_PID, "creator-pid") \
	F(LAST_PID, "last-pid") \
	F(ATTACHED, "attached") \
	F(HOLDERS, "holders") \
	F(LOST, "lost") \
	F(HOLDERS_COMPLETE, "holders-complete") \
	F(PID, "pid") \
	F(COMMAND, "command") \
	F(CREATOR, "creator") \
	F(CREATOR_GROUP, "creator-group") \
	F(MAX_MESSAGES, "max-messages") \
	F(MESSAGE_SIZE, "message-size") \
	F(MAX_BYTES, "max-bytes") \
	F(LAST_SEND, "last-send") \
	F(LAST_RECEIVE, "last-receive") \
	F(LAST_SENDER_PID, "last-sender-pid") \
	F(LAST_RECEIVER_PID, "last-receiver-pid") \
	F(LAST_ATTACH, "last-attach") \
	F(LAST_DETACH, "last-detach") \
	F(MODIFIED, "modified") \
	F(ACCESSED, "accessed") \
	F(SEMAPHORES, "semaphores") \
	F(MEMBER, "member") \
	F(VALUE, "value") \
	F(WAITING, "waiting") \
	F(WAITING_ZERO, "waiting-zero") \
	F(LAST_OP, "last-op") \
	F(HELD, "held") \
	F(HELD_BY, "held-by") \
	F(LOST_BY, "lost-by") \
	F(RECOVERED, "recovered") \
	F(RECOVERED_FROM, "recovered-from")

/* The kinds, in enum obj_kind order; a file (shmcat -F) is no IPC object. */
#define KINDS(K) \
	K(SYSV_SHM, "sysv-shm") \
	K(SYSV_MSG, "sysv-msg") \
	K(SYSV_SEM, "sysv-sem") \
	K(POSIX_SHM, "posix-shm") \
	K(POSIX_MQ, "posix-mq") \
	K(POSIX_SEM, "posix-sem") \
	K(FILE, "file")

enum field {
#define FIELD_ENUM(e, s) FLD_##e,
	FIELDS(FIELD_ENUM)
#undef FIELD_ENUM
	FLD_N
};

/* "kind", "name", ..., in enum order. */
extern const char *const field_names[FLD_N];

/* OBJ_FILE is no IPC object and never listed: a file shmcat -F maps, for
 * its --stat. */
enum obj_kind {
#define KIND_ENUM(e, s) OBJ_##e,
	KINDS(KIND_ENUM)
#undef KIND_ENUM
	OBJ_NKINDS = OBJ_FILE
};

/* "sysv-shm", "posix-mq", ..., "file", in enum order. */
extern const char *const kind_names[OBJ_FILE + 1];

#endif
