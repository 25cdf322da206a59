// SPDX-License-Identifier: GPL-2.0
/*
 * cl_pingpong [ROUNDS]: the floor under any doorbell between two CPUs.
 * Two threads pinned to CPUs 0 and 1 pass a counter back and forth
 * through one cache line, spinning; prints the round trip in ns:
 *   "cl_pingpong: N round trips: min X avg Y ns"
 * (min over batches of 64 round trips, avg over all).
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
	uint64_t v, t0, tb, d, min = UINT64_MAX;
	pthread_t t;
	long i;

	if (argc > 1)
		rounds = strtol(argv[1], NULL, 0) / BATCH * BATCH;
	if (rounds < BATCH)
		rounds = BATCH;
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
			tb = now_ns();
		}
	}
	d = now_ns() - t0;
	pthread_join(t, NULL);
	printf("cl_pingpong: %ld round trips: min %llu avg %llu ns\n", rounds,
	       (unsigned long long)min, (unsigned long long)(d / rounds));
	return 0;
}
