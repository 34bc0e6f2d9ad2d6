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

/* Print the n objects in v as f says. */
void ipcfmt_print(const struct fmt *f, struct ipc_obj *const *v, size_t n);

#endif
