/* SPDX-License-Identifier: ISC */
/*
 * lib/show: a name (the input, up to its first NUL) as a JSON string and
 * as a table word. Properties: the JSON is valid UTF-8 with no raw
 * control, and decoding it, \udcXX as byte XX (surrogateescape), gives
 * the name back; the word has no blank, control or bidi mark, and
 * decoding its \xHH gives the name back.
 */
#include "fuzz.h"
#include "show.h"

/* The code point of the valid UTF-8 at p (len bytes left), its length in
 * *n; -1 if not valid. Written apart from lib/show's, by ranges. */
static long utf8(const unsigned char *p, size_t len, int *n)
{
	static const long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	long cp;

	*n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3 :
	     (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (*n == 0 || (size_t)*n > len)
		return -1;
	cp = *n == 1 ? p[0] : p[0] & (0x7f >> *n);
	for (int i = 1; i < *n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min[*n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void put_utf8(char **o, long cp)
{
	unsigned char *q = (unsigned char *)*o;

	if (cp < 0x80) {
		*q++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*q++ = (unsigned char)(0xc0 | cp >> 6);
		*q++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*q++ = (unsigned char)(0xe0 | cp >> 12);
		*q++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*q++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o = (char *)q;
}

static void check_json(const char *name)
{
	char *j = show_json_string(name), *out = malloc(strlen(name) + 1), *o = out;
	size_t len = strlen(j);
	int n;

	FZ_CHECK(j && out && len >= 2 && j[0] == '"' && j[len - 1] == '"');
	for (size_t i = 1; i < len - 1; i += (size_t)n) {
		long cp = utf8((const unsigned char *)j + i, len - 1 - i, &n);
		FZ_CHECK(cp >= 0x20 && cp != '"');
		if (cp != '\\') {
			memcpy(o, j + i, (size_t)n);
			o += n;
			continue;
		}
		char c = j[i + 1];
		FZ_CHECK(c == '\\' || c == '"' || c == 'u');
		if (c != 'u') {
			*o++ = c;
			n = 2;
			continue;
		}
		long u = 0;
		for (int k = 2; k < 6; k++) {
			FZ_CHECK(i + (size_t)k < len && hex(j[i + k]) >= 0);
			u = u * 16 + hex(j[i + k]);
		}
		n = 6;
		if (u >= 0xdc80 && u <= 0xdcff)
			*o++ = (char)(u & 0xff); /* a byte that is not UTF-8 */
		else
			put_utf8(&o, u);
		FZ_CHECK(u < 0xd800 || (u >= 0xdc80 && u <= 0xdcff) || u > 0xdfff);
	}
	FZ_CHECK((size_t)(o - out) == strlen(name) && memcmp(out, name, strlen(name)) == 0);
	free(j);
	free(out);
}

static void check_word(const char *name)
{
	char *w = show_word(name), *out = malloc(strlen(name) + 1), *o = out;
	size_t len = strlen(w);
	int n;

	FZ_CHECK(w && out);
	for (size_t i = 0; i < len; i += (size_t)n) {
		long cp = utf8((const unsigned char *)w + i, len - i, &n);
		FZ_CHECK(cp > 0x20 && !(cp >= 0x7f && cp <= 0x9f) && cp != 0x202e && cp != 0x2066);
		if (cp != '\\') {
			memcpy(o, w + i, (size_t)n);
			o += n;
			continue;
		}
		FZ_CHECK(i + 3 < len && w[i + 1] == 'x' && hex(w[i + 2]) >= 0 && hex(w[i + 3]) >= 0);
		*o++ = (char)(hex(w[i + 2]) * 16 + hex(w[i + 3]));
		n = 4;
	}
	FZ_CHECK((size_t)(o - out) == strlen(name) && memcmp(out, name, strlen(name)) == 0);
	free(w);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1024)
		return 0;
	fz_quiet();
	char *name = fz_str(data, size);
	check_json(name);
	check_word(name);
	free(name);
	return 0;
}
