/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the fuzz targets. */
#ifndef HV_FUZZ_UTIL_H
#define HV_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sanitizer/common_interface_defs.h>

/*
 * An invariant the code under test promises: a failure is a crash.  The
 * message goes through the sanitizers' report channel: the tier runs with
 * -close_fd_mask=3 (the code's own chatter to stderr is dropped), and
 * libFuzzer keeps that channel open.
 */
#define FUZZ_ASSERT(c)							\
	do {								\
		if (!(c))						\
			fuzz_assert_failed(__FILE__, __LINE__, #c);	\
	} while (0)

static inline void __attribute__((noreturn))
fuzz_assert_failed(const char *file, int line, const char *cond)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "invariant failed at %s:%d: %s",
		 file, line, cond);
	__sanitizer_report_error_summary(msg);
	__sanitizer_print_stack_trace();
	abort();
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* HV_FUZZ_UTIL_H */
