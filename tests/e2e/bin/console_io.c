// SPDX-License-Identifier: GPL-2.0
/*
 * console_io: exact raw I/O on a tty for tests/e2e/console_*.sh.
 *
 *   console_io write DEV FILE            write all of FILE, then tcdrain
 *   console_io read DEV N OUT [IDLE_S]   read N bytes into OUT; stop early
 *                                        after IDLE_S s without data
 *                                        (default 20); prints the count
 *   console_io eof DEV [TIMEOUT_S]       read until EOF or EIO (hangup);
 *                                        exit 0 if seen within TIMEOUT_S
 *
 * The tty is put in raw mode (cfmakeraw) on the helper's own descriptor
 * before any byte moves, so no other process has to open it first.
 * Exit: 0 ok, 1 short or failed, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int open_raw(const char *dev, int flags)
{
	struct termios t;
	int fd = open(dev, flags | O_NOCTTY);

	if (fd < 0) {
		fprintf(stderr, "console_io: open %s: %s\n", dev, strerror(errno));
		exit(1);
	}
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		if (tcsetattr(fd, TCSANOW, &t))
			fprintf(stderr, "console_io: tcsetattr %s: %s\n", dev,
				strerror(errno));
	}
	return fd;
}

static int do_write(const char *dev, const char *path)
{
	int fd = open_raw(dev, O_WRONLY), in = open(path, O_RDONLY);
	char buf[8192];
	long total = 0;
	ssize_t n, w, off;

	if (in < 0) {
		perror(path);
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = write(fd, buf + off, n - off);
			if (w < 0) {
				if (errno != EINTR) {
					fprintf(stderr, "console_io: write: %s\n",
						strerror(errno));
					return 1;
				}
				w = 0;
			}
		}
		total += n;
	}
	tcdrain(fd);
	printf("%ld\n", total);
	return 0;
}

static int do_read(const char *dev, long want, const char *path, int idle)
{
	int fd = open_raw(dev, O_RDONLY);
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[8192];
	long got = 0;
	ssize_t n;
	int r;

	if (out < 0) {
		perror(path);
		return 1;
	}
	while (got < want) {
		r = poll(&p, 1, idle * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;		/* idle too long */
		n = read(fd, buf, want - got < (long)sizeof(buf) ?
			 (size_t)(want - got) : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(out, buf, n) != n) {
			perror(path);
			return 1;
		}
		got += n;
	}
	printf("%ld\n", got);
	return got == want ? 0 : 1;
}

static int do_eof(const char *dev, int timeout)
{
	int fd = open_raw(dev, O_RDONLY);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&p, 1, timeout * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "console_io: no hangup within %d s\n",
				timeout);
			return 1;
		}
		n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno == EIO)) {
			printf("%s\n", n ? "EIO" : "EOF");
			return 0;
		}
		if (n < 0 && errno != EINTR && errno != EAGAIN) {
			fprintf(stderr, "console_io: read: %s\n", strerror(errno));
			return 1;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "read"))
		return do_read(argv[2], atol(argv[3]), argv[4],
			       argc > 5 ? atoi(argv[5]) : 20);
	if (argc >= 3 && !strcmp(argv[1], "eof"))
		return do_eof(argv[2], argc > 3 ? atoi(argv[3]) : 20);
	fprintf(stderr, "usage: console_io write DEV FILE\n"
		"       console_io read DEV N OUT [IDLE_S]\n"
		"       console_io eof DEV [TIMEOUT_S]\n");
	return 2;
}
