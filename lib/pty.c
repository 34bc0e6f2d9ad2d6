/* SPDX-License-Identifier: ISC */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "io.h"
#include "pty.h"

#define CTRL_V 026

/* The characters a line discipline may act on (VMIN and VTIME are counts). */
static const int specials[] = { VINTR, VQUIT, VERASE, VKILL, VEOF, VEOL, VSTART, VSTOP,
				VSUSP, VLNEXT, VWERASE, VREPRINT, VDISCARD,
#ifdef VEOL2
	VEOL2,
#endif
};

/*
 * Canonical input, so that an end of file can be told; every special
 * character off but EOF and literal-next, which pty_encode uses to pass
 * any byte through as it is.
 */
static int set_text_mode(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return -1;
	t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP | BRKINT | INPCK);
	t.c_oflag &= ~(tcflag_t)OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL | ISIG);
	t.c_lflag |= ICANON | IEXTEN;
	for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
		if (specials[i] != VEOF)
			t.c_cc[specials[i]] = _POSIX_VDISABLE;
	t.c_cc[VLNEXT] = CTRL_V;
	return tcsetattr(fd, TCSANOW, &t);
}

int pty_open(int *master, int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	const char *name;
	int s = -1;

	if (m < 0)
		return -1;
	if (fcntl(m, F_SETFD, FD_CLOEXEC) < 0 || grantpt(m) < 0 || unlockpt(m) < 0
	    || (name = ptsname(m)) == NULL
	    || (s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0
	    || set_text_mode(s) < 0
	    || fd_nonblock(m) < 0) {
		close(m);
		if (s >= 0)
			close(s);
		return -1;
	}
	*master = m;
	*slave = s;
	return 0;
}

/*
 * Read from the terminal's settings now (the command may have changed
 * them), so that what it has set is what the escaping follows.
 */
size_t pty_encode(int master, const char *in, size_t n, char *out, size_t *col)
{
	struct termios t;
	bool special[256] = { false };
	int lnext = -1, eof = -1;
	size_t k = 0;

	/* Not canonical: the command reads bytes as they come (or asked for
	 * what its settings do to them). */
	if (tcgetattr(master, &t) < 0 || !(t.c_lflag & ICANON)) {
		memcpy(out, in, n);
		for (size_t i = 0; i < n; i++)
			*col = in[i] == '\n' ? 0 : *col + 1;
		return n;
	}
	for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
		if (t.c_cc[specials[i]] != _POSIX_VDISABLE)
			special[t.c_cc[specials[i]]] = true;
	special['\r'] = true; /* ICRNL, IGNCR */
	special['\n'] = false;
	if ((t.c_lflag & IEXTEN) && t.c_cc[VLNEXT] != _POSIX_VDISABLE)
		lnext = t.c_cc[VLNEXT];
	if (t.c_cc[VEOF] != _POSIX_VDISABLE)
		eof = t.c_cc[VEOF];
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (*col >= PTY_LINE_PART && c != '\n' && eof >= 0) {
			out[k++] = (char)eof; /* hands the part over, adds nothing */
			*col = 0;
		}
		if (special[c] && lnext >= 0)
			out[k++] = (char)lnext;
		out[k++] = (char)c;
		*col = c == '\n' ? 0 : *col + 1;
	}
	return k;
}

void pty_send_eof(int master, bool line_start)
{
	struct termios t;
	char eof[2];

	eof[0] = eof[1] = tcgetattr(master, &t) == 0 ? (char)t.c_cc[VEOF] : 4;
	if (write(master, eof, line_start ? 1 : 2) < 0) {
		/* the reader is gone: nothing to end */
	}
}
