/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel APIs that kernel/virtio/{vq,blk_req,net_hdr,guest_mem,mmio}.c
 * use, mapped onto userspace so that libFuzzer can run that code unchanged.
 *
 * How it is used (tests/fuzz/run.sh): every kernel source is compiled with
 * "-include kshim.h", and each <linux/...> or <asm/...> header the sources
 * name gets a generated forwarder in build/fuzz/include: an
 * "#include_next" of the system's uapi header when one exists (virtio_ring.h,
 * virtio_blk.h, ... : the real layouts and constants), else an empty file,
 * everything else being defined here.  Production code has no #ifdef for
 * this.
 *
 * Semantics kept: READ_ONCE/WRITE_ONCE are volatile accesses, the barriers
 * are compiler + CPU fences (the fuzzer is single threaded, they only have
 * to compile to something sane), locks are no-ops that still check their
 * pairing, jiffies advance when the code sleeps (no loop on a frozen
 * clock), and delayed work is recorded so that a harness can run it.
 */
#ifndef HV_FUZZ_KSHIM_H
#define HV_FUZZ_KSHIM_H

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <endian.h>

#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;	/* as the kernel: %llx */
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))

/* compiler.h, sparse annotations */
#ifndef __force
#define __force
#endif
#ifndef __iomem
#define __iomem
#endif
#ifndef __user
#define __user
#endif
#define __must_check	__attribute__((warn_unused_result))
#define __maybe_unused	__attribute__((unused))
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) \
	do { *(volatile __typeof__(x) *)&(x) = (v); } while (0)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

/* asm/barrier.h */
#define mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

/* bits.h, align.h, log2.h, sizes.h, mm.h */
#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define GENMASK(h, l)	(((~0UL) << (l)) & (~0UL >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~0ULL) << (l)) & (~0ULL >> (63 - (h))))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define ALIGN(x, a)	(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_ALIGNED(x)	IS_ALIGNED((unsigned long)(x), PAGE_SIZE)
#define SZ_4K		0x1000
#define SZ_64K		0x10000
#define SZ_1M		0x100000
#define PHYS_PFN(x)	((unsigned long)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x)	((u64)(x) << PAGE_SHIFT)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* No struct pages in userspace: guest memory is never the linear map. */
struct page;

static inline bool pfn_valid(unsigned long pfn)
{
	return false;
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return NULL;
}

static inline void *page_address(const struct page *page)
{
	return NULL;
}

/* minmax.h */
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi)	min(max(v, lo), hi)

/* overflow.h */
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

/* byteorder: virtio 1.x is little endian */
#define le16_to_cpu(x)	le16toh((u16)(x))
#define le32_to_cpu(x)	le32toh((u32)(x))
#define le64_to_cpu(x)	le64toh((u64)(x))
#define cpu_to_le16(x)	((__le16)htole16(x))
#define cpu_to_le32(x)	((__le32)htole32(x))
#define cpu_to_le64(x)	((__le64)htole64(x))

/* printk.h: to stderr (the tier runs with -close_fd_mask=3) */
#define KERN_ERR	""
#define KERN_WARNING	""
#define KERN_INFO	""
#define pr_err(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { if (0) fprintf(stderr, fmt, ##__VA_ARGS__); } while (0)
#define pr_err_ratelimited	pr_err
#define pr_warn_ratelimited	pr_warn
#define pr_info_ratelimited	pr_info
#define pr_warn_once		pr_warn
/* A WARN in the kernel is a bug the fuzzer must report: abort. */
static inline bool hv_fuzz_warn(bool cond, const char *what, const char *file,
				int line)
{
	if (cond) {
		fprintf(stderr, "WARN: %s at %s:%d\n", what, file, line);
		abort();
	}
	return false;
}

#define WARN_ON(c)	hv_fuzz_warn(!!(c), #c, __FILE__, __LINE__)
#define WARN_ON_ONCE(c)	WARN_ON(c)
#define WARN(c, fmt, ...)	WARN_ON(c)
#define BUG_ON(c)	do { if (c) abort(); } while (0)
#define might_sleep()	do { } while (0)
#define lockdep_assert_held(l)	assert((l)->held)

/* locks: single threaded, but pairing is checked */
struct mutex { int held; };
typedef struct { int held; } spinlock_t;
#define DEFINE_MUTEX(m)	struct mutex m = { 0 }
#define mutex_init(m)	((m)->held = 0)
#define mutex_lock(m)	do { assert(!(m)->held); (m)->held = 1; } while (0)
#define mutex_unlock(m)	do { assert((m)->held); (m)->held = 0; } while (0)
#define mutex_destroy(m)	assert(!(m)->held)
#define spin_lock_init(l)	((l)->held = 0)
#define spin_lock(l)	do { assert(!(l)->held); (l)->held = 1; } while (0)
#define spin_unlock(l)	do { assert((l)->held); (l)->held = 0; } while (0)
#define spin_lock_irqsave(l, f)	do { (f) = 0; spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, f)	do { (void)(f); spin_unlock(l); } while (0)
#define spin_lock_bh	spin_lock
#define spin_unlock_bh	spin_unlock

