/* SPDX-License-Identifier: ISC */
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "pty.h"

/* Canonical input (so the EOF character works), nothing else done to it. */
static int set_text_mode(int fd)
{
	struct termios t;
	static const int off[] = { VINTR, VQUIT, VERASE, VKILL, VEOL, VSTART, VSTOP, VSUSP,
#ifdef VEOL2
		VEOL2,
#endif
#ifdef VWERASE
		VWERASE,
#endif
#ifdef VREPRINT
		VREPRINT,
#endif
#ifdef VLNEXT
		VLNEXT,
#endif
	};

	if (tcgetattr(fd, &t) < 0)
		return -1;
	t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | IXOFF | ISTRIP | BRKINT | INPCK);
	t.c_oflag &= ~(tcflag_t)OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL | ISIG | IEXTEN);
	t.c_lflag |= ICANON;
	for (size_t i = 0; i < sizeof off / sizeof *off; i++)
		t.c_cc[off[i]] = _POSIX_VDISABLE;
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
	    || fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK) < 0) {
		close(m);
		if (s >= 0)
			close(s);
		return -1;
	}
	*master = m;
	*slave = s;
	return 0;
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
