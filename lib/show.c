/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "alloc.h"
#include "show.h"

const char *const field_names[FLD_N] = {
#define FIELD_NAME(e, s) s,
	FIELDS(FIELD_NAME)
#undef FIELD_NAME
};

const char *const kind_names[OBJ_FILE + 1] = {
#define KIND_NAME(e, s) [OBJ_##e] = s,
	KINDS(KIND_NAME)
#undef KIND_NAME
};

void sb_printf(struct sb *s, const char *fmt, ...)
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
void sb_word(struct sb *s, const char *t)
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
void sb_json_str(struct sb *s, const char *t)
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

char *show_json_string(const char *t)
{
	struct sb s = { 0 };

	sb_json_str(&s, t);
	return s.p;
}

char *show_word(const char *t)
{
	struct sb s = { 0 };

	sb_printf(&s, "%s", "");
	sb_word(&s, t);
	return s.p;
}

/* UTC, so times read the same on every machine and sort as text; the
 * kernel keeps System V times in whole seconds, so no fractions. */
void sb_time(struct sb *s, time_t t)
{
	char b[sizeof "2026-12-03T13:05:00Z"];
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(b, sizeof b, "?");
	sb_printf(s, "%s", b);
}

void sb_mode(struct sb *s, unsigned mode)
{
	sb_printf(s, "0%03o", mode & 07777);
}

void sb_json_key(struct sb *s, enum field c)
{
	sb_printf(s, "\"");
	for (const char *p = field_names[c]; *p; p++)
		sb_printf(s, "%c", *p == '-' ? '_' : *p);
	sb_printf(s, "\":");
}

void sb_emit(struct sb *s)
{
	if (s->len)
		fwrite(s->p, 1, s->len, stdout);
	s->len = 0;
}

/* A field's name: "name: " in text, a JSON key with '_' for '-'. */
static void show_key(struct show *o, enum field f)
{
	struct sb s = { 0 };

	if (o->json) {
		sb_printf(&s, "%s", o->n ? "," : "{");
		sb_json_key(&s, f);
	} else {
		sb_printf(&s, "%s: ", field_names[f]);
	}
	o->n++;
	sb_emit(&s);
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
	char *t = o->json ? show_json_string(v) : show_word(v);

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
	struct sb s = { 0 };

	if (t == 0) { /* as the table's "-": never set */
		show_key(o, f);
		fputs(o->json ? "null" : "-\n", stdout);
		return;
	}
	sb_time(&s, t);
	show_text(o, f, s.p);
	free(s.p);
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
	show_text(o, FLD_KIND, kind_names[k]);
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
