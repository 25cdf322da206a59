// SPDX-License-Identifier: GPL-2.0
/*
 * ivc_ping: talk to a peer zone over an IVC channel, the way programs
 * written for upstream's ivc.ko do: map the control table and the shared
 * memory of /dev/hivc<id>, write into our out section, store the peer's id
 * into ipi_invoke, poll for the peer's ring, read its out section.
 *
 *   ivc_ping [-d DEV] [-n COUNT] [-s BYTES|max] [-p PEER] [-w] [-t MS]
 *	send COUNT messages, wait for each answer (an echo peer copies our
 *	out section into its own), check it, print the round trips.  -s max
 *	fills everything we may write: our whole out section and the rw
 *	section.  -w rings through write(2) instead of ipi_invoke.
 *   ivc_ping [-d DEV] [-t MS] recv    wait for a ring, print the peer's text
 *   ivc_ping [-d DEV] pending         poll without waiting: "ring pending"
 *				       or "no ring"
 *   ivc_ping [-d DEV] info            the channel list and control table
 *   ivc_ping [-d DEV] badmap          mappings outside the channel: all
 *				       must be refused
 *   ivc_ping [-d DEV] hold            map, wait until the channel goes
 *				       away, then expect SIGBUS on access
 *
 * Exit 0 on success, 1 on failure, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "uapi/hvisor_ivc.h"

static const char *dev = "/dev/hivc0";
static int timeout_ms = 2000;

/*
 * volatile, as upstream's header has it: the table is device memory that
 * hvisor answers, the shared memory changes under us
 */
struct chan {
	int fd;
	volatile struct ivc_control_table *tb;
	volatile unsigned char *shm;	/* rw section, then the out sections */
	size_t shm_size;
	unsigned int me, max_peers, rw, out;
};

static void die(const char *what)
{
	fprintf(stderr, "ivc_ping: %s: %s\n", what, strerror(errno));
	exit(1);
}

static volatile unsigned char *section(struct chan *c, unsigned int peer)
{
	return c->shm + c->rw + (size_t)peer * c->out;
}

static void chan_open(struct chan *c, int map_shm)
{
	c->fd = open(dev, O_RDWR);
	if (c->fd < 0)
		die(dev);
	c->tb = mmap(NULL, HVISOR_IVC_CT_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED, c->fd, 0);
	if (c->tb == MAP_FAILED)
		die("mmap control table");
	c->me = c->tb->peer_id;
	c->max_peers = c->tb->max_peers;
	c->rw = c->tb->rw_sec_size;
	c->out = c->tb->out_sec_size;
	c->shm_size = c->rw + (size_t)c->max_peers * c->out;
	if (!map_shm)
		return;
	c->shm = mmap(NULL, c->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->fd, HVISOR_IVC_SHMEM_OFFSET);
	if (c->shm == MAP_FAILED)
		die("mmap shared memory");
}

/* Wait for a ring: 1 rung, 0 timed out; exits if the channel went away. */
static int wait_ring(struct chan *c, int ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int n = poll(&pfd, 1, ms);

	if (n < 0)
		die("poll");
	if (n && (pfd.revents & (POLLHUP | POLLERR))) {
		fprintf(stderr, "ivc_ping: the channel went away\n");
		exit(1);
	}
	return n && (pfd.revents & POLLIN);
}

static void ring(struct chan *c, unsigned int peer, int use_write)
{
	uint32_t p = peer;

	if (!use_write) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* message first */
		c->tb->ipi_invoke = peer;
		return;
	}
	if (write(c->fd, &p, sizeof(p)) != sizeof(p))
		die("write to ring");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmd_ping(struct chan *c, long count, long size, long peer,
		    int use_write)
{
	uint64_t t, rtt, min = UINT64_MAX, max = 0, sum = 0;
	volatile unsigned char *mine, *theirs;
	long i, j, bad = 0;

	if (peer < 0)
		peer = (c->me + 1) % c->max_peers;
	if (size < 0)
		size = c->out;
	if (size < 1 || (size_t)size > c->out) {
		fprintf(stderr, "ivc_ping: -s %ld: the out section has %u bytes\n",
			size, c->out);
		return 2;
	}
	mine = section(c, c->me);
	theirs = section(c, peer);
	for (j = 0; j < c->rw; j++)	/* the rw section too, with -s max */
		c->shm[j] = (unsigned char)(j * 7 + 3);
	while (wait_ring(c, 0))		/* an old ring is no answer */
		;
	for (i = 0; i < count; i++) {
		for (j = 0; j < size; j++)
			mine[j] = (unsigned char)(i + j * 31);
		t = now_ns();
		ring(c, peer, use_write);
		if (!wait_ring(c, timeout_ms)) {
			fprintf(stderr, "ivc_ping: no answer from peer %ld to message %ld in %d ms\n",
				peer, i, timeout_ms);
			return 1;
		}
		rtt = now_ns() - t;
		for (j = 0; j < size; j++)
			if (theirs[j] != (unsigned char)(i + j * 31))
				break;
		if (j < size) {
			fprintf(stderr, "ivc_ping: message %ld: answer differs at byte %ld\n",
				i, j);
			bad++;
		}
		min = rtt < min ? rtt : min;
		max = rtt > max ? rtt : max;
		sum += rtt;
	}
	for (j = 0; j < c->rw; j++)
		if (c->shm[j] != (unsigned char)(j * 7 + 3)) {
			fprintf(stderr, "ivc_ping: rw section changed at byte %ld\n", j);
			bad++;
			break;
		}
	printf("ivc_ping: %ld round trips of %ld bytes to peer %ld: min %llu avg %llu max %llu ns, %ld bad\n",
	       count, size, peer, (unsigned long long)min,
	       (unsigned long long)(sum / count), (unsigned long long)max, bad);
	return bad ? 1 : 0;
}

