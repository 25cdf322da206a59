// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the device worker core (kernel/virtio/worker.c) with handlers of
 * the test's own: kicks run handlers, a cut run is requeued until its work
 * is done, quiesce and kill exclude the thread, a late kick fires.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/slab.h>

#include "../../kernel/virtio/device.h"
#include "../../kernel/virtio/worker.h"

struct hvt_worker {
	struct hv_virtio_dev dev;
	struct hv_worker w;
	atomic_t runs[2];
	atomic_t left;			/* handler 1: cut runs still to do */
	bool saw_dying;
	/* a ring of the test's own for bit 0, polled */
	atomic_t posted;		/* buffers the "driver" posted */
	atomic_t taken;			/* of which handler 0 took */
	atomic_t begins, ends;		/* poll ops called for bit 0 */
	bool kicks_off;			/* between begin and end */
	bool end_finds;			/* end() reports work once */
	atomic_t post_in;		/* posts at this pending() call */
};

static struct hvt_worker *hvt_of(struct hv_worker *w)
{
	return container_of(w, struct hvt_worker, w);
}

static bool hvt_work0(struct hv_worker *w)
{
	lockdep_assert_held(&w->lock);
	if (hv_worker_dying(w))
		hvt_of(w)->saw_dying = true;
	atomic_inc(&hvt_of(w)->runs[0]);
	atomic_set(&hvt_of(w)->taken, atomic_read(&hvt_of(w)->posted));
	return false;
}

/* A handler whose budget is cut until left reaches 0. */
static bool hvt_work1(struct hv_worker *w)
{
	atomic_inc(&hvt_of(w)->runs[1]);
	return atomic_dec_if_positive(&hvt_of(w)->left) >= 0;
}

static const hv_work_fn hvt_handlers[] = { hvt_work0, hvt_work1 };

static void hvt_poll_begin(struct hv_worker *w, unsigned int bit)
{
	lockdep_assert_held(&w->lock);
	if (bit)
		return;
	atomic_inc(&hvt_of(w)->begins);
	hvt_of(w)->kicks_off = true;
}

static bool hvt_poll_pending(struct hv_worker *w, unsigned int bit)
{
	struct hvt_worker *t = hvt_of(w);

	/* the driver posts while we poll, without a kick */
	if (!bit && atomic_dec_if_positive(&t->post_in) == 0)
		atomic_inc(&t->posted);
	return !bit && atomic_read(&t->posted) != atomic_read(&t->taken);
}

static bool hvt_poll_end(struct hv_worker *w, unsigned int bit)
{
	struct hvt_worker *t = hvt_of(w);
	bool found = !bit && t->end_finds;

	if (bit)
		return false;
	atomic_inc(&t->ends);
	t->kicks_off = false;
	if (found)
		t->end_finds = false;
	return found;
}

static const struct hv_worker_poll hvt_poll = {
	.begin = hvt_poll_begin,
	.pending = hvt_poll_pending,
	.end = hvt_poll_end,
};

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

/*
 * Polling: after a run the worker spins on its ring, kicks suppressed;
 * a buffer posted meanwhile runs the handler without a kick.
 */
static void hv_worker_poll_finds_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);

	hv_worker_set_poll(&t->w, &hvt_poll);
	hv_worker_poll_us = HV_WORKER_POLL_MAX_US;
	atomic_set(&t->post_in, 3);
	hv_worker_resume(&t->w, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 2));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->taken), 1);
	KUNIT_EXPECT_GE(test, atomic_read(&t->begins), 1);
}

/*
 * Polling is bounded: with nothing posted the worker gives up within
 * worker_poll_us, kicks on again (end after every begin), and sleeps.
 */
static void hv_worker_poll_bounded_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);
	int runs;

	hv_worker_set_poll(&t->w, &hvt_poll);
	hv_worker_poll_us = 200;
	hv_worker_resume(&t->w, 0);
	KUNIT_ASSERT_TRUE(test, hvt_wait_runs(t, 0, 1));
	msleep(50);
	runs = atomic_read(&t->runs[0]);
	KUNIT_EXPECT_EQ(test, runs, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->begins), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->ends), 1);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(t->kicks_off));
	/* asleep: a kick still runs it */
	hv_worker_kick(&t->w, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, runs + 1));
}

/*
 * A buffer posted between the last look and kicks on again (end() says
 * so) is not lost: the handler runs without a kick.
 */
static void hv_worker_poll_end_race_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);

	hv_worker_set_poll(&t->w, &hvt_poll);
	hv_worker_poll_us = 100;
	t->end_finds = true;
	hv_worker_resume(&t->w, 0);
	KUNIT_EXPECT_TRUE(test, hvt_wait_runs(t, 0, 2));
}

/* worker_poll_us = 0 (the default): poll ops or not, it never polls. */
static void hv_worker_poll_off_test(struct kunit *test)
{
	struct hvt_worker *t = hvt_worker_new(test);

	hv_worker_set_poll(&t->w, &hvt_poll);
	atomic_set(&t->post_in, 1);
	hv_worker_resume(&t->w, 0);
	KUNIT_ASSERT_TRUE(test, hvt_wait_runs(t, 0, 1));
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->begins), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->runs[0]), 1);
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
	KUNIT_CASE(hv_worker_poll_end_race_test),
	KUNIT_CASE(hv_worker_poll_off_test),
	KUNIT_CASE(hv_worker_start_bad_test),
	{}
};

static struct kunit_suite hv_worker_suite = {
	.name = "hvisor_virtio_worker",
	.exit = hvt_worker_exit,
	.test_cases = hv_worker_cases,
};

kunit_test_suite(hv_worker_suite);
