# SPDX-License-Identifier: GPL-2.0
#
#   make                 hvisor.ko (+ test modules) and userspace/hvisor
#   make ARCH=arm64      cross-build against Debian's arm64 headers
#   make ARCH=riscv      cross-build against a prepared linux-source tree
#   make help            everything else

.PHONY: all modules tool clean help

all: modules tool

include scripts/kbuild.mk
include tests/tests.mk
include scripts/install.mk

tool:
	$(MAKE) -C userspace

clean: modules-clean
	$(MAKE) -C userspace clean
