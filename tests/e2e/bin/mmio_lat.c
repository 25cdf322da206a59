// SPDX-License-Identifier: GPL-2.0
/*
 * mmio_lat: time a zone's register round trips through the sim's trap
 * path (debugfs hvisor_sim/zone<N>/mmio), while another access is pending.
 *
 *   mmio_lat [-d MS] [-l MS] [-i US] [-e EXPECT] PROBE_FILE PROBE_ADDR
 *            [WRITE_FILE WRITE_ADDR WRITE_VALUE]
 *
 * A thread reads the 32-bit register at PROBE_ADDR in a loop, -i US
 * apart (default 1000: the probe must not eat the CPUs it measures),
 * each read one blocking trap (request on the bridge, wait for the
 * answer), and timestamps every read.  With a WRITE_*, the main thread waits -l MS
 * (default 300), writes WRITE_VALUE to WRITE_ADDR (one blocking trap,
 * e.g. a reset of another zone's device), lets the probe run -l MS more
 * and stops it; without, the probe runs -d MS (default 2000).  Prints
 *
 *   write: LAT us
 *   probe: N reads, p50 A p99 B max C us, bad K
 *   during: N reads, p50 A p99 B max C us, longest pending D us
 *
 * "during": the reads that were pending at some point while the write
 * was; "longest pending": the most time any read stayed unanswered inside
 * the write's window (a read started before it counts from its start, one
 * still unanswered at its end counts to its end).  With -e, a read that
 * returns another value (the sim answers all-ones on a timeout) is
 * counted in "bad".  Exit 1 if an access failed or a read was bad.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES	1048576

struct sample {
	uint64_t t0, t1;	/* CLOCK_MONOTONIC ns around the access */
};

static struct sample *samples;
static int stop;		/* only touched atomically */
static long nsamples, bad, failed;
static const char *probe_file;
static unsigned long long probe_addr;
static long long expect = -1;
static unsigned long interval_us = 1000;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* One access: "r ADDR" or "w ADDR VALUE" into @fd; the value read back. */
static int access_reg(int fd, const char *cmd, long long *value)
{
	char out[32];
	ssize_t n;

	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		return -1;
	if (!value)
		return 0;
	n = pread(fd, out, sizeof(out) - 1, 0);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	*value = strtoll(out, NULL, 0);
	return 0;
}

static void *probe(void *arg)
{
	char cmd[64];
	long long v;
	int fd;

	(void)arg;
	fd = open(probe_file, O_RDWR);
	if (fd < 0) {
		perror("mmio_lat: open PROBE_FILE");
		failed++;
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "r %#llx", probe_addr);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED) &&
	       nsamples < MAX_SAMPLES) {
		struct sample *s = &samples[nsamples];

		s->t0 = now_ns();
		if (access_reg(fd, cmd, &v)) {
			fprintf(stderr, "mmio_lat: read %#llx: %s\n",
				probe_addr, strerror(errno));
			failed++;
			break;
		}
		s->t1 = now_ns();
		nsamples++;
		if (expect >= 0 && v != expect)
			bad++;
		if (interval_us)
			usleep(interval_us);
	}
	close(fd);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* "N reads, p50 A p99 B max C us" of the reads pending in [from, to). */
static void report(const char *what, uint64_t from, uint64_t to,
		   uint64_t *longest)
{
	uint64_t *lat = malloc(sizeof(*lat) * (nsamples + 1));
	uint64_t a, b;
	long i, n = 0;

	if (!lat) {
		perror("mmio_lat");
		exit(1);
	}
	*longest = 0;
	for (i = 0; i < nsamples; i++) {
		if (samples[i].t1 < from || samples[i].t0 >= to)
			continue;
		lat[n++] = samples[i].t1 - samples[i].t0;
		a = samples[i].t0 > from ? samples[i].t0 : from;
		b = samples[i].t1 < to ? samples[i].t1 : to;
		if (b - a > *longest)
			*longest = b - a;
	}
	if (!n) {
		printf("%s: 0 reads", what);
	} else {
		qsort(lat, n, sizeof(*lat), cmp_u64);
		printf("%s: %ld reads, p50 %llu p99 %llu max %llu us", what, n,
		       (unsigned long long)lat[(n - 1) / 2] / 1000,
		       (unsigned long long)lat[(n * 99 - 1) / 100] / 1000,
		       (unsigned long long)lat[n - 1] / 1000);
	}
	free(lat);
}

int main(int argc, char **argv)
{
	unsigned long dur_ms = 2000, lead_ms = 300;
	uint64_t w0 = 0, w1 = 0, longest;
	pthread_t t;
	char cmd[64];
	int opt, fd;

	while ((opt = getopt(argc, argv, "d:l:i:e:")) != -1) {
		switch (opt) {
		case 'd':
			dur_ms = strtoul(optarg, NULL, 0);
			break;
		case 'l':
			lead_ms = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			interval_us = strtoul(optarg, NULL, 0);
			break;
		case 'e':
			expect = strtoll(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 && argc - optind != 5)
		goto usage;
	probe_file = argv[optind];
	probe_addr = strtoull(argv[optind + 1], NULL, 0);
	samples = calloc(MAX_SAMPLES, sizeof(*samples));
	if (!samples) {
		perror("mmio_lat");
		return 1;
	}
	if (pthread_create(&t, NULL, probe, NULL)) {
		perror("mmio_lat: pthread_create");
		return 1;
	}
	if (argc - optind == 2) {
		usleep(dur_ms * 1000);
	} else {
		fd = open(argv[optind + 2], O_RDWR);
		if (fd < 0) {
			perror("mmio_lat: open WRITE_FILE");
			return 1;
		}
		snprintf(cmd, sizeof(cmd), "w %s %s", argv[optind + 3],
			 argv[optind + 4]);
		usleep(lead_ms * 1000);
		w0 = now_ns();
		if (access_reg(fd, cmd, NULL)) {
			fprintf(stderr, "mmio_lat: %s: %s\n", cmd,
				strerror(errno));
			failed++;
		}
		w1 = now_ns();
		close(fd);
		usleep(lead_ms * 1000);
		printf("write: %llu us\n", (unsigned long long)(w1 - w0) / 1000);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	report("probe", 0, UINT64_MAX, &longest);
	printf(", bad %ld\n", bad);
	if (w1) {
		report("during", w0, w1, &longest);
		printf(", longest pending %llu us\n",
		       (unsigned long long)longest / 1000);
	}
	return failed || bad ? 1 : 0;
usage:
	fprintf(stderr,
		"usage: mmio_lat [-d MS] [-l MS] [-i US] [-e EXPECT] PROBE_FILE PROBE_ADDR [WRITE_FILE WRITE_ADDR WRITE_VALUE]\n");
	return 2;
}
