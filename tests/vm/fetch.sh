#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/fetch.sh ARCH [SERIES] [fio]: download and unpack the guest kernel
# (Debian's stock linux-image for the KVER of linux-headers-amd64, or with
# SERIES 6.12 of linux-headers-6.12-amd64) and, for arm64, the arm64
# userland (busybox-static, iproute2, iperf3, e2fsprogs, libcjson + libs);
# with "fio", for arm64 also fio and its libraries (~80 MB, only when a
# selected test needs it; a stamp of its own, .fetched-fio).
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

ARCH=${1:?usage: fetch.sh x86_64|arm64 [6.1|6.12] [fio]}
shift
KSERIES=${KSERIES:-6.1} WANT_FIO=
for a in "$@"; do
	case $a in
	fio) WANT_FIO=fio ;;
	*) KSERIES=$a ;;
	esac
done
vm_setup "$ARCH"
STAMP=$VMDIR/$KVER/.fetched
FIO_STAMP=$VMDIR/$KVER/.fetched-fio

# Debian package names (arm64 ones get :arm64) of the libraries the host's
# x86_64 copies of GUEST_PROGS use: the same packages exist for arm64.
# host_lib_pkgs [PROG...]: for PROGs, default GUEST_PROGS.
host_lib_pkgs() {
	local saved_arch=$ARCH saved_root=$SYSROOT saved_triplet=$TRIPLET p l
	local progs=${*:-$GUEST_PROGS}
	ARCH=x86_64 SYSROOT=/ TRIPLET=x86_64-linux-gnu
	for p in $progs; do
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

# fio for the arm64 guest: the arm64 fio package and the arm64 builds of
# the library packages the host's fio uses, unpacked into the sysroot.
fetch_arm64_fio() {
	local debs=$VMDIR/$KVER/debs-fio pkgs deb
	[ -x "$FIO_PROG" ] || die "fio is not installed on the host (scripts/install-deps.sh)"
	mkdir -p "$debs"
	pkgs="fio $(host_lib_pkgs "$FIO_PROG" | tr '\n' ' ')"
	log "fetch: arm64 fio packages: $pkgs"
	# not fatal: without fio, the tests that need it skip (a subshell,
	# as download dies on failure)
	# shellcheck disable=SC2046  # word splitting wanted
	if ! (with_arm64_arch download "$debs" $(for p in $pkgs; do echo "$p:arm64"; done)); then
		log "warning: arm64 fio packages not downloaded: the guest has no fio"
		return 1
	fi
	for deb in "$debs"/*.deb; do
		dpkg -x "$deb" "$SYSROOT"
	done
}

if [ ! -e "$STAMP" ] || [ ! -d "$KROOT/lib/modules/$KVER" ]; then
	t0=$(now)
	log "fetch: $ARCH guest kernel $KVER into ${VMDIR#"$ROOT"/}/$KVER"
	"fetch_$ARCH"
	rm -f "$FIO_STAMP"	# a new sysroot has no fio yet
	touch "$STAMP"
	log "fetch: $ARCH done in $(elapsed "$t0") s"
fi
if [ "$ARCH" = arm64 ] && [ "$WANT_FIO" = fio ] && [ ! -e "$FIO_STAMP" ]; then
	t0=$(now)
	if fetch_arm64_fio; then
		touch "$FIO_STAMP"
		log "fetch: arm64 fio done in $(elapsed "$t0") s"
	fi
fi
