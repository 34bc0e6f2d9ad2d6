/* SPDX-License-Identifier: ISC */
/*
 * Showing IPC objects: a table with chosen columns, the same for awk
 * (--raw), typed JSON (an array, or one object per line), or every field
 * of each as "key: value" lines.
 */
#ifndef IPCUTILS_IPCFMT_H
#define IPCUTILS_IPCFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "fields.h"
#include "ipcobj.h"

/* ipcls's columns: the fields of lib/fields.h up to lost. */
#define COL_N (FLD_LOST + 1)

enum fmt_style { FMT_TABLE, FMT_RAW, FMT_JSON, FMT_JSON_LINES, FMT_DETAIL };

struct fmt {
	enum fmt_style style;
	int cols[COL_N * 4];
	int ncols;
	bool bytes;        /* exact sizes, not 4K, 1.5M */
	bool noheadings;
	const char *title; /* a line above the heading: what --delete did */
};

/* The column names, in field order, joined by commas: for messages. */
extern const char ipcfmt_col_words[];
/*
 * A comma-separated list of column names into f. -1 with the unknown name
 * in *bad and *badlen, or -2 when there are too many.
 */
int ipcfmt_cols_parse(struct fmt *f, const char *s, const char **bad, size_t *badlen);
/* The columns shown when none are asked for. */
void ipcfmt_default_cols(struct fmt *f);
/* Every column: the default for JSON and the detailed view. */
void ipcfmt_all_cols(struct fmt *f);

/*
 * A name as a JSON string, quotes included: a byte that is not part of
 * valid UTF-8 as \udcXX (Python's surrogateescape), controls, bidi marks,
 * quotes and backslashes escaped. Allocated; the caller frees it.
 */
char *ipcfmt_json_string(const char *s);
/*
 * A name as one word for the table: blanks, backslashes, controls, bidi
 * marks and bytes that are not UTF-8 as \xHH. Allocated.
 */
char *ipcfmt_word(const char *s);

/* Print the n objects in v as f says. */
void ipcfmt_print(const struct fmt *f, struct ipc_obj *const *v, size_t n);

/* t as RFC 3339 UTC, whole seconds: "2026-12-03T13:05:00Z". */
#define IPCFMT_TIME_LEN sizeof "2026-12-03T13:05:00Z"
void ipcfmt_time(char buf[IPCFMT_TIME_LEN], time_t t);

/*
 * One object's fields, for a tool's --stat: "field: value" lines, or one
 * JSON object on one line; names from lib/fields.h, values in the formats
 * ipcls uses. Strings are escaped either way, so a name with a newline
 * cannot forge a line.
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
/* The kind by its ipcls name. */
void show_kind(struct show *o, enum obj_kind k);
/* A System V object's name and key, both as ipcs writes the key, and its id. */
void show_sysv(struct show *o, key_t key, int id);
/* The end: a newline after JSON. */
void show_end(struct show *o);

#endif
