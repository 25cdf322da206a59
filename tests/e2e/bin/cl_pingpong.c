// SPDX-License-Identifier: GPL-2.0
/*
 * cl_pingpong [ROUNDS]: the floor under any doorbell between two CPUs.
 * Two threads pinned to CPUs 0 and 1 pass a counter back and forth
 * through one cache line, spinning; prints the round trip in ns:
 *   "cl_pingpong: N round trips: min X avg Y ns, p50 A p99 B ns"
 * (min, p50 and p99 over batches of 64 round trips, each batch's mean;
 * avg over all).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH 64

static _Alignas(64) uint64_t line;	/* only touched atomically */
static long rounds = 100000;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("cl_pingpong: sched_setaffinity");
		exit(1);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* CPU 1: answer every odd value with the next even one */
static void *pong(void *arg)
{
	uint64_t v;

	(void)arg;
	pin(1);
	for (v = 1; v < 2 * (uint64_t)rounds; v += 2) {
		while (__atomic_load_n(&line, __ATOMIC_ACQUIRE) != v)
			;
		__atomic_store_n(&line, v + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t v, t0, tb, d, min = UINT64_MAX, *batch;
	pthread_t t;
	long i, nb;

	if (argc > 1)
		rounds = strtol(argv[1], NULL, 0) / BATCH * BATCH;
	if (rounds < BATCH)
		rounds = BATCH;
	nb = rounds / BATCH;
	batch = malloc(sizeof(*batch) * nb);
	if (!batch) {
		perror("cl_pingpong: malloc");
		return 1;
	}
	pin(0);
	if (pthread_create(&t, NULL, pong, NULL)) {
		perror("cl_pingpong: pthread_create");
		return 1;
	}
	t0 = tb = now_ns();
	for (i = 0, v = 0; i < rounds; i++, v += 2) {
		__atomic_store_n(&line, v + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&line, __ATOMIC_ACQUIRE) != v + 2)
			;
		if ((i + 1) % BATCH == 0) {
			d = (now_ns() - tb) / BATCH;
			min = d < min ? d : min;
			batch[i / BATCH] = d;
			tb = now_ns();
		}
	}
	d = now_ns() - t0;
	pthread_join(t, NULL);
	qsort(batch, nb, sizeof(*batch), cmp_u64);
	printf("cl_pingpong: %ld round trips: min %llu avg %llu ns, p50 %llu p99 %llu ns\n",
	       rounds, (unsigned long long)min,
	       (unsigned long long)(d / rounds),
	       (unsigned long long)batch[(nb - 1) / 2],
	       (unsigned long long)batch[(nb * 99 - 1) / 100]);
	free(batch);
	return 0;
}
