# SPDX-License-Identifier: GPL-2.0
#
#   make                 hvisor.ko for the running kernel, and userspace/hvisor
#   make ARCH=arm64 KDIR=/board/linux [CROSS_COMPILE=...] [SYSROOT=...]
#                        both for a board: the module against its kernel
#                        tree, the tool with $(CROSS_COMPILE)gcc against the
#                        board's libcjson (SYSROOT: a root with
#                        usr/include/cjson and usr/lib/<triplet>/libcjson.so)
#   make help            everything else

.PHONY: all modules tool examples clean help

all: modules tool examples

include scripts/kbuild.mk
include tests/tests.mk
include scripts/install.mk

# A cross-built tool needs the target's libcjson: SYSROOT, or the user's
# own CPPFLAGS/LDFLAGS.  tests/vm/fetch.sh arm64 unpacks one into
# build/vm/arm64/<KVER>/sysroot.
TRIPLET_arm64 := aarch64-linux-gnu
TRIPLET_riscv := riscv64-linux-gnu
TRIPLET_loongarch := loongarch64-linux-gnu
TOOL_ARGS := $(if $(SYSROOT),CPPFLAGS="-I$(SYSROOT)/usr/include" \
	LDFLAGS="-L$(SYSROOT)/usr/lib/$(TRIPLET_$(ARCH)) -L$(SYSROOT)/lib/$(TRIPLET_$(ARCH))")

tool:
	@if [ -n "$(CROSS_COMPILE)" ] && [ -z "$(SYSROOT)$(CPPFLAGS)$(LDFLAGS)" ] && \
		[ "$$($(CROSS_COMPILE)gcc -print-file-name=libcjson.so)" = libcjson.so ]; then \
		echo "tool: $(CROSS_COMPILE)gcc finds no libcjson.so: give SYSROOT=<root with" \
			"usr/include/cjson and usr/lib/$(TRIPLET_$(ARCH))/libcjson.so> (tests/vm/fetch.sh" \
			"$(ARCH) makes build/vm/$(ARCH)/<KVER>/sysroot), or CPPFLAGS/LDFLAGS" >&2; \
		exit 1; fi
	$(MAKE) -C userspace $(TOOL_ARGS)

# upstream-style programs against our user ABI (examples/ivc: ivc_ping)
examples:
	$(MAKE) -C examples/ivc

clean: modules-clean
	$(MAKE) -C userspace clean
	$(MAKE) -C examples/ivc clean
