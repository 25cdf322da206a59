#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/mkinitramfs.sh --arch x86_64|arm64 [--kver 6.1|6.12]
#                         [--mode test|shell|demo]
#                         [--tests 'glob ...'] [--script FILE] [--out FILE]
#
# Builds what the guest needs for ARCH and packs it into an initramfs
# (default build/vm/<arch>/initramfs-<mode>.cpio.gz):
#   - our modules and the simulator (`make modules HVISOR_SIM=1` against
#     the KDIR scripts/prepare-kdir.sh gives for ARCH and the kernel series),
#     every .ko whose vermagic is the guest's KVER
#     -> /lib/modules/KVER/extra/ (+ $HVTEST_EXTRA_KO)
#   - stock modules: GUEST_MODULES + deps, from the unpacked linux-image
#   - the tool (userspace/, cross-built for arm64) -> /usr/bin/hvisor
#   - tests/e2e/bin/*.c, static -> /usr/libexec/hvisor-tests/
#   - tests/e2e/ -> /usr/share/hvisor/tests/e2e/, examples/ -> /usr/share/hvisor/examples/
#     (--script FILE: FILE too, e.g. tests/bench/blk_bench.sh, run like an e2e script)
#   - busybox, iproute2, iperf3, e2fsprogs (+ fio, see vmlib.sh) with libs
#   - tests/vm/init.sh as /init, /etc/hvtest.conf
# Build logs: build/vm/<arch>/build.log.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/vm/vmlib.sh
. "$(dirname "$0")/vmlib.sh"

MODE=test TESTS='*' OUT='' ARCH='' SCRIPT=''
while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCH=$2; shift 2 ;;
	--kver) KSERIES=$2; shift 2 ;;
	--mode) MODE=$2; shift 2 ;;
	--tests) TESTS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--script) SCRIPT=$(realpath "$2"); shift 2 ;;
	*) die "mkinitramfs.sh: unknown argument $1" ;;
	esac
done
[ -n "$ARCH" ] || die "mkinitramfs.sh: --arch x86_64|arm64 is required"
vm_setup "$ARCH"
OUT=${OUT:-$VMDIR/initramfs-$MODE.cpio.gz}
PAYLOAD=$VMDIR/payload
BLOG=$VMDIR/build.log
R=$VMDIR/root-$MODE

case $ARCH in
x86_64) CROSS='' ;;
arm64)  CROSS=aarch64-linux-gnu- ;;
esac

# run_logged WHAT CMD...: run a build step, its output to build.log; on
# failure show the tail and stop.
run_logged() {
	local what=$1; shift
	echo "=== $what: $*" >>"$BLOG"
	if ! "$@" >>"$BLOG" 2>&1; then
		tail -n 40 "$BLOG" >&2
		die "$what failed for $ARCH (full log: ${BLOG#"$ROOT"/})"
	fi
}

