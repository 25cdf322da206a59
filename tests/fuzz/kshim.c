// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line part of kshim.h: the clock and the work "queue".
 */
#include "kshim.h"

unsigned long jiffies = 1000;

static struct workqueue_struct hv_fuzz_wq;
struct workqueue_struct *system_wq = &hv_fuzz_wq;

/* Pending works, most recent first; a work is on it at most once. */
static struct work_struct *hv_fuzz_pending;

bool hv_fuzz_queue_work(struct work_struct *w)
{
	if (w->pending)
		return false;
	w->pending = true;
	w->next_pending = hv_fuzz_pending;
	hv_fuzz_pending = w;
	return true;
}

bool hv_fuzz_cancel_work(struct work_struct *w)
{
	struct work_struct **p;

	for (p = &hv_fuzz_pending; *p; p = &(*p)->next_pending) {
		if (*p == w) {
			*p = w->next_pending;
			w->pending = false;
			w->next_pending = NULL;
			return true;
		}
	}
	return false;
}

/* One pass of the worker: run what was pending when it started. */
void hv_fuzz_run_work(void)
{
	struct work_struct *list = hv_fuzz_pending, *w;

	hv_fuzz_pending = NULL;
	jiffies += HZ / 10;
	while (list) {
		w = list;
		list = w->next_pending;
		w->pending = false;
		w->next_pending = NULL;
		w->func(w);
	}
}

/* Between inputs: the objects the works live in are about to be freed. */
void hv_fuzz_forget_work(void)
{
	while (hv_fuzz_pending)
		hv_fuzz_cancel_work(hv_fuzz_pending);
}
