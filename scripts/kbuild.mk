# SPDX-License-Identifier: GPL-2.0
#
# Kernel side of the build: hvisor.ko and the test modules, included by the
# top Makefile.
#
#   make modules                  x86_64 against Debian's linux-headers-amd64
#   make modules KDIR=/path       against another prepared tree
#   make modules ARCH=arm64       against Debian's arm64 headers
#                                 (fetched once into build/kdir/arm64)
#   make modules ARCH=riscv       against linux-source-6.1 configured with
#                                 O=build/kdir/riscv (compile check only)
#   make modules ARCH=loongarch   against linux-source-6.12 configured with
#                                 O=build/kdir/loongarch, built with
#                                 Debian's clang-19 (compile check only;
#                                 hvisor.ko alone: the simulator is for
#                                 the test VMs)
#   make modules-clean
#   make check-builds             all three from scratch, each in its own
#                                 copy under build/obj-<arch>; any warning
#                                 fails
#
# Always W=1 with warnings as errors.

.PHONY: modules modules-clean check-builds check-build-x86_64 \
	check-build-arm64 check-build-riscv check-build-loongarch

HVISOR_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
HVISOR_BUILD := $(HVISOR_TOP)/build

# Debian's current kernel ABI, e.g. 6.1.0-56; the meta package tracks it.
DEB_KABI ?= $(shell dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
	sed -n 's/^linux-headers-\([^ ]*\)-amd64 .*/\1/p')

LINUX_SRC ?= $(HVISOR_BUILD)/linux-source-6.1
LINUX_SRC_612 ?= $(HVISOR_BUILD)/linux-source-6.12

ifeq ($(ARCH),arm64)
KVER ?= $(DEB_KABI)-arm64
KDIR_PREP := $(HVISOR_BUILD)/kdir/arm64
KDIR ?= $(KDIR_PREP)/usr/src/linux-headers-$(KVER)
KBUILD_ARGS := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
PREPARE := $(HVISOR_TOP)/scripts/prepare-kdir.sh arm64 $(KDIR_PREP) $(KVER)
else ifeq ($(ARCH),riscv)
KDIR_PREP := $(HVISOR_BUILD)/kdir/riscv
KDIR ?= $(KDIR_PREP)
# No vmlinux, hence no Module.symvers: undefined symbols are expected.
KBUILD_ARGS := ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- KBUILD_MODPOST_WARN=1
PREPARE := $(HVISOR_TOP)/scripts/prepare-kdir.sh riscv $(KDIR_PREP) $(LINUX_SRC)
else ifeq ($(ARCH),loongarch)
KDIR_PREP := $(HVISOR_BUILD)/kdir/loongarch
KDIR ?= $(KDIR_PREP)
# LLVM=-19: clang-19, ld.lld-19, ... (bookworm has no loongarch64 gcc);
# a board's tree may say LLVM=1.  No vmlinux, hence no Module.symvers.
KBUILD_ARGS := ARCH=loongarch LLVM=$(or $(LLVM),-19) KBUILD_MODPOST_WARN=1 \
	       HVISOR_NO_SIM=1
PREPARE := $(HVISOR_TOP)/scripts/prepare-kdir.sh loongarch $(KDIR_PREP) $(LINUX_SRC_612)
else ifneq ($(filter-out x86 x86_64,$(ARCH)),)
$(error ARCH=$(ARCH): only x86_64 (default), arm64, riscv and loongarch are supported)
else
KVER ?= $(DEB_KABI)-amd64
KDIR ?= /usr/src/linux-headers-$(KVER)
KBUILD_ARGS :=
PREPARE := true
endif

# Where the module sources are (check-builds points this at a copy).
MOD_DIR ?= $(HVISOR_TOP)

KBUILD_FLAGS = -C $(KDIR) M=$(MOD_DIR) $(KBUILD_ARGS) W=1 KCFLAGS=-Werror

modules:
	@$(PREPARE)
	@test -f $(KDIR)/Makefile || { echo "no kernel tree at KDIR=$(KDIR)" >&2; exit 1; }
	$(MAKE) $(KBUILD_FLAGS) modules

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

# Each arch builds a fresh copy of the sources, so that objects of one arch
# never meet another's and nothing is reused from an earlier build.  The log
# is scanned too: kbuild lets a few warnings through -Werror (modpost,
# Kconfig), and none is acceptable here except modpost's "undefined" for
# riscv and loongarch, which have no Module.symvers.
CHECK_ARCHES := x86_64 arm64 riscv loongarch
NO_SYMVERS_ARCHES := riscv loongarch

check-builds: $(addprefix check-build-,$(CHECK_ARCHES))
	@echo "check-builds: $(CHECK_ARCHES): OK, no warnings"

$(addprefix check-build-,$(CHECK_ARCHES)): check-build-%:
	@rm -rf $(HVISOR_BUILD)/obj-$*
	@mkdir -p $(HVISOR_BUILD)/obj-$*
	@rsync -a --exclude=/build --exclude=.git --exclude='*.o' --exclude='*.ko' \
		--exclude='*.mod*' --exclude='.*.cmd' --exclude=Module.symvers \
		--exclude=modules.order $(HVISOR_TOP)/ $(HVISOR_BUILD)/obj-$*/
	@echo "check-builds: $* ..."
	@$(MAKE) --no-print-directory -f $(HVISOR_TOP)/scripts/kbuild.mk modules \
		ARCH=$(if $(filter x86_64,$*),x86_64,$*) \
		MOD_DIR=$(HVISOR_BUILD)/obj-$* > $(HVISOR_BUILD)/obj-$*.log 2>&1 || \
		{ cat $(HVISOR_BUILD)/obj-$*.log; echo "check-builds: $*: FAILED" >&2; exit 1; }
	@if grep -i 'warning' $(HVISOR_BUILD)/obj-$*.log | \
		grep -v $(if $(filter $(NO_SYMVERS_ARCHES),$*),-e 'modpost: "[^"]*" \[.*\] undefined!' \
			-e 'Module.symvers is missing' \
			-e 'You can set KBUILD_MODPOST_WARN=1' \
			-e 'many unresolved symbol warnings' \
			-e 'suppressed [0-9]* unresolved symbol warnings',-e '^$$') >/dev/null; then \
		cat $(HVISOR_BUILD)/obj-$*.log; \
		echo "check-builds: $*: warnings" >&2; exit 1; fi
	@echo "check-builds: $*: ok ($$(cd $(HVISOR_BUILD)/obj-$* && find . -name '*.ko' | tr '\n' ' '))"

help::
	@echo 'Kernel module (scripts/kbuild.mk):'
	@echo '  make modules [KDIR=...]    hvisor.ko for x86_64 (Debian headers)'
	@echo '  make modules ARCH=arm64    against Debian arm64 headers (fetched once)'
	@echo '  make modules ARCH=riscv    against linux-source-6.1 (compile check)'
	@echo '  make modules ARCH=loongarch  against linux-source-6.12, clang-19 (compile check)'
	@echo '  make modules-clean'
	@echo '  make check-builds          x86_64, arm64, riscv, loongarch from scratch, no warnings'
