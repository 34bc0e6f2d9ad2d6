/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "input.h"
#include "io.h"
#include "shm.h"

enum { STEP = 64 << 20 };

/*
 * Grow the mapping to len bytes (and the object under it first), or, if
 * the file system has no room for that, to need bytes.
 */
static void area_resize(struct area *a, size_t len, size_t need)
{
	char *p;

	/* fallocate gets tmpfs pages in one go, cheaper than faulting each in. */
	if (a->fd >= 0 && len > a->len) {
		int r = fallocate(a->fd, 0, (off_t)a->len, (off_t)(len - a->len));

		if (r < 0 && errno == EOPNOTSUPP) {
			r = ftruncate(a->fd, (off_t)len);
		} else if (r < 0 && errno == ENOSPC && need < len) {
			len = need; /* a nearly full tmpfs: take only what the input needs */
			r = fallocate(a->fd, 0, (off_t)a->len, (off_t)(len - a->len));
		}
		if (r < 0)
			die(EXIT_FAIL, "%s: cannot grow to %s:", a->label, fmt_bytes(len));
	}
	if (a->p)
		p = mremap(a->p, a->len, len, MREMAP_MAYMOVE);
	else if (a->fd >= 0)
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
	else
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die(EXIT_FAIL, "%s: cannot map %s:", a->label, fmt_bytes(len));
	shm_populate(p + a->len, len - a->len);
	a->p = p;
	a->len = len;
}

static size_t read_in(void *p, size_t n)
{
	ssize_t r = read_full(STDIN_FILENO, p, n);

	if (r < 0)
		die(EXIT_FAIL, "standard input: read error:");
	return (size_t)r;
}

/* stdin's remaining size if it is a regular file, else -1. */
int64_t input_size(void)
{
	struct stat st;
	off_t pos;

	if (fstat(STDIN_FILENO, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (pos = lseek(STDIN_FILENO, 0, SEEK_CUR)) < 0 || pos > st.st_size)
		return -1;
	return st.st_size - pos;
}

/*
 * Read stdin into a from byte off on, at most max bytes, growing a as the
 * input comes (it starts at room bytes). The input is read once, straight
 * into its place. Returns the bytes stored, or max + 1 when there was
 * more: reading stops there, so endless input ends too.
 */
size_t slurp(struct area *a, size_t off, size_t max, size_t room)
{
	static char probe[1 << 16];
	size_t got = 0, r, want;

	if (room > max)
		room = max;
	if (!a->fixed && room > 0)
		area_resize(a, off + room, off + room);
	for (;;) {
		if (room > got)
			got += read_in(a->p + off + got, room - got);
		if (got < room)
			return got;
		/* Full: look for more before growing, so an exact fit never grows. */
		want = max - got < sizeof probe ? max - got + 1 : sizeof probe;
		if ((r = read_in(probe, want)) == 0)
			return got;
		if (r > max - got)
			return max + 1;
		if (r < want)
			room = got + r; /* the input ended: exactly that */
		else if ((room = room < STEP ? 2 * room : room + STEP) < got + r + (1 << 20))
			room = got + r + (1 << 20);
		if (room > max)
			room = max;
		if (a->fixed)
			die(EXIT_FAIL, "%s: the input grew while it was read", a->label);
		area_resize(a, off + room, off + got + r);
		/* A nearly full file system gave it less: read no further than that. */
		room = a->len - off;
		memcpy(a->p + off + got, probe, r);
		got += r;
	}
}

/*
 * Copy stdin into the fresh object fd with one copy and no page zeroing
 * when stdin is a regular file of known bytes: write(2) from a mapping of
 * it. (Reading into a mapping of the object makes the kernel zero each
 * page first; splice(2) from a pipe measured slower still.) Returns false
 * when stdin cannot be mapped, for slurp to do it.
 */
bool copy_in(int fd, const char *label, size_t known)
{
	off_t pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
	size_t skew = (size_t)pos % (size_t)sysconf(_SC_PAGESIZE);
	char *src;

	src = mmap(NULL, known + skew, PROT_READ, MAP_SHARED | MAP_POPULATE, STDIN_FILENO,
		   pos - (off_t)skew);
	if (src == MAP_FAILED)
		return false;
	if (write_all(fd, src + skew, known) < 0)
		die(EXIT_FAIL, "%s: cannot write:", label);
	munmap(src, known + skew);
	lseek(STDIN_FILENO, pos + (off_t)known, SEEK_SET);
	return true;
}
