/* SPDX-License-Identifier: ISC */
/*
 * Shared memory targets for shmput and shmcat: a POSIX object (NAME), a
 * System V segment (-k KEY, -i ID, --ftok PATH) or a regular file
 * (-F PATH). A POSIX object is itself a file under /dev/shm, where glibc
 * and musl both put shm_open(3) objects, so POSIX objects and files are
 * handled alike: opened, mapped with MAP_SHARED, replaced by rename(2).
 */
#ifndef IPCUTILS_SHM_H
#define IPCUTILS_SHM_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "deadline.h"
#include "ipcname.h"

#define SHM_DIR "/dev/shm"

/* The long option -F, --file PATH; put it in the tool's sorted table. */
#define SHM_LONGOPT_FILE { "file", required_argument, NULL, 'F' }

struct shm {
	struct ipc_target t;  /* kind IPC_POSIX, IPC_SYSV, or IPC_NONE for a file */
	bool file;            /* -F PATH */
	char path[PATH_MAX];  /* POSIX: /dev/shm/NAME; a file: PATH */
	const char *label;    /* how messages name it */
	int fd;               /* POSIX or file, once opened; else -1 */
	int id;               /* System V, once found; else -1 */
	size_t size;          /* its size when opened */
	void *addr;           /* mapped or attached, else NULL */
	char home[PATH_MAX];  /* claimed: the name it had; else "" */
};

void shm_init(struct shm *s);
/* Take -k, -i, --ftok or -F; false if opt is none of them. */
bool shm_option(struct shm *s, int opt, const char *arg);
/*
 * getopt_long (opterr off, for usage_bad_option) for a tool that names a
 * target: -k, -i, --ftok and -F go to shm_option; returns the tool's next
 * option, or -1 when they end.
 */
int shm_getopt(struct shm *s, int argc, char **argv, const char *optstring,
	       const struct option *longopts);
/*
 * After getopt_long: take the operand NAME or /NAME at argv[optind], if
 * any, and no other; a usage error unless a target was given (forms lists
 * the tool's ways of naming one).
 */
void shm_operands(struct shm *s, int argc, char **argv, const char *forms);

/* POSIX object or file: backed by a file descriptor. */
static inline bool shm_is_fd(const struct shm *s)
{
	return s->file || s->t.kind == IPC_POSIX;
}

/*
 * Open the existing object for reading or for reading and writing, and
 * take its size. Returns 0, or -1 with errno ENOENT when it does not exist;
 * any other failure (permission, not a segment, not a regular file) is
 * reported and exits 1.
 */
int shm_open_existing(struct shm *s, bool writable);
/* As shm_open_existing, waiting until d passes for the object to appear
 * (inotify on its directory; a short poll for System V keys). Returns -1
 * with errno ETIMEDOUT when it did not appear in time. */
int shm_open_wait(struct shm *s, bool writable, const struct deadline *d);
/*
 * POSIX object or file: an inotify descriptor (non-blocking) watching its
 * directory for mask; shm_event_wait blocks until an event names the
 * object itself, then takes what else is pending, so a burst is one change.
 * It returns -1 with errno EPIPE when watch_out's reader (a pipe) is gone.
 */
int shm_watch(const struct shm *s, uint32_t mask);
int shm_event_wait(const struct shm *s, int in, int watch_out);
/* Print the object's attributes as "key: value" lines on stdout. */
void shm_stat(struct shm *s);

/* Exit 1 saying that the object does not exist. */
noreturn void shm_die_missing(const struct shm *s);

/* Map (POSIX, file) or attach (System V) the whole of it; s->addr. */
void shm_map(struct shm *s, bool writable);
/* Unmap or detach, and close. */
void shm_close(struct shm *s);
/*
 * Remove the object: shm_unlink, unlink or IPC_RMID. 0, or -1 with errno;
 * ESTALE when the name now holds another object than the one opened (call
 * it before shm_close), which is then left alone.
 */
int shm_remove(struct shm *s);

/*
 * Take a POSIX object or file for this process alone, before it is read
 * and removed: rename it to a name of its own next to it (s->path then
 * names it there), so of two takers exactly one gets it. 0, or -1 with
 * errno ENOENT when it is gone (another taker won).
 */
int shm_claim(struct shm *s);
/* Give a claimed object its name back, unless a newer object took the
 * name meanwhile: then -1 with errno EEXIST, and s->path says where it is.
 * Async-signal-safe, for a cleanup action. */
int shm_unclaim(struct shm *s);

/*
 * Ask the kernel to allocate the pages of [p, p+n) of a shared mapping now
 * rather than fault them in one at a time (MADV_POPULATE_WRITE, Linux
 * 5.14); a no-op where that is not available.
 */
void shm_populate(void *p, size_t n);
/* Zero [p, p+n) of a segment: whole pages are given back, not touched. */
void shm_zero(char *p, size_t n);

/*
 * The most a new System V segment can hold, and in *why the limit that
 * says so: SHMMAX, what SHMALL leaves (pages, less those in use), and the
 * memory there is.
 */
uint64_t shm_sysv_limit(const char **why);

/*
 * A POSIX object or file replaced atomically: shm_fresh_open makes a
 * fresh object of the mode next to s->path (exit 1 if it cannot), removed
 * at exit (cleanup.h) until shm_fresh_commit puts it in place: by rename,
 * or for exclusive by link, which fails if s exists ("already exists").
 */
struct shm_fresh {
	char path[PATH_MAX];
	int undo;  /* its cleanup handle */
};
int shm_fresh_open(const struct shm *s, struct shm_fresh *f, mode_t mode);
void shm_fresh_commit(const struct shm *s, struct shm_fresh *f, bool exclusive);

#endif
