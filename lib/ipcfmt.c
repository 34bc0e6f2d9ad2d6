/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alloc.h"
#include "diag.h"
#include "holders.h"
#include "idname.h"
#include "ipcfmt.h"

const char *const field_names[FLD_N] = {
#define FIELD_NAME(e, s) s,
	FIELDS(FIELD_NAME)
#undef FIELD_NAME
};

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

/* A growing string. */
struct sb {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sb *s, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(s->p ? s->p + s->len : NULL, s->cap - s->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < s->cap - s->len) {
			s->len += (size_t)n;
			return;
		}
		s->cap = (s->cap + (size_t)n + 1) * 2;
		s->p = xreallocarray(s->p, s->cap, 1);
	}
}

/*
 * The length of the valid UTF-8 sequence at p, with its code point in *cp,
 * or 0: no overlong forms, no surrogates, nothing past U+10FFFF. p ends
 * with a NUL, which no continuation byte can be.
 */
static int utf8_len(const unsigned char *p, unsigned *cp)
{
	unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
	int n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, *cp = p[0] & 0x0f, lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, *cp = p[0] & 0x07, lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	return n;
}

/* Characters a terminal acts on rather than shows: C0 and C1 controls,
 * DEL, and the marks that reorder text (bidi overrides, isolates). */
static bool control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Text for the table: blanks, backslashes, controls (each byte of their
 * UTF-8) and bytes that are not UTF-8 as \xHH, so a cell is one word for
 * awk and shows as it is on a terminal; printf %b gives the bytes back.
 */
static void sb_word(struct sb *s, const char *t)
{
	for (const unsigned char *p = (const unsigned char *)t; *p;) {
		unsigned cp;
		int n = utf8_len(p, &cp);
		bool esc = n == 0 || cp == ' ' || cp == '\\' || control(cp);

		n = n ? n : 1;
		for (int i = 0; i < n; i++, p++)
			if (esc)
				sb_printf(s, "\\x%02x", *p);
			else
				sb_printf(s, "%c", *p);
	}
}

/*
 * A JSON string. A name is bytes, not always UTF-8: a byte that is not
 * part of valid UTF-8 becomes \udcXX, a lone surrogate that valid UTF-8
 * never makes, as Python's surrogateescape does, so the bytes can be had
 * back (name.encode("utf-8", "surrogateescape")).
 */
static void sb_json_str(struct sb *s, const char *t)
{
	sb_printf(s, "\"");
	for (const unsigned char *p = (const unsigned char *)t; *p;) {
		unsigned cp;
		int n = utf8_len(p, &cp);

		if (n == 0)
			sb_printf(s, "\\udc%02x", *p);
		else if (cp == '"' || cp == '\\')
			sb_printf(s, "\\%c", *p);
		else if (control(cp))
			sb_printf(s, "\\u%04x", cp);
		else
			sb_printf(s, "%.*s", n, (const char *)p);
		p += n ? n : 1;
	}
	sb_printf(s, "\"");
}

char *ipcfmt_json_string(const char *t)
{
	struct sb s = { 0 };

	sb_json_str(&s, t);
	return s.p;
}

char *ipcfmt_word(const char *t)
{
	struct sb s = { 0 };

	sb_printf(&s, "%s", "");
	sb_word(&s, t);
	return s.p;
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

/* UTC, so times read the same on every machine and sort as text; the
 * kernel keeps System V times in whole seconds, so no fractions. */
void ipcfmt_time(char buf[IPCFMT_TIME_LEN], time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, IPCFMT_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, IPCFMT_TIME_LEN, "?");
}

static void sb_time(struct sb *s, time_t t)
{
	char b[IPCFMT_TIME_LEN];

	ipcfmt_time(b, t);
	sb_printf(s, "%s", b);
}

/* A mode: octal with a leading 0, as chmod takes it ("0600", "01777"). */
static void sb_mode(struct sb *s, unsigned mode)
{
	sb_printf(s, "0%03o", mode & 07777);
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
	case FLD_KIND: sb_printf(s, "%s", ipcobj_kind_name(o->kind)); break;
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

/* A JSON key from a field name: '-' as '_', so jq can write .last_pid. */
static void json_key(struct sb *s, int c)
{
	sb_printf(s, "\"");
	for (const char *p = field_names[c]; *p; p++)
		sb_printf(s, "%c", *p == '-' ? '_' : *p);
	sb_printf(s, "\":");
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

	json_key(s, c);
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

static void emit(struct sb *s)
{
	if (s->len)
		fwrite(s->p, 1, s->len, stdout);
	s->len = 0;
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
		emit(&s);
	}
	if (!lines)
		sb_printf(&s, n ? "\n]\n" : "]\n");
	emit(&s);
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
		emit(&s);
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
		emit(&s);
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
		emit(&s);
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

/* A field's name: "name: " in text, a JSON key with '_' for '-'. */
static void show_key(struct show *o, enum field f)
{
	struct sb s = { 0 };

	if (o->json) {
		sb_printf(&s, "%s", o->n ? "," : "{");
		json_key(&s, f);
	} else {
		sb_printf(&s, "%s: ", field_names[f]);
	}
	o->n++;
	emit(&s);
	free(s.p);
}

/* A value that is text already, quoted for JSON. */
static void show_text(struct show *o, enum field f, const char *v)
{
	show_key(o, f);
	printf(o->json ? "\"%s\"" : "%s\n", v);
}

void show_str(struct show *o, enum field f, const char *v)
{
	char *t = o->json ? ipcfmt_json_string(v) : ipcfmt_word(v);

	show_key(o, f);
	printf(o->json ? "%s" : "%s\n", t);
	free(t);
}

void show_num(struct show *o, enum field f, long long v)
{
	show_key(o, f);
	printf(o->json ? "%lld" : "%lld\n", v);
}

void show_time(struct show *o, enum field f, time_t t)
{
	char b[IPCFMT_TIME_LEN];

	if (t == 0) { /* as the table's "-": never set */
		show_key(o, f);
		fputs(o->json ? "null" : "-\n", stdout);
		return;
	}
	ipcfmt_time(b, t);
	show_text(o, f, b);
}

void show_mode(struct show *o, unsigned mode)
{
	struct sb s = { 0 };

	sb_mode(&s, mode);
	show_text(o, FLD_MODE, s.p);
	free(s.p);
}

void show_kind(struct show *o, enum obj_kind k)
{
	show_text(o, FLD_KIND, ipcobj_kind_name(k));
}

void show_sysv(struct show *o, key_t key, int id)
{
	char k[16];

	snprintf(k, sizeof k, "0x%08x", (unsigned)key);
	show_text(o, FLD_NAME, k);
	show_text(o, FLD_KEY, k);
	show_num(o, FLD_ID, id);
}

void show_end(struct show *o)
{
	if (o->json)
		puts(o->n ? "}" : "{}");
}
