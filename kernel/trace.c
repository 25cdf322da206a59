// SPDX-License-Identifier: GPL-2.0
/* The one place hvisor.ko's tracepoints (hvisor_trace.h) are defined. */
#define CREATE_TRACE_POINTS
#include "hvisor_trace.h"
