# SPDX-License-Identifier: GPL-2.0
#
# Kernel side of the build: hvisor.ko, included by the top Makefile.
# Kbuild's conventions: nothing is downloaded or installed, and what is
# given on the command line is obeyed.
#
#   make modules                  hvisor.ko for the running kernel
#                                 (KDIR=/lib/modules/$(uname -r)/build)
#   make modules KDIR=/path       against another prepared tree
#   make modules ARCH=arm64 KDIR=/board/linux [CROSS_COMPILE=...]
#                                 cross-build; CROSS_COMPILE defaults to
#                                 Debian's cross gcc for ARCH (arm64:
#                                 aarch64-linux-gnu-, riscv:
#                                 riscv64-linux-gnu-, loongarch:
#                                 loongarch64-linux-gnu-); LLVM=1 works too
#   make modules HVISOR_SIM=1     also the simulator, tests/sim/hvisor_sim.ko
#                                 (for the test VMs)
#   make modules-clean
#   make check-builds             CI: every arch against Debian 12's 6.1 and
#                                 6.12 (prepared by tests/run builds), each
#                                 in its own copy under build/obj-*, W=1,
#                                 any warning fails
#
# Warnings are errors only in check-builds and in the test scripts (they
# pass W=1 KCFLAGS=-Werror); a plain `make` takes the kernel's flags.

.PHONY: modules modules-clean check-builds

HVISOR_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
HVISOR_BUILD := $(HVISOR_TOP)/build

KDIR ?= /lib/modules/$(shell uname -r)/build

# The cross compiler for ARCH unless one is given (or LLVM is used, or
# the host is ARCH already).
HOST_ARCH := $(shell uname -m)
CROSS_DEFAULT_arm64 := aarch64-linux-gnu-
CROSS_DEFAULT_riscv := riscv64-linux-gnu-
CROSS_DEFAULT_loongarch := loongarch64-linux-gnu-
HOST_IS_arm64 := aarch64
HOST_IS_riscv := riscv64
HOST_IS_loongarch := loongarch64
ifneq ($(ARCH),)
ifeq ($(origin CROSS_COMPILE)$(LLVM),undefined)
ifneq ($(HOST_ARCH),$(HOST_IS_$(ARCH)))
CROSS_COMPILE := $(CROSS_DEFAULT_$(ARCH))
endif
endif
endif
export CROSS_COMPILE

# Where the module sources are (check-builds points this at a copy).
MOD_DIR ?= $(HVISOR_TOP)

