/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the two halves of the console: console.c (the virtio device and
 * its worker) and console_tty.c (the tty driver that serves it in zone 0).
 */
#ifndef _HVISOR_VIRTIO_CONSOLE_TTY_H
#define _HVISOR_VIRTIO_CONSOLE_TTY_H

#include <linux/spinlock.h>
#include <linux/tty_port.h>
#include <linux/virtio_console.h>

#include "mmio.h"
#include "console_buf.h"
#include "worker.h"

#define HV_CON_TTY_NAME		"hvisorcon"
#define HV_CON_MINORS		32
#define HV_CON_OUT_RING		(64 * 1024)	/* guest -> tty, bytes */
#define HV_CON_IN_RING		(4 * 1024)	/* tty -> guest, bytes */
#define HV_CON_QUEUE_MAX	128
#define HV_CON_WORK		0	/* the worker's one bit */

struct hv_console {
	struct hv_virtio_dev dev;
	struct tty_port port;		/* refcount: device + each tty */
	unsigned int minor;
	/* its lock protects the worker-only state below */
	struct hv_worker worker;

	/*
	 * Protects the input ring, the window size, the config space copy
	 * and the dead flag (so that no kick reaches the worker after destroy
	 * stopped it).  Taken from tty callbacks, the worker and config
	 * reads; never held across a call out of this file except memcpy.
	 */
	spinlock_t lock;
	struct hv_con_ring in;		/* tty -> guest */
	struct hv_con_winsz winsz;
	struct virtio_console_config config;
	bool dead;			/* detached: no more work, tty hung up */

	bool throttled;			/* the tty asked us to stop feeding it */

	/* Worker only (sysfs reads the ring indexes racily). */
	struct hv_con_ring out;		/* guest -> tty */
	bool tx_busy;			/* tx_chain popped, not fully taken */
	bool tx_held;			/* tx_chain waits for ring space */
	u32 tx_off;			/* bytes of tx_chain already taken */
	struct hv_vq_chain tx_chain;
	struct hv_vq_chain rx_chain;
	struct hv_vq_seg tx_segs[HV_CON_QUEUE_MAX];
	struct hv_vq_seg rx_segs[HV_CON_QUEUE_MAX];

	/* statistics for sysfs */
	atomic64_t bytes_in;		/* written into the guest's receiveq */
	atomic64_t bytes_out;		/* taken from the guest's transmitq */
	atomic64_t held;		/* times guest output was held back */

	u8 in_buf[HV_CON_IN_RING];
	u8 *out_buf;			/* HV_CON_OUT_RING bytes, kvmalloc */
};

/* Queue work for the worker; any context, not after destroy. */
void hv_con_kick(struct hv_console *con);

/* Free @con: the port's last put, or a failed create. */
void hv_con_free(struct hv_console *con);

/*
 * Give @con a minor and its tty /dev/hvisorcon<n> (console_tty.c).  0, or
 * -errno with nothing left to undo (-ENOSPC: every minor taken).  From
 * here on the port's last put frees @con (hv_con_free()).
 */
int hv_con_tty_add(struct hv_console *con);

/*
 * Withdraw the tty of @con (it is dead and its worker stopped): hang up
 * its openers, remove the node, drop the device's port reference.
 */
void hv_con_tty_remove(struct hv_console *con);

/*
 * Register the hvisorcon tty driver.  Called once from module init,
 * before any device can be attached; 0 or -errno.
 */
int hv_con_tty_init(void);

/* Undo hv_con_tty_init(); every console must be destroyed already. */
void hv_con_tty_exit(void);

#endif /* _HVISOR_VIRTIO_CONSOLE_TTY_H */
