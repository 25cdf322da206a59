// SPDX-License-Identifier: GPL-2.0
/*
 * The device types attach knows: adding one is a line here and the type's
 * own files (its struct hv_vtype, vtype.h).
 */
#include <linux/kernel.h>

#include "blk.h"
#include "console.h"
#include "forward.h"
#include "net.h"
#include "vtype.h"

const struct hv_vtype *const hv_vtypes[] = {
	&hv_blk_vtype,
	&hv_net_vtype,
	&hv_console_vtype,
	&hv_fwd_vtype,		/* id 0: every id the others do not have */
};

const unsigned int hv_nr_vtypes = ARRAY_SIZE(hv_vtypes);
