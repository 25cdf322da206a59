/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types and helpers for the code in common/, which is compiled both into
 * hvisor.ko and into the hvisor tool.  It is plain C: no allocation, no I/O,
 * no locking, nothing that differs between the kernel and userspace except
 * the headers that provide these names.
 */
#ifndef _HV_COMMON_H
#define _HV_COMMON_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#define ARRAY_SIZE(a)			(sizeof(a) / sizeof((a)[0]))
/*
 * Userspace builds define __printf(a, b) on the compiler command line as
 * the printf format attribute (see userspace/Makefile).
 */
#endif

#include "../include/uapi/hvisor.h"

#endif /* _HV_COMMON_H */
