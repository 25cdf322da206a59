// SPDX-License-Identifier: GPL-2.0
/*
 * hvd_rng: a test daemon written only against upstream hvisor-tool's user
 * ABI on /dev/hvisor (ioctl type 1, mmap offset 0 = bridge page, mmap
 * offset = physical address for zone RAM, wake-ups on an eventfd), as
 * upstream's own daemon sees it.  It serves one virtio-mmio (version 2)
 * virtio-rng device, so that tests can prove that hvisor.ko forwards what
 * it does not serve itself.  Nothing here comes from this project's
 * headers: the numbers and layouts are upstream's (reference: upstream
 * hvisor-tool include/hvisor.h, tools/virtio/virtio.c).
 *
 *   hvd_rng -z ZONE -a ADDR -i IRQ -m ZONE0_IPA:ZONEX_IPA:SIZE
 *           [-s SPIN_US] [-H N] [-R MS] [-r]
 *           [-J ZONE:IRQ]...
 *
 * -s: busy-poll the request ring this long (default 50 us) before going
 * to sleep on the eventfd; -H N: stop consuming requests after N of them
 * (the daemon hangs, requests stay owed; prints "hung" when it does);
 * -r: serve getrandom() bytes instead of the counter pattern; -J ZONE:IRQ
 * (up to 8): on SIGUSR2, put these {zone, irq} on res_list and call
 * FINISH_REQ, as a buggy or hostile daemon would, and print
 * "inject: OK|ERRNO".
 *
 * Interrupts follow upstream's line model: one injection, then none until
 * the guest's InterruptACK.  On GIC, hvisor drops an injection while the
 * guest's handler for that irq runs (hv:src/device/irqchip/gicv3/
 * mod.rs:288-301): a buffer used then is never signalled and the line
 * model stalls the queue for good, as upstream's daemon does.  -R MS
 * injects again every MS while the guest has not acknowledged, as
 * hvisor.ko's own devices do (kernel/virtio/device.c).  The
 * pattern: the n-th byte the device ever serves is n & 0xff, so a reader
 * of the guest's /dev/hwrng sees bytes that count up by one.
 * Prints "hvd_rng: ready" when serving, the first access to each window
 * of another device ("foreign access"), and its counters on SIGUSR1 and
 * when it stops on SIGTERM or SIGINT.
 *
 *   hvd_rng -t init             INIT_VIRTIO only
 *   hvd_rng -t mmap PHYS SIZE   mmap SIZE bytes at physical address PHYS
 *   hvd_rng -t zone_start       upstream's ZONE_START with a zeroed config
 *   hvd_rng -t load_image       upstream's LOAD_IMAGE of one page at 0
 *
 * each print "<test>: OK" or "<test>: <ERRNO NAME>" and exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* ---- upstream's ABI (include/hvisor.h), as its daemon compiles it ---- */

#define UP_MAX_REQ		32
#define UP_MAX_CPUS		32
#define UP_MAX_DEVS		8
#define UP_MMAP_SIZE		4096

#define UP_INIT_VIRTIO		_IO(1, 0)
#define UP_FINISH_REQ		_IO(1, 2)
#define UP_ZONE_START		_IOW(1, 3, void *)
#define UP_SET_EVENTFD		_IOW(1, 7, int)
#define UP_LOAD_IMAGE		_IOW(1, 8, struct up_load_image_args)

struct up_device_req {
	uint64_t src_cpu;
	uint64_t address;		/* the zone's physical address */
	uint64_t size;
	uint64_t value;
	uint32_t src_zone;
	uint8_t is_write;
	uint8_t need_interrupt;		/* posted: no cfg completion */
	uint16_t padding;
};

struct up_device_res {
	uint32_t target_zone;
	uint32_t irq_id;
};

