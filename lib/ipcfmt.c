/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "diag.h"
#include "holders.h"
#include "idname.h"
#include "ipcfmt.h"
#include "show.h"

const char ipcfmt_col_words[] =
	"KIND, NAME, KEY, ID, OWNER, GROUP, MODE, SIZE, MESSAGES, BYTES, VALUES, "
	"CHANGED, USED, CREATOR-PID, LAST-PID, ATTACHED, HOLDERS, LOST";

/* Right-aligned in the table. */
static const unsigned numeric = 1u << FLD_ID | 1u << FLD_SIZE | 1u << FLD_MESSAGES |
	1u << FLD_BYTES | 1u << FLD_CREATOR_PID | 1u << FLD_LAST_PID | 1u << FLD_ATTACHED |
	1u << FLD_LOST;

/* The column a name (any case) stands for, or -1. */
static int ipcfmt_col(const char *name, size_t len)
{
	for (int c = 0; c < COL_N; c++)
		if (strlen(field_names[c]) == len && strncasecmp(name, field_names[c], len) == 0)
			return c;
	return -1;
}

int ipcfmt_cols_parse(struct fmt *f, const char *s, const char **bad, size_t *badlen)
{
	f->ncols = 0;
	for (;;) {
		size_t n = strcspn(s, ",");
		int c = ipcfmt_col(s, n);

		*bad = s;
		*badlen = n;
		if (c < 0)
			return -1;
		if (f->ncols == (int)(sizeof f->cols / sizeof f->cols[0]))
			return -2;
		f->cols[f->ncols++] = c;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

void ipcfmt_default_cols(struct fmt *f)
{
	static const int def[] = { FLD_KIND, FLD_NAME, FLD_ID, FLD_OWNER, FLD_MODE,
		FLD_SIZE, FLD_MESSAGES, FLD_BYTES, FLD_VALUES, FLD_CHANGED, FLD_LAST_PID,
		FLD_HOLDERS };

	f->ncols = (int)(sizeof def / sizeof def[0]);
	memcpy(f->cols, def, sizeof def);
}

void ipcfmt_all_cols(struct fmt *f)
{
	for (int c = 0; c < COL_N; c++)
		f->cols[c] = c;
	f->ncols = COL_N;
}

static void human(struct sb *s, int64_t v)
{
	static const char units[] = "KMGTPE";
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		sb_printf(s, "%" PRId64 "B", v);
		return;
	}
	while (d >= 1024 && u < 5) {
		d /= 1024;
		u++;
	}
	if (d < 10 && (int64_t)(d * 10 + 0.5) % 10 != 0)
		sb_printf(s, "%.1f%c", d, units[u]);
	else
		sb_printf(s, "%.0f%c", d, units[u]);
}

/* A field's name as a table heading: upper case. */
static void sb_heading(struct sb *s, int c)
{
	for (const char *p = field_names[c]; *p; p++)
		sb_printf(s, "%c", *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
}

static bool is_sem(const struct ipc_obj *o)
{
	return o->kind == OBJ_SYSV_SEM || o->kind == OBJ_POSIX_SEM;
}

static bool is_queue(const struct ipc_obj *o)
{
	return o->kind == OBJ_SYSV_MSG || o->kind == OBJ_POSIX_MQ;
}

/* A number that may not apply (-) or be unknown to this user (?). */
static void text_num(struct sb *s, int64_t v, bool applies, bool human_size)
{
	if (!applies)
		sb_printf(s, "-");
	else if (v < 0)
		sb_printf(s, "?");
	else if (human_size)
		human(s, v);
	else
		sb_printf(s, "%" PRId64, v);
}

static void text_holders(struct sb *s, const struct ipc_obj *o, const char *sep)
{
	if (!holders_apply(o->kind)) {
		sb_printf(s, "-");
		return;
	}
	for (size_t i = 0; i < o->nholders; i++) {
		sb_printf(s, "%s%d:", i ? sep : "", (int)o->holders[i].pid);
		sb_word(s, o->holders[i].comm);
	}
	if (!o->holders_known)
		sb_printf(s, "%s?", o->nholders ? sep : "");
	else if (o->nholders == 0)
		sb_printf(s, "-");
}

/* One cell as text, for the table, --raw and the detailed view. */
static void text_cell(struct sb *s, const struct fmt *f, const struct ipc_obj *o, int c)
{
	bool sysv = o->id >= 0;

	switch (c) {
	case FLD_KIND: sb_printf(s, "%s", kind_names[o->kind]); break;
	case FLD_NAME:
		if (sysv)
			sb_printf(s, "0x%08x", (unsigned)o->key);
		else
			sb_word(s, o->name);
		break;
	case FLD_KEY:
		if (sysv)
			sb_printf(s, "0x%08x", (unsigned)o->key);
		else
			sb_printf(s, "-");
		break;
	case FLD_ID: text_num(s, o->id, sysv, false); break;
	case FLD_OWNER: sb_word(s, id_name(o->uid, false)); break;
	case FLD_GROUP: sb_word(s, id_name(o->gid, true)); break;
	case FLD_MODE: sb_mode(s, o->mode); break;
	case FLD_SIZE: text_num(s, o->size, o->size >= 0, !f->bytes); break;
	case FLD_MESSAGES: text_num(s, o->messages, is_queue(o), false); break;
	case FLD_BYTES: text_num(s, o->bytes, is_queue(o), !f->bytes); break;
	case FLD_VALUES:
		if (!is_sem(o) || !o->values) {
			sb_printf(s, is_sem(o) ? "?" : "-");
			break;
		}
		for (int i = 0; i < o->nsems; i++)
			sb_printf(s, "%s%d", i ? "," : "", o->values[i]);
		break;
	case FLD_CHANGED:
	case FLD_USED: {
		time_t t = c == FLD_CHANGED ? o->changed : o->used;
		if (t > 0)
			sb_time(s, t);
		else
			sb_printf(s, "-");
		break;
	}
	case FLD_CREATOR_PID: text_num(s, o->cpid, o->kind == OBJ_SYSV_SHM, false); break;
	case FLD_LAST_PID: text_num(s, o->lpid, o->lpid > 0, false); break;
	case FLD_ATTACHED: text_num(s, o->nattch, o->kind == OBJ_SYSV_SHM, false); break;
	case FLD_HOLDERS: text_holders(s, o, ","); break;
	case FLD_LOST: text_num(s, o->lost, o->kind == OBJ_POSIX_SEM, false); break;
	}
}

static void json_num(struct sb *s, int64_t v, bool known)
{
	if (known)
		sb_printf(s, "%" PRId64, v);
	else
		sb_printf(s, "null");
}

static void json_holders(struct sb *s, const struct ipc_obj *o)
{
	if (!holders_apply(o->kind)) {
		sb_printf(s, "null,\"holders_complete\":null");
		return;
	}
	sb_printf(s, "[");
	for (size_t i = 0; i < o->nholders; i++) {
		sb_printf(s, "%s{\"%s\":%d,\"%s\":", i ? "," : "", field_names[FLD_PID],
			  (int)o->holders[i].pid, field_names[FLD_COMMAND]);
		sb_json_str(s, o->holders[i].comm);
		sb_printf(s, "}");
	}
	sb_printf(s, "],\"holders_complete\":%s", o->holders_known ? "true" : "false");
}

/* One member of an object's JSON: typed, null where it does not apply or
 * this user cannot know it. */
static void json_cell(struct sb *s, const struct ipc_obj *o, int c)
{
	bool sysv = o->id >= 0;

	sb_json_key(s, c);
	switch (c) {
	case FLD_NAME: /* System V: the key, as the table shows it and --name matches */
		if (sysv)
			sb_printf(s, "\"0x%08x\"", (unsigned)o->key);
		else
			sb_json_str(s, o->name);
		break;
	case FLD_KEY:
		if (sysv)
			sb_printf(s, "\"0x%08x\"", (unsigned)o->key);
		else
			sb_printf(s, "null");
		break;
	case FLD_ID: json_num(s, o->id, sysv); break;
	case FLD_SIZE: json_num(s, o->size, o->size >= 0); break;
	case FLD_MESSAGES: json_num(s, o->messages, o->messages >= 0); break;
	case FLD_BYTES: json_num(s, o->bytes, o->bytes >= 0); break;
	case FLD_VALUES:
		if (!o->values) {
			sb_printf(s, "null");
			break;
		}
		sb_printf(s, "[");
		for (int i = 0; i < o->nsems; i++)
			sb_printf(s, "%s%d", i ? "," : "", o->values[i]);
		sb_printf(s, "]");
		break;
	case FLD_CHANGED:
	case FLD_USED: {
		time_t t = c == FLD_CHANGED ? o->changed : o->used;
		if (t <= 0) {
			sb_printf(s, "null");
			break;
		}
		sb_printf(s, "\"");
		sb_time(s, t);
		sb_printf(s, "\"");
		break;
	}
	case FLD_CREATOR_PID: json_num(s, o->cpid, o->kind == OBJ_SYSV_SHM); break;
	case FLD_LAST_PID: json_num(s, o->lpid, o->lpid > 0); break;
	case FLD_ATTACHED: json_num(s, o->nattch, o->nattch >= 0); break;
	case FLD_HOLDERS: json_holders(s, o); break;
	case FLD_LOST: json_num(s, o->lost, o->lost >= 0); break;
	default: { /* kind, owner, group, mode: strings */
		struct sb t = { 0 };
		struct fmt plain = { .bytes = true };
		text_cell(&t, &plain, o, c);
		sb_json_str(s, c == FLD_OWNER || c == FLD_GROUP ?
			    id_name(c == FLD_OWNER ? o->uid : o->gid, c == FLD_GROUP) : t.p);
		free(t.p);
	}
	}
}

static void json_obj(struct sb *s, const struct fmt *f, const struct ipc_obj *o)
{
	sb_printf(s, "{");
	for (int i = 0; i < f->ncols; i++) {
		if (i)
			sb_printf(s, ",");
		json_cell(s, o, f->cols[i]);
	}
	sb_printf(s, "}");
}

static void print_json(const struct fmt *f, struct ipc_obj *const *v, size_t n)
{
	struct sb s = { 0 };
	bool lines = f->style == FMT_JSON_LINES;

	if (!lines)
		sb_printf(&s, "[");
	for (size_t i = 0; i < n; i++) {
		sb_printf(&s, lines ? "" : i ? ",\n  " : "\n  ");
		json_obj(&s, f, v[i]);
		if (lines)
			sb_printf(&s, "\n");
		sb_emit(&s);
	}
	if (!lines)
		sb_printf(&s, n ? "\n]\n" : "]\n");
	sb_emit(&s);
	free(s.p);
}

/* Every field of each object that applies to it, "key: value" with
 * exact sizes, a blank line between objects. */
static void print_detail(const struct fmt *f, struct ipc_obj *const *v, size_t n)
{
	struct sb s = { 0 }, t = { 0 };
	struct fmt exact = *f;

	exact.bytes = true;
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_printf(&s, "\n");
		for (int k = 0; k < f->ncols; k++) {
			int c = f->cols[k];
			t.len = 0;
			if (c == FLD_HOLDERS)
				text_holders(&t, v[i], ", ");
			else
				text_cell(&t, &exact, v[i], c);
			if (t.len == 1 && t.p[0] == '-' &&
			    (c != FLD_HOLDERS || !holders_apply(v[i]->kind)))
				continue; /* does not apply to this kind */
			sb_printf(&s, "%s: %.*s\n", field_names[c], (int)t.len, t.p);
		}
		if (v[i]->kind == OBJ_POSIX_MQ && v[i]->msg_max >= 0)
			sb_printf(&s, "%s: %" PRId64 "\n%s: %" PRId64 "\n",
				  field_names[FLD_MAX_MESSAGES], v[i]->msg_max,
				  field_names[FLD_MESSAGE_SIZE], v[i]->msg_size);
		sb_emit(&s);
	}
	free(s.p);
	free(t.p);
}

/* Whether HOLDERS is shown and ends in '?' for one of the n objects. */
static bool unknown_holders(const struct fmt *f, struct ipc_obj *const *v, size_t n)
{
	int k = 0;

	while (k < f->ncols && f->cols[k] != FLD_HOLDERS)
		k++;
	for (size_t i = 0; i < n && k < f->ncols; i++)
		if (holders_apply(v[i]->kind) && !v[i]->holders_known)
			return true;
	return false;
}

static void print_table(const struct fmt *f, struct ipc_obj *const *v, size_t n)
{
	size_t width[COL_N * 4] = { 0 };
	struct sb s = { 0 };
	bool raw = f->style == FMT_RAW;

	if (n == 0)
		return; /* not even a heading: nothing to show */
	for (int k = 0; k < f->ncols && !raw; k++) {
		width[k] = f->noheadings ? 0 : strlen(field_names[f->cols[k]]);
		for (size_t i = 0; i < n; i++) {
			text_cell(&s, f, v[i], f->cols[k]);
			if (s.len > width[k])
				width[k] = s.len;
			s.len = 0;
		}
	}
	if (f->title && !f->noheadings) {
		sb_printf(&s, "%s\n", f->title);
		sb_emit(&s);
	}
	for (size_t i = f->noheadings ? 1 : 0; i < n + 1; i++) {
		for (int k = 0; k < f->ncols; k++) {
			int c = f->cols[k];
			size_t start = s.len;
			if (k)
				sb_printf(&s, " ");
			if (i == 0)
				sb_heading(&s, c);
			else
				text_cell(&s, f, v[i - 1], c);
			size_t w = s.len - start - (k ? 1 : 0);
			if (raw || k == f->ncols - 1 || w >= width[k])
				continue;
			if (numeric & (1u << c) && i > 0) { /* pad on the left */
				size_t pad = width[k] - w, at = start + (k ? 1 : 0);
				sb_printf(&s, "%*s", (int)pad, "");
				memmove(s.p + at + pad, s.p + at, w);
				memset(s.p + at, ' ', pad);
			} else {
				sb_printf(&s, "%*s", (int)(width[k] - w), "");
			}
		}
		sb_printf(&s, "\n");
		sb_emit(&s);
	}
	if (f->style == FMT_TABLE && !f->noheadings && unknown_holders(f, v, n))
		fputs("?: a process this user cannot look into (another user's, hidepid,\n"
		      "another PID namespace) may hold the object\n", stdout);
	free(s.p);
}

void ipcfmt_print(const struct fmt *f, struct ipc_obj *const *v, size_t n)
{
	switch (f->style) {
	case FMT_JSON:
	case FMT_JSON_LINES: print_json(f, v, n); break;
	case FMT_DETAIL: print_detail(f, v, n); break;
	default: print_table(f, v, n);
	}
}
