#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/install-deps.sh: install every Debian package the build and the
# tests need (Debian 12).  Idempotent and quiet; when everything is already
# installed it does not even run `apt-get update`.  Run as root.
# Packages that are only downloaded and unpacked into build/ (the guest
# kernels, arm64 userland) are not listed here: tests/vm/fetch.sh gets them.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PKGS=(
	# compilers and kbuild of hvisor.ko against Debian's headers: both
	# kernels Debian 12 ships, 6.1 and 6.12 (the 6.12 headers pull in its
	# image; their kbuild tools also serve the arm64 headers)
	make gcc libc6-dev binutils linux-headers-amd64 linux-headers-6.12-amd64
	flex bison bc libssl-dev libelf-dev dwarves kmod rsync
	# cross builds: arm64 (modules, tool, static helpers), riscv64 (modules,
	# against linux-source-6.1 and -6.12)
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-riscv64-linux-gnu
	# loongarch64 (modules): LLVM=-19 against linux-source-6.12
	clang-19 lld-19 llvm-19 linux-source-6.12
	# KUnit on UML, riscv compile check: the kernel source and kunit.py
	linux-source-6.1 xz-utils python3
	# the tool
	libcjson-dev pkgconf
	# the fuzz tier: clang with its libFuzzer + sanitizer runtimes
	clang-14 libclang-rt-14-dev
	# the test VM: QEMU (TCG), busybox, initramfs tools, dtc (the arm64
	# VM's device tree with no-map zone RAM), and the userland copied into
	# the x86_64 guest
	qemu-system-x86 qemu-system-arm busybox-static cpio gzip file
	device-tree-compiler
	iproute2 fio iperf3 e2fsprogs
	# packaging checks (tests/pkg): dkms; the static tool's cJSON from
	# Debian's cjson source package (apt-get source unpacks with
	# dpkg-source), its riscv64 static libc
	dkms dpkg-dev libc6-dev-riscv64-cross
)

missing=()
for p in "${PKGS[@]}"; do
	if [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" != "ii " ]; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
echo "install-deps: done" >&2
