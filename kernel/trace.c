// SPDX-License-Identifier: GPL-2.0
/* The one place hvisor.ko's tracepoints (hvisor_trace.h) are defined. */
/* what the events read, before CREATE_TRACE_POINTS expands them */
#include "virtio/device.h"
#include "virtio/vq.h"

#define CREATE_TRACE_POINTS
#include "hvisor_trace.h"
