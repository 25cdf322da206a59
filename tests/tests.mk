# SPDX-License-Identifier: GPL-2.0
#
# Test targets, included by the top Makefile (see tests/README.md).
#
#   make test                        every tier; last line "N passed, N failed, N skipped"
#   make kunit                       KUnit suites on UML (kunit.py)
#   make vm-test [ARCH=arm64] [KSERIES=6.12] [TESTS='glob ...']
#                                    e2e scripts in the QEMU VM (Debian's 6.1
#                                    kernel, or 6.12)
#   make vm-shell [ARCH=arm64]       a shell in that VM, nothing run
#   make bench                       virtio-blk vs loop, virtio-net vs veth, IVC doorbell vs cache line, x86_64 VM (not in CI)

.PHONY: test kunit vm-test vm-shell demo bench help

HVISOR_TESTS_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
# x86_64 unless ARCH says arm64 (the VM runner has no riscv guest)
VM_ARCH = $(if $(filter arm64 aarch64,$(ARCH)),arm64,x86_64)

test:
	@$(HVISOR_TESTS_TOP)/tests/run

kunit:
	@$(HVISOR_TESTS_TOP)/tests/kunit/run.sh

vm-test:
	@$(HVISOR_TESTS_TOP)/tests/vm/run.sh --arch $(VM_ARCH) $(if $(KSERIES),--kver $(KSERIES)) \
		$(if $(TESTS),--tests '$(TESTS)')

vm-shell:
	@$(HVISOR_TESTS_TOP)/tests/vm/run.sh --arch $(VM_ARCH) --shell

# Not part of make test / CI: tests/bench/run.sh, table on stdout.
bench:
	@$(HVISOR_TESTS_TOP)/tests/bench/run.sh

# The main job: a sim zone with a disk, a NIC and a console served by
# hvisor.ko, in the test VM (examples/sim/demo.sh).  idle=poll as for the
# bench (tests/bench/run.sh): TCG's idle vCPUs wake late, and the demo's
# pings would show that rather than the backend.
demo:
	@$(HVISOR_TESTS_TOP)/scripts/install-deps.sh
	@VM_APPEND=idle=poll $(HVISOR_TESTS_TOP)/tests/vm/run.sh --arch $(VM_ARCH) --demo

help::
	@echo 'Tests (tests/README.md):'
	@echo '  make test                  all tiers (deps, unit, builds, KUnit, VM x86_64+arm64)'
	@echo '  make kunit                 KUnit suites on UML with kunit.py'
	@echo '  make vm-test [ARCH=arm64] [KSERIES=6.12] [TESTS=glob]  e2e scripts in the QEMU test VM'
	@echo '  make vm-shell [ARCH=arm64] shell in the test VM (Ctrl-A x quits)'
	@echo '  make bench                 virtio-blk vs loop, virtio-net vs veth, IVC doorbell (x86_64 VM, not in CI)'
	@echo '  make demo [ARCH=arm64]     the simulator demo: blk, net, console served by hvisor.ko'
