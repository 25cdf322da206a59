// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor seam: at most one implementation of struct hvisor_hv_ops is
 * installed at a time, either the native one (the per-arch trap, installed
 * at load time when hvisor is detected) or another module's (the simulator).
 *
 * Readers (hvisor_hv_call() and friends) use SRCU, so a call may sleep in
 * the implementation, and unregistration waits for every call in flight
 * before it returns: the implementation's module can go away right after.
 *
 * The seam is the lowest layer: what the module does when a hypervisor
 * comes and goes (the bridge, the devices, the zones) is its client's
 * business (struct hv_seam_client, given to hvisor_seam_init() by
 * kernel/main.c); the seam includes nothing of it.
 */
#define pr_fmt(fmt) "hvisor: " fmt

#include <linux/errno.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/srcu.h>
#include <linux/string.h>

#include "../common/zone_check.h"
#include "../include/hvisor/seam.h"
#include "arch.h"
#include "hvisor.h"
#include "seam_internal.h"

/* Serialises register/unregister: the client's up and down run under it. */
static DEFINE_MUTEX(hv_seam_lock);
DEFINE_STATIC_SRCU(hv_srcu);
static const struct hvisor_hv_ops __rcu *hv_ops;

/* Why there is no hypervisor, for the one log line; a static string. */
static const char *hv_absent_why = "not probed yet";
static unsigned long hv_absent_logged;	/* bit 0: logged */
static bool hv_native_detected;
/* Set once by hvisor_seam_init(), before any implementation can register. */
static const struct hv_seam_client *hv_client;

static const struct hvisor_hv_ops hv_native_ops = {
	.name		= "hvisor",
	.owner		= THIS_MODULE,
	.call		= hvisor_arch_hypercall,
	.wakeup_irq	= hvisor_arch_wakeup_irq,
	.irq_event	= hvisor_arch_irq_event,
};

static void hv_log_absent(void)
{
	/* once per load of hvisor.ko, whatever the number of callers */
	if (!test_and_set_bit(0, &hv_absent_logged))
		pr_notice("no hypervisor: %s\n", READ_ONCE(hv_absent_why));
}

long hvisor_hv_call(unsigned long code, unsigned long arg0, unsigned long arg1)
{
	const struct hvisor_hv_ops *ops;
	long ret;
	int idx;

	idx = srcu_read_lock(&hv_srcu);
	ops = srcu_dereference(hv_ops, &hv_srcu);
	if (ops) {
		ret = ops->call(code, arg0, arg1);
		/* hvisor returns -errno as a 64-bit value; keep it an errno */
		if (ret < 0 && ret < -MAX_ERRNO)
			ret = -EIO;
	} else {
		hv_log_absent();
		ret = -ENODEV;
	}
	srcu_read_unlock(&hv_srcu, idx);
	return ret;
}

int hvisor_hv_check(void)
{
	bool present;
	int idx;

	idx = srcu_read_lock(&hv_srcu);
	present = !!srcu_dereference(hv_ops, &hv_srcu);
	srcu_read_unlock(&hv_srcu, idx);
	if (present)
		return 0;
	hv_log_absent();
	return -ENODEV;
}

int hvisor_hv_name(char *buf, size_t size)
{
	const struct hvisor_hv_ops *ops;
	int idx, ret = -ENODEV;

	idx = srcu_read_lock(&hv_srcu);
	ops = srcu_dereference(hv_ops, &hv_srcu);
	if (ops) {
		strscpy(buf, ops->name, size);
		ret = 0;
	}
	srcu_read_unlock(&hv_srcu, idx);
	return ret;
}

int hvisor_hv_wakeup_irq(void)
{
	const struct hvisor_hv_ops *ops;
	int idx, ret = -ENODEV;

	idx = srcu_read_lock(&hv_srcu);
	ops = srcu_dereference(hv_ops, &hv_srcu);
	if (ops)
		ret = ops->wakeup_irq();
	srcu_read_unlock(&hv_srcu, idx);
	return ret;
}