# Our modules: `make modules` is the kernel engineer's target (scripts/kbuild.mk),
# here with the simulator and warnings as errors, against the guest's own
# headers (prepared once by scripts/prepare-kdir.sh).  It builds in the tree, so both arches share the output paths: take the
# .ko files whose vermagic says they are for this KVER, right after the build.
build_modules() {
	local ko kdir
	rm -rf "$PAYLOAD/ko"
	mkdir -p "$PAYLOAD/ko"
	if [ -e "$ROOT/scripts/kbuild.mk" ]; then
		kdir=$("$ROOT/scripts/prepare-kdir.sh" "$ARCH" "$KSERIES" 2>>"$BLOG") ||
			die "prepare-kdir.sh $ARCH $KSERIES failed (log: ${BLOG#"$ROOT"/})"
		run_logged "make modules" make -C "$ROOT" modules KDIR="$kdir" \
			ARCH="$ARCH" CROSS_COMPILE="$CROSS" HVISOR_SIM=1 W=1 KCFLAGS=-Werror
		# in the tree, not in build/ (check-builds' copies, caches)
		find "$ROOT" \( -path "$BUILD" -o -path "$ROOT/.git" \) -prune -o \
			-name '*.ko' -print | while read -r ko; do
			if [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$KVER" ]; then
				cp "$ko" "$PAYLOAD/ko/"
			fi
		done
	else
		die "scripts/kbuild.mk is missing: cannot build the modules"
	fi
	for ko in ${HVTEST_EXTRA_KO:-}; do
		cp "$ko" "$PAYLOAD/ko/"
	done
}

# The tool.  x86_64: `make -C userspace` in place (what developers run).
# arm64: a copy of the sources, cross-built with the userspace Makefile's
# CROSS_COMPILE/CFLAGS/LDFLAGS against the arm64 libcjson of the sysroot.
build_tool() {
	rm -f "$PAYLOAD/hvisor"
	[ -e "$ROOT/userspace/Makefile" ] || die "userspace/Makefile is missing: cannot build the tool"
	case $ARCH in
	x86_64)
		run_logged "make -C userspace" make -C "$ROOT/userspace" WERROR=1
		cp "$ROOT/userspace/hvisor" "$PAYLOAD/hvisor"
		;;
	arm64)
		# a mirror keeping mtimes, so that make only rebuilds what changed;
		# no build products of the x86_64 build in it
		local src=$VMDIR/tool-src
		mkdir -p "$src"
		run_logged "mirror userspace sources" rsync -a --delete \
			--exclude=/userspace/hvisor --exclude=/userspace/hvisor-asan \
			--include=/VERSION --include='/userspace/***' --include='/include/***' --include='/common/***' \
			--exclude='*' "$ROOT/" "$src/"
		run_logged "make -C userspace (arm64)" make -C "$src/userspace" WERROR=1 \
			CROSS_COMPILE="$CROSS" CFLAGS="-I$SYSROOT/usr/include" \
			LDFLAGS="-L$SYSROOT/usr/lib/$TRIPLET"
		cp "$src/userspace/hvisor" "$PAYLOAD/hvisor"
		;;
	esac
	file "$PAYLOAD/hvisor" | grep -q "$(elf_machine)" ||
		die "userspace/hvisor is not an $ARCH binary: $(file -b "$PAYLOAD/hvisor")"
}

elf_machine() {
	case $ARCH in x86_64) echo x86-64 ;; arm64) echo aarch64 ;; esac
}

