/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-console backend: port 0 of a zone's console (receiveq 0,
 * transmitq 1, VIRTIO_CONSOLE_F_SIZE), served as a zone 0 tty.
 *
 * One tty driver, "hvisorcon" with a dynamic major, serves every console:
 * each console device takes the lowest free minor n (0..HV_CON_MINORS-1)
 * and appears as /dev/hvisorcon<n>.  The minor stays taken until the device
 * is detached *and* the last opener closed, so a stale file never reaches
 * a newer console.
 *
 * Buffering (no byte is ever dropped):
 *  - guest output goes through a HV_CON_OUT_RING byte ring to the tty.
 *    When no tty is open the ring keeps the output for a reader that comes
 *    later; when the reader is slow (tty throttled or its flip buffers
 *    full) the ring fills too.  With the ring full the device stops
 *    consuming the transmitq: the guest's own driver waits;
 *  - input written to the tty goes through a HV_CON_IN_RING byte ring to
 *    the guest's receiveq.  With the ring full, write() takes nothing and
 *    write_room() is 0: writers block (or get EAGAIN) until the guest
 *    posts receive buffers.
 */
#ifndef _HVISOR_VIRTIO_CONSOLE_H
#define _HVISOR_VIRTIO_CONSOLE_H

#include <linux/types.h>

#include "mmio.h"
#include "vtype.h"

/* The type: attach entries of HVISOR_VIRTIO_CONSOLE (vtypes.c). */
extern const struct hv_vtype hv_console_vtype;

/*
 * Tear down a device that is no longer registered (also ops->destroy):
 * stops the worker and hangs up the tty (readers get EOF, writers EIO).
 * The memory and the minor live on until the last opener closes; the
 * guest's memory is not touched after this returns.
 */
void hv_console_destroy(struct hv_virtio_dev *dev);

#endif /* _HVISOR_VIRTIO_CONSOLE_H */
