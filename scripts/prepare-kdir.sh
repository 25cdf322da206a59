#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# scripts/prepare-kdir.sh [--print] ARCH SERIES
#
# The kernel trees the tests build hvisor.ko against: Debian 12's two
# kernels, SERIES 6.1 (linux-headers-amd64) or 6.12 (linux-headers-6.12-amd64),
# for ARCH x86_64, arm64, riscv or loongarch.  Prepares the tree once (and
# marks it with .hvisor-ready), then prints its path, the KDIR to give make.
# With --print, only prints the path (exit 1 if it is not prepared).
#
# Called by the test command (tests/run builds, tests/vm/mkinitramfs.sh),
# never by make.  Downloads and unpacks into build/; installs nothing: the
# host packages come from scripts/install-deps.sh.
#
#   x86_64 SERIES    /usr/src/linux-headers-KVER (installed by install-deps)
#   arm64 SERIES     Debian's own arm64 headers of the same KVER, downloaded
#                    and unpacked into build/kdir/arm64[-6.12]; the modules
#                    built against them load on Debian arm64
#   riscv SERIES     bookworm has no riscv64 kernel: linux-source-SERIES
#                    configured with O=build/kdir/riscv[-6.12], defconfig +
#                    modules_prepare.  A compile check only: no vmlinux,
#                    hence no Module.symvers
#   loongarch 6.12   neither a loongarch64 kernel nor gcc in bookworm, and
#                    6.1 cannot be built for it with clang: linux-source-6.12
#                    with O=build/kdir/loongarch, LLVM=-19 (clang-19).
#                    A compile check only
set -eu

print_only=
if [ "${1:-}" = --print ]; then
	print_only=1
	shift
fi
arch=${1:?usage: prepare-kdir.sh [--print] ARCH SERIES}
series=${2:?usage: prepare-kdir.sh [--print] ARCH SERIES}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build

die() { echo "prepare-kdir: $*" >&2; exit 1; }

# The Debian KVER of SERIES without the flavour, e.g. 6.1.0-57 or
# 6.12.118+deb12, from the installed headers meta package.
case $series in
6.1) meta=linux-headers-amd64 ;;
6.12) meta=linux-headers-6.12-amd64 ;;
*) die "unknown kernel series '$series' (6.1 or 6.12)" ;;
esac
kabi=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null |
	sed -n 's/^linux-headers-\([^ ,]*\)-amd64 .*/\1/p')

# need_pkgs PKG...: die naming the missing ones (install-deps.sh has them).
need_pkgs() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			die "package $p is missing: run scripts/install-deps.sh"
	done
}

# The source tree of linux-source-SERIES, unpacked once into build/.  For
# 6.12 only what module builds for riscv and loongarch read (823 MB
# instead of the whole tree): no documentation, no other arches' sources,
# no C files of drivers, fs, net, sound (defconfig needs their Kconfig
# files and headers).  Unpacked aside and moved: a broken unpack leaves
# no tree.
source_tree() {
	src=$build/linux-source-$series
	# a 6.12 tree unpacked for loongarch alone has no arch/riscv, or
	# (unpacked by an earlier version of this script) its Makefile but
	# not its sources and headers
	if [ -f "$src/Makefile" ] && [ -f "$src/arch/$1/Makefile" ] &&
		[ -f "$src/arch/$1/include/uapi/asm/byteorder.h" ]; then
		return
	fi
	need_pkgs "linux-source-$series"
	mkdir -p "$build"
	echo "prepare-kdir: unpacking linux-source-$series into $src" >&2
	tmp=$(mktemp -d "$build/.unpack.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if [ "$series" = 6.1 ]; then
		tar -xaf /usr/src/linux-source-6.1.tar.xz -C "$tmp"
	else
		tar -xaf /usr/src/linux-source-6.12.tar.xz -C "$tmp" \
			--exclude='linux-source-6.12/Documentation/[!K]*' \
			--exclude='linux-source-6.12/samples/*.c' \
			--exclude='linux-source-6.12/arch/[!lr]*/boot' \
			--exclude='linux-source-6.12/arch/[!lr]*.[chS]' \
			--exclude='linux-source-6.12/drivers/*.c' \
			--exclude='linux-source-6.12/fs/*.c' \
			--exclude='linux-source-6.12/net/*.c' \
			--exclude='linux-source-6.12/sound/*.c'
	fi
	rm -rf "$src"
	mv "$tmp/linux-source-$series" "$src"
	rm -rf "$tmp"
	trap - EXIT
}

# configure OUT MAKEARGS...: defconfig + modules_prepare of the source
# tree with O=OUT.
configure() {
	o=$1
	shift
	mkdir -p "$o"
	make -s -C "$src" O="$(readlink -f "$o")" "$@" defconfig
	make -s -C "$src" O="$(readlink -f "$o")" "$@" -j"$(nproc)" modules_prepare
}

suffix=$([ "$series" = 6.1 ] || echo "-$series")
case $arch in
x86_64)
	[ -n "$kabi" ] || die "$meta is not installed: run scripts/install-deps.sh"
	kdir=/usr/src/linux-headers-$kabi-amd64
	ready=$kdir/Makefile
	;;