int hvisor_hv_ivc_irq(unsigned int index)
{
	const struct hvisor_hv_ops *ops;
	int idx, ret = -ENODEV;

	idx = srcu_read_lock(&hv_srcu);
	ops = srcu_dereference(hv_ops, &hv_srcu);
	if (ops)
		ret = ops->ivc_irq ? ops->ivc_irq(index) : 0;
	srcu_read_unlock(&hv_srcu, idx);
	return ret;
}

bool hvisor_hv_irq_event(u32 zone_id, u32 irq, enum hvisor_irq_event ev)
{
	const struct hvisor_hv_ops *ops;
	bool cleared = false;
	int idx;

	idx = srcu_read_lock(&hv_srcu);
	ops = srcu_dereference(hv_ops, &hv_srcu);
	if (ops && ops->irq_event)
		cleared = ops->irq_event(zone_id, irq, ev);
	srcu_read_unlock(&hv_srcu, idx);
	return cleared;
}

/*
 * No module reference is held on ops->owner while it is registered: its
 * module_exit is where it unregisters, so a reference would make it
 * impossible to unload.  Instead unregistration waits (SRCU) until no call
 * into @ops is running, and hvisor.ko never touches @ops afterwards.
 */
int hvisor_hv_register(const struct hvisor_hv_ops *ops)
{
	int ret;

	if (!ops || !ops->name || !ops->call || !ops->wakeup_irq)
		return -EINVAL;

	mutex_lock(&hv_seam_lock);
	if (rcu_access_pointer(hv_ops)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	rcu_assign_pointer(hv_ops, ops);

	ret = hv_client->up(ops->name);
	if (ret) {
		RCU_INIT_POINTER(hv_ops, NULL);
		synchronize_srcu(&hv_srcu);
		goto out_unlock;
	}
	pr_info("hypervisor backend \"%s\" registered\n", ops->name);
out_unlock:
	mutex_unlock(&hv_seam_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hvisor_hv_register);

void hvisor_hv_unregister(const struct hvisor_hv_ops *ops)
{
	bool native = ops == &hv_native_ops;

	/*
	 * What was served through this hypervisor goes first, while it can
	 * still be called (the devices' workers still inject).
	 */
	hv_client->going();
	mutex_lock(&hv_seam_lock);
	if (WARN_ON(!ops || rcu_access_pointer(hv_ops) != ops)) {
		mutex_unlock(&hv_seam_lock);
		return;
	}
	/* still callable: the client stops what calls it (bridge, irq) */
	hv_client->down(native);
	RCU_INIT_POINTER(hv_ops, NULL);
	synchronize_srcu(&hv_srcu);
	hv_client->gone();
	WRITE_ONCE(hv_absent_why, native ? "hvisor.ko is unloading" :
		   "the hypervisor backend unregistered");
	pr_info("hypervisor backend \"%s\" unregistered\n", ops->name);
	mutex_unlock(&hv_seam_lock);
}
EXPORT_SYMBOL_GPL(hvisor_hv_unregister);

int hvisor_seam_init(const struct hv_seam_client *client)
{
	const char *why = "unknown";
	int ret;

	hv_client = client;

	if (hvisor_arch_detect(&why)) {
		WRITE_ONCE(hv_absent_why, why);
		pr_info("hvisor not detected (%s); waiting for a backend\n", why);
		return 0;
	}
	hv_native_detected = true;
	ret = hvisor_hv_register(&hv_native_ops);
	if (ret) {
		hvisor_arch_release();
		hv_native_detected = false;
	}
	return ret;
}

void hvisor_seam_exit(void)
{
	if (!hv_native_detected)
		return;
	hvisor_hv_unregister(&hv_native_ops);
	hvisor_arch_release();
}

u32 hvisor_native_arch(void)
{
	return hvisor_arch_id();
}
EXPORT_SYMBOL_GPL(hvisor_native_arch);

size_t hvisor_native_config_size(u64 magic)
{
	return hv_zone_config_size(hvisor_arch_id(), magic);
}
EXPORT_SYMBOL_GPL(hvisor_native_config_size);
