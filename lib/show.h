/* SPDX-License-Identifier: ISC */
/*
 * Showing one object's fields in the vocabulary of lib/fields.h, and the
 * text primitives every view of an object uses (ipcls's table and JSON in
 * lib/ipcfmt, each tool's --stat): JSON strings, table words, RFC 3339
 * times, modes. A leaf: no scanner, no holders, so a small tool's --stat
 * links only this.
 */
#ifndef IPCUTILS_SHOW_H
#define IPCUTILS_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "fields.h"

/* A growing string; { 0 } is empty. */
struct sb {
	char *p;
	size_t len, cap;
};
__attribute__((format(printf, 2, 3)))
void sb_printf(struct sb *s, const char *fmt, ...);
/* Write what s holds to stdout and empty it. */
void sb_emit(struct sb *s);

/*
 * A name as one word for the table: blanks, backslashes, controls, bidi
 * marks and bytes that are not UTF-8 as \xHH.
 */
void sb_word(struct sb *s, const char *t);
/*
 * A name as a JSON string, quotes included: a byte that is not part of
 * valid UTF-8 as \udcXX (Python's surrogateescape), controls, bidi marks,
 * quotes and backslashes escaped.
 */
void sb_json_str(struct sb *s, const char *t);
/* A field's name as a JSON key and its colon: '-' as '_' (.last_pid). */
void sb_json_key(struct sb *s, enum field f);
/* t as RFC 3339 UTC, whole seconds: "2026-12-03T13:05:00Z". */
void sb_time(struct sb *s, time_t t);
/* Octal with a leading 0, as chmod takes it: "0600", "01777". */
void sb_mode(struct sb *s, unsigned mode);

/* sb_json_str and sb_word as allocated strings; the caller frees them. */
char *show_json_string(const char *s);
char *show_word(const char *s);

/*
 * One object's fields, for a tool's --stat: "field: value" lines, or one
 * JSON object on one line; values in the formats ipcls uses. Strings are
 * escaped either way, so a name with a newline cannot forge a line.
 */
struct show {
	bool json;
	int n;     /* fields shown so far */
};
void show_str(struct show *o, enum field f, const char *s);
void show_num(struct show *o, enum field f, long long v);
/* RFC 3339 UTC; "-" (JSON null) for 0, a time the kernel never set. */
void show_time(struct show *o, enum field f, time_t t);
/* Octal with a leading 0: "0600". */
void show_mode(struct show *o, unsigned mode);
/* The kind by its name in lib/fields.h. */
void show_kind(struct show *o, enum obj_kind k);
/* A System V object's name and key, both as ipcs writes the key, and its id. */
void show_sysv(struct show *o, key_t key, int id);
/* The end: a newline after JSON. */
void show_end(struct show *o);

#endif