arm64)
	[ -n "$kabi" ] || die "$meta is not installed: run scripts/install-deps.sh"
	out=$build/kdir/arm64$suffix
	kdir=$out/usr/src/linux-headers-$kabi-arm64
	ready=$out/.hvisor-ready
	;;
riscv)
	out=$build/kdir/riscv$suffix
	kdir=$out
	ready=$out/.hvisor-ready
	;;
loongarch)
	[ "$series" = 6.12 ] || die "loongarch: only 6.12 (6.1 cannot be built with clang)"
	out=$build/kdir/loongarch
	kdir=$out
	ready=$out/.hvisor-ready
	;;
*)
	die "unknown arch '$arch' (x86_64, arm64, riscv or loongarch)"
	;;
esac

if [ -e "$ready" ]; then
	echo "$kdir"
	exit 0
fi
[ -z "$print_only" ] || exit 1

case $arch in
x86_64)
	die "$kdir is missing: run scripts/install-deps.sh"
	;;
arm64)
	# the arch-independent half and the host's kbuild tools
	need_pkgs gcc-aarch64-linux-gnu "linux-headers-$kabi-common"
	tmp=$(mktemp -d /tmp/hvisor-kdir.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	# apt-get download of a foreign package needs the architecture known
	# to dpkg; add it only for the download and take it away again.
	added=
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		added=1
		apt-get update -q >/dev/null
	fi
	rc=0
	(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q "linux-headers-$kabi-arm64:arm64" >&2) || rc=$?
	if [ -n "$added" ]; then
		dpkg --remove-architecture arm64
		apt-get update -q >/dev/null || true
	fi
	[ $rc -eq 0 ] || die "apt-get download linux-headers-$kabi-arm64:arm64 failed"
	rm -rf "$out"
	mkdir -p "$out"
	dpkg -x "$tmp"/linux-headers-"$kabi"-arm64_*_arm64.deb "$out"
	# The headers' scripts/ link points at
	# ../../lib/linux-kbuild-<ver>/scripts (relative); the host's (amd64) kbuild tools serve any target arch.
	kbuild=$(basename "$(dirname "$(readlink "$kdir/scripts")")")
	need_pkgs "$kbuild"
	mkdir -p "$out/usr/lib"
	ln -sfn "/usr/lib/$kbuild" "$out/usr/lib/$kbuild"
	[ -f "$kdir/Makefile" ] || die "no Makefile in $kdir"
	;;
riscv)
	need_pkgs gcc-riscv64-linux-gnu flex bison bc libssl-dev libelf-dev
	source_tree riscv
	configure "$out" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- >&2
	;;
loongarch)
	need_pkgs clang-19 lld-19 llvm-19 flex bison bc libelf-dev
	source_tree loongarch
	configure "$out" ARCH=loongarch LLVM=-19 >&2
	;;
esac

touch "$out/.hvisor-ready"
echo "$kdir"
