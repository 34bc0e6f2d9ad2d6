/* SPDX-License-Identifier: ISC */
/*
 * User and group names for the IDs the tools print. A leaf: every tool
 * that names an owner links this, not ipcls's output module.
 */
#ifndef IPCUTILS_IDNAME_H
#define IPCUTILS_IDNAME_H

#include <stdbool.h>

/* A user's (group false) or group's name, or the number when it has none
 * (looked up once per id): for every "owner: NAME" ipcutils prints. */
const char *id_name(unsigned id, bool group);

#endif
