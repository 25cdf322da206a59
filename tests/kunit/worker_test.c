// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the device worker core (kernel/virtio/worker.c) with handlers of
 * the test's own: kicks run handlers, a cut run is requeued until its work
 * is done, quiesce and kill exclude the thread, a late kick fires.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/virtio_ring.h>

#include "../../kernel/virtio/device.h"
#include "../../kernel/virtio/vq.h"
#include "../../kernel/virtio/worker.h"
#include "virtio_test_util.h"

struct hvt_worker {
	struct hv_virtio_dev dev;
	struct hv_worker w;
	atomic_t runs[2];
	atomic_t left;			/* handler 1: cut runs still to do */
	bool saw_dying;
	/* polling: a real ring for bit 0, the driver played by the test */
	struct hvt_mem *m;
	struct hv_vq vq;
	struct hv_vq_chain chain;
	struct hv_vq_seg segs[2];
	atomic_t taken;			/* chains handler 0 popped */
	atomic_t asked;			/* busyloops that asked for bit 0's ring */
	int post_at_poll;		/* the driver posts at this busyloop */
	bool kicks_at_post;		/* what the driver's rule said then */
	bool lazy;			/* handler 0 leaves the ring as it is */
	u16 posted;			/* avail->idx */
};

static struct hvt_worker *hvt_of(struct hv_worker *w)
{
	return container_of(w, struct hvt_worker, w);
}

/* Handler 0's device: pop what bit 0's ring holds, kicks on again. */
static void hvt_take(struct hvt_worker *t)
{
	if (!t->m)
		return;
	do {
		t->chain.segs = t->segs;
		t->chain.max_segs = ARRAY_SIZE(t->segs);
		while (hv_vq_pop(&t->vq, &t->chain) > 0)
			atomic_inc(&t->taken);
	} while (hv_vq_enable_notify(&t->vq));
}

static bool hvt_work0(struct hv_worker *w)
{
	lockdep_assert_held(&w->lock);
	if (hv_worker_dying(w))
		hvt_of(w)->saw_dying = true;
	if (!hvt_of(w)->lazy)
		hvt_take(hvt_of(w));
	atomic_inc(&hvt_of(w)->runs[0]);
	return false;
}

/* A handler whose budget is cut until left reaches 0. */
static bool hvt_work1(struct hv_worker *w)
{
	atomic_inc(&hvt_of(w)->runs[1]);
	return atomic_dec_if_positive(&hvt_of(w)->left) >= 0;
}

static const hv_work_fn hvt_handlers[] = { hvt_work0, hvt_work1 };

/* Would the driver kick for its next buffer on bit 0's ring? */
static bool hvt_next_kicks(struct hvt_worker *t)
{
	return hvt_driver_kicks(t->m, &t->vq, t->posted, t->posted + 1);
}

/*
 * Bit 0's ring, once the case set it up.  Asked for bit 1 after bit 0's
 * ring is watched, kicks suppressed: the driver may post then.
 */
static struct hv_vq *hvt_poll_vq(struct hv_worker *w, unsigned int bit)
{
	struct hvt_worker *t = hvt_of(w);

	lockdep_assert_held(&w->lock);
	if (!t->m)
		return NULL;
	if (!bit) {
		atomic_inc(&t->asked);
		return &t->vq;
	}
	if (atomic_read(&t->asked) == t->post_at_poll) {
		t->kicks_at_post = hvt_next_kicks(t);
		hvt_avail(t->m, 8, t->posted++, 0);
	}
	return NULL;
}

static bool hvt_wait_runs(struct hvt_worker *t, int bit, int n)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (atomic_read(&t->runs[bit]) >= n)
			return true;
		usleep_range(500, 1000);
	}
	return false;
}

/* The suite's exit: stop the worker the case started, if any. */
static void hvt_worker_exit(struct kunit *test)
{
	struct hvt_worker *t = test->priv;

	hv_worker_poll_us = 0;
	if (!t)
		return;
	hv_worker_stop(&t->w);
	kfree(t);
	test->priv = NULL;
}

static struct hvt_worker *hvt_worker_new(struct kunit *test)
{
	struct hvt_worker *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->dev.vdev.zone_id = 7;
	err = hv_worker_start(&t->w, &t->dev, hvt_handlers,
			      ARRAY_SIZE(hvt_handlers), "test", -1);
	if (err)
		kfree(t);
	KUNIT_ASSERT_EQ(test, err, 0);
	test->priv = t;
	return t;
}

