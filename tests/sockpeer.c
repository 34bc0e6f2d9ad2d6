/* SPDX-License-Identifier: ISC */
/*
 * sockpeer: misbehaving peers for tests/sockpipe.bats. Not installed.
 *   sockpeer reset       listen on 127.0.0.1:0, print the port, accept one
 *                        connection, wait for data, then reset it (RST)
 *   sockpeer reply N     listen on 127.0.0.1:0, print the port; N times:
 *                        accept, read 1 byte, write "reply\n" and close
 *                        (the unread rest makes the close a reset)
 *   sockpeer rst WHEN 4|6  listen on 127.0.0.1:0 or [::1]:0, print the port,
 *                        accept one connection and reset it (SO_LINGER 0):
 *                        "before" as soon as data (or its end) comes;
 *                        "during" after the request's end and half of the
 *                        reply (standard input); "after" once the whole
 *                        reply is acknowledged
 *   sockpeer hold PATH   listen on a unix socket (or on 127.0.0.1:0 if PATH
 *                        is "tcp", printing the port) with a backlog that is
 *                        already full, print "ready", and wait to be killed
 */
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "diag.h"
#include "io.h"
#include "tool.h"

static int tcp_listener(int backlog)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, backlog) < 0
	    || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die(1, "listen:");
	printf("%d\n", ntohs(a.sin_port));
	return fd;
}

static int tcp6_listener(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) < 0 || listen(fd, 1) < 0
	    || getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die(1, "listen:");
	printf("%d\n", ntohs(a.sin6_port));
	return fd;
}

/* Read the request to its end, then send LEN bytes of standard input. */
static void rst_reply(int c, long len)
{
	char b[65536];
	ssize_t n;

	while ((n = read(c, b, sizeof b)) > 0)
		;
	if (n < 0)
		die(1, "read:");
	while (len != 0 && (n = read(0, b, len > 0 && len < (long)sizeof b ? (size_t)len : sizeof b)) > 0) {
		if (write_all(c, b, (size_t)n) < 0)
			die(1, "write:");
		if (len > 0)
			len -= n;
	}
}

/* sockpeer rst WHEN 4|6: see the top of the file. */
static int rst(const char *when, const char *family)
{
	int lfd = strcmp(family, "6") == 0 ? tcp6_listener() : tcp_listener(1);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct pollfd p = { .events = POLLIN };
	int c, outq = 0;

	fflush(stdout);
	if ((c = accept(lfd, NULL, NULL)) < 0)
		die(1, "accept:");
	p.fd = c;
	if (strcmp(when, "before") == 0) {
		if (poll(&p, 1, -1) < 0)
			die(1, "poll:");
	} else if (strcmp(when, "during") == 0) {
		struct stat st;
		if (fstat(0, &st) < 0)
			die(1, "stdin:");
		rst_reply(c, (long)(st.st_size / 2));
	} else {
		rst_reply(c, -1);
		/* Acknowledged: SIOCOUTQ is 0 (bounded: 100 s at most). */
		for (int i = 0; i < 10000 && ioctl(c, SIOCOUTQ, &outq) == 0 && outq > 0; i++)
			poll(NULL, 0, 10);
	}
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c);
	return 0;
}

int main(int argc, char **argv)
{
	tool_init("sockpeer");
	if (argc == 2 && strcmp(argv[1], "reset") == 0) {
		int lfd = tcp_listener(1);
		fflush(stdout);
		int c = accept(lfd, NULL, NULL);
		struct pollfd p = { .fd = c, .events = POLLIN };
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		if (c < 0 || poll(&p, 1, -1) < 0)
			die(1, "accept:");
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		close(c);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "reply") == 0) {
		int lfd = tcp_listener(16);
		char b;
		fflush(stdout);
		for (long n = strtol(argv[2], NULL, 10); n > 0; n--) {
			int c = accept(lfd, NULL, NULL);
			if (c < 0 || read(c, &b, 1) != 1 || write(c, "reply\n", 6) != 6)
				die(1, "reply:");
			close(c);
		}
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "rst") == 0)
		return rst(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "hold") == 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int lfd, fd;
		if (strcmp(argv[2], "tcp") == 0) {
			lfd = tcp_listener(0);
		} else {
			struct sockaddr_un a = { .sun_family = AF_UNIX };
			snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[2]);
			lfd = socket(AF_UNIX, SOCK_STREAM, 0);
			if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 0) < 0)
				die(1, "%s: listen:", argv[2]);
		}
		/* One connection of our own fills a backlog of 0. */
		getsockname(lfd, (struct sockaddr *)&ss, &len);
		fd = socket(ss.ss_family, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0)
			die(1, "connect:");
		printf("ready\n");
		fflush(stdout);
		pause();
		return 0;
	}
	usage_error("usage: sockpeer reset | sockpeer reply N | sockpeer rst WHEN 4|6 | sockpeer hold PATH|tcp");
}