/* atomic.h */
typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;
#define ATOMIC_INIT(i)		{ (i) }
#define atomic_set(a, i)	((a)->counter = (i))
#define atomic_read(a)		READ_ONCE((a)->counter)
#define atomic_inc(a)		((void)__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_dec(a)		((void)__atomic_sub_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic64_set(a, i)	((a)->counter = (i))
#define atomic64_read(a)	READ_ONCE((a)->counter)
#define atomic64_inc(a)		((void)__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic64_add(i, a)	((void)__atomic_add_fetch(&(a)->counter, (i), __ATOMIC_SEQ_CST))

/* jiffies.h, delay.h: a clock that sleeping advances */
#define HZ	250
extern unsigned long jiffies;
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
static inline unsigned long msecs_to_jiffies(unsigned int ms)
{
	return DIV_ROUND_UP((unsigned long)ms * HZ, 1000);
}

static inline void msleep(unsigned int ms)
{
	jiffies += msecs_to_jiffies(ms) + 1;
}

static inline void usleep_range(unsigned long lo, unsigned long hi)
{
	(void)hi;
	jiffies += msecs_to_jiffies(lo / 1000 + 1);
}
#define udelay(us)	usleep_range(us, us)

/* list.h */
struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD_INIT(n)	{ &(n), &(n) }
static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

/*
 * kobject.h, sysfs.h, completion.h: device.h embeds attach.c's sysfs
 * object in every device; nothing built here touches it, so the types
 * only.
 */
struct attribute { const char *name; unsigned short mode; };
struct kobject { const char *name; };
struct kobj_attribute { struct attribute attr; };
struct attribute_group { const char *name; struct attribute **attrs; };
struct completion { unsigned int done; };

/* etherdevice.h */
static inline bool is_valid_ether_addr(const u8 *addr)
{
	static const u8 zero[6];

	return !(addr[0] & 1) && memcmp(addr, zero, sizeof(zero));
}

/* uio.h */
struct kvec {
	void *iov_base;
	size_t iov_len;
};

/*
 * workqueue.h: queueing records the work; hv_fuzz_run_work() (the
 * harness's "time passes" step) runs what is pending, like the kernel's
 * worker would, one pass at a time.
 */
struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	bool pending;
	struct work_struct *next_pending;
};

struct delayed_work {
	struct work_struct work;
	unsigned long expires;
};

struct workqueue_struct { int unused; };

extern struct workqueue_struct *system_wq;
#define INIT_WORK(w, f)	\
	do { (w)->func = (f); (w)->pending = false; (w)->next_pending = NULL; } while (0)
#define INIT_DELAYED_WORK(d, f)	INIT_WORK(&(d)->work, f)
#define to_delayed_work(w)	container_of(w, struct delayed_work, work)
bool hv_fuzz_queue_work(struct work_struct *w);
bool hv_fuzz_cancel_work(struct work_struct *w);
void hv_fuzz_run_work(void);
void hv_fuzz_forget_work(void);

static inline bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	(void)wq;
	return hv_fuzz_queue_work(w);
}

#define schedule_work(w)	queue_work(system_wq, w)

static inline bool queue_delayed_work(struct workqueue_struct *wq,
				      struct delayed_work *d,
				      unsigned long delay)
{
	(void)wq;
	d->expires = jiffies + delay;
	return hv_fuzz_queue_work(&d->work);
}

static inline bool mod_delayed_work(struct workqueue_struct *wq,
				    struct delayed_work *d,
				    unsigned long delay)
{
	bool was = d->work.pending;

	queue_delayed_work(wq, d, delay);
	return was;
}

#define schedule_delayed_work(d, delay)	queue_delayed_work(system_wq, d, delay)
#define delayed_work_pending(d)	((d)->work.pending)
#define work_pending(w)		((w)->pending)
#define cancel_work_sync(w)	hv_fuzz_cancel_work(w)
#define cancel_delayed_work_sync(d)	hv_fuzz_cancel_work(&(d)->work)
#define cancel_delayed_work(d)	hv_fuzz_cancel_work(&(d)->work)
#define flush_work(w)		((void)(w))
#define flush_delayed_work(d)	((void)(d))

/* <linux/build_bug.h>: static_assert() with or without a message */
#undef static_assert
#define __hv_static_assert(expr, msg, ...)	_Static_assert(expr, msg)
#define static_assert(expr, ...) \
	__hv_static_assert(expr, ##__VA_ARGS__, #expr)

/* <linux/ktime.h>: the pop time of a chain (trace latency) */
static inline u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/*
 * <linux/tracepoint.h>: kernel/hvisor_trace.h's events become empty
 * trace_<name>() functions of the same prototype, so every call site
 * still type-checks.
 */
#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args
#define HV_FUZZ_TRACE(name, ...) \
	static inline void trace_##name(__VA_ARGS__) {} \
	static inline bool trace_##name##_enabled(void) { return false; }
#define TRACE_EVENT(name, proto, ...)	HV_FUZZ_TRACE(name, proto)
#define TRACE_EVENT_CONDITION(name, proto, ...)	HV_FUZZ_TRACE(name, proto)
#define DECLARE_EVENT_CLASS(...)
#define DEFINE_EVENT(class, name, proto, ...)	HV_FUZZ_TRACE(name, proto)

#endif /* HV_FUZZ_KSHIM_H */