# Helper binaries of the e2e scripts: one static program per .c file.
build_helpers() {
	local c
	rm -rf "${PAYLOAD:?}/bin"
	mkdir -p "$PAYLOAD/bin"
	for c in "$ROOT"/tests/e2e/bin/*.c; do
		[ -e "$c" ] || continue
		run_logged "helper $(basename "$c")" "${CROSS}gcc" -static -O2 -Wall \
			-I"$ROOT/include" -I"$ROOT" -o "$PAYLOAD/bin/$(basename "$c" .c)" "$c"
	done
	# the example programs, through their own Makefile
	rm -f "$ROOT/examples/ivc/ivc_ping"
	run_logged "make -C examples/ivc" make -C "$ROOT/examples/ivc" \
		CROSS_COMPILE="$CROSS" LDFLAGS=-static CFLAGS="-O2 -Wall -Wextra -Werror"
	mv "$ROOT/examples/ivc/ivc_ping" "$PAYLOAD/bin/"
}

# Does any selected test use fio?  (fio costs ~80 MB of libraries.)
want_fio() {
	local s n g
	[ "$MODE" = shell ] && return 0
	for s in "$ROOT"/tests/e2e/*.sh $SCRIPT; do
		[ -e "$s" ] || continue
		n=$(basename "$s" .sh)
		# the patterns are for test names, not for files here: no expansion
		set -f
		for g in $TESTS; do
			# shellcheck disable=SC2254  # $g is a glob on purpose
			case $n in ${g%.sh}) set +f; grep -qw fio "$s" && return 0 ;; esac
		done
		set +f
	done
	return 1
}

assemble() {
	local m f rel p l
	rm -rf "$R"
	mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/libexec/hvisor-tests,proc,sys,dev,tmp,run,etc,root} \
		"$R"/usr/share/hvisor "$R/lib/modules/$KVER/extra"

	# busybox: every applet a symlink (the list contains "busybox" itself)
	cp "$BUSYBOX" "$R/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
	done
	ln -s ../bin/busybox "$R/sbin/modprobe"	# the kernel's request_module() helper

	# stock modules + deps (host modprobe reads arm64 modules fine);
	# Debian's 6.12 ships them xz-compressed, which busybox's modprobe
	# may not read: uncompressed here (depmod below finds them as .ko).
	for m in $GUEST_MODULES; do
		modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | sort -u | while read -r f; do
		rel=${f#"$KROOT"/}
		mkdir -p "$R/$(dirname "$rel")"
		case $f in
		*.ko.xz) xz -dc "$f" >"$R/${rel%.xz}" ;;
		*) cp "$f" "$R/$rel" ;;
		esac
	done
	cp "$KROOT/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$R/lib/modules/$KVER/"
	cp "$PAYLOAD"/ko/*.ko "$R/lib/modules/$KVER/extra/" 2>/dev/null || true
	depmod -b "$R" "$KVER"

	# userland
	for p in $GUEST_PROGS; do
		install_prog "$(sysroot_prog "$p")" "$p" "$R"
	done
	for l in $GUEST_PROG_LINKS; do
		ln -sf "${l#*:}" "$R/usr/sbin/${l%%:*}"
	done
	if [ -n "$FIO" ]; then
		install_prog "$(sysroot_prog "$FIO_PROG")" "$FIO_PROG" "$R"
	fi
	cp "$SYSROOT/etc/mke2fs.conf" "$R/etc/" 2>/dev/null || true
	if [ -e "$PAYLOAD/hvisor" ]; then
		install_prog "$PAYLOAD/hvisor" /usr/bin/hvisor "$R"
	fi
	cp "$PAYLOAD"/bin/* "$R/usr/libexec/hvisor-tests/" 2>/dev/null || true

	# tests and examples
	mkdir -p "$R/usr/share/hvisor/tests/e2e"
	[ -d "$ROOT/tests/e2e" ] && cp -a "$ROOT/tests/e2e/." "$R/usr/share/hvisor/tests/e2e/"
	[ -z "$SCRIPT" ] || cp "$SCRIPT" "$R/usr/share/hvisor/tests/e2e/"
	[ -d "$ROOT/examples" ] && cp -a "$ROOT/examples" "$R/usr/share/hvisor/examples"

	# config
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
	printf 'root:x:0:\n' >"$R/etc/group"
	printf '127.0.0.1 localhost hvtest\n::1 localhost\n' >"$R/etc/hosts"
	cat >"$R/etc/hvtest.conf" <<-EOF
		HVTEST_ARCH=$ARCH
		HVTEST_MODE=$MODE
		HVTEST_TESTS='$TESTS'
	EOF
	cp "$ROOT/tests/vm/init.sh" "$R/init"
	chmod 755 "$R/init"

	(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$OUT.tmp"
	mv "$OUT.tmp" "$OUT"
	rm -rf "$R"
}

t0=$(now)
FIO=
want_fio && FIO=fio
"$ROOT/tests/vm/fetch.sh" "$ARCH" "$KSERIES" ${FIO:+"$FIO"}
# arm64: fio only if fetch.sh could get it (the tests that need it skip)
[ "$ARCH" = x86_64 ] || [ -e "$VMDIR/$KVER/.fetched-fio" ] || FIO=
mkdir -p "$PAYLOAD"
: >"$BLOG"
build_modules
build_tool
build_helpers
assemble
log "initramfs: ${OUT#"$ROOT"/} ($(du -h "$OUT" | cut -f1), $(find "$PAYLOAD/ko" -name "*.ko" | wc -l) own modules) in $(elapsed "$t0") s"
