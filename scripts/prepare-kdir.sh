#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prepare a kernel tree to cross-build hvisor.ko against, once:
#
#   prepare-kdir.sh arm64 OUTDIR KVER
#	Debian's own arm64 headers (linux-headers-KVER:arm64), unpacked into
#	OUTDIR; the modules built against them load on Debian arm64.
#   prepare-kdir.sh riscv OUTDIR SRCDIR
#	bookworm has no riscv64 kernel: configure linux-source-6.1 (unpacked
#	into SRCDIR from /usr/src/linux-source-6.1.tar.xz if missing) with
#	O=OUTDIR defconfig + modules_prepare.  A compile check only: there is
#	no vmlinux, hence no Module.symvers.
#   prepare-kdir.sh loongarch OUTDIR SRCDIR
#	bookworm has no loongarch64 kernel, and 6.1 cannot be built for it
#	with clang: configure linux-source-6.12 (unpacked into SRCDIR, only
#	what a module build needs) with O=OUTDIR, LLVM=-19 (Debian's
#	clang-19), defconfig + modules_prepare.  A compile check only.
#
# Idempotent: a finished tree is marked with OUTDIR/.hvisor-ready.
set -eu

arch=$1
out=$2
arg=$3

die() { echo "prepare-kdir: $*" >&2; exit 1; }

# apt-get install the packages that are missing, and only those.
need_pkgs() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "prepare-kdir: installing$missing"
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

[ -f "$out/.hvisor-ready" ] && exit 0

case $arch in
arm64)
	kver=$arg
	need_pkgs gcc-aarch64-linux-gnu make "linux-headers-${kver%-arm64}-common" linux-kbuild-6.1
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
	(cd "$tmp" && apt-get download -q "linux-headers-$kver:arm64") || rc=$?
	if [ -n "$added" ]; then
		dpkg --remove-architecture arm64
		apt-get update -q >/dev/null || true
	fi
	[ $rc -eq 0 ] || die "apt-get download linux-headers-$kver:arm64 failed"
	rm -rf "$out"
	mkdir -p "$out"
	dpkg -x "$tmp"/linux-headers-"$kver"_*_arm64.deb "$out"
	# The headers' scripts/ link points at ../../lib/linux-kbuild-6.1
	# (relative); the host's (amd64) kbuild tools serve any target arch.
	mkdir -p "$out/usr/lib"
	ln -sfn /usr/lib/linux-kbuild-6.1 "$out/usr/lib/linux-kbuild-6.1"
	[ -f "$out/usr/src/linux-headers-$kver/Makefile" ] || die "no Makefile in $out"
	;;
riscv)
	src=$arg
	need_pkgs gcc-riscv64-linux-gnu make flex bison bc libssl-dev libelf-dev
	if [ ! -f "$src/Makefile" ]; then
		need_pkgs linux-source-6.1
		mkdir -p "$(dirname "$src")"
		echo "prepare-kdir: unpacking linux-source-6.1 into $(dirname "$src")"
		tar -xaf /usr/src/linux-source-6.1.tar.xz -C "$(dirname "$src")"
	fi
	mkdir -p "$out"
	make -s -C "$src" O="$(readlink -f "$out")" ARCH=riscv \
		CROSS_COMPILE=riscv64-linux-gnu- defconfig
	make -s -C "$src" O="$(readlink -f "$out")" ARCH=riscv \
		CROSS_COMPILE=riscv64-linux-gnu- -j"$(nproc)" modules_prepare
	;;
loongarch)
	src=$arg
	need_pkgs clang-19 lld-19 llvm-19 make flex bison bc libelf-dev \
		linux-source-6.12
	if [ ! -f "$src/Makefile" ]; then
		mkdir -p "$(dirname "$src")"
		echo "prepare-kdir: unpacking linux-source-6.12 into $src"
		# unpacked aside and moved: a broken unpack leaves no tree
		tmp=$(mktemp -d "$(dirname "$src")/.unpack.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		# What a module build never reads: the documentation, the
		# sources of the other architectures, drivers, file systems,
		# networking and sound (their Kconfig files and headers are
		# needed by defconfig).
		tar -xaf /usr/src/linux-source-6.12.tar.xz -C "$tmp" \
			--exclude='linux-source-6.12/Documentation/[!K]*' \
			--exclude='linux-source-6.12/samples/*.c' \
			--exclude='linux-source-6.12/arch/[!l]*/boot' \
			--exclude='linux-source-6.12/arch/[!l]*.[chS]' \
			--exclude='linux-source-6.12/drivers/*.c' \
			--exclude='linux-source-6.12/fs/*.c' \
			--exclude='linux-source-6.12/net/*.c' \
			--exclude='linux-source-6.12/sound/*.c'
		rm -rf "$src"
		mv "$tmp/linux-source-6.12" "$src"
	fi
	mkdir -p "$out"
	make -s -C "$src" O="$(readlink -f "$out")" ARCH=loongarch LLVM=-19 \
		defconfig
	make -s -C "$src" O="$(readlink -f "$out")" ARCH=loongarch LLVM=-19 \
		-j"$(nproc)" modules_prepare
	;;
*)
	die "unknown arch '$arch' (arm64, riscv or loongarch)"
	;;
esac

touch "$out/.hvisor-ready"
