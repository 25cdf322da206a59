// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoints of hvisor_trace.h, defined once for the suites, which
 * include kernel .c files that call them (hvisor.ko builds kernel/trace.c).
 */
#include "../../kernel/trace.c"
