// SPDX-License-Identifier: GPL-2.0
/*
 * Which hvisor architecture this kernel is, for code that must not test
 * the kernel's arch itself (the simulator, tests).
 */
#include <linux/export.h>
#include <linux/kconfig.h>

#include <hvisor/seam.h>
#include <uapi/hvisor.h>

u32 hvisor_native_arch(void)
{
	if (IS_ENABLED(CONFIG_ARM64))
		return HVISOR_ARCH_ARM64;
	if (IS_ENABLED(CONFIG_RISCV) && IS_ENABLED(CONFIG_64BIT))
		return HVISOR_ARCH_RISCV64;
	if (IS_ENABLED(CONFIG_LOONGARCH) && IS_ENABLED(CONFIG_64BIT))
		return HVISOR_ARCH_LOONGARCH64;
	if (IS_ENABLED(CONFIG_X86_64))
		return HVISOR_ARCH_X86_64;
	return HVISOR_ARCH_NONE;
}
EXPORT_SYMBOL_GPL(hvisor_native_arch);
