/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "fifo.h"

/* Is path a FIFO itself (not a symlink to one)? Says why not. */
static int check_fifo(const char *path, struct stat *st)
{
	if (fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW) < 0) {
		warn("%s:", path);
		return -1;
	}
	if (!S_ISFIFO(st->st_mode)) {
		warn("%s: exists and is not a FIFO%s; left untouched", path,
		     S_ISLNK(st->st_mode) ? " (a symbolic link)" : "");
		return -1;
	}
	return 0;
}

/*
 * Set the mode of the FIFO at path exactly, never through a symlink: the
 * check and the change both refuse to follow one.
 */
static int set_mode(const char *path, mode_t mode, struct stat *st)
{
	if (check_fifo(path, st) < 0)
		return -1;
	if ((st->st_mode & 07777) == mode)
		return 0;
	if (fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW) < 0) {
		/* No /proc for glibc's or musl's emulation: path was just checked. */
		if ((errno != ENOTSUP && errno != EOPNOTSUPP) || chmod(path, mode) < 0) {
			warn("%s: cannot set mode %04o:", path, (unsigned)mode);
			return -1;
		}
	}
	return 0;
}

/*
 * --exist-ok: an existing FIFO is taken only if it is ours: another user's would
 * carry our data through an object they own, and -m would open it up for
 * them. Checked and changed through one O_PATH descriptor, so the FIFO
 * whose mode is set is the one whose owner was checked.
 */
static int take_existing(const struct fifo_how *how, const char *path)
{
	struct stat st, at;
	char proc[64];
	int fd, r = -1;

	if (check_fifo(path, &st) < 0)
		return -1;
	if ((fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(fd, &at) < 0) {
		warn("%s:", path);
	} else if (at.st_dev != st.st_dev || at.st_ino != st.st_ino || !S_ISFIFO(at.st_mode)) {
		warn("%s: was replaced while it was checked; left untouched", path);
	} else if (at.st_uid != geteuid()) {
		warn("%s: exists and belongs to user %lu, not to this one; left untouched", path,
		     (unsigned long)at.st_uid);
	} else if (!how->mode_given || (at.st_mode & 07777) == how->mode) {
		r = 0;
	} else {
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		/* Without /proc: by path, as set_mode does, never through a symlink. */
		if (chmod(proc, how->mode) == 0)
			r = 0;
		else if (errno == ENOENT)
			r = set_mode(path, how->mode, &st);
		else
			warn("%s: cannot set mode %04o:", path, (unsigned)how->mode);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/*
 * Create one FIFO. Returns 0, -1 after saying why, or for a temporary
 * FIFO -2 when mkfifo failed (errno set, unreported): on EEXIST the
 * caller tries another name, else it names the template.
 */
int fifo_make(const struct fifo_how *how, const char *path, bool temp, bool *made)
{
	struct stat st;

	*made = false;
	if (mkfifo(path, how->mode) < 0) {
		if (temp)
			return -2;
		if (errno != EEXIST || !how->exist_ok) {
			warn("%s:", path);
			return -1;
		}
		return take_existing(how, path);
	}
	*made = true;
	/* The umask may have taken bits away; set them exactly. */
	if ((how->mode & ~how->mask) != how->mode || (how->mode & 07000)) {
		if (set_mode(path, how->mode, &st) < 0) {
			unlink(path);
			*made = false;
			return -1;
		}
	}
	if (how->verbose)
		warn("created FIFO '%s'", path);
	return 0;
}

/*
 * Remember a FIFO. One we made and may remove is pinned with an O_PATH
 * descriptor (no reader, no writer: the FIFO works as before), so that a
 * FIFO the command makes in its place cannot get the same inode number.
 */
void fifos_add(struct fifos *fs, const char *path, bool made, bool pin)
{
	struct stat st = { 0 };
	int fd = -1;

	fs->v = xreallocarray(fs->v, fs->n + 1, sizeof *fs->v);
	path = xstrdup(path);
	if (made && pin)
		fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (made && (fd >= 0 ? fstat(fd, &st) : fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW)) < 0)
		made = false;
	fs->v[fs->n++] = (struct fifo){ (char *)path, made, st.st_dev, st.st_ino, st.st_ctim, fd };
}

void fifos_free(struct fifos *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].path);
	free(fs->v);
}

/* Remove the FIFOs we made, but only if each is still the one we made. */
void fifos_remove(struct fifos *fs, bool verbose)
{
	struct stat st;

	for (size_t i = 0; i < fs->n; i++) {
		struct fifo *f = &fs->v[i];
		if (!f->made)
			continue;
		if (fstatat(AT_FDCWD, f->path, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* the command removed it */
		/* Unpinned (out of descriptors), the ctime tells a reused number. */
		if (!S_ISFIFO(st.st_mode) || st.st_dev != f->dev || st.st_ino != f->ino ||
		    (f->pin < 0 && (st.st_ctim.tv_sec != f->ctime.tv_sec ||
				    st.st_ctim.tv_nsec != f->ctime.tv_nsec))) {
			warn("%s: replaced since it was made; left in place", f->path);
			continue;
		}
		if (unlink(f->path) < 0)
			warn("%s: cannot remove:", f->path);
		else if (verbose)
			warn("removed '%s'", f->path);
		f->made = false;
	}
}

