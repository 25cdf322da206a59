#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/fetch.sh ARCH [SERIES]: download and unpack the guest kernel
# (Debian's stock linux-image for the KVER of linux-headers-amd64, or with
# SERIES 6.12 of linux-headers-6.12-amd64) and, for arm64, the arm64
# userland (busybox-static, iproute2, iperf3, e2fsprogs, libcjson + libs).
# Nothing is installed on the host: packages are fetched with
# `apt-get download` and unpacked with `dpkg -x` into
#   build/vm/<arch>/<KVER>/kroot     boot/vmlinuz-KVER, lib/modules/KVER (depmod done)
#   build/vm/<arch>/<KVER>/sysroot   arm64 only: the unpacked userland
# A stamp file makes re-runs free; a new KVER gets a new directory.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/vm/vmlib.sh
. "$(dirname "$0")/vmlib.sh"

ARCH=${1:?usage: fetch.sh x86_64|arm64 [6.1|6.12]}
KSERIES=${2:-${KSERIES:-6.1}}
vm_setup "$ARCH"
STAMP=$VMDIR/$KVER/.fetched

# Debian package names (arm64 ones get :arm64) of the libraries the host's
# x86_64 copies of GUEST_PROGS use: the same packages exist for arm64.
host_lib_pkgs() {
	local saved_arch=$ARCH saved_root=$SYSROOT saved_triplet=$TRIPLET p l
	ARCH=x86_64 SYSROOT=/ TRIPLET=x86_64-linux-gnu
	for p in $GUEST_PROGS; do
		elf_deps "$p"
	done | sort -u | while read -r l; do
		# usrmerge: dpkg knows /lib/x/libfoo or /usr/lib/x/libfoo
		dpkg -S "$l" 2>/dev/null || dpkg -S "/usr$l" 2>/dev/null || dpkg -S "${l#/usr}" 2>/dev/null || true
	done | cut -d: -f1 | sort -u
	ARCH=$saved_arch SYSROOT=$saved_root TRIPLET=$saved_triplet
}

# download DIR PKG...: apt-get download into DIR; refresh the package lists
# once if that fails (a fresh machine may have none, or stale ones).
download() {
	local dir=$1; shift
	(cd "$dir" && apt-get -o APT::Sandbox::User=root download -q "$@" >/dev/null 2>&1) && return 0
	apt_retry update -qq
	(cd "$dir" && apt_retry -o APT::Sandbox::User=root download -q "$@" >/dev/null) && return 0
	# the archive keeps only the newest kernel ABI
	die "cannot download $* (if the kernel ABI moved on: apt-get install linux-headers-amd64)"
}

unpack_kernel() {
	local deb=$1
	rm -rf "$KROOT"
	dpkg -x "$deb" "$KROOT"
	# the .deb has no modules.dep (postinst makes it)
	depmod -b "$KROOT" "$KVER"
}

fetch_x86_64() {
	local debs=$VMDIR/$KVER/debs
	mkdir -p "$debs"
	ls "$debs"/linux-image-"$KVER"_*.deb >/dev/null 2>&1 ||
		download "$debs" "linux-image-$KVER"
	unpack_kernel "$(ls "$debs"/linux-image-"$KVER"_*.deb)"
}

fetch_arm64() {
	local debs=$VMDIR/$KVER/debs pkgs deb
	mkdir -p "$debs"
	pkgs="linux-image-$KVER $ARM64_PROG_PKGS $(host_lib_pkgs | tr '\n' ' ')"
	log "fetch: arm64 packages: $pkgs"
	# shellcheck disable=SC2046  # word splitting wanted
	with_arm64_arch download "$debs" $(for p in $pkgs; do echo "$p:arm64"; done)
	unpack_kernel "$(ls "$debs"/linux-image-"$KVER"_*_arm64.deb)"
	rm -rf "$SYSROOT"
	mkdir -p "$SYSROOT"
	for deb in "$debs"/*.deb; do
		case $deb in */linux-image-*) continue ;; esac
		dpkg -x "$deb" "$SYSROOT"
	done
}

if [ -e "$STAMP" ] && [ -d "$KROOT/lib/modules/$KVER" ]; then
	exit 0
fi
t0=$(now)
log "fetch: $ARCH guest kernel $KVER into ${VMDIR#"$ROOT"/}/$KVER"
"fetch_$ARCH"
touch "$STAMP"
log "fetch: $ARCH done in $(elapsed "$t0") s"