static void hv_worker_kick_runs_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);

	KUNIT_EXPECT_TRUE(test, hv_worker_paused(&t->w));
	KUNIT_EXPECT_STREQ(test, t->w.task->comm, "hvisor-test/7");
	hv_worker_resume(&t->w, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 1));
	KUNIT_EXPECT_FALSE(test, hv_worker_paused(&t->w));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[1]), 0);
}

/* A cut run is requeued, without a new kick, until its work is done. */
static void hv_worker_requeue_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);

	atomic_set(&t->left, 5);
	hv_worker_kick(&t->w, 1);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 1, 6));
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[1]), 6);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 0);
}

/* Quiesced: a kick does not run a handler until the lock is dropped. */
static void hv_worker_quiesce_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);
	int ran;

	hv_worker_quiesce(&t->w);
	KUNIT_EXPECT_TRUE(test, hv_worker_paused(&t->w));
	hv_worker_kick(&t->w, 0);
	msleep(20);
	ran = atomic_read(&t->runs[0]);
	hv_worker_unlock(&t->w);
	KUNIT_EXPECT_EQ(test, ran, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 1));
}

static void hv_worker_kill_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);

	hv_worker_kill(&t->w);
	KUNIT_EXPECT_TRUE(test, hv_worker_dying(&t->w));
	hv_worker_unlock(&t->w);
	hv_worker_kick(&t->w, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 1));
	KUNIT_EXPECT_TRUE(test, t->saw_dying);
}

static void hv_worker_kick_later_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);

	hv_worker_kick_later(&t->w, 0, msecs_to_jiffies(10));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 1));
}

/* Stopped with a timer armed: the timer is gone with the thread. */
static void hv_worker_stop_timer_test(struct kunit *test)
{
	struct hvt_worker *t = kzalloc(sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, hv_worker_start(&t->w, &t->dev, hvt_handlers,
					      ARRAY_SIZE(hvt_handlers), "test",
					      3), 0);
	KUNIT_EXPECT_STREQ(test, t->w.task->comm, "hvisor-test/0.3");
	hv_worker_kick_later(&t->w, 0, msecs_to_jiffies(5));
	hv_worker_stop(&t->w);
	KUNIT_EXPECT_FALSE(test, timer_pending(&t->w.timer));
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 0);
	kfree(t);
}

/*
 * Work that never ends (a guest whose rings always say "more", the
 * overlapping-ring spin) cannot pin the worker: every cut run drops the
 * lock and yields, so a reset still quiesces it and the exit stops it.
 */
static void hv_worker_endless_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);
	int n;

	atomic_set(&t->left, INT_MAX);
	hv_worker_kick(&t->w, 1);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 1, 100));
	hv_worker_quiesce(&t->w);
	n = atomic_read(&t->runs[1]);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[1]), n);
	hv_worker_unlock(&t->w);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 1, n + 10));
}

/* A worker whose bit 0 serves a ring of 8 entries, each one buffer. */
static struct hvt_worker *hvt_poll_new(struct kunit *test, bool event_idx)
{
	struct hvt_worker *t = hvt_worker_new(test);

	t->m = hvt_mem_new(test);
	hvt_desc(t->m, HVT_DESC, 0, HVT_BUF, 16, VRING_DESC_F_WRITE, 0);
	KUNIT_ASSERT_EQ(test, hv_vq_setup(&t->vq, &t->m->gm, 8, 8, HVT_DESC,
					  HVT_AVAIL, HVT_USED, event_idx), 0);
	hv_worker_set_poll(&t->w, hvt_poll_vq);
	return t;
}

/*
 * Polling: after a run the worker spins on its ring, the driver's kicks
 * suppressed; a buffer posted then is found by the spin and taken
 * without a kick, and kicks are on again once the worker sleeps.
 */
