/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio bridge: the page shared with hvisor through which trapped MMIO
 * accesses of the zones arrive (req_list) and guest interrupts leave
 * (res_list + HV_HC_FINISH_REQ).
 */
#ifndef _HVISOR_BRIDGE_H
#define _HVISOR_BRIDGE_H

#include <linux/types.h>

/*
 * Allocate and register the bridge page (HV_HC_INIT_VIRTIO), request the
 * wake-up irq whose handler consumes the request ring, and start the
 * safety timer.  Called when a hypervisor registers.
 */
int hvisor_bridge_start(void);

/*
 * Stop consuming: free the irq, stop the timer.  Every device is
 * unregistered first (no deferred access is left to answer).  @hv_gone: the hypervisor that was
 * given the page is gone for good (another backend unregistering), so the
 * page can be freed.  Otherwise (real hvisor) it is never freed: hvisor
 * keeps writing into it after hvisor.ko is unloaded.
 */
void hvisor_bridge_stop(bool hv_gone);

/*
 * Ask hvisor to inject @irq into @zone: append to res_list and call
 * HV_HC_FINISH_REQ.  Any context, irqs off included.  Returns 0 or -errno
 * (-ENODEV without a bridge, -EBUSY if the response ring was full even
 * after a FINISH_REQ).
 */
int hvisor_bridge_inject(u32 zone, u32 irq);

#endif /* _HVISOR_BRIDGE_H */