struct up_virtio_bridge {
	uint32_t req_front;
	uint32_t req_rear;
	uint32_t res_front;
	uint32_t res_rear;
	struct up_device_req req_list[UP_MAX_REQ];
	struct up_device_res res_list[UP_MAX_REQ];
	uint64_t cfg_flags[UP_MAX_CPUS];
	uint64_t cfg_values[UP_MAX_CPUS];
	uint64_t mmio_addrs[UP_MAX_DEVS];
	uint8_t mmio_avail;
	uint8_t need_wakeup;
};

struct up_load_image_args {
	uint64_t user_buffer;
	uint64_t size;
	uint64_t load_paddr;
};

/* The reference's numbers (upstream-hvisor-tool.md 1.2, 1.11). */
_Static_assert(UP_INIT_VIRTIO == 0x100, "INIT_VIRTIO");
_Static_assert(UP_FINISH_REQ == 0x102, "FINISH_REQ");
_Static_assert(UP_ZONE_START == 0x40080103, "ZONE_START");
_Static_assert(UP_SET_EVENTFD == 0x40040107, "SET_EVENTFD");
_Static_assert(UP_LOAD_IMAGE == 0x40180108, "LOAD_IMAGE");
_Static_assert(sizeof(struct up_device_req) == 40, "device_req");
_Static_assert(offsetof(struct up_virtio_bridge, req_list) == 16, "req_list");
_Static_assert(offsetof(struct up_virtio_bridge, res_list) == 1296, "res_list");
_Static_assert(offsetof(struct up_virtio_bridge, cfg_flags) == 1552, "cfg_flags");
_Static_assert(offsetof(struct up_virtio_bridge, cfg_values) == 1808, "cfg_values");
_Static_assert(offsetof(struct up_virtio_bridge, mmio_addrs) == 2064, "mmio_addrs");
_Static_assert(offsetof(struct up_virtio_bridge, need_wakeup) == 2129, "need_wakeup");
_Static_assert(sizeof(struct up_virtio_bridge) == 2136, "virtio_bridge");

/* ---- virtio-mmio version 2 (virtio 1.x 4.2.2), split ring ---- */

#define MMIO_MAGIC_VALUE	0x000
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_VENDOR_ID		0x00c
#define MMIO_DEVICE_FEATURES	0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES	0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INTERRUPT_STATUS	0x060
#define MMIO_INTERRUPT_ACK	0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC_LOW	0x080
#define MMIO_QUEUE_DESC_HIGH	0x084
#define MMIO_QUEUE_AVAIL_LOW	0x090
#define MMIO_QUEUE_AVAIL_HIGH	0x094
#define MMIO_QUEUE_USED_LOW	0x0a0
#define MMIO_QUEUE_USED_HIGH	0x0a4
#define MMIO_CONFIG_GENERATION	0x0fc
#define MMIO_CONFIG		0x100
#define MMIO_WINDOW		0x200

#define VIRT_MAGIC		0x74726976	/* "virt" */
#define VIRT_VENDOR		0x48564953	/* "HVIS", as upstream's */
#define VIRTIO_ID_RNG		4
#define VIRTIO_F_VERSION_1	32
#define INT_VRING		1
#define QUEUE_NUM_MAX		64

#define DESC_F_NEXT		1
#define DESC_F_WRITE		2
#define DESC_F_INDIRECT		4
#define AVAIL_F_NO_INTERRUPT	1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
};

/* ---- the daemon ---- */

static struct {
	uint32_t zone, irq;
	uint64_t base;			/* the device's window in the zone */
	uint64_t zone0_ipa, zonex_ipa, size;
	uint8_t *ram;			/* zone RAM, mapped at zone0_ipa */
	long spin_ns;
	long hang_after;		/* -1: never */
	long reinject_ns;		/* 0: never */
	struct up_device_res extra[8];	/* -J */
	unsigned int nextra;
	int random;
} cfg = { .spin_ns = 50000, .hang_after = -1 };

/* The device's registers; only the main thread touches them. */
static struct {
	uint32_t status, isr;
	uint32_t dev_sel, drv_sel, queue_sel;
	uint64_t drv_features;
	int line;			/* injected, not acked yet */
	uint64_t injected_ns;		/* when, last */
	/* queue 0 */
	uint32_t num, ready;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t last_avail, used_idx;
} dev;