static void hv_worker_poll_finds_test(struct kunit *test)
{
	bool ev;

	for (ev = false; ; ev = true) {
		struct hvt_worker *t = hvt_poll_new(test, ev);

		hv_worker_poll_us = HV_WORKER_POLL_MAX_US;
		t->post_at_poll = 1;
		t->kicks_at_post = true;
		hv_worker_resume(&t->w, 0);
		KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 2));
		KUNIT_EXPECT_EQ(test, atomic_read(&t->taken), 1);
		KUNIT_EXPECT_FALSE(test, t->kicks_at_post);
		/* asleep after its second spin, which found nothing */
		msleep(20);
		KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 2);
		mutex_lock(&t->w.lock);
		KUNIT_EXPECT_EQ(test, t->w.polls, 2);
		KUNIT_EXPECT_EQ(test, t->w.polls_found, 1);
		KUNIT_EXPECT_TRUE(test, hvt_next_kicks(t));
		mutex_unlock(&t->w.lock);
		if (ev)
			break;
		hvt_worker_exit(test);
	}
}

/*
 * Polling is bounded: with nothing posted the worker gives up within
 * worker_poll_us, turns kicks on again, and sleeps; a kick wakes it.
 */
static void hv_worker_poll_bounded_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_poll_new(test, true);

	hv_worker_poll_us = 200;
	hv_worker_resume(&t->w, 0);
	/* one sleep: on a UP kernel our wake-up alone would end the spin */
	msleep(50);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 1);
	mutex_lock(&t->w.lock);
	KUNIT_EXPECT_EQ(test, t->w.polls, 1);
	KUNIT_EXPECT_EQ(test, t->w.polls_found, 0);
	/* 200 us, not until something else (our wake-up) ended it */
	KUNIT_EXPECT_LT(test, t->w.polled_ns, 10 * NSEC_PER_MSEC);
	KUNIT_EXPECT_TRUE(test, hvt_next_kicks(t));
	mutex_unlock(&t->w.lock);
	hvt_avail(t->m, 8, t->posted++, 0);
	hv_worker_kick(&t->w, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 2));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->taken), 1);
}

/* worker_poll_us = 0 (the default): it never polls; a post waits. */
static void hv_worker_poll_off_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_poll_new(test, false);

	t->post_at_poll = 1;
	hv_worker_resume(&t->w, 0);
	KUNIT_ASSERT_TRUE(test, hvt_wait_runs(t, 0, 1));
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->asked), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 1);
}

/*
 * A ring its handler left work in (out of requests, say) is not
 * watched: that would find it at once, run the handler for nothing and
 * spin so for as long as the guest likes.  Its kick wakes the worker.
 */
static void hv_worker_poll_left_work_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_poll_new(test, true);

	hv_worker_poll_us = HV_WORKER_POLL_MAX_US;
	t->lazy = true;
	hvt_avail(t->m, 8, t->posted++, 0);
	hv_worker_resume(&t->w, 0);
	KUNIT_ASSERT_TRUE(test, hvt_wait_runs(t, 0, 1));
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 1);
	mutex_lock(&t->w.lock);
	KUNIT_EXPECT_EQ(test, t->w.polls, 0);
	t->lazy = false;
	mutex_unlock(&t->w.lock);
	hv_worker_kick(&t->w, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 2));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->taken), 1);
}

static void hv_worker_start_bad_test(struct kunit *test)
{
	struct hvt_worker *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, hv_worker_start(&t->w, &t->dev, hvt_handlers, 0,
					      "test", -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, hv_worker_start(&t->w, &t->dev, hvt_handlers,
					      HV_WORKER_MAX_WORK + 1, "test",
					      -1), -EINVAL);
}

static struct kunit_case hv_worker_cases[] = {
	KUNIT_CASE(hv_worker_kick_runs_test),
	KUNIT_CASE(hv_worker_requeue_test),
	KUNIT_CASE(hv_worker_quiesce_test),
	KUNIT_CASE(hv_worker_kill_test),
	KUNIT_CASE(hv_worker_kick_later_test),
	KUNIT_CASE(hv_worker_stop_timer_test),
	KUNIT_CASE(hv_worker_endless_test),
	KUNIT_CASE(hv_worker_poll_finds_test),
	KUNIT_CASE(hv_worker_poll_bounded_test),
	KUNIT_CASE(hv_worker_poll_off_test),
	KUNIT_CASE(hv_worker_poll_left_work_test),
	KUNIT_CASE(hv_worker_start_bad_test),
	{}
};

static struct kunit_suite hv_worker_suite = {
	.name = "hvisor_virtio_worker",
	.exit = hvt_worker_exit,
	.test_cases = hv_worker_cases,
};

kunit_test_suite(hv_worker_suite);