modules:
	@test -f $(KDIR)/Makefile || { echo "no kernel build tree at KDIR=$(KDIR)" \
		"(install the kernel's headers, or give KDIR=)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(MOD_DIR) $(if $(ARCH),ARCH=$(ARCH)) modules

# Not kbuild's "clean": with M= it deletes every *.o, *.ko, *.a, .*.cmd
# ... under the whole tree, build/ included, which holds prepared kernel
# trees and the test VM's stock modules.  Only our source folders here.
KBUILD_OUTPUTS := -name '*.[aios]' -o -name '*.ko' -o -name '*.ko.*' \
	-o -name '.*.cmd' -o -name '.*.d' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '*.dwo' -o -name '*.symtypes' -o -name '*.lst' \
	-o -name modules.order -o -name Module.symvers -o -name .tmp_versions

modules-clean:
	@cd $(MOD_DIR) && find . -maxdepth 1 -type f \( $(KBUILD_OUTPUTS) \) -delete
	@cd $(MOD_DIR) && for d in kernel common tests; do \
		[ -d $$d ] && find $$d \( $(KBUILD_OUTPUTS) \) -type f -delete; \
	done; true

# check-builds: ARCH-SERIES pairs, each built from a fresh copy of the
# sources, so that objects of one never meet another's.  The trees come
# from scripts/prepare-kdir.sh (tests/run builds calls it first; make
# itself downloads nothing).  The log is scanned too: kbuild lets a few
# warnings through -Werror (modpost, Kconfig), and none is acceptable
# here except modpost's "undefined" for riscv and loongarch, which have
# no Module.symvers.  The simulator is built where the test VMs run it
# and riscv (a compile check of it on a third arch); not for loongarch.
CHECK_BUILDS := x86_64-6.1 x86_64-6.12 arm64-6.1 arm64-6.12 riscv-6.1 \
	riscv-6.12 loongarch-6.12
NO_SYMVERS_ARCHES := riscv loongarch
CHECK_ARGS_x86_64 := ARCH=x86_64 HVISOR_SIM=1
CHECK_ARGS_arm64 := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- HVISOR_SIM=1
CHECK_ARGS_riscv := ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- \
	KBUILD_MODPOST_WARN=1 HVISOR_SIM=1
CHECK_ARGS_loongarch := ARCH=loongarch LLVM=-19 KBUILD_MODPOST_WARN=1

check-builds: $(addprefix check-build-,$(CHECK_BUILDS))
	@echo "check-builds: $(CHECK_BUILDS): OK, no warnings"

check-build-%:
	@a=$(word 1,$(subst -, ,$*)); s=$(word 2,$(subst -, ,$*)); \
	kdir=$$($(HVISOR_TOP)/scripts/prepare-kdir.sh --print $$a $$s) || { \
		echo "check-builds: $*: no prepared tree (tests/run builds," \
			"or scripts/prepare-kdir.sh $$a $$s)" >&2; exit 1; }; \
	rm -rf $(HVISOR_BUILD)/obj-$*; mkdir -p $(HVISOR_BUILD)/obj-$*; \
	rsync -a --exclude=/build --exclude=.git --exclude='*.o' --exclude='*.ko' \
		--exclude='*.mod*' --exclude='.*.cmd' --exclude=Module.symvers \
		--exclude=modules.order $(HVISOR_TOP)/ $(HVISOR_BUILD)/obj-$*/; \
	echo "check-builds: $* ($$kdir) ..."; \
	$(MAKE) --no-print-directory -C $$kdir M=$(HVISOR_BUILD)/obj-$* \
		$(CHECK_ARGS_$(word 1,$(subst -, ,$*))) W=1 KCFLAGS=-Werror modules \
		> $(HVISOR_BUILD)/obj-$*.log 2>&1 || \
		{ cat $(HVISOR_BUILD)/obj-$*.log; echo "check-builds: $*: FAILED" >&2; exit 1; }; \
	if grep -i 'warning' $(HVISOR_BUILD)/obj-$*.log | \
		grep -v $(if $(filter $(NO_SYMVERS_ARCHES),$(word 1,$(subst -, ,$*))),-e 'modpost: "[^"]*" \[.*\] undefined!' \
			-e 'Module.symvers is missing' \
			-e 'You can set KBUILD_MODPOST_WARN=1' \
			-e 'many unresolved symbol warnings' \
			-e 'suppressed [0-9]* unresolved symbol warnings',-e '^$$') >/dev/null; then \
		cat $(HVISOR_BUILD)/obj-$*.log; \
		echo "check-builds: $*: warnings" >&2; exit 1; fi; \
	echo "check-builds: $*: ok ($$(cd $(HVISOR_BUILD)/obj-$* && find . -name '*.ko' | tr '\n' ' '))"

help::
	@echo 'Kernel module (scripts/kbuild.mk):'
	@echo '  make modules [KDIR=...]    hvisor.ko (default: the running kernel)'
	@echo '  make modules ARCH=arm64 KDIR=/board/linux [CROSS_COMPILE=...]'
	@echo '  make modules HVISOR_SIM=1  also the simulator (test VMs)'
	@echo '  make modules-clean'
	@echo '  make check-builds          CI: x86_64, arm64, riscv (6.1, 6.12), loongarch (6.12), W=1, no warnings'