static struct {
	unsigned long requests, blocking, posted, foreign, notifies;
	unsigned long injects, merged, reinjects, inject_errors, bad;
	unsigned long long bytes;
} st;

static struct up_virtio_bridge *bridge;
static int hv_fd, efd;
static uint32_t req_front, res_rear;
static volatile sig_atomic_t stop, dump, extra;

static void on_signal(int sig)
{
	uint64_t one = 1;

	if (sig == SIGUSR1)
		dump = 1;
	else if (sig == SIGUSR2)
		extra = 1;
	else
		stop = 1;
	/* wake the main loop; write() is async-signal-safe */
	if (write(efd, &one, sizeof(one)) < 0)
		return;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static const char *errno_name(int e)
{
	static char buf[32];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ENXIO: return "ENXIO";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ERANGE: return "ERANGE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* @gpa..+@len in the zone's RAM, or NULL. */
static void *guest_ptr(uint64_t gpa, uint64_t len)
{
	if (gpa < cfg.zonex_ipa || len > cfg.size ||
	    gpa - cfg.zonex_ipa > cfg.size - len)
		return NULL;
	return cfg.ram + (gpa - cfg.zonex_ipa);
}

static void device_reset(void)
{
	memset(&dev, 0, sizeof(dev));
}

/* @n {zone, irq} on res_list, then FINISH_REQ.  0 or -1 (errno). */
static int post_res(const struct up_device_res *res, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t rear = res_rear;

		while (((rear + 1) & (UP_MAX_REQ - 1)) ==
		       __atomic_load_n(&bridge->res_front, __ATOMIC_ACQUIRE)) {
			if (stop) {
				errno = EINTR;
				return -1;
			}
			sched_yield();
		}
		bridge->res_list[rear] = res[i];
		res_rear = (rear + 1) & (UP_MAX_REQ - 1);
		__atomic_store_n(&bridge->res_rear, res_rear,
				 __ATOMIC_RELEASE);
	}
	while (ioctl(hv_fd, UP_FINISH_REQ) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* Our own {zone, irq}. */
static int post_irq(void)
{
	struct up_device_res res = { cfg.zone, cfg.irq };

	if (post_res(&res, 1)) {
		fprintf(stderr, "hvd_rng: FINISH_REQ: %s\n", strerror(errno));
		st.inject_errors++;
		return -1;
	}
	dev.injected_ns = now_ns();
	return 0;
}

/* Raise the device's interrupt: once, until the guest acks it. */
static void inject(void)
{
	dev.isr |= INT_VRING;
	if (dev.line) {
		st.merged++;
		return;
	}
	if (post_irq())
		return;
	dev.line = 1;
	st.injects++;
}

/* -R: the guest has not acknowledged for that long: inject again. */
static void reinject(uint64_t now)
{
	if (!cfg.reinject_ns || !dev.line ||
	    now - dev.injected_ns < (uint64_t)cfg.reinject_ns)
		return;
	if (!post_irq())
		st.reinjects++;
}

/* The poll() timeout until reinject() is due, or -1. */
static int reinject_timeout(void)
{
	uint64_t now = now_ns(), due;

	if (!cfg.reinject_ns || !dev.line)
		return -1;
	due = dev.injected_ns + cfg.reinject_ns;
	return now >= due ? 0 : (int)((due - now + 999999) / 1000000);
}

static void fill(uint8_t *p, uint32_t len)
{
	uint32_t i;

	if (cfg.random) {
		while (len) {
			ssize_t n = getrandom(p, len, 0);

			if (n <= 0)
				break;
			p += n;
			len -= n;
		}
	} else {
		for (i = 0; i < len; i++)
			p[i] = (uint8_t)(st.bytes + i);
	}
}

/* Fill the device-writable buffers of the chain at @head; bytes written. */
static uint32_t serve_chain(uint16_t head)
{
	uint32_t written = 0, n;
	uint16_t i = head;

	for (n = 0; n < dev.num; n++) {
		struct vring_desc d;
		uint8_t *p;

		if (i >= dev.num)
			goto bad;
		memcpy(&d, &dev.desc[i], sizeof(d));
		if (d.flags & DESC_F_INDIRECT)
			goto bad;	/* not offered */
		if (d.flags & DESC_F_WRITE) {
			p = guest_ptr(d.addr, d.len);
			if (!p)
				goto bad;
			fill(p, d.len);
			st.bytes += d.len;
			written += d.len;
		}
		if (!(d.flags & DESC_F_NEXT))
			return written;
		i = d.next;
	}
bad:
	st.bad++;
	return written;
}

static void queue_notify(void)
{
	int served = 0;

	st.notifies++;
	if (!dev.ready)
		return;
	for (;;) {
		uint16_t idx = __atomic_load_n(&dev.avail->idx,
					       __ATOMIC_ACQUIRE);
		uint16_t head;
		uint32_t len;

		if (idx == dev.last_avail)
			break;
		if ((uint16_t)(idx - dev.last_avail) > dev.num) {
			st.bad++;	/* the guest's index is garbage */
			break;
		}
		head = dev.avail->ring[dev.last_avail % dev.num];
		dev.last_avail++;
		len = serve_chain(head);
		dev.used->ring[dev.used_idx % dev.num].id = head;
		dev.used->ring[dev.used_idx % dev.num].len = len;
		dev.used_idx++;
		__atomic_store_n(&dev.used->idx, dev.used_idx,
				 __ATOMIC_RELEASE);
		served++;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (served && !(dev.avail->flags & AVAIL_F_NO_INTERRUPT))
		inject();
}

/* QueueReady = 1: the rings must lie in the zone's RAM. */
static void queue_ready(void)
{
	uint32_t num = dev.num;

	if (!num || num > QUEUE_NUM_MAX)
		goto bad;
	dev.desc = guest_ptr(dev.desc_gpa, 16ull * num);
	dev.avail = guest_ptr(dev.avail_gpa, 6 + 2ull * num);
	dev.used = guest_ptr(dev.used_gpa, 6 + 8ull * num);
	if (!dev.desc || !dev.avail || !dev.used || (dev.desc_gpa & 15) ||
	    (dev.avail_gpa & 1) || (dev.used_gpa & 3))
		goto bad;
	dev.last_avail = 0;
	dev.used_idx = 0;
	dev.ready = 1;
	return;
bad:
	st.bad++;
	dev.ready = 0;
}

static void set_half(uint64_t *reg, int high, uint32_t value)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | (uint64_t)value << 32;
	else
		*reg = (*reg & ~0xffffffffull) | value;
}

static uint32_t mmio_read(uint64_t off)
{
	switch (off) {
	case MMIO_MAGIC_VALUE:
		return VIRT_MAGIC;
	case MMIO_VERSION:
		return 2;
	case MMIO_DEVICE_ID:
		return VIRTIO_ID_RNG;
	case MMIO_VENDOR_ID:
		return VIRT_VENDOR;
	case MMIO_DEVICE_FEATURES:
		return dev.dev_sel == 1 ? 1u << (VIRTIO_F_VERSION_1 - 32) : 0;
	case MMIO_QUEUE_NUM_MAX:
		return dev.queue_sel ? 0 : QUEUE_NUM_MAX;
	case MMIO_QUEUE_READY:
		return dev.queue_sel ? 0 : dev.ready;
	case MMIO_INTERRUPT_STATUS:
		return dev.isr;
	case MMIO_STATUS:
		return dev.status;
	case MMIO_CONFIG_GENERATION:
		return 0;
	}
	return 0;	/* write-only, unknown, or config space (none) */
}

static void mmio_write(uint64_t off, uint32_t value)
{
	int q0 = dev.queue_sel == 0;

	switch (off) {
	case MMIO_DEVICE_FEATURES_SEL:
		dev.dev_sel = value;
		break;
	case MMIO_DRIVER_FEATURES:
		if (dev.drv_sel < 2)
			set_half(&dev.drv_features, dev.drv_sel, value);
		break;
	case MMIO_DRIVER_FEATURES_SEL:
		dev.drv_sel = value;
		break;
	case MMIO_QUEUE_SEL:
		dev.queue_sel = value;
		break;
	case MMIO_QUEUE_NUM:
		if (q0 && !dev.ready)
			dev.num = value;
		break;
	case MMIO_QUEUE_READY:
		if (!q0)
			break;
		if (value)
			queue_ready();
		else
			dev.ready = 0;
		break;
	case MMIO_QUEUE_NOTIFY:
		if (value == 0)
			queue_notify();
		break;
	case MMIO_INTERRUPT_ACK:
		dev.isr &= ~value;
		if (!dev.isr)
			dev.line = 0;
		break;
	case MMIO_STATUS:
		if (!value)
			device_reset();
		else
			dev.status = value;
		break;
	case MMIO_QUEUE_DESC_LOW:
	case MMIO_QUEUE_DESC_HIGH:
		if (q0 && !dev.ready)
			set_half(&dev.desc_gpa, off & 4, value);
		break;
	case MMIO_QUEUE_AVAIL_LOW:
	case MMIO_QUEUE_AVAIL_HIGH:
		if (q0 && !dev.ready)
			set_half(&dev.avail_gpa, off & 4, value);
		break;
	case MMIO_QUEUE_USED_LOW:
	case MMIO_QUEUE_USED_HIGH:
		if (q0 && !dev.ready)
			set_half(&dev.used_gpa, off & 4, value);
		break;
	}
}

/* Complete a blocking access of @cpu (upstream's virtio_finish_cfg_req). */
static void answer(uint64_t cpu, uint64_t value)
{
	uint64_t flag;

	if (cpu >= UP_MAX_CPUS) {
		st.bad++;
		return;
	}
	bridge->cfg_values[cpu] = value;
	flag = __atomic_load_n(&bridge->cfg_flags[cpu], __ATOMIC_RELAXED);
	__atomic_store_n(&bridge->cfg_flags[cpu], flag + 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* The first accesses to each window that is not ours, for the tests. */
static void foreign(const struct up_device_req *req)
{
	static struct {
		uint32_t zone;
		uint64_t window;
	} seen[16];
	static unsigned int nseen;
	uint64_t window = req->address & ~(uint64_t)(MMIO_WINDOW - 1);
	unsigned int i;

	st.foreign++;
	for (i = 0; i < nseen; i++)
		if (seen[i].zone == req->src_zone && seen[i].window == window)
			return;
	if (nseen == 16)
		return;
	seen[nseen].zone = req->src_zone;
	seen[nseen++].window = window;
	printf("hvd_rng: foreign access: zone %u %#llx\n", req->src_zone,
	       (unsigned long long)window);
}

static void handle(const struct up_device_req *req)
{
	uint64_t off = req->address - cfg.base, value = 0;

	st.requests++;
	if (req->src_zone != cfg.zone || req->address < cfg.base ||
	    off >= MMIO_WINDOW) {
		foreign(req);	/* no device here: reads give 0 */
	} else if (off >= MMIO_CONFIG || req->size != 4) {
		st.bad++;
	} else if (req->is_write) {
		mmio_write(off, (uint32_t)req->value);
	} else {
		value = mmio_read(off);
	}
	/* every blocking access is answered, posted ones never */
	if (req->need_interrupt) {
		st.posted++;
	} else {
		st.blocking++;
		answer(req->src_cpu, value);
	}
}

/*
 * Take the requests on the ring, spin cfg.spin_ns for more, then ask for
 * a wake-up (need_wakeup, the Dekker step with hvisor's producer) and
 * return to sleep: 0.  1: the daemon is to hang now; 2: a signal wants
 * something done, the ring must be looked at again before sleeping.
 */
static int consume(void)
{
	uint64_t idle = 0, now;
	uint32_t rear;

	__atomic_store_n(&bridge->need_wakeup, 0, __ATOMIC_RELAXED);
	for (;;) {
		rear = __atomic_load_n(&bridge->req_rear, __ATOMIC_RELAXED);
		if (rear != req_front) {
			struct up_device_req req;

			if (cfg.hang_after >= 0 &&
			    (long)st.requests >= cfg.hang_after)
				return 1;
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			req = bridge->req_list[req_front];
			handle(&req);
			req_front = (req_front + 1) & (UP_MAX_REQ - 1);
			__atomic_store_n(&bridge->req_front, req_front,
					 __ATOMIC_RELEASE);
			idle = 0;
			continue;
		}
		if (stop || dump || extra)
			return 2;
		now = now_ns();
		reinject(now);
		if (!idle)
			idle = now;
		if (now - idle < (uint64_t)cfg.spin_ns)
			continue;
		__atomic_store_n(&bridge->need_wakeup, 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&bridge->req_rear, __ATOMIC_RELAXED) ==
		    req_front)
			return 0;
		__atomic_store_n(&bridge->need_wakeup, 0, __ATOMIC_RELAXED);
	}
}

static void print_stats(void)
{
	printf("hvd_rng: requests %lu blocking %lu posted %lu foreign %lu notifies %lu injects %lu merged %lu reinjects %lu inject_errors %lu bad %lu bytes %llu\n",
	       st.requests, st.blocking, st.posted, st.foreign, st.notifies,
	       st.injects, st.merged, st.reinjects, st.inject_errors, st.bad,
	       st.bytes);
}

static void serve(void)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t cnt;
	int r;

	req_front = __atomic_load_n(&bridge->req_front, __ATOMIC_RELAXED) &
		    (UP_MAX_REQ - 1);
	res_rear = __atomic_load_n(&bridge->res_rear, __ATOMIC_RELAXED) &
		   (UP_MAX_REQ - 1);
	printf("hvd_rng: ready, zone %u device %#llx irq %u\n", cfg.zone,
	       (unsigned long long)cfg.base, cfg.irq);
	while (!stop) {
		/* drain the counter, then look at the ring */
		while (read(efd, &cnt, sizeof(cnt)) == sizeof(cnt))
			;
		r = consume();
		if (r == 1) {
			printf("hvd_rng: hung after %lu requests\n",
			       st.requests);
			while (!stop)
				pause();
			break;
		}
		if (dump) {
			dump = 0;
			print_stats();
		}
		if (extra) {
			extra = 0;
			printf("inject: %s\n", post_res(cfg.extra, cfg.nextra) ?
			       errno_name(errno) : "OK");
		}
		if (stop)
			break;
		if (r == 2)
			continue;	/* need_wakeup is 0: no eventfd for us */
		if (poll(&pfd, 1, reinject_timeout()) < 0 && errno != EINTR) {
			perror("hvd_rng: poll");
			break;
		}
		reinject(now_ns());
	}
	print_stats();
}

/* -t: one call of upstream's ABI, reported as "<test>: OK|ERRNO". */
static int try(const char *test, int argc, char **argv)
{
	uint64_t page[512] = { 0 };
	int r = -1, fd = open("/dev/hvisor", O_RDWR);

	if (fd < 0) {
		perror("hvd_rng: /dev/hvisor");
		return 1;
	}
	if (!strcmp(test, "init")) {
		r = ioctl(fd, UP_INIT_VIRTIO);
	} else if (!strcmp(test, "mmap") && argc == 2) {
		uint64_t len = strtoull(argv[1], NULL, 0);
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, (off_t)strtoull(argv[0], NULL, 0));

		r = p == MAP_FAILED ? -1 : 0;
	} else if (!strcmp(test, "zone_start")) {
		static uint8_t config[4096];

		r = ioctl(fd, UP_ZONE_START, config);
	} else if (!strcmp(test, "load_image")) {
		struct up_load_image_args a = {
			.user_buffer = (uintptr_t)page,
			.size = sizeof(page),
		};

		r = ioctl(fd, UP_LOAD_IMAGE, &a);
	} else {
		fprintf(stderr, "hvd_rng: unknown test %s\n", test);
		return 2;
	}
	printf("%s: %s\n", test, r < 0 ? errno_name(errno) : "OK");
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: hvd_rng -z ZONE -a ADDR -i IRQ -m ZONE0_IPA:ZONEX_IPA:SIZE [-s SPIN_US] [-H N] [-R MS] [-r] [-J ZONE:IRQ]...\n"
		"       hvd_rng -t init|mmap PHYS SIZE|zone_start|load_image\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int c, have = 0;
	char *end;
	void *p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "z:a:i:m:s:H:R:J:rt:")) != -1) {
		switch (c) {
		case 'z':
			cfg.zone = strtoul(optarg, NULL, 0);
			have |= 1;
			break;
		case 'a':
			cfg.base = strtoull(optarg, NULL, 0);
			have |= 2;
			break;
		case 'i':
			cfg.irq = strtoul(optarg, NULL, 0);
			have |= 4;
			break;
		case 'm':
			cfg.zone0_ipa = strtoull(optarg, &end, 0);
			if (*end++ != ':')
				usage();
			cfg.zonex_ipa = strtoull(end, &end, 0);
			if (*end++ != ':')
				usage();
			cfg.size = strtoull(end, NULL, 0);
			have |= 8;
			break;
		case 's':
			cfg.spin_ns = strtol(optarg, NULL, 0) * 1000;
			break;
		case 'H':
			cfg.hang_after = strtol(optarg, NULL, 0);
			break;
		case 'R':
			cfg.reinject_ns = strtol(optarg, NULL, 0) * 1000000;
			break;
		case 'J':
			if (cfg.nextra == 8)
				usage();
			cfg.extra[cfg.nextra].target_zone =
				strtoul(optarg, &end, 0);
			if (*end++ != ':')
				usage();
			cfg.extra[cfg.nextra++].irq_id = strtoul(end, NULL, 0);
			break;
		case 'r':
			cfg.random = 1;
			break;
		case 't':
			return try(optarg, argc - optind, argv + optind);
		default:
			usage();
		}
	}
	if (have != 15 || !cfg.size)
		usage();

	/* as upstream's virtio_init(): device, INIT_VIRTIO, eventfd, bridge */
	hv_fd = open("/dev/hvisor", O_RDWR | O_CLOEXEC);
	if (hv_fd < 0) {
		perror("hvd_rng: /dev/hvisor");
		return 1;
	}
	if (ioctl(hv_fd, UP_INIT_VIRTIO)) {
		fprintf(stderr, "hvd_rng: INIT_VIRTIO: %s\n",
			errno_name(errno));
		return 1;
	}
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0 || ioctl(hv_fd, UP_SET_EVENTFD, efd)) {
		perror("hvd_rng: SET_EVENTFD");
		return 1;
	}
	p = mmap(NULL, UP_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 hv_fd, 0);
	if (p == MAP_FAILED) {
		perror("hvd_rng: mmap bridge");
		return 1;
	}
	bridge = p;
	/* the zone's RAM, as virtio_start_from_json() maps a memory_region */
	p = mmap(NULL, cfg.size, PROT_READ | PROT_WRITE, MAP_SHARED, hv_fd,
		 (off_t)cfg.zone0_ipa);
	if (p == MAP_FAILED) {
		fprintf(stderr, "hvd_rng: mmap zone RAM: %s\n",
			errno_name(errno));
		return 1;
	}
	cfg.ram = p;
	/* the device's window, as upstream's virtio_start() announces them */
	bridge->mmio_addrs[0] = cfg.base;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&bridge->mmio_avail, 1, __ATOMIC_RELEASE);

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	serve();
	return 0;
}
