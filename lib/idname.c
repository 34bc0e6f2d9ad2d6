/* SPDX-License-Identifier: ISC */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>

#include "idname.h"

const char *id_name(unsigned id, bool group)
{
	static struct { unsigned id; bool group; char name[64]; } cache[64];
	static unsigned used;

	for (unsigned i = 0; i < used; i++)
		if (cache[i].id == id && cache[i].group == group)
			return cache[i].name;
	unsigned i = used < 64 ? used++ : id % 64;
	struct passwd *pw = group ? NULL : getpwuid(id);
	struct group *gr = group ? getgrgid(id) : NULL;
	cache[i].id = id;
	cache[i].group = group;
	if (pw || gr)
		snprintf(cache[i].name, sizeof cache[i].name, "%s", pw ? pw->pw_name : gr->gr_name);
	else
		snprintf(cache[i].name, sizeof cache[i].name, "%u", id);
	return cache[i].name;
}
