# shellcheck shell=bash
# shellcheck disable=SC2034  # the settings below are used by the sourcing scripts
# Per-arch settings and ELF helpers shared by tests/vm/*.sh.  Source after
# tests/lib.sh and after setting ARCH (x86_64 | arm64).

# vm_setup ARCH: sets KVER (of KSERIES, Debian's 6.1 by default, or 6.12),
# VMDIR (cache of this arch), KROOT (the unpacked linux-image package),
# SYSROOT (where the guest's userland binaries and libraries come from),
# TRIPLET, BUSYBOX.
vm_setup() {
	ARCH=$1
	KSERIES=${KSERIES:-6.1}
	KVER=$(kver_for "$ARCH" "$KSERIES")
	VMDIR=$BUILD/vm/$ARCH
	KROOT=$VMDIR/$KVER/kroot
	case $ARCH in
	x86_64)
		TRIPLET=x86_64-linux-gnu
		SYSROOT=/		# the host's own binaries
		BUSYBOX=/bin/busybox
		;;
	arm64)
		TRIPLET=aarch64-linux-gnu
		SYSROOT=$VMDIR/$KVER/sysroot	# arm64 .debs unpacked (fetch.sh)
		BUSYBOX=$SYSROOT/bin/busybox
		;;
	esac
	export ARCH KSERIES KVER VMDIR KROOT SYSROOT TRIPLET BUSYBOX
}

# Stock modules the guest needs (with their dependencies).
GUEST_MODULES="tun tap veth loop virtio virtio_ring virtio_mmio virtio_blk virtio_net virtio_console ext4 dm_delay virtio_rng"

# Userland programs copied into the guest (paths inside SYSROOT; the guest
# gets them at the same path).  fio pulls ~80 MB of libraries (ceph, icu), so
# it is only added when a selected test mentions it, or for vm-shell (on
# arm64 fetched then too, see fetch.sh; tests/README.md).
GUEST_PROGS="/usr/sbin/ip /usr/bin/iperf3 /usr/sbin/mke2fs /usr/sbin/e2fsck"
GUEST_PROG_LINKS="mkfs.ext2:mke2fs mkfs.ext3:mke2fs mkfs.ext4:mke2fs fsck.ext2:e2fsck fsck.ext4:e2fsck"
FIO_PROG=/usr/bin/fio

# Debian packages (arm64) providing GUEST_PROGS; their library packages are
# derived from the host's x86_64 copies (same Debian release).
ARM64_PROG_PKGS="busybox-static iproute2 iperf3 libiperf0 e2fsprogs libcjson1 libcjson-dev libc6"

# lib_dirs: where the dynamic loader of ARCH looks, inside SYSROOT.
lib_dirs() {
	echo "/lib/$TRIPLET /usr/lib/$TRIPLET /lib /usr/lib /usr/lib/$TRIPLET/ceph"
}

# find_lib SONAME -> path inside SYSROOT (empty if not found).  For arm64,
# libc and friends may also come from the cross toolchain's libc
# (/usr/aarch64-linux-gnu/lib, printed as an absolute host path with a
# leading '@').
find_lib() {
	local d
	for d in $(lib_dirs); do
		if [ -e "$SYSROOT$d/$1" ]; then
			echo "$d/$1"
			return
		fi
	done
	if [ "$ARCH" = arm64 ] && [ -e "/usr/aarch64-linux-gnu/lib/$1" ]; then
		echo "@/usr/aarch64-linux-gnu/lib/$1"
	fi
}

# elf_deps FILE (host path): the loader and every shared library FILE needs,
# recursively, one guest path per line.  Uses readelf, so it works for any
# arch without running the binary.
elf_deps() {
	local todo=("$1") seen=" " f n p interp
	interp=$(readelf -l "$1" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	[ -z "$interp" ] || echo "$interp"
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for n in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			case $seen in *" $n "*) continue ;; esac
			seen="$seen$n "
			p=$(find_lib "$n")
			if [ -z "$p" ]; then
				log "warning: $n (needed by $f) not found for $ARCH"
				continue
			fi
			echo "$p"
			case $p in
			@*) todo+=("${p#@}") ;;
			*) todo+=("$SYSROOT$p") ;;
			esac
		done
	done
}

# sysroot_prog PATH: the real file of program PATH in SYSROOT.  Debian's
# arm64 packages are not usr-merged and link /sbin/ip -> /bin/ip with an
# absolute target, so look for a regular file under the usual variants
# instead of following links (which would lead to the host's files).
sysroot_prog() {
	local p=${1#/usr} c
	for c in "/usr$p" "$p" "/usr${p/sbin/bin}" "${p/sbin/bin}" "/usr${p/bin/sbin}" "${p/bin/sbin}"; do
		if [ "$SYSROOT" = / ] && [ -f "$c" ]; then
			echo "$c"; return
		elif [ -f "$SYSROOT$c" ] && [ ! -L "$SYSROOT$c" ]; then
			echo "$SYSROOT$c"; return
		fi
	done
	die "$1 not found in $SYSROOT for $ARCH"
}

# install_prog SRC GUESTPATH ROOT: copy a program and its libraries into the
# initramfs ROOT.  Libraries are copied dereferenced to their soname path;
# the loader also at its canonical path.
install_prog() {
	local src=$1 dst=$2 r=$3 l g
	mkdir -p "$r$(dirname "$dst")"
	cp -L "$src" "$r$dst"
	elf_deps "$src" | while read -r l; do
		case $l in
		@*) g=/lib/$TRIPLET/$(basename "$l"); l=${l#@} ;;
		*) g=$l; l=$SYSROOT$l ;;
		esac
		# the interpreter path may be a symlink (/lib64 -> usr/lib64...)
		[ -e "$r$g" ] && continue
		mkdir -p "$r$(dirname "$g")"
		cp -L "$l" "$r$g"
	done
}