static int cmd_recv(struct chan *c, long peer)
{
	char text[256];
	size_t i;

	if (peer < 0)
		peer = (c->me + 1) % c->max_peers;
	if (!wait_ring(c, timeout_ms)) {
		fprintf(stderr, "ivc_ping: no ring in %d ms\n", timeout_ms);
		return 1;
	}
	for (i = 0; i < sizeof(text) - 1 && i < c->out; i++)
		text[i] = section(c, peer)[i];
	text[i] = '\0';
	printf("received: %s\n", text);
	return 0;
}

static int cmd_info(struct chan *c)
{
	struct ivc_user_info info;
	int i;

	memset(&info, 0xff, sizeof(info));
	if (ioctl(c->fd, HVISOR_IVC_USER_INFO, &info))
		die("HVISOR_IVC_USER_INFO");
	printf("channels: %d:", info.len);
	for (i = 0; i < info.len && i < HVISOR_IVC_MAX_CHANNELS; i++)
		printf(" %d", info.ivc_ids[i]);
	printf("\nivc_id %u peer_id %u max_peers %u rw_sec_size %u out_sec_size %u\n",
	       c->tb->ivc_id, c->me, c->max_peers, c->rw, c->out);
	return 0;
}

/* One mapping that must fail with @want; 1 if it did not. */
static int refused(struct chan *c, const char *what, size_t len, off_t off,
		   int flags, int want)
{
	void *p = mmap(NULL, len, PROT_READ, flags, c->fd, off);

	if (p != MAP_FAILED) {
		printf("badmap: %s: mapped\n", what);
		munmap(p, len);
		return 1;
	}
	printf("badmap: %s: %s\n", what, strerror(errno));
	return errno != want;
}

static int cmd_badmap(struct chan *c)
{
	size_t end = HVISOR_IVC_SHMEM_OFFSET + c->shm_size;
	int bad = 0;

	bad += refused(c, "past the shared memory", c->shm_size + 4096,
		       HVISOR_IVC_SHMEM_OFFSET, MAP_SHARED, ENXIO);
	bad += refused(c, "after the shared memory", 4096, end, MAP_SHARED,
		       ENXIO);
	bad += refused(c, "far beyond", 4096, (off_t)1 << 40, MAP_SHARED,
		       ENXIO);
	bad += refused(c, "control table, two pages", 8192, 0, MAP_SHARED,
		       EINVAL);
	bad += refused(c, "private", 4096, HVISOR_IVC_SHMEM_OFFSET,
		       MAP_PRIVATE, EINVAL);
	return bad ? 1 : 0;
}

static sigjmp_buf hold_env;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(hold_env, 1);
}

static int cmd_hold(struct chan *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	volatile unsigned char x;

	c->shm[0] = 0x5a;
	printf("hold: mapped, waiting for the channel to go away\n");
	fflush(stdout);
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			die("poll");
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
	}
	printf("hold: poll says the channel is gone\n");
	signal(SIGBUS, on_sigbus);
	if (sigsetjmp(hold_env, 1)) {
		printf("hold: SIGBUS on the shared memory after removal\n");
		return 0;
	}
	x = c->shm[0];
	printf("hold: FAIL: read %#x after removal\n", x);
	return 1;
}

int main(int argc, char **argv)
{
	long count = 1, size = 32, peer = -1;
	const char *cmd = "ping";
	int opt, use_write = 0;
	struct chan c;

	while ((opt = getopt(argc, argv, "d:n:s:p:t:w")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'n':
			count = strtol(optarg, NULL, 0);
			break;
		case 's':
			size = strcmp(optarg, "max") ?
			       strtol(optarg, NULL, 0) : -1;
			break;
		case 'p':
			peer = strtol(optarg, NULL, 0);
			break;
		case 't':
			timeout_ms = strtol(optarg, NULL, 0);
			break;
		case 'w':
			use_write = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		cmd = argv[optind];
	if (count < 1)
		return 2;
	memset(&c, 0, sizeof(c));
	if (!strcmp(cmd, "badmap") || !strcmp(cmd, "info")) {
		chan_open(&c, 0);
		return !strcmp(cmd, "info") ? cmd_info(&c) : cmd_badmap(&c);
	}
	chan_open(&c, 1);
	if (peer >= (long)c.max_peers) {
		fprintf(stderr, "ivc_ping: -p %ld: the channel has %u peers\n",
			peer, c.max_peers);
		return 2;
	}
	if (!strcmp(cmd, "ping"))
		return cmd_ping(&c, count, size, peer, use_write);
	if (!strcmp(cmd, "recv"))
		return cmd_recv(&c, peer);
	if (!strcmp(cmd, "pending")) {
		printf("%s\n", wait_ring(&c, 0) ? "ring pending" : "no ring");
		return 0;
	}
	if (!strcmp(cmd, "hold"))
		return cmd_hold(&c);
	fprintf(stderr, "ivc_ping: unknown command %s\n", cmd);
	return 2;
}
