#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the hvisor tool (userspace/): struct layout, every upstream
# example zone and virtio config, our own configs for the cases upstream
# lacks, malformed inputs with their exact messages, the command line, the
# paths that need /dev/hvisor (which this host does not have), and the
# ioctls themselves against fake_hvisor.so, an LD_PRELOAD stand-in for
# hvisor.ko.  Taps are created for real when run as root with
# /dev/net/tun (skipped otherwise).  A subset runs again under valgrind on
# the non-ASan build.
#
#   tests/userspace/run.sh
#
# HVISOR_UPSTREAM_EXAMPLES  upstream example configs (default
#                           <repo>/../shared/upstream-examples); without
#                           them, those cases are reported as skipped.
# HOSTCC                    compiler for the tool and layout_test (gcc);
#                           CC and CROSS_COMPILE are ignored: the tests run
#                           here.
# NO_VALGRIND=1             skip the valgrind pass.
#
# Output: "ok N - ..." / "not ok N - ..." per case, then one last line
# "N passed, N failed[, N skipped]".  Exit status 1 if any case failed.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
EXAMPLES=${HVISOR_UPSTREAM_EXAMPLES:-$REPO/../shared/upstream-examples}
TOOLDIR=$REPO/userspace
ASAN=$TOOLDIR/hvisor-asan
PLAIN=$TOOLDIR/hvisor

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hvisor-tool-test.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
unset HVISOR_DEVICE
# no module here, whatever this host has loaded
export HVISOR_SYSFS=$WORK/nosys

N=0
PASS=0
FAIL=0
SKIP=0

pass() {
	N=$((N + 1)); PASS=$((PASS + 1))
	echo "ok $N - $1"
}

# fail DESC [DETAIL...]: details are printed as "#   " comment lines
fail() {
	local desc=$1
	shift
	N=$((N + 1)); FAIL=$((FAIL + 1))
	echo "not ok $N - $desc"
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
}

skip() {
	N=$((N + 1)); SKIP=$((SKIP + 1))
	echo "ok $N - $1 # SKIP $2"
}

finish() {
	if [ "$SKIP" -gt 0 ]; then
		echo "$PASS passed, $FAIL failed, $SKIP skipped"
	else
		echo "$PASS passed, $FAIL failed"
	fi
	[ "$FAIL" -eq 0 ]
	exit $?
}

# ---------------------------------------------------------------- build
# A binary left over from a cross build does not run here: rebuild it.
build() {
	local target=$1 bin=$2

	if ! make -s -C "$TOOLDIR" "${MAKEVARS[@]}" "$target" \
		>"$WORK/build.log" 2>&1 || ! "$bin" --version >/dev/null 2>&1; then
		make -s -B -C "$TOOLDIR" "${MAKEVARS[@]}" "$target" \
			>"$WORK/build.log" 2>&1
	fi
	if ! "$bin" --version >/dev/null 2>&1; then
		fail "build $target" "$(cat "$WORK/build.log")"
		finish
	fi
	pass "build $target"
}

HOSTCC=${HOSTCC:-gcc}
MAKEVARS=(CROSS_COMPILE= "CC=$HOSTCC" WERROR=1)
build asan "$ASAN"
build hvisor "$PLAIN"
if "$HOSTCC" -Wall -Wextra -Werror -I"$REPO" -o "$WORK/layout_test" \
	"$HERE/layout_test.c" >"$WORK/build.log" 2>&1; then
	pass "build layout_test"
else
	fail "build layout_test" "$(cat "$WORK/build.log")"
	finish
fi

if "$WORK/layout_test" >"$WORK/layout.out" 2>&1; then
	pass "zone_config layout matches the reference offsets"
else
	fail "zone_config layout matches the reference offsets" \
	     "$(cat "$WORK/layout.out")"
fi

# ---------------------------------------------------------------- fixtures
cp -r "$HERE/good" "$HERE/vgood" "$HERE/xcheck" "$WORK/"
cd "$WORK" || exit 2
# the malformed inputs: one file per case under cases/ (cases.py)
if ! python3 "$HERE/cases.py" "$WORK" 2>cases.err; then
	fail "cases/*/*.case are read" "$(cat cases.err)"
	finish
fi
head -c 65536 /dev/zero >disk.img
head -c 131072 /dev/zero >disk2.img
mkfifo afifo
seq 100000 | head -c 8192 >Image
seq 200000 300000 | head -c 4096 >zone.dtb
seq 300000 400000 | head -c 1000 >vmlinux.bin
seq 400000 500000 | head -c 5000 >initrd.img
: >empty.img
mkdir adir

# Cases to run again under valgrind: "rc<TAB>desc<TAB>args (\x1f-separated)"
VG=()
US=$'\x1f'

vg_add() {
	local rc=$1 desc=$2 IFS=$US
	shift 2
	VG+=("$rc"$'\t'"$desc"$'\t'"$*")
}

# run [VAR=value...] -- ARGS...: run the ASan tool in $WORK
run() {
	local envs=()

	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	env "${envs[@]}" "$ASAN" "$@" >out 2>err
	RC=$?
}

# expect DESC RC MESSAGE ARGS...: exit status RC, stderr exactly MESSAGE
expect() {
	local desc=$1 rc=$2 msg=$3
	shift 3
	run -- "$@"
	if [ "$RC" = "$rc" ] && [ "$(cat err)" = "$msg" ]; then
		pass "$desc"
	else
		fail "$desc" "exit status $RC, expected $rc" \
		     "$(printf '%s\n' "$msg" | diff -u - err | tail -n +3)"
	fi
}

# bad NAME MESSAGE [ARGS...]: "zone check bad/NAME.json" fails with
# "hvisor: bad/NAME.json: MESSAGE"
bad() {
	local name=$1 msg=$2
	shift 2
	expect "bad input: $name" 1 "hvisor: bad/$name.json: $msg" \
		zone check "bad/$name.json" "$@"
	vg_add 1 "bad input: $name" zone check "bad/$name.json" "$@"
}

# field FILE KEY=VALUE...: the decoded dump has these lines
fields() {
	local file=$1 want missing=()
	shift
	for want in "$@"; do
		grep -qxF -- "$want" "$file" || missing+=("$want")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	printf 'missing: %s\n' "${missing[@]}"
	return 1
}

# good DESC ARCH FILE [--arch A] -- KEY=VALUE...: check accepts it, the
# summary names ARCH, the packed config (0x06) decodes to the given
# values.  An image the config names but the test does not have is packed
# from a 1-byte stand-in (check: "only its load address is checked").
good() {
	local desc=$1 arch=$2 file=$3 args=() detail="" img made=()
	shift 3
	while [ "$1" != "--" ]; do
		args+=("$1")
		shift
	done
	shift
	run -- zone check "$file" "${args[@]}"
	if [ "$RC" != 0 ] || grep -qv ': note: ' err ||
	   ! grep -qx "  arch:        $arch" out; then
		fail "$desc: zone check" "exit status $RC" "$(cat err out)"
		return
	fi
	pass "$desc: zone check"
	while IFS= read -r img; do
		[ -e "$img" ] && continue
		mkdir -p "$(dirname "$img")" && printf x >"$img" && made+=("$img")
	done < <(sed -n 's/.*: note: "\(.*\)" not found; only its load address is checked$/\1/p' err)
	run -- zone pack "$file" --config-abi 6 -o - "${args[@]}"
	[ ${#made[@]} -eq 0 ] || rm -f "${made[@]}"
	if [ "$RC" != 0 ]; then
		fail "$desc: decoded values" "pack: exit status $RC" "$(cat err)"
		return
	fi
	cp out dump.bin
	"$WORK/layout_test" decode "$arch" dump.bin >decoded 2>&1
	if detail=$(fields decoded name_terminated=1 padding_zero=1 "$@"); then
		pass "$desc: decoded values"
	else
		fail "$desc: decoded values" "$detail"
	fi
}

# ---------------------------------------------------------------- examples
declare -A SIZE=([arm64]=3296 [riscv64]=3208 [loongarch64]=3184
		 [x86_64]=3264)
declare -A SIZE5=([arm64]=3136 [riscv64]=3080 [loongarch64]=3056
		  [x86_64]=3136)

example_arch() {
	case $1 in
	*aarch64*) echo arm64 ;;
	*riscv64*) echo riscv64 ;;
	*x86_64*) echo x86_64 ;;
	*loongarch*) echo loongarch64 ;;
	*) echo unknown ;;
	esac
}

# Extra values for a few examples, one per line; every example also gets
# its size and the padding and NUL checks.
example_values() {
	case $1 in
	qemu-aarch64/with_virtio_blk_console/zone1_linux.json)
		printf '%s\n' zone_id=1 cpus=0xc num_memory_regions=2 \
		     "region[0]=ram 0x50000000 0x50000000 0x30000000" \
		     "region[1]=virtio 0xa000000 0xa000000 0x4000" \
		     interrupts=76,78 arm64.gic_version=1 \
		     arm64.gicd_base=0x8000000 arm64.gicr_base=0x80a0000 \
		     arm64.gits_base=0x8080000 arm64.uefi_tag=1 \
		     arm64.is_aarch32=0 entry_point=0x50400000 \
		     kernel_load_paddr=0x50400000 dtb_load_paddr=0x50000000 \
		     name=linux2 num_pci_bus=0 num_pci_devs=0 ;;
	qemu-aarch64/with_virtio_blk_console/zone1_linux_with_pci.json)
		printf '%s\n' num_pci_bus=1 num_pci_devs=2 \
		     pci[0].ecam_base=0x4010000000 pci[0].ecam_size=0x10000000 \
		     pci[0].io_base=0x3eff0000 pci[0].mem32_size=0x2eff0000 \
		     pci[0].mem64_base=0x8000000000 pci[0].bus_range_end=31 \
		     "pci_dev[1]=0:00:11.0 type 0" "pci_dev[1].v=00:11.0" ;;
	nxp-aarch64/zone1-ruxos.json)
		printf '%s\n' "region[0]=ram 0x50000000 0x40000000 0x30000000" \
		     entry_point=0x40080000 arm64.gits_base=0x0 cpus=0x4 \
		     interrupts=61,74,76,78 num_pci_bus=0 ;;
	rk3588-aarch64/with_virtio_scmi/zone1-linux-npu.json)
		printf '%s\n' cpus=0xc0 interrupts=65,66,67,68,69,142,143,144 \
		     "region[2]=ram 0x100000000 0x100000000 0x1fc000000" \
		     arm64.gicd_base=0xfe600000 ;;
	qemu-riscv64/linux2-aia.json)
		printf '%s\n' zone_id=1 cpus=0x8 riscv64.plic_base=0xc000000 \
		     riscv64.plic_size=0x4000000 riscv64.aplic_base=0xd000000 \
		     riscv64.aplic_size=0x8000 \
		     interrupts=1,2,3,4,5,8,10,33,34,35,36 \
		     entry_point=0x84000000 num_pci_bus=1 num_pci_devs=3 \
		     "pci_dev[2]=0:00:04.0 type 0" "pci_dev[2].v=00:04.0" ;;
	qemu-x86_64/zone1_linux.json)
		printf '%s\n' num_memory_regions=10 \
		     "region[0]=ram 0x40300000 0x0 0xe0000" \
		     "region[9]=ram 0x100000000 0x100000000 0x70000000" \
		     entry_point=0x8000 kernel_load_paddr=0x40400000 \
		     dtb_load_paddr=0x0 dtb_size=0 interrupts= \
		     x86_64.ioapic_base=0xfec00000 \
		     x86_64.kernel_entry_gpa=0x100000 \
		     x86_64.cmdline_load_gpa=0xc000 \
		     x86_64.setup_load_gpa=0xd000 \
		     x86_64.rsdp_memory_region_id=1 \
		     x86_64.acpi_memory_region_id=3 \
		     x86_64.uefi_memory_region_id=4 \
		     x86_64.screen_base=0x70000000 num_pci_bus=1 \
		     num_pci_devs=1 ;;
	esac
}

VG_EXAMPLE=()
if [ -d "$EXAMPLES" ]; then
	nr=0
	while IFS= read -r f; do
		rel=${f#"$EXAMPLES"/}
		grep -q '"zone_id"' "$f" || continue	# virtio_cfg: later
		nr=$((nr + 1))
		arch=$(example_arch "$rel")
		mapfile -t vals < <(example_values "$rel")
		good "upstream $rel" "$arch" "$f" -- "size=${SIZE[$arch]}" \
			"${vals[@]}"
		# none of them has a key only 0x06 carries: hvisor v0.4 takes it
		run -- zone check "$f" --config-abi 5
		if [ "$RC" = 0 ] && ! grep -qv ': note: ' err &&
		   grep -q "^  magic:       0x05 (${SIZE5[$arch]} bytes)" out; then
			pass "upstream $rel: zone check --config-abi 5"
		else
			fail "upstream $rel: zone check --config-abi 5" \
			     "exit status $RC" "$(cat err out)"
		fi
		case $arch in
		arm64) [ -n "${VG_EXAMPLE[0]:-}" ] || VG_EXAMPLE[0]=$f ;;
		riscv64) [ -n "${VG_EXAMPLE[1]:-}" ] || VG_EXAMPLE[1]=$f ;;
		x86_64) [ -n "${VG_EXAMPLE[2]:-}" ] || VG_EXAMPLE[2]=$f ;;
		esac
	done < <(find "$EXAMPLES" -name '*.json' | LC_ALL=C sort)
	if [ "$nr" -lt 12 ]; then
		fail "upstream examples: found all 12 zone configs" \
		     "found $nr in $EXAMPLES"
	else
		pass "upstream examples: found all $nr zone configs"
	fi
	for f in "${VG_EXAMPLE[@]}"; do
		vg_add 0 "upstream $(basename "$f")" zone check "$f"
	done
	f=$EXAMPLES/qemu-aarch64/with_virtio_blk_console/zone1_linux.json
	good "arch inferred from gic_version, --arch=arm64 agrees" arm64 \
		"$f" --arch=arm64 -- size=3296
	expect "--arch riscv64 on an arm64 config" 1 \
		"hvisor: $f: arch_config.plic_base: required field missing" \
		zone check "$f" --arch riscv64
else
	skip "upstream example zone configs" "$EXAMPLES not found"
fi

# Our own example zones (examples/), which the e2e tests start under both
# magics: zone check accepts them for each.
for f in "$REPO"/examples/*.json "$REPO"/examples/*/*.json; do
	[ -f "$f" ] && grep -q '"zone_id"' "$f" || continue
	for m in 5 6; do
		run -- zone check "$f" --config-abi $m
		if [ "$RC" = 0 ] && ! grep -qv ': note: ' err; then
			pass "examples/${f#"$REPO"/examples/}: zone check --config-abi $m"
		else
			fail "examples/${f#"$REPO"/examples/}: zone check --config-abi $m" \
			     "exit status $RC" "$(cat err out)"
		fi
	done
done

# Every upstream virtio config ("zones" key) passes virtio check; only
# notes (missing images, disabled devices) on stderr.
if [ -d "$EXAMPLES" ]; then
	nr=0
	while IFS= read -r f; do
		rel=${f#"$EXAMPLES"/}
		grep -q '"zones"' "$f" || continue
		nr=$((nr + 1))
		run -- virtio check "$f"
		if [ "$RC" = 0 ] && ! grep -qv ': note: ' err &&
		   grep -qx "$f: virtio config OK" out; then
			pass "upstream $rel: virtio check"
		else
			fail "upstream $rel: virtio check" "exit status $RC" \
			     "$(cat err out)"
		fi
		[ $nr -le 2 ] && vg_add 0 "upstream $rel: virtio check" \
			virtio check "$f"
	done < <(find "$EXAMPLES" -name '*.json' | LC_ALL=C sort)
	if [ "$nr" -lt 8 ]; then
		fail "upstream examples: found all 8 virtio configs" \
		     "found $nr in $EXAMPLES"
	else
		pass "upstream examples: found all $nr virtio configs"
	fi
	# check says what attach would do: a gpu is left for a daemon, or
	# skipped with --skip-unsupported, which leaves nothing to attach here
	f=$EXAMPLES/qemu-aarch64/with_virtio_gpu/virtio_cfg_ruxos.json
	run -- virtio check "$f"
	if [ "$RC" = 0 ] && [ ! -s err ] &&
	   grep -qx '  devices:     1 to attach, 1 of them for a daemon' out &&
	   grep -qx '    device \[0\] gpu@0xa003400+0x200 irq 74  for a daemon' out; then
		pass "upstream gpu config: the gpu left for a daemon"
	else
		fail "upstream gpu config: the gpu left for a daemon" \
		     "exit status $RC" "$(cat err out)"
	fi
	expect "upstream gpu config, --skip-unsupported: nothing left to attach" 1 \
		"hvisor: $f: zones[0].devices[0]: note: type \"gpu\" is served by a daemon, not by hvisor.ko; skipped (--skip-unsupported)
hvisor: $f: no enabled device to attach" \
		virtio check --skip-unsupported "$f"
	f=$EXAMPLES/rk3588-aarch64/with_virtio_scmi/zones-npu-gpu-virtio.json
	run -- virtio check "$f"
	if [ "$RC" = 0 ] && ! grep -qv ': note: ' err &&
	   grep -qx '  devices:     8 to attach, 2 of them for a daemon' out &&
	   grep -qx '    device \[0\] scmi@0xff9c0000+0x200 irq 68  for a daemon' out &&
	   grep -qx '    device \[0\] scmi@0xffa10000+0x200 irq 102  for a daemon' out; then
		pass "upstream rk3588 config: both scmi left for a daemon"
	else
		fail "upstream rk3588 config: both scmi left for a daemon" \
		     "exit status $RC" "$(cat err out)"
	fi
	run -- virtio check --skip-unsupported "$f"
	if [ "$RC" = 0 ] &&
	   [ "$(grep -c 'type "scmi" is served by a daemon, not by hvisor.ko; skipped' err)" = 2 ] &&
	   grep -qx '  devices:     6 to attach' out &&
	   grep -qx '    device \[0\] scmi@0xff9c0000+0x200 irq 68  for a daemon: skipped' out &&
	   grep -qx '    device \[3\] net@0xffa00000+0x200 irq 69  tap tap0 mac 00:11:22:33:44:55' out; then
		pass "upstream rk3588 config: scmi skipped, 6 devices"
	else
		fail "upstream rk3588 config: scmi skipped, 6 devices" \
		     "$(cat err out)"
	fi
else
	skip "upstream example virtio configs" "$EXAMPLES not found"
fi

# ---------------------------------------------------------------- our configs
good "arm64 gic v2, UEFI, pci object, new pci form, ivc, modules" arm64 \
	good/arm64-v2-uefi.json -- size=3296 zone_id=2 cpus=0x2 \
	arm64.gic_version=0 arm64.gicd_base=0x8000000 \
	arm64.gicc_base=0x8010000 arm64.gich_base=0x8030000 \
	arm64.gicv_size=0x10000 arm64.uefi_tag=0 \
	arm64.memory_map_addr=0x4f000000 arm64.memory_map_size=0x1000 \
	arm64.sys_map_addr=0x4f001000 arm64.is_aarch32=1 \
	interrupts=32,33,34,35,1023 num_ivc_configs=1 \
	"ivc[0]=0 1 0xd0000000 0xd0001000 0 4096 66 2" \
	"region[1]=io 0x9000000 0x9000000 0x1000" \
	dtb_load_paddr=0x80000000 kernel_size=8192 dtb_size=4096 \
	num_pci_bus=1 num_pci_devs=2 \
	"pci_dev[0]=0:00:02.0 type 0" "pci_dev[0].v=00:02.0" \
	"pci_dev[1]=0:00:03.1 type 1" "pci_dev[1].v=00:05.0"
good "loongarch64, no dtb" loongarch64 good/loongarch64.json -- \
	size=3184 zone_id=3 cpus=0xc kernel_size=1000 dtb_size=0 \
	loongarch64.dummy=0x0 num_pci_bus=0
good "loongarch64, entry point in the cached direct-mapped window" \
	loongarch64 good/loongarch64-dmw.json -- \
	entry_point=0x9000000090200000
good "x86_64 with initrd and cmdline" x86_64 good/x86-initrd.json -- \
	size=3264 kernel_size=1000 x86_64.initrd_size=0x1388 \
	x86_64.initrd_load_gpa=0x8000000 x86_64.cmdline_load_gpa=0xc000 \
	x86_64.uefi_memory_region_id=1
good "loongarch64 chosen with --arch" loongarch64 good/loongarch64.json \
	--arch loongarch64 -- size=3184
vg_add 0 "loongarch64 config" zone check good/loongarch64.json
vg_add 0 "arm64 v2 config with images" zone check good/arm64-v2-uefi.json
vg_add 0 "x86_64 config with images" zone check good/x86-initrd.json

# ---------------------------------------------------------------- zone pack
# "zone pack" writes the bytes zone start would pass, for magic 0x05 or
# 0x06.  Each fixture below sets every field to its own value; layout_test
# decodes the output by the reference's offsets (not our structs) and the
# decoded lines must be EXACTLY the expected ones: every field at its place,
# every other byte (padding, unused slots) zero, the size that magic has.

# pcibus I ECAM ECAM_SIZE IO IO_SIZE PCI_IO M32 M32_SIZE PCI_M32 M64
#        M64_SIZE PCI_M64 BUS_BEGIN BUS_END DOMAIN: one decoded bus
pcibus() {
	local i=$1 k v
	shift
	for k in ecam_base ecam_size io_base io_size pci_io_base mem32_base \
		 mem32_size pci_mem32_base mem64_base mem64_size \
		 pci_mem64_base bus_range_begin bus_range_end domain; do
		v=$1
		shift
		echo "pci[$i].$k=$v"
	done
}

# pcidev MAGIC I DOMAIN BUS DEV FN TYPE [VBUS VDEV VFN]
pcidev() {
	echo "pci_dev[$2]=$3:$4:$5.$6 type $7"
	[ "$1" = 6 ] && echo "pci_dev[$2].v=${8:-$4}:${9:-$5}.${10:-$6}"
	return 0
}

# the expected decode of good/pack-<name>.json for MAGIC
expect_pack_arm64_v3() {
	local m=$1
	printf '%s\n' "size=$([ "$m" = 5 ] && echo 3136 || echo 3296)" \
		zone_id=7 cpus=0x8000000000000024 num_memory_regions=3 \
		"region[0]=ram 0x80000000 0x40000000 0x10000000" \
		"region[1]=io 0x9000000 0x9100000 0x2000" \
		"region[2]=virtio 0xa003c00 0xa003c00 0x200" \
		interrupts=0,31,32,76,1023 num_ivc_configs=2 \
		"ivc[0]=3 4 0xd0000000 0xd0001000 8192 4096 66 2" \
		"ivc[1]=5 6 0xd1000000 0xd1001000 16384 12288 67 3" \
		entry_point=0x40200000 kernel_load_paddr=0x80200000 \
		kernel_size=8192 dtb_load_paddr=0x80100000 dtb_size=4096 \
		name=pack-arm64-v3-with-a-31-char-nm name_terminated=1 \
		arm64.is_aarch32=0 arm64.gic_version=1 \
		arm64.gicd_base=0x8000000 arm64.gicd_size=0x10000 \
		arm64.gicr_base=0x80a0000 arm64.gicr_size=0xf60000 \
		arm64.gits_base=0x8080000 arm64.gits_size=0x20000
	[ "$m" = 6 ] && printf '%s\n' arm64.uefi_tag=1 \
		arm64.memory_map_addr=0x0 arm64.memory_map_size=0x0 \
		arm64.sys_map_addr=0x0
	echo num_pci_bus=2
	pcibus 0 0x4010000000 0x10000000 0x3eff0000 0x10000 0x1000 \
		0x10000000 0x2eff0000 0x10001000 0x8000000000 0x7000000000 \
		0x8000001000 1 31 2
	pcibus 1 0x5010000000 0x20000000 0x4eff0000 0x20000 0x2000 \
		0x20000000 0x1eff0000 0x20002000 0x9000000000 0x6000000000 \
		0x9000002000 32 63 3
	echo num_pci_devs=3
	pcidev "$m" 0 2 11 12 3 1
	pcidev "$m" 1 3 21 1f 7 0
	pcidev "$m" 2 1 ff 00 1 1
	echo padding_zero=1
}

expect_pack_arm64_v2() {
	local m=$1
	printf '%s\n' "size=$([ "$m" = 5 ] && echo 3136 || echo 3296)" \
		zone_id=9 cpus=0x2 num_memory_regions=1 \
		"region[0]=ram 0x60000000 0x60000000 0x8000000" \
		interrupts=33,34 num_ivc_configs=0 entry_point=0x60080000 \
		kernel_load_paddr=0x60080000 kernel_size=8192 \
		dtb_load_paddr=0x0 dtb_size=0 name=pack-arm64-v2 \
		name_terminated=1 arm64.is_aarch32=1 arm64.gic_version=0 \
		arm64.gicd_base=0x8000000 arm64.gicd_size=0x11000 \
		arm64.gicc_base=0x8010000 arm64.gicc_size=0x12000 \
		arm64.gicc_offset=0xf000 arm64.gich_base=0x8030000 \
		arm64.gich_size=0x13000 arm64.gicv_base=0x8040000 \
		arm64.gicv_size=0x12000
	[ "$m" = 6 ] && printf '%s\n' arm64.uefi_tag=1 \
		arm64.memory_map_addr=0x0 arm64.memory_map_size=0x0 \
		arm64.sys_map_addr=0x0
	echo num_pci_bus=0
	echo num_pci_devs=1
	pcidev "$m" 0 0 01 02 3 0
	echo padding_zero=1
}

expect_pack_riscv64() {
	local m=$1
	printf '%s\n' "size=$([ "$m" = 5 ] && echo 3080 || echo 3208)" \
		zone_id=2 cpus=0x8 num_memory_regions=3 \
		"region[0]=ram 0x83000000 0x83000000 0x10000000" \
		"region[1]=io 0x10000000 0x10000000 0x1000" \
		"region[2]=virtio 0x10001000 0x10001000 0x1000" \
		interrupts=1,10,33 num_ivc_configs=0 entry_point=0x90000000 \
		kernel_load_paddr=0x90000000 kernel_size=8192 \
		dtb_load_paddr=0x8f000000 dtb_size=4096 name=pack-riscv64 \
		name_terminated=1 riscv64.plic_base=0xc000000 \
		riscv64.plic_size=0x4000000 riscv64.aplic_base=0xd000000 \
		riscv64.aplic_size=0x8000 num_pci_bus=1
	pcibus 0 0x30000000 0x10000000 0x3000000 0x10000 0x300 0x40000000 \
		0x40000000 0x40000400 0x400000000 0x400000000 0x400000500 \
		0 255 4
	echo num_pci_devs=2
	pcidev "$m" 0 4 02 04 0 1
	pcidev "$m" 1 4 03 05 6 0
	echo padding_zero=1
}

expect_pack_loongarch64() {
	local m=$1
	printf '%s\n' "size=$([ "$m" = 5 ] && echo 3056 || echo 3184)" \
		zone_id=4 cpus=0x6 num_memory_regions=2 \
		"region[0]=ram 0x90000000 0x90000000 0x10000000" \
		"region[1]=io 0x1fe00000 0x1fe00000 0x1000" \
		interrupts=4,5 num_ivc_configs=0 entry_point=0x90200000 \
		kernel_load_paddr=0x90200000 kernel_size=1000 \
		dtb_load_paddr=0x90100000 dtb_size=4096 name=pack-la \
		name_terminated=1 loongarch64.dummy=0x0 num_pci_bus=1
	pcibus 0 0xfe00000000 0x20000000 0x18408000 0x8000 0x8000 \
		0x60000000 0x20000000 0x60000000 0x0 0x0 0x0 0 127 0
	echo num_pci_devs=1
	pcidev "$m" 0 0 00 06 1 0
	echo padding_zero=1
}

expect_pack_x86_64() {
	local m=$1
	printf '%s\n' "size=$([ "$m" = 5 ] && echo 3136 || echo 3264)" \
		zone_id=5 cpus=0xc num_memory_regions=4 \
		"region[0]=ram 0x40000000 0x0 0x100000" \
		"region[1]=ram 0x40100000 0x100000 0x10000000" \
		"region[2]=io 0xfed00000 0xfed00000 0x1000" \
		"region[3]=ram 0x50100000 0x70000000 0x100000" \
		interrupts=4,24,25 num_ivc_configs=0 entry_point=0x8000 \
		kernel_load_paddr=0x40100000 kernel_size=1000 \
		dtb_load_paddr=0x0 dtb_size=0 name=pack-x86 name_terminated=1 \
		x86_64.ioapic_base=0xfec00000 x86_64.ioapic_size=0x1000 \
		x86_64.kernel_entry_gpa=0x100000 \
		x86_64.cmdline_load_gpa=0xc000 x86_64.setup_load_gpa=0xd000 \
		x86_64.initrd_load_gpa=0x8000000 x86_64.initrd_size=0x1388 \
		x86_64.rsdp_memory_region_id=1 x86_64.acpi_memory_region_id=2 \
		x86_64.uefi_memory_region_id=3 x86_64.screen_base=0x70000000 \
		num_pci_bus=1
	pcibus 0 0xe0000000 0x10000000 0x0 0x10000 0x0 0xc0000000 \
		0x20000000 0xc0000000 0x800000000 0x100000000 0x800000000 \
		0 255 0
	echo num_pci_devs=2
	pcidev "$m" 0 0 00 1f 2 0
	pcidev "$m" 1 0 00 03 0 1
	echo padding_zero=1
}

expect_arm64_v2_uefi() {
	printf '%s\n' size=3296 zone_id=2 cpus=0x2 num_memory_regions=3 \
		"region[0]=ram 0x80000000 0x40000000 0x10000000" \
		"region[1]=io 0x9000000 0x9000000 0x1000" \
		"region[2]=virtio 0xa000000 0xa000000 0x200" \
		interrupts=32,33,34,35,1023 num_ivc_configs=1 \
		"ivc[0]=0 1 0xd0000000 0xd0001000 0 4096 66 2" \
		entry_point=0x40200000 kernel_load_paddr=0x80200000 \
		kernel_size=8192 dtb_load_paddr=0x80000000 dtb_size=4096 \
		name=v2-uefi name_terminated=1 arm64.is_aarch32=1 \
		arm64.gic_version=0 arm64.gicd_base=0x8000000 \
		arm64.gicd_size=0x10000 arm64.gicc_base=0x8010000 \
		arm64.gicc_size=0x10000 arm64.gicc_offset=0x0 \
		arm64.gich_base=0x8030000 arm64.gich_size=0x10000 \
		arm64.gicv_base=0x8040000 arm64.gicv_size=0x10000 \
		arm64.uefi_tag=0 arm64.memory_map_addr=0x4f000000 \
		arm64.memory_map_size=0x1000 arm64.sys_map_addr=0x4f001000 \
		num_pci_bus=1
	pcibus 0 0x4010000000 0x10000000 0x3eff0000 0x10000 0x0 0x10000000 \
		0x2eff0000 0x10000000 0x8000000000 0x8000000000 0x8000000000 \
		0 31 0
	echo num_pci_devs=2
	pcidev 6 0 0 00 02 0 0
	pcidev 6 1 0 00 03 1 1 00 05 0
	echo padding_zero=1
}

# packed DESC ARCH MAGIC FILE EXPECT-FUNCTION [ARGS...]
packed() {
	local desc=$1 arch=$2 m=$3 file=$4 fn=$5
	shift 5
	run -- zone pack "$file" --config-abi "$m" -o packed.bin "$@"
	if [ "$RC" != 0 ] || [ -s err ] || [ -s out ]; then
		fail "$desc" "zone pack: exit status $RC" "$(cat err out)"
		return
	fi
	"$WORK/layout_test" decode "$arch" packed.bin "$m" >decoded 2>&1
	if "$fn" "$m" | diff -u - decoded >diff.out; then
		pass "$desc"
	else
		fail "$desc" "$(tail -n +3 diff.out)"
	fi
}

for m in 5 6; do
	packed "zone pack 0x0$m arm64 GICv3, ivc, 2 buses, 3 devices" arm64 \
		"$m" good/pack-arm64-v3.json expect_pack_arm64_v3
	packed "zone pack 0x0$m arm64 GICv2, aarch32" arm64 "$m" \
		good/pack-arm64-v2.json expect_pack_arm64_v2
	packed "zone pack 0x0$m riscv64" riscv64 "$m" \
		good/pack-riscv64.json expect_pack_riscv64
	packed "zone pack 0x0$m loongarch64" loongarch64 "$m" \
		good/pack-loongarch64.json expect_pack_loongarch64
	packed "zone pack 0x0$m x86_64, setup, cmdline, initrd" x86_64 "$m" \
		good/pack-x86_64.json expect_pack_x86_64
done
packed "zone pack 0x06 arm64 UEFI and v_bus/v_device/v_function" arm64 6 \
	good/arm64-v2-uefi.json expect_arm64_v2_uefi
packed "zone pack --arch arm64 agrees with the file" arm64 5 \
	good/pack-arm64-v2.json expect_pack_arm64_v2 --arch arm64
if [ -d "$EXAMPLES" ]; then
	# what zone start would pass for upstream's own example, both magics
	f=$EXAMPLES/qemu-aarch64/with_virtio_blk_console/zone1_linux.json
	mkdir -p up && cp "$f" up/ && cp Image up/Image && cp zone.dtb up/linux2.dtb
	for m in 5 6; do
		(cd up && "$ASAN" zone pack zone1_linux.json --config-abi "$m" \
			-o "../up$m.bin") >out 2>err
		"$WORK/layout_test" decode arm64 "up$m.bin" "$m" >decoded 2>&1
		if detail=$(fields decoded "size=$([ $m = 5 ] && echo 3136 || echo 3296)" \
			    padding_zero=1 arm64.gic_version=1 \
			    arm64.gicr_base=0x80a0000 num_pci_bus=0 \
			    kernel_size=8192 dtb_size=4096 name=linux2); then
			pass "zone pack 0x0$m upstream qemu-aarch64 zone1_linux.json"
		else
			fail "zone pack 0x0$m upstream qemu-aarch64 zone1_linux.json" \
			     "$detail" "$(cat err)"
		fi
	done
fi

run -- zone pack good/pack-riscv64.json --config-abi 5 -o -
"$PLAIN" zone pack good/pack-riscv64.json --config-abi 5 -o file.bin 2>/dev/null
if [ "$RC" = 0 ] && [ ! -s err ] && cmp -s out file.bin &&
   [ "$(wc -c <out)" = 3080 ]; then
	pass "zone pack -o -: the same bytes on stdout"
else
	fail "zone pack -o -: the same bytes on stdout" "exit status $RC" \
	     "$(cat err)" "$(cmp out file.bin 2>&1)"
fi

# what 0x05 cannot carry, and what pack refuses
expect "zone pack 0x05: UEFI fields need 0x06" 1 \
	"hvisor: good/arm64-v2-uefi.json: arch_config.memory_map_addr: zone config magic 0x05 (hvisor v0.4) has no room for it: it needs 0x06" \
	zone pack good/arm64-v2-uefi.json --config-abi 5 -o x.bin
sed '/memory_map_addr/d; s/"is_aarch32": 1,/"is_aarch32": 1/' \
	good/arm64-v2-uefi.json >vbus.json
expect "zone pack 0x05: v_bus needs 0x06" 1 \
	"hvisor: vbus.json: alloc_pci_devs[1].v_bus: zone config magic 0x05 (hvisor v0.4) has no room for it: it needs 0x06" \
	zone pack vbus.json --config-abi 5 -o x.bin
expect "zone check --config-abi 5: v_bus needs 0x06" 1 \
	"hvisor: vbus.json: alloc_pci_devs[1].v_bus: zone config magic 0x05 (hvisor v0.4) has no room for it: it needs 0x06" \
	zone check vbus.json --config-abi 5
[ ! -e x.bin ] && pass "zone pack: nothing written on failure" ||
	fail "zone pack: nothing written on failure" "x.bin exists"
run -- zone check good/arm64-v2-uefi.json
if [ "$RC" = 0 ] &&
   grep -qxF "  magic:       0x06 (3296 bytes; arch_config.memory_map_addr needs it)" out; then
	pass "zone check: a config with UEFI fields needs 0x06"
else
	fail "zone check: a config with UEFI fields needs 0x06" "$(cat out err)"
fi
run -- zone check good/pack-riscv64.json
if [ "$RC" = 0 ] &&
   grep -qxF "  magic:       0x05 (3080 bytes) or 0x06 (3208 bytes)" out; then
	pass "zone check: a config without 0x06-only keys fits 0x05"
else
	fail "zone check: a config without 0x06-only keys fits 0x05" "$(cat out err)"
fi
expect "zone pack: a missing image is an error, as in zone start" 1 \
	"hvisor: bad/kernel-missing-outside.json: kernel_filepath: \"no-such-Image\": No such file or directory" \
	zone pack bad/kernel-missing-outside.json --config-abi 6 -o x.bin
expect "zone pack: validator errors as in check" 1 \
	"hvisor: bad/kernel-dtb-overlap.json: dtb_load_paddr: image overlaps the kernel image" \
	zone pack bad/kernel-dtb-overlap.json --config-abi 5 -o x.bin
expect "usage: zone pack without --config-abi" 2 \
	"hvisor: zone pack: --config-abi 5|6 is required (see 'hvisor --help')" \
	zone pack good/pack-riscv64.json -o x.bin
expect "usage: zone pack --config-abi 7" 2 \
	"hvisor: zone pack: unknown --config-abi '7' (expected 5 or 6) (see 'hvisor --help')" \
	zone pack good/pack-riscv64.json --config-abi 7 -o x.bin
expect "usage: zone pack without -o" 2 \
	"hvisor: zone pack: -o <out.bin> is required (see 'hvisor --help')" \
	zone pack good/pack-riscv64.json --config-abi 5
vg_add 0 "zone pack 0x05 x86_64" zone pack good/pack-x86_64.json \
	--config-abi 5 -o vg.bin
vg_add 1 "zone pack 0x05 refused" zone pack good/arm64-v2-uefi.json \
	--config-abi 5 -o vg.bin

# Configs of older hvisor trees lack gic_version: gicr_* is v3, gicc_* v2,
# with a note; neither (or both) is still an error.
sed '/"gic_version"/d' good/pack-arm64-v3.json >nogic-v3.json
sed 's/"gic_version": "v2", //' good/pack-arm64-v2.json >nogic-v2.json
for v in 3 2; do
	run -- zone pack nogic-v$v.json --config-abi 5 -o nogic.bin
	"$WORK/layout_test" decode arm64 nogic.bin 5 >decoded 2>&1
	want="hvisor: nogic-v$v.json: arch_config.gic_version: note: missing; taken as \"v$v\" (the config has $([ $v = 3 ] && echo gicr || echo gicc)_* fields)"
	if [ "$RC" = 0 ] && [ "$(cat err)" = "$want" ] &&
	   grep -qx "arm64.gic_version=$((v - 2))" decoded; then
		pass "arm64 without gic_version: read as v$v, with a note"
	else
		fail "arm64 without gic_version: read as v$v, with a note" \
		     "exit status $RC" "$(cat err)" "want: $want"
	fi
done
sed '/"gic_version"/d; /gicr_/d' good/pack-arm64-v3.json >nogic-none.json
expect "arm64 without gic_version nor gicr/gicc: an error" 1 \
	"hvisor: nogic-none.json: arch_config.gic_version: required field missing" \
	zone check nogic-none.json

# ---------------------------------------------------------------- bad input
# cases/bad/*.case: "zone check bad/NAME.json" and its message
nr_bad=$N
. ./cases-bad.sh
nr_bad=$((N - nr_bad))

# ---------------------------------------------------------------- virtio configs
# vbad NAME MESSAGE: "virtio check vbad/NAME.json" fails with
# "hvisor: vbad/NAME.json: MESSAGE"
vbad() {
	local name=$1 msg=$2
	expect "bad virtio config: $name" 1 "hvisor: vbad/$name.json: $msg" \
		virtio check "vbad/$name.json"
	vg_add 1 "bad virtio config: $name" virtio check "vbad/$name.json"
}
# cases/vbad/*.case
nr_vbad=$N
. ./cases-vbad.sh
nr_vbad=$((N - nr_vbad))

# vgood DESC FILE STDERR STDOUT-LINE...: check accepts it, exact notes
vgood() {
	local desc=$1 file=$2 msg=$3 missing=()
	shift 3
	run -- virtio check "${VCHECK_OPTS[@]}" "$file"
	for want in "$@"; do
		grep -qxF -- "$want" out || missing+=("$want")
	done
	if [ "$RC" = 0 ] && [ "$(cat err)" = "$msg" ] &&
	   [ ${#missing[@]} -eq 0 ]; then
		pass "$desc"
	else
		fail "$desc" "exit status $RC" "$(cat err)" \
		     "${missing[@]/#/missing: }"
	fi
	vg_add 0 "$desc" virtio check "${VCHECK_OPTS[@]}" "$file"
}
VCHECK_OPTS=()
vgood "virtio check: blk, console, net" vgood/three.json "" \
	"vgood/three.json: virtio config OK" "  devices:     3 to attach" \
	"    region [0] zone0 0x50000000-0x7fffffff  guest 0x50000000-0x7fffffff" \
	"    device [0] blk@0xa003c00+0x200 irq 78  img disk.img (read-write)" \
	"    device [1] console@0xa003800+0x200 irq 76" \
	"    device [2] net@0xa003600+0x200 irq 75  tap hvtest0 mac 02:00:00:00:00:01"
vgood "virtio check: two zones, missing status, disabled, serial, readonly" \
	vgood/two-zones.json \
	'hvisor: vgood/two-zones.json: zones[0].devices[1].status: note: missing; taken as "enable"
hvisor: vgood/two-zones.json: zones[1].devices[1]: note: "console" device disabled; skipped' \
	"  zones:       2" "  devices:     4 to attach" \
	"  zone 2: 2 regions, 2 devices to attach" \
	"    device [0] blk@0xa003c00+0x200 irq 78  img disk.img (read-write) serial hv-disk-1" \
	"    device [0] blk@0xa003c00+0x200 irq 78  img disk2.img (read-only)" \
	"    device [1] console: disabled" \
	"    device [2] console@0xa003a00+0x200 irq 77"
vgood "virtio check: a missing image is a note" vgood/missing-img.json \
	'hvisor: vgood/missing-img.json: zones[0].devices[0].img: note: "no-such.img" not found; attach needs it' \
	"    device [0] blk@0xa003c00+0x200 irq 78  img no-such.img (read-write, not found)"
vgood "virtio check: blk with \"queues\"" vgood/blk-queues.json "" \
	"    device [0] blk@0xa003c00+0x200 irq 78  img disk.img (read-write) queues 2" \
	"    device [1] blk@0xa004000+0x200 irq 78  img disk2.img (read-write)" \
	"    device [2] console@0xa003800+0x200 irq 76"
vgood "virtio check: nine devices, seven distinct irqs" vgood/irqs-7.json "" \
	"  devices:     9 to attach" \
	"    device [8] console@0xa004a00+0x200 irq 76"
vgood "virtio check: a gpu is left for a daemon" vgood/with-gpu.json "" \
	"  devices:     2 to attach, 1 of them for a daemon" \
	"  zone 3: 1 region, 2 devices to attach" \
	"    device [0] gpu@0xa003400+0x200 irq 74  for a daemon" \
	"    device [1] blk@0xa003c00+0x200 irq 78  img disk.img (read-only)"
VCHECK_OPTS=(--skip-unsupported)
vgood "virtio check --skip-unsupported: gpu noted, not attached" vgood/with-gpu.json \
	'hvisor: vgood/with-gpu.json: zones[0].devices[0]: note: type "gpu" is served by a daemon, not by hvisor.ko; skipped (--skip-unsupported)' \
	"  devices:     1 to attach" \
	"    device [0] gpu@0xa003400+0x200 irq 74  for a daemon: skipped" \
	"    device [1] blk@0xa003c00+0x200 irq 78  img disk.img (read-only)"
VCHECK_OPTS=(--zone 2)
vgood "virtio check --zone: that zone only" vgood/two-zones.json \
	'hvisor: vgood/two-zones.json: zones[0].devices[1].status: note: missing; taken as "enable"
hvisor: vgood/two-zones.json: zones[1].devices[1]: note: "console" device disabled; skipped' \
	"  zone 2: 2 regions, 2 devices to attach"
if grep -q '^  zone 1:' out; then
	fail "virtio check --zone: other zones not listed" "$(cat out)"
else
	pass "virtio check --zone: other zones not listed"
fi
VCHECK_OPTS=()
expect "virtio check --zone: a zone not in the file, as attach says it" 1 \
	'hvisor: vgood/two-zones.json: zones[0].devices[1].status: note: missing; taken as "enable"
hvisor: vgood/two-zones.json: zones[1].devices[1]: note: "console" device disabled; skipped
hvisor: vgood/two-zones.json: no zone with id 7 in the file' \
	virtio check --zone 7 vgood/two-zones.json

# ---------------------------------------------------------------- zone check --virtio
# "zone check zone.json --virtio virtio.json" cross-checks the two files.
# xcheck/ holds a pair that fits, from examples/sim's arm64 pair, and
# cases/xcheck/ one mutation per rule; each must fail with its message,
# and a file breaking several rules gets every one reported.

# xfits DESC ZONE VIRTIO: exit 0, only notes on stderr, the "fits" line
xfits() {
	local desc=$1 z=$2 v=$3
	run -- zone check "$z" --virtio "$v"
	if [ "$RC" = 0 ] && ! grep -qv ': note: ' err &&
	   grep -qxF "$v fits $z" out; then
		pass "$desc"
	else
		fail "$desc" "exit status $RC" "$(cat err out)"
	fi
}
xfits "zone check --virtio: a pair that fits" xcheck/zone.json \
	xcheck/virtio.json
vg_add 0 "zone check --virtio: a pair that fits" zone check xcheck/zone.json \
	--virtio xcheck/virtio.json
for a in x86_64 arm64; do
	xfits "zone check --virtio: examples/sim $a pair" \
		"$REPO/examples/sim/zone1-$a.json" \
		"$REPO/examples/sim/virtio-$a.json"
done

# xbad NAME MESSAGE: zone.json against xcheck/v-NAME.json fails so
xbad() {
	local name=$1 msg=$2
	expect "zone check --virtio: $name" 1 \
		"hvisor: xcheck/v-$name.json: $msg" \
		zone check xcheck/zone.json --virtio "xcheck/v-$name.json"
}
XZ="(xcheck/zone.json: memory_regions)"
NOTRAP="is not inside any \"type\": \"virtio\" region of the zone, so hvisor would not trap it $XZ"
NOINJ="is not one of the zone's interrupts, so hvisor would not inject it"
# cases/xcheck/*.case: v-NAME.json against xcheck/zone.json
xcheck() { xbad "$@"; }
nr_xbad=$N
. ./cases-xcheck.sh
nr_xbad=$((N - nr_xbad))
# every case of cases/ ran: none lost to a bad glob or a broken file
if [ "$nr_bad" -ge 69 ] && [ "$nr_vbad" -ge 75 ] && [ "$nr_xbad" -ge 11 ]; then
	pass "malformed-input cases: $nr_bad bad, $nr_vbad vbad, $nr_xbad xcheck"
else
	fail "malformed-input cases: at least 69 bad, 75 vbad, 11 xcheck" \
	     "found $nr_bad, $nr_vbad, $nr_xbad"
fi
vg_add 1 "zone check --virtio: many" zone check xcheck/zone.json \
	--virtio xcheck/v-many.json
expect "zone check --virtio: the zone lacks a virtio region" 1 \
	"hvisor: xcheck/virtio.json: zones[0].devices[2]: window [0xb000400, 0xb000600) is not inside any \"type\": \"virtio\" region of the zone, so hvisor would not trap it (xcheck/z-no-virtio-region.json: memory_regions)" \
	zone check xcheck/z-no-virtio-region.json --virtio xcheck/virtio.json
expect "zone check --virtio: the zone lacks an irq" 1 \
	"hvisor: xcheck/virtio.json: zones[0].devices[2].irq: 78 $NOINJ (xcheck/z-irq-dropped.json: interrupts)" \
	zone check xcheck/z-irq-dropped.json --virtio xcheck/virtio.json
xfits "zone check --virtio: riscv64, the irq one of the zone's" \
	xcheck/zone-riscv64.json xcheck/virtio-riscv64.json
expect "zone check --virtio: riscv64, an irq the zone does not own" 1 \
	"hvisor: xcheck/v-riscv64-irq-not-owned.json: zones[0].devices[0].irq: 11 $NOINJ (xcheck/zone-riscv64.json: interrupts)" \
	zone check xcheck/zone-riscv64.json --virtio xcheck/v-riscv64-irq-not-owned.json
xfits "zone check --virtio: loongarch64, a CPU interrupt number not in interrupts" \
	xcheck/zone-loongarch64.json xcheck/virtio-loongarch64.json
expect "zone check --virtio: needs a file name" 2 \
	"hvisor: zone check: --virtio needs a file name (see 'hvisor --help')" \
	zone check xcheck/zone.json --virtio
expect "zone pack: no --virtio" 2 \
	"hvisor: zone pack: unknown option '--virtio' (see 'hvisor --help')" \
	zone pack xcheck/zone.json --config-abi 6 -o x.bin --virtio xcheck/virtio.json

# The upstream pairs of a zone and the virtio config written for it.
if [ -d "$EXAMPLES" ]; then
	while read -r z v; do
		xfits "upstream ${z%/*}: zone check ${z##*/} --virtio ${v##*/}" \
			"$EXAMPLES/$z" "$EXAMPLES/$v"
	done <<-EOF
	qemu-aarch64/with_virtio_blk_console/zone1_linux.json qemu-aarch64/with_virtio_blk_console/virtio_cfg.json
	qemu-aarch64/with_virtio_blk_console/zone1_linux_with_pci.json qemu-aarch64/with_virtio_blk_console/virtio_cfg.json
	qemu-aarch64/with_virtio_blk_console/zone1-ruxos.json qemu-aarch64/with_virtio_blk_console/virtio_cfg_ruxos.json
	qemu-aarch64/with_virtio_gpu/zone1_ruxos_display.json qemu-aarch64/with_virtio_gpu/virtio_cfg_ruxos.json
	nxp-aarch64/zone1_linux.json nxp-aarch64/virtio_cfg.json
	nxp-aarch64/gpu_on_root/linux2.json nxp-aarch64/gpu_on_root/con_virtio.json
	rk3588-aarch64/with_virtio_scmi/zone1-linux-npu.json rk3588-aarch64/with_virtio_scmi/zones-npu-gpu-virtio.json
	rk3588-aarch64/with_virtio_scmi/zone2-linux-gpu-hdmi.json rk3588-aarch64/with_virtio_scmi/zones-npu-gpu-virtio.json
	EOF
	# Upstream's x86_64 pair is inconsistent: the virtio config shares
	# guest [0, 512 MiB) while the zone's RAM ends at 0x1920f000 (its
	# virtio region follows, then nothing below 4 GiB).
	z=$EXAMPLES/qemu-x86_64/zone1_linux.json
	v=$EXAMPLES/qemu-x86_64/virtio_cfg.json
	run -- zone check "$z" --virtio "$v"
	if [ "$RC" = 1 ] && [ "$(grep -v ': note: ' err)" = "hvisor: $v: zones[0].memory_region[0]: size 0x20000000: guest [0x0, 0x20000000) runs past the zone's RAM, which ends at 0x1920f000; the backend could reach zone 0 memory the guest does not own ($z: memory_regions[0])" ]; then
		pass "upstream qemu-x86_64 pair: its memory_region[0] runs past the zone's RAM"
	else
		fail "upstream qemu-x86_64 pair: its memory_region[0] runs past the zone's RAM" \
		     "exit status $RC" "$(cat err)"
	fi
else
	skip "upstream zone and virtio pairs" "$EXAMPLES not found"
fi

# ---------------------------------------------------------------- usage
USAGE="(see 'hvisor --help')"
expect "usage: unknown --arch" 2 \
	"hvisor: zone check: unknown architecture 'mips' (expected arm64, riscv64, loongarch64 or x86_64) $USAGE" \
	zone check good/loongarch64.json --arch mips
expect "usage: --arch without a value" 2 \
	"hvisor: zone check: --arch needs a value $USAGE" \
	zone check good/loongarch64.json --arch
expect "usage: zone check without a file" 2 \
	"hvisor: zone check: missing <config.json> $USAGE" zone check
expect "usage: zone check with two files" 2 \
	"hvisor: zone check: too many arguments $USAGE" zone check a.json b.json
expect "usage: zone shutdown -id abc" 2 \
	"hvisor: zone shutdown: invalid zone id 'abc' (expected 0..31) $USAGE" \
	zone shutdown -id abc
vg_add 2 "usage: zone shutdown -id abc" zone shutdown -id abc
expect "usage: zone shutdown --id=32" 2 \
	"hvisor: zone shutdown: invalid zone id '32' (expected 0..31) $USAGE" \
	zone shutdown --id=32
expect "usage: zone shutdown --id -1" 2 \
	"hvisor: zone shutdown: invalid zone id '-1' (expected 0..31) $USAGE" \
	zone shutdown --id -1
expect "usage: zone shutdown without an id" 2 \
	"hvisor: zone shutdown: expected -id <id> $USAGE" zone shutdown
expect "usage: zone shutdown -id without a value" 2 \
	"hvisor: zone shutdown: -id needs a zone id $USAGE" zone shutdown -id
expect "usage: zone shutdown with an extra argument" 2 \
	"hvisor: zone shutdown: expected -id <id> $USAGE" \
	zone shutdown -id 1 2
expect "usage: zone start without a file" 2 \
	"hvisor: zone start: expected exactly one <config.json> $USAGE" \
	zone start
expect "usage: zone list --bogus" 2 \
	"hvisor: zone list: unexpected argument '--bogus' $USAGE" \
	zone list --bogus
expect "usage: unknown zone command" 2 \
	"hvisor: zone: unknown command 'frob' $USAGE" zone frob
expect "usage: no command" 2 "hvisor: missing command $USAGE"
expect "usage: unknown command" 2 "hvisor: unknown command 'frob' $USAGE" \
	frob
expect "usage: virtio without a command" 2 \
	"hvisor: virtio: missing command $USAGE" virtio
expect "usage: unknown virtio command" 2 \
	"hvisor: virtio: unknown command 'frob' $USAGE" virtio frob
expect "usage: virtio start points to attach" 2 \
	"hvisor: virtio: 'start' is upstream's daemon; use 'virtio attach' $USAGE" \
	virtio start vgood/three.json
expect "usage: virtio attach without a file" 2 \
	"hvisor: virtio attach: missing <virtio_cfg.json> $USAGE" virtio attach
expect "usage: virtio attach --zone 32" 2 \
	"hvisor: virtio attach: invalid zone id '32' (expected 0..31) $USAGE" \
	virtio attach vgood/three.json --zone 32
expect "usage: virtio attach --zone without a value" 2 \
	"hvisor: virtio attach: --zone needs a zone id $USAGE" \
	virtio attach vgood/three.json --zone
expect "usage: virtio attach --bogus" 2 \
	"hvisor: virtio attach: unknown option '--bogus' $USAGE" \
	virtio attach vgood/three.json --bogus
expect "usage: virtio check --zone takes a zone id, as attach" 2 \
	"hvisor: virtio check: invalid zone id 'x' (expected 0..31) $USAGE" \
	virtio check vgood/three.json --zone x
expect "usage: virtio check with two files" 2 \
	"hvisor: virtio check: too many arguments $USAGE" \
	virtio check a.json b.json
expect "usage: virtio detach without --zone" 2 \
	"hvisor: virtio detach: expected --zone <id> $USAGE" virtio detach
expect "usage: virtio detach --zone x" 2 \
	"hvisor: virtio detach: invalid zone id 'x' (expected 0..31) $USAGE" \
	virtio detach --zone x
expect "usage: virtio detach --addr 0" 2 \
	"hvisor: virtio detach: invalid address '0' $USAGE" \
	virtio detach --zone 1 --addr 0
expect "usage: virtio detach --addr without a value" 2 \
	"hvisor: virtio detach: --addr needs a value $USAGE" \
	virtio detach --zone 1 --addr
expect "usage: virtio detach -id (not accepted)" 2 \
	"hvisor: virtio detach: unexpected argument '-id' $USAGE" \
	virtio detach -id 1
expect "usage: virtio list --bogus" 2 \
	"hvisor: virtio list: unexpected argument '--bogus' $USAGE" \
	virtio list --bogus
vg_add 2 "usage: virtio detach --zone x" virtio detach --zone x

run -- --help
if [ "$RC" = 0 ] && grep -q 'zone start <config.json>' out &&
   grep -q 'zone check' out && grep -q 'virtio attach <virtio_cfg.json>' out &&
   grep -q 'virtio detach --zone <id>' out && grep -q 'virtio list' out &&
   grep -q 'virtio check' out && [ ! -s err ]; then
	pass "--help lists the zone and virtio commands"
else
	fail "--help lists the zone and virtio commands" "$(cat out err)"
fi
run -- help virtio
if [ "$RC" = 0 ] && grep -q -- '--skip-unsupported' out &&
   grep -q 'detach --zone <id> \[--addr <addr>\]' out; then
	pass "help virtio"
else
	fail "help virtio" "$(cat out err)"
fi
# ---------------------------------------------------------------- unknown keys
# A key no parser reads is a warning naming the file and its JSON path (the
# config is still taken); --strict makes it an error.  "queue" for "queues"
# is the typo this catches.
sed 's/"img": "disk.img",/"img": "disk.img", "queue": 4,/' vgood/three.json >vunknown.json
sed -e 's/"gic_version": "v2",/"gic_version": "v2", "gicd_bse": "0x8000000",/' \
    -e 's/^{/{ "some_future_key": { "x": 1 },/' good/arm64-v2-uefi.json >unknown.json
UW="warning: unknown key, ignored (--strict makes it an error)"
expect "unknown key in a virtio config: a warning with its path" 0 \
	"hvisor: vunknown.json: zones[0].devices[0].queue: $UW" \
	virtio check vunknown.json
expect "unknown key in a virtio config, --strict: an error" 1 \
	"hvisor: vunknown.json: zones[0].devices[0].queue: unknown key" \
	virtio check --strict vunknown.json
expect "unknown keys in a zone config: a warning each, with its path" 0 \
	"hvisor: unknown.json: some_future_key: $UW
hvisor: unknown.json: arch_config.gicd_bse: $UW" \
	zone check unknown.json
expect "unknown keys in a zone config, --strict: errors" 1 \
	"hvisor: unknown.json: some_future_key: unknown key
hvisor: unknown.json: arch_config.gicd_bse: unknown key" \
	zone check unknown.json --strict
expect "zone pack --strict: unknown keys are errors" 1 \
	"hvisor: unknown.json: some_future_key: unknown key
hvisor: unknown.json: arch_config.gicd_bse: unknown key" \
	zone pack --strict unknown.json --config-abi 6 -o unknown.bin
vg_add 0 "unknown keys: warnings" zone check unknown.json
vg_add 1 "unknown keys: --strict" virtio check --strict vunknown.json
# a disabled device is not parsed, so its keys are not judged
sed 's/"status": "enable"/"status": "disable", "whatever": 1/' vgood/three.json >vdisabled.json
run -- virtio check --strict vdisabled.json
if ! grep -q whatever err; then
	pass "keys of a disabled device are not judged"
else
	fail "keys of a disabled device are not judged" "$(cat err)"
fi

# --help / -h on every subcommand: its own usage on stdout, exit 0, even
# with other (even wrong) arguments around it
for c in "zone start" "zone shutdown" "zone list" "zone check" "zone pack" \
	 "virtio attach" "virtio detach" "virtio list" "virtio check"; do
	for h in --help -h; do
		# shellcheck disable=SC2086
		run -- $c x.json $h
		if [ "$RC" = 0 ] && [ ! -s err ] &&
		   head -1 out | grep -q "^Usage: hvisor $c\b" &&
		   [ "$(grep -c '^Usage:' out)" = 1 ] && [ "$(wc -l <out)" -ge 2 ]; then
			pass "$c $h: its usage on stdout, exit 0"
		else
			fail "$c $h: its usage on stdout, exit 0" "exit $RC" \
			     "$(cat out err)"
		fi
	done
done

# ---------------------------------------------------------------- completion
# userspace/hvisor.bash-completion offers every command of --help, and
# every long option a subcommand's usage line names.
complete_words() {
	bash -c '
		complete() { :; }
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_hvisor
		printf "%s\n" "${COMPREPLY[@]}"' _ "$TOOLDIR/hvisor.bash-completion" "$@"
}
missing=()
while read -r g c; do
	complete_words hvisor "$g" "" | grep -qx "$c" || missing+=("$g $c")
	run -- "$g" "$c" --help
	for o in $(head -1 out | grep -o -- '--[a-z-]*' | sort -u); do
		[ "$o" = --id ] && [ "$g $c" != "zone shutdown" ] && continue
		complete_words hvisor "$g" "$c" x.json -- | grep -qx -- "$o" ||
			missing+=("$g $c $o")
	done
done < <("$PLAIN" --help | sed -n 's/^  \(zone\|virtio\) \([a-z]*\).*/\1 \2/p')
[ "$(complete_words hvisor "")" = "$(printf '%s\n' zone virtio version help --help --version)" ] ||
	missing+=("top level")
touch a1.json a2.txt
got=$(complete_words hvisor zone check a1 | tr "\n" " ")
[ "$got" = "a1.json " ] || missing+=("zone check: *.json files, got $got")
complete_words hvisor zone check x.json -- | grep -qx -- --virtio ||
	missing+=("zone check --virtio")
got=$(complete_words hvisor zone check x.json --virtio a1 | tr "\n" " ")
[ "$got" = "a1.json " ] || missing+=("zone check --virtio: *.json files, got $got")
if [ ${#missing[@]} -eq 0 ] &&
   [ "$("$PLAIN" --help | grep -c '^  \(zone\|virtio\) [a-z]')" -ge 9 ]; then
	pass "bash completion: every command and its long options"
else
	fail "bash completion: every command and its long options" \
	     "${missing[@]/#/missing: }"
fi

# Every command in hvisor(8)'s EXAMPLES is one the tool accepts (it may
# fail here on missing files or module, never with a usage error)
bad_ex=()
nr_ex=0
while read -r -a words; do
	nr_ex=$((nr_ex + 1))
	run -- "${words[@]:1}"
	[ "$RC" = 2 ] && bad_ex+=("${words[*]}: $(cat err)")
done < <(sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$TOOLDIR/hvisor.8" |
	 grep '^hvisor ' | sed 's/\\-/-/g')
if [ "$nr_ex" -ge 8 ] && [ ${#bad_ex[@]} -eq 0 ]; then
	pass "hvisor(8) EXAMPLES: all $nr_ex commands parse"
else
	fail "hvisor(8) EXAMPLES: all commands parse" "$nr_ex found" "${bad_ex[@]}"
fi

# ---------------------------------------------------------------- version
# The version lives in VERSION only; without a module the tool says so and
# still exits 0.  HVISOR_SYSFS stands in for /sys.
VER=$(cat "$REPO/VERSION")
for v in --version -V version; do
	run HVISOR_SYSFS="$WORK/nosys" HVISOR_DEVICE="$WORK/nodev" -- $v
	want="tool:        hvisor $VER
uapi:        1 (zone config magics 0x05, 0x06)
module:      not loaded (no $WORK/nosys/module/hvisor/version)
hypervisor:  unknown ($WORK/nodev: No such file or directory)"
	if [ "$RC" = 0 ] && [ "$(cat out)" = "$want" ] && [ ! -s err ]; then
		pass "$v without a module: what the tool knows, exit 0"
	else
		fail "$v without a module: what the tool knows, exit 0" \
		     "exit $RC" "$(printf '%s\n' "$want" | diff -u - out | tail -n +3)" \
		     "$(cat err)"
	fi
done
expect "version takes no argument" 2 \
	"hvisor: version: unexpected argument 'x' (see 'hvisor --help')" version x
run -- help zone
if [ "$RC" = 0 ] && grep -q 'shutdown -id <id>' out; then
	pass "help zone"
else
	fail "help zone" "$(cat out err)"
fi

# ---------------------------------------------------------------- no device
VALID=good/loongarch64.json
if [ -e /dev/hvisor ]; then
	skip "commands without /dev/hvisor" "/dev/hvisor exists here"
else
	NODEV="hvisor: /dev/hvisor: No such file or directory (is the hvisor module loaded?)"
	expect "zone start without /dev/hvisor" 1 "$NODEV" zone start "$VALID"
	expect "zone list without /dev/hvisor" 1 "$NODEV" zone list
	expect "zone list --json without /dev/hvisor" 1 "$NODEV" \
		zone list --json
	expect "zone shutdown without /dev/hvisor" 1 "$NODEV" \
		zone shutdown -id 1
	vg_add 1 "zone start without /dev/hvisor" zone start "$VALID"
	vg_add 1 "zone list without /dev/hvisor" zone list --json
	expect "virtio attach without /dev/hvisor" 1 "$NODEV" \
		virtio attach vgood/three.json
	expect "virtio detach without /dev/hvisor" 1 "$NODEV" \
		virtio detach --zone 1
	expect "virtio list without /dev/hvisor" 1 "$NODEV" virtio list
	expect "virtio attach: config errors come before the device" 1 \
		"hvisor: vbad/irq-0.json: zones[0].devices[0].irq: 0 is not a valid interrupt (1 to 1023)" \
		virtio attach vbad/irq-0.json
	vg_add 1 "virtio attach without /dev/hvisor" virtio attach \
		vgood/two-zones.json
fi

# nodev CMD-DESC DEV MESSAGE ARGS...: the same with $HVISOR_DEVICE
nodev() {
	local desc=$1 dev=$2 msg=$3
	shift 3
	run HVISOR_DEVICE="$dev" -- "$@"
	if [ "$RC" = 1 ] && [ "$(cat err)" = "$msg" ]; then
		pass "$desc"
	else
		fail "$desc" "exit status $RC, expected 1" \
		     "$(printf '%s\n' "$msg" | diff -u - err | tail -n +3)"
	fi
}
nodev "zone start, device node missing" "$WORK/nodev" \
	"hvisor: $WORK/nodev: No such file or directory (is the hvisor module loaded?)" \
	zone start "$VALID"
nodev "zone start on a device that is not hvisor.ko" /dev/null \
	"hvisor: /dev/null: not an hvisor.ko device (Inappropriate ioctl for device)" \
	zone start "$VALID"
nodev "zone list on a device that is not hvisor.ko" /dev/null \
	"hvisor: /dev/null: not an hvisor.ko device (Inappropriate ioctl for device)" \
	zone list
nodev "zone shutdown on a device that is not hvisor.ko" /dev/null \
	"hvisor: /dev/null: not an hvisor.ko device (Inappropriate ioctl for device)" \
	zone shutdown --id 1

# GET_INFO refused while a module named hvisor is loaded: which one
mkdir -p skew/module/hvisor upstream/module/hvisor
echo 0.0.9 >skew/module/hvisor/version
run HVISOR_SYSFS="$WORK/skew" HVISOR_DEVICE=/dev/null -- zone list
if [ "$RC" = 1 ] && [ "$(cat err)" = "hvisor: /dev/null: hvisor.ko 0.0.9 is loaded but does not answer this tool's HVISOR_GET_INFO (Inappropriate ioctl for device): tool $(cat "$REPO/VERSION") speaks UAPI 1; use the tool of that module, or the module of this tool" ]; then
	pass "GET_INFO refused by a module of another version: both versions named"
else
	fail "GET_INFO refused by a module of another version: both versions named" "$(cat err)"
fi
HVISOR_SYSFS=$WORK/upstream nodev \
	"GET_INFO refused by a module without a version (upstream's)" /dev/null \
	"hvisor: /dev/null: not this tool's hvisor.ko (Inappropriate ioctl for device): the loaded module \"hvisor\" has no version, as upstream's has none; unload it (rmmod hvisor) and load this one" \
	zone list

# ---------------------------------------------------------------- fake device
# fake_hvisor.so answers the ioctls in place of hvisor.ko and records what
# the tool sent.  It is preloaded into the ASan build, which then must not
# insist on coming first (verify_asan_link_order=0); valgrind runs the
# same paths on the plain build below.
bytesum() {
	od -An -v -tu1 "$1" | tr -s ' ' '\n' | awk '{ s += $1 } END { print s + 0 }'
}

# fake DESC RC [VAR=value...] -- ARGS...: run with the fake; sets out/err
fake() {
	local desc=$1 rc=$2 envs=()
	shift 2
	while [ "$1" != "--" ]; do
		envs+=("$1")
		shift
	done
	shift
	rm -rf fo
	mkdir fo
	env HVISOR_DEVICE=/dev/null LD_PRELOAD="$WORK/fake_hvisor.so" \
		ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
		FAKE_OUT=fo "${envs[@]}" "$ASAN" "$@" >out 2>err
	RC=$?
	[ "$RC" = "$rc" ] && return 0
	fail "$desc" "exit status $RC, expected $rc" "$(cat out err)"
	return 1
}

# fake_expect DESC RC MESSAGE [VAR=value...] -- ARGS...
fake_expect() {
	local desc=$1 rc=$2 msg=$3
	shift 3
	fake "$desc" "$rc" "$@" || return
	if [ "$(cat err)" = "$msg" ]; then
		pass "$desc"
	else
		fail "$desc" "$(printf '%s\n' "$msg" | diff -u - err | tail -n +3)"
	fi
}

if ! "$HOSTCC" -shared -fPIC -Wall -Wextra -Werror -I"$REPO" \
	-o "$WORK/fake_hvisor.so" "$HERE/fake_hvisor.c" -ldl \
	>"$WORK/build.log" 2>&1; then
	fail "build fake_hvisor.so" "$(cat "$WORK/build.log")"
else
	pass "build fake_hvisor.so"
	V2=good/arm64-v2-uefi.json
	if fake "zone start sends config and images" 0 -- zone start "$V2"; then
		want="size=40 flags=0 config_size=3296 nr_images=3 config_magic=6 pad=0
image kind=1 load=0x80200000 size=8192 sum=$(bytesum Image)
image kind=2 load=0x80000000 size=4096 sum=$(bytesum zone.dtb)
image kind=3 load=0x88000000 size=5000 sum=$(bytesum initrd.img)"
		"$PLAIN" zone pack "$V2" --config-abi 6 -o - >dump.bin 2>/dev/null
		if [ "$(cat out)" = "zone 2 (v2-uefi) started" ] &&
		   [ "$(cat fo/images.txt)" = "$want" ] &&
		   cmp -s dump.bin fo/config.bin; then
			pass "zone start sends config and images"
		else
			fail "zone start sends config and images" "$(cat out)" \
			     "$(printf '%s\n' "$want" | diff -u - fo/images.txt)" \
			     "$(cmp dump.bin fo/config.bin)"
		fi
	fi
	if fake "zone start x86_64: images and sizes" 0 FAKE_ARCH=4 -- \
		zone start good/x86-initrd.json; then
		want="size=40 flags=0 config_size=3264 nr_images=3 config_magic=6 pad=0
image kind=1 load=0x40100000 size=1000 sum=$(bytesum vmlinux.bin)
image kind=3 load=0x4000c000 size=14 sum=$(printf 'console=ttyS0' | od -An -v -tu1 | tr -s ' ' '\n' | awk '{ s += $1 } END { print s }')
image kind=3 load=0x48000000 size=5000 sum=$(bytesum initrd.img)"
		"$WORK/layout_test" decode x86_64 fo/config.bin >decoded
		if [ "$(cat fo/images.txt)" = "$want" ] &&
		   detail=$(fields decoded kernel_size=1000 \
			    x86_64.initrd_size=0x1388); then
			pass "zone start x86_64: images and sizes"
		else
			fail "zone start x86_64: images and sizes" \
			     "$(printf '%s\n' "$want" | diff -u - fo/images.txt)" \
			     "${detail:-}"
		fi
	fi
	fake_expect "zone start, magic 0x05: a key 0x05 cannot carry" 1 \
		"hvisor: $V2: arch_config.memory_map_addr: zone config magic 0x05 (hvisor v0.4) has no room for it: it needs 0x06" \
		FAKE_MAGIC=5 -- zone start "$V2"
	fake_expect "zone start refuses an unknown magic" 1 \
		"hvisor: zone start: the hypervisor's zone config magic is 0x7; this tool writes 0x05 (hvisor v0.4) and 0x06: refusing to start" \
		FAKE_MAGIC=7 -- zone start "$V2"
	# the hypervisor says 0x05 (hvisor v0.4): the 0x05 bytes, said so
	for m in 5 6; do
		if fake "zone start, magic 0x0$m: packs that layout" 0 \
			FAKE_MAGIC=$m FAKE_ARCH=4 -- zone start good/pack-x86_64.json; then
			"$PLAIN" zone pack good/pack-x86_64.json --config-abi $m \
				-o want.bin 2>/dev/null
			if head -1 fo/images.txt | grep -qx "size=40 flags=0 config_size=$([ $m = 5 ] && echo 3136 || echo 3264) nr_images=4 config_magic=$m pad=0" &&
			   cmp -s want.bin fo/config.bin; then
				pass "zone start, magic 0x0$m: packs that layout"
			else
				fail "zone start, magic 0x0$m: packs that layout" \
				     "$(head -1 fo/images.txt)" "$(cmp want.bin fo/config.bin 2>&1)"
			fi
		fi
	done
	fake_expect "zone start refuses a config for another arch" 1 \
		"hvisor: $V2: arch: \"aarch64\" does not match the target architecture riscv64" \
		FAKE_ARCH=2 -- zone start "$V2"
	fake_expect "zone start: kernel refuses" 1 \
		"hvisor: zone start: $V2: zone 2: Device or resource busy (see dmesg for the reason)" \
		FAKE_ERRNO=16 -- zone start "$V2"
	fake_expect "zone start: a missing image is an error" 1 \
		"hvisor: bad/kernel-missing-outside.json: kernel_filepath: \"no-such-Image\": No such file or directory" \
		-- zone start bad/kernel-missing-outside.json
	fake_expect "zone start: validator errors as in check" 1 \
		"hvisor: bad/kernel-dtb-overlap.json: dtb_load_paddr: image overlaps the kernel image" \
		-- zone start bad/kernel-dtb-overlap.json
	if fake "zone shutdown --id 3" 0 -- zone shutdown --id 3 &&
	   [ "$(cat fo/shutdown.txt)" = "size=8 zone_id=3" ]; then
		pass "zone shutdown --id 3"
	else
		fail "zone shutdown --id 3" "$(cat fo/shutdown.txt 2>&1)"
	fi
	fake_expect "zone shutdown: kernel refuses" 1 \
		"hvisor: zone shutdown: zone 1: Invalid argument (see dmesg for the reason)" \
		FAKE_ERRNO=22 -- zone shutdown -id 1
	want="zone_id  cpus  name        status
0        0,1   root-linux  running
1        2,3   linux2      error"
	if fake "zone list table" 0 -- zone list &&
	   [ "$(cat out)" = "$want" ] && [ ! -s err ]; then
		pass "zone list table"
	else
		fail "zone list table" \
		     "$(printf '%s\n' "$want" | diff -u - out | tail -n +3)"
	fi
	want='[{"zone_id":0,"cpus":[0,1],"name":"root-linux","status":"running"},{"zone_id":1,"cpus":[2,3],"name":"linux2","status":"error"}]'
	if fake "zone list --json" 0 -- zone list --json &&
	   [ "$(cat out)" = "$want" ]; then
		pass "zone list --json"
	else
		fail "zone list --json" "$(cat out err)"
	fi

	# ---------------------------------------------------- virtio, fake
	W=$(pwd -P)
	NOMAC="mac=00:00:00:00:00:00"
	TWO=vgood/two-zones.json
	TWO_NOTES="hvisor: $TWO: zones[0].devices[1].status: note: missing; taken as \"enable\"
hvisor: $TWO: zones[1].devices[1]: note: \"console\" device disabled; skipped"
	ZONE1="attach size=40 flags=0 zone=1 nr_regions=1 nr_devices=2 pad=0
region zone0=0x50000000 zonex=0x50000000 size=0x30000000
device type=2 irq=78 addr=0xa003c00 len=0x200 flags=0 $NOMAC serial=\"hv-disk-1\" queues=0 pad=0,0,0 fd=file:$W/disk.img mode=rw cloexec=1
device type=3 irq=76 addr=0xa003800 len=0x200 flags=0 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=none(-1)"
	ZONE2="attach size=40 flags=0 zone=2 nr_regions=2 nr_devices=2 pad=0
region zone0=0x90000000 zonex=0x50000000 size=0x10000000
region zone0=0x100000000 zonex=0x100000000 size=0x1000000
device type=2 irq=78 addr=0xa003c00 len=0x200 flags=1 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=file:$W/disk2.img mode=ro cloexec=1
device type=3 irq=77 addr=0xa003a00 len=0x200 flags=0 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=none(-1)"
	OUT1="zone 1: blk@0xa003c00 irq 78 <- $W/disk.img (read-write)
zone 1: console@0xa003800 irq 76 -> /dev/ttyHV0"
	OUT2="zone 2: blk@0xa003c00 irq 78 <- $W/disk2.img (read-only)
zone 2: console@0xa003a00 irq 77 -> /dev/ttyHV1"

	# vfake DESC RC STDOUT STDERR VIRTIO.TXT [VAR=value...] -- ARGS...:
	# exact output and exactly these ioctls ("" = none at all)
	vfake() {
		local desc=$1 rc=$2 o=$3 e=$4 t=$5 got
		shift 5
		fake "$desc" "$rc" "$@" || return
		got=$(cat fo/virtio.txt 2>/dev/null)
		if [ "$(cat out)" = "$o" ] && [ "$(cat err)" = "$e" ] &&
		   [ "$got" = "$t" ]; then
			pass "$desc"
		else
			fail "$desc" \
			     "$(printf '%s\n' "$o" | diff -u - out | tail -n +3)" \
			     "$(printf '%s\n' "$e" | diff -u - err | tail -n +3)" \
			     "$(diff -u <(printf '%s\n' "$t") <(printf '%s\n' "$got") | tail -n +3)"
		fi
	}
	vfake "virtio attach: two zones, exact structs and fds" 0 \
		"$OUT1
$OUT2" "$TWO_NOTES" "$ZONE1
$ZONE2" -- virtio attach "$TWO"
	vfake "virtio attach --zone 2: only that zone" 0 \
		"zone 2: blk@0xa003c00 irq 78 <- $W/disk2.img (read-only)
zone 2: console@0xa003a00 irq 77 -> /dev/ttyHV0" "$TWO_NOTES" "$ZONE2" \
		-- virtio attach "$TWO" --zone=2
	vfake "virtio attach: second zone refused, first detached again" 1 \
		"" "$TWO_NOTES
hvisor: virtio attach: $TWO: zone 2: Device or resource busy (see dmesg for the reason)
hvisor: virtio attach: zone 1: detached its 2 devices again" "$ZONE1
$ZONE2
detach size=16 zone=1 addr=0xa003c00
detach size=16 zone=1 addr=0xa003800" FAKE_VIRTIO_FAIL_ZONE=2 -- \
		virtio attach "$TWO"
	vfake "virtio attach: rollback that fails says so" 1 \
		"" "$TWO_NOTES
hvisor: virtio attach: $TWO: zone 2: Device or resource busy (see dmesg for the reason)
hvisor: virtio attach: zone 1: could not detach blk@0xa003c00 again: Input/output error
hvisor: virtio attach: zone 1: could not detach console@0xa003800 again: Input/output error
hvisor: virtio attach: zone 1: only 0 of its 2 devices detached again: see 'hvisor virtio list'" \
		"$ZONE1
$ZONE2
detach size=16 zone=1 addr=0xa003c00
detach size=16 zone=1 addr=0xa003800" FAKE_VIRTIO_FAIL_ZONE=2 \
		FAKE_DETACH_ERRNO=5 -- virtio attach "$TWO"
	vfake "virtio attach: first zone refused, nothing to undo" 1 "" \
		"$TWO_NOTES
hvisor: virtio attach: $TWO: zone 1: Invalid argument (see dmesg for the reason)" \
		"$ZONE1" FAKE_VIRTIO_FAIL_ZONE=1 FAKE_ERRNO=22 -- \
		virtio attach "$TWO"
	vfake "virtio attach --zone 5: not in the file" 1 "" "$TWO_NOTES
hvisor: $TWO: no zone with id 5 in the file" "" -- \
		virtio attach "$TWO" --zone 5
	# a gpu: its window attached as served by a daemon (flags 2, no fd)
	GPU_ATTACH="attach size=40 flags=0 zone=3 nr_regions=1 nr_devices=2 pad=0
region zone0=0x50000000 zonex=0x50000000 size=0x30000000
device type=16 irq=74 addr=0xa003400 len=0x200 flags=2 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=none(-1)
device type=2 irq=78 addr=0xa003c00 len=0x200 flags=1 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=file:$W/disk.img mode=ro cloexec=1"
	GPU_OUT="zone 3: gpu@0xa003400 irq 74 -> daemon (none attached)
zone 3: blk@0xa003c00 irq 78 <- $W/disk.img (read-only)"
	vfake "virtio attach: a gpu is left for a daemon, and said so" 0 \
		"$GPU_OUT
1 device left for a daemon: write its config with --daemon-config <file>, then run upstream's 'hvisor virtio start <file>'" \
		"" "$GPU_ATTACH" -- virtio attach vgood/with-gpu.json
	rm -f daemon.json daemon.json.tmp
	vfake "virtio attach --daemon-config: the gpu's config written" 0 \
		"$GPU_OUT
1 device left for a daemon, written to daemon.json: serve it with upstream's 'hvisor virtio start daemon.json'" \
		"" "$GPU_ATTACH" -- \
		virtio attach vgood/with-gpu.json --daemon-config daemon.json
	# upstream's schema, the gpu alone, numbers as strings upstream reads
	if python3 - daemon.json <<'PY'
import json, sys
want = {"zones": [{"id": 3,
                   "memory_region": [{"zone0_ipa": "0x50000000",
                                      "zonex_ipa": "0x50000000",
                                      "size": "0x30000000"}],
                   "devices": [{"type": "gpu", "addr": "0xa003400",
                                "len": "0x200", "irq": 74, "width": 1280,
                                "height": 800, "status": "enable"}]}]}
sys.exit(json.load(open(sys.argv[1])) != want)
PY
	then
		pass "virtio attach --daemon-config: upstream's schema, daemon devices only"
	else
		fail "virtio attach --daemon-config: upstream's schema, daemon devices only" \
		     "$(cat daemon.json)"
	fi
	[ -e daemon.json.tmp ] && fail "virtio attach --daemon-config: no temporary file left" ||
		pass "virtio attach --daemon-config: no temporary file left"
	rm -f daemon.json
	vfake "virtio attach --daemon-config, attach refused: no config written" 1 "" \
		"hvisor: virtio attach: vgood/with-gpu.json: zone 3: Device or resource busy (see dmesg for the reason)" \
		"$GPU_ATTACH" FAKE_VIRTIO_FAIL_ZONE=3 -- \
		virtio attach vgood/with-gpu.json --daemon-config daemon.json
	if [ ! -e daemon.json ] && [ ! -e daemon.json.tmp ]; then
		pass "virtio attach --daemon-config, attach refused: no file left"
	else
		fail "virtio attach --daemon-config, attach refused: no file left"
	fi
	vfake "virtio attach: an older hvisor.ko refuses the gpu, with a hint" 1 "" \
		"hvisor: virtio attach: vgood/with-gpu.json: zone 3: Operation not supported (see dmesg for the reason)
hvisor: virtio attach: this hvisor.ko may predate devices served by a daemon (--skip-unsupported attaches the others)" \
		"$GPU_ATTACH" FAKE_VIRTIO_FAIL_ZONE=3 FAKE_ERRNO=95 -- \
		virtio attach vgood/with-gpu.json
	vfake "virtio attach --daemon-config without a device for a daemon" 1 "" \
		"hvisor: vgood/blk-queues.json: no device for a daemon (gpu, scmi): --daemon-config daemon.json would have none" \
		"" -- virtio attach vgood/blk-queues.json --daemon-config daemon.json
	expect "usage: --daemon-config with --skip-unsupported" 2 \
		"hvisor: virtio attach: --daemon-config and --skip-unsupported exclude each other $USAGE" \
		virtio attach vgood/with-gpu.json --daemon-config d.json --skip-unsupported
	expect "usage: --daemon-config without a file" 2 \
		"hvisor: virtio attach: --daemon-config needs a file name $USAGE" \
		virtio attach vgood/with-gpu.json --daemon-config=
	vfake "virtio attach --skip-unsupported: the others attached" 0 \
		"zone 3: blk@0xa003c00 irq 78 <- $W/disk.img (read-only)" \
		"hvisor: vgood/with-gpu.json: zones[0].devices[0]: note: type \"gpu\" is served by a daemon, not by hvisor.ko; skipped (--skip-unsupported)" \
		"attach size=40 flags=0 zone=3 nr_regions=1 nr_devices=1 pad=0
region zone0=0x50000000 zonex=0x50000000 size=0x30000000
device type=2 irq=78 addr=0xa003c00 len=0x200 flags=1 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=file:$W/disk.img mode=ro cloexec=1" \
		-- virtio attach --skip-unsupported vgood/with-gpu.json
	if [ -d "$EXAMPLES" ]; then
		f=$EXAMPLES/qemu-aarch64/with_virtio_gpu/virtio_cfg_ruxos.json
		vfake "virtio attach: upstream gpu-only config, nothing to attach" \
			1 "" "hvisor: $f: zones[0].devices[0]: note: type \"gpu\" is served by a daemon, not by hvisor.ko; skipped (--skip-unsupported)
hvisor: $f: no enabled device to attach" "" -- \
			virtio attach "$f" --skip-unsupported
		vfake "virtio attach: upstream gpu-only config, the gpu for a daemon" \
			0 "zone 1: gpu@0xa003400 irq 74 -> daemon (none attached)
1 device left for a daemon: write its config with --daemon-config <file>, then run upstream's 'hvisor virtio start <file>'" "" \
			"attach size=40 flags=0 zone=1 nr_regions=1 nr_devices=1 pad=0
region zone0=0x50000000 zonex=0x40000000 size=0x30000000
device type=16 irq=74 addr=0xa003400 len=0x200 flags=2 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=none(-1)" \
			-- virtio attach "$f"
	fi
	vfake "virtio attach: \"queues\" becomes num_queues" 0 \
		"zone 1: blk@0xa003c00 irq 78 <- $W/disk.img (read-write, 2 queues)
zone 1: blk@0xa004000 irq 78 <- $W/disk2.img (read-write)
zone 1: console@0xa003800 irq 76 -> /dev/ttyHV0" "" \
		"attach size=40 flags=0 zone=1 nr_regions=1 nr_devices=3 pad=0
region zone0=0x50000000 zonex=0x50000000 size=0x30000000
device type=2 irq=78 addr=0xa003c00 len=0x200 flags=0 $NOMAC serial=\"\" queues=2 pad=0,0,0 fd=file:$W/disk.img mode=rw cloexec=1
device type=2 irq=78 addr=0xa004000 len=0x200 flags=0 $NOMAC serial=\"\" queues=1 pad=0,0,0 fd=file:$W/disk2.img mode=rw cloexec=1
device type=3 irq=76 addr=0xa003800 len=0x200 flags=0 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=none(-1)" \
		-- virtio attach vgood/blk-queues.json
	# hvisor's irq limits, with the devices attached before (canned:
	# zone 1 has irqs 78, 75, 76) and the arch hvisor.ko reports
	FIVE="attach size=40 flags=0 zone=1 nr_regions=1 nr_devices=5 pad=0
region zone0=0x50000000 zonex=0x50000000 size=0x30000000"
	for i in 0 1 2 3 4; do
		FIVE="$FIVE
device type=3 irq=$((70 + i)) addr=0x$(printf '%x' $((0xa004000 + i * 0x200))) len=0x200 flags=0 $NOMAC serial=\"\" queues=0 pad=0,0,0 fd=none(-1)"
	done
	vfake "virtio attach: 8th distinct irq of a zone across attaches refused" \
		1 "" "hvisor: vgood/irqs-5.json: zones[0].devices[4].irq: 74 would be distinct virtio interrupt 8 of zone 1, which has devices attached with 3 of them (78, 75, 76): hvisor handles at most 7 per zone" \
		"" FAKE_VIRTIO_LIST=3 -- virtio attach vgood/irqs-5.json
	fake "virtio attach: 7th distinct irq across attaches taken" 0 \
		FAKE_VIRTIO_LIST=2 -- virtio attach vgood/irqs-5.json &&
		if [ "$(cat fo/virtio.txt)" = "$FIVE" ]; then
			pass "virtio attach: 7th distinct irq across attaches taken"
		else
			fail "virtio attach: 7th distinct irq across attaches taken" \
			     "$(diff -u <(printf '%s\n' "$FIVE") fo/virtio.txt)"
		fi
	vfake "virtio attach: irq out of range on x86_64" 1 "" \
		"hvisor: vgood/blk-queues.json: zones[0].devices[0].irq: 78 is out of range for hvisor on x86_64 (1 to 23)" \
		"" FAKE_ARCH=4 -- virtio attach vgood/blk-queues.json
	vfake "virtio attach: irq out of range on loongarch64" 1 "" \
		"hvisor: vgood/irqs-5.json: zones[0].devices[0].irq: 70 is out of range for hvisor on loongarch64 (1 to 12)" \
		"" FAKE_ARCH=3 -- virtio attach vgood/irqs-5.json
	vfake "virtio attach: a missing image is an error" 1 "" \
		"hvisor: vgood/missing-img.json: zones[0].devices[0].img: \"no-such.img\": No such file or directory" \
		"" -- virtio attach vgood/missing-img.json
	vfake "virtio attach: a directory as image" 1 "" \
		"hvisor: vbad/blk-img-dir.json: zones[0].devices[0].img: \"adir\": is a directory" \
		"" -- virtio attach vbad/blk-img-dir.json
	vfake "virtio attach: config errors before any ioctl" 1 "" \
		"hvisor: vbad/dev-dup-addr.json: zones[0].devices[1].addr: 0xa003c00 is also the address of zones[0].devices[0]" \
		"" -- virtio attach vbad/dev-dup-addr.json
	vfake "virtio detach --zone 1" 0 "zone 1: detached all virtio devices" \
		"" "detach size=16 zone=1 addr=0x0" -- virtio detach --zone 1
	vfake "virtio detach --zone=2 --addr=0xa003c00" 0 \
		"zone 2: detached the virtio device at 0xa003c00" "" \
		"detach size=16 zone=2 addr=0xa003c00" -- \
		virtio detach --zone=2 --addr=0xa003c00
	vfake "virtio detach: no such device" 1 "" \
		"hvisor: virtio detach: zone 2: no virtio device at 0xa003c00" \
		"detach size=16 zone=2 addr=0xa003c00" FAKE_DETACH_ERRNO=2 -- \
		virtio detach --addr 0xa003c00 --zone 2
	vfake "virtio detach: zone without devices" 1 "" \
		"hvisor: virtio detach: zone 4: no virtio device attached" \
		"detach size=16 zone=4 addr=0x0" FAKE_DETACH_ERRNO=2 -- \
		virtio detach --zone 4
	vfake "virtio detach: kernel refuses" 1 "" \
		"hvisor: virtio detach: zone 1: Device or resource busy (see dmesg for the reason)" \
		"detach size=16 zone=1 addr=0x0" FAKE_DETACH_ERRNO=16 -- \
		virtio detach --zone 1
	vfake "virtio list table: status names, features, tty" 0 \
		"zone  type     addr       irq  status                 features     backend                 tty
1     blk      0xa003c00  78   driver-ok              0x130000254  /srv/zone1/rootfs.ext4  -
1     net      0xa003600  75   driver-ok,needs-reset  0x100010020  tap0                    -
1     console  0xa003800  76   reset                  0x0          -                       ttyHV0
2     blk      0xa004000  80   driver                 0x0          /dev/vdb                -" \
		"" "" FAKE_VIRTIO_LIST=4 -- virtio list
	# served by a daemon: its status and features are the daemon's
	vfake "virtio list: a device served by a daemon" 0 \
		"zone  type     addr       irq  status                 features     backend                 tty
1     blk      0xa003c00  78   driver-ok              0x130000254  /srv/zone1/rootfs.ext4  -
1     net      0xa003600  75   driver-ok,needs-reset  0x100010020  tap0                    -
1     console  0xa003800  76   reset                  0x0          -                       ttyHV0
2     blk      0xa004000  80   driver                 0x0          /dev/vdb                -
2     gpu      0xa004200  81   -                      -            daemon                  -" \
		"" "" FAKE_VIRTIO_LIST=5 -- virtio list
	want='{"zone_id":2,"type":"gpu","addr":"0xa004200","len":"0x200","irq":81,"status":null,"state":null,"features":null,"backend":"daemon","tty":null}]'
	if fake "virtio list --json: a device served by a daemon" 0 \
		FAKE_VIRTIO_LIST=5 -- virtio list --json &&
	   [ "$(grep -o '{[^{]*}]$' out)" = "$want" ]; then
		pass "virtio list --json: a device served by a daemon"
	else
		fail "virtio list --json: a device served by a daemon" "$(cat out err)"
	fi
	vfake "virtio list --json" 0 \
		'[{"zone_id":1,"type":"blk","addr":"0xa003c00","len":"0x200","irq":78,"status":15,"state":"driver-ok","features":"0x130000254","backend":"/srv/zone1/rootfs.ext4","tty":null},{"zone_id":1,"type":"net","addr":"0xa003600","len":"0x200","irq":75,"status":79,"state":"driver-ok,needs-reset","features":"0x100010020","backend":"tap0","tty":null},{"zone_id":1,"type":"console","addr":"0xa003800","len":"0x200","irq":76,"status":0,"state":"reset","features":"0x0","backend":null,"tty":"ttyHV0"},{"zone_id":2,"type":"blk","addr":"0xa004000","len":"0x200","irq":80,"status":3,"state":"driver","features":"0x0","backend":"/dev/vdb","tty":null}]' \
		"" "" FAKE_VIRTIO_LIST=4 -- virtio list --json
	vfake "virtio list: no devices" 0 \
		"zone  type  addr  irq  status  features  backend  tty" "" "" \
		-- virtio list
	vfake "virtio list --json: no devices" 0 "[]" "" "" -- \
		virtio list --json
	if fake "virtio list: more devices than the first buffer" 0 \
		FAKE_VIRTIO_LIST=150 -- virtio list &&
	   [ "$(wc -l <out)" = 151 ] && [ ! -s err ]; then
		pass "virtio list: more devices than the first buffer"
	else
		fail "virtio list: more devices than the first buffer" \
		     "$(wc -l <out) lines" "$(cat err)"
	fi

	# ---------------------------------------------------- virtio, taps
	TAP=hvt$$
	TAPCFG=tap.json
	sed "s/hvtest0/$TAP/" vgood/three.json >"$TAPCFG"
	tap_gone() {
		if ip link show "$TAP" >/dev/null 2>&1; then
			ip tuntap del dev "$TAP" mode tap 2>/dev/null ||
				ip tuntap del dev "$TAP" mode tun 2>/dev/null
			return 1
		fi
		return 0
	}
	if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] ||
	   ! command -v ip >/dev/null; then
		skip "virtio attach creates a tap" "needs root, /dev/net/tun and ip"
	else
		NET="device type=1 irq=75 addr=0xa003600 len=0x200 flags=0 mac=02:00:00:00:00:01 serial=\"\" queues=0 pad=0,0,0 fd=tun:$TAP"
		# IFF_TAP 0x2 | IFF_NO_PI 0x1000 | IFF_VNET_HDR 0x4000
		if fake "virtio attach creates a tap" 0 -- \
			virtio attach "$TAPCFG" &&
		   grep -qxF "$NET tun_flags=0x5002 sys_tun_flags=0x5002 vnet_hdr_sz=12 cloexec=1" fo/virtio.txt &&
		   grep -qxF "zone 1: net@0xa003600 irq 75 <- $TAP mac 02:00:00:00:00:01" out &&
		   grep -qxF "zone 1: console@0xa003800 irq 76 -> /dev/ttyHV0" out &&
		   [ ! -s err ]; then
			pass "virtio attach creates a tap"
		else
			fail "virtio attach creates a tap" "$(cat out err fo/virtio.txt)"
		fi
		if tap_gone; then
			pass "the tap goes away with the tool's fd"
		else
			fail "the tap goes away with the tool's fd"
		fi
		# an existing persistent tap (IFF_PERSIST 0x800) without
		# IFF_VNET_HDR: TUNSETIFF adds it
		ip tuntap add dev "$TAP" mode tap
		if fake "virtio attach to an existing tap" 0 -- \
			virtio attach "$TAPCFG" &&
		   grep -qxF "$NET tun_flags=0x5802 sys_tun_flags=0x5802 vnet_hdr_sz=12 cloexec=1" fo/virtio.txt; then
			pass "virtio attach to an existing tap"
		else
			fail "virtio attach to an existing tap" "$(cat out err fo/virtio.txt)"
		fi
		ip tuntap del dev "$TAP" mode tap
		ip tuntap add dev "$TAP" mode tun
		msg="hvisor: $TAPCFG: zones[0].devices[2].tap: \"$TAP\": an interface of that name exists and is a tun (layer 3) device, not a tap"
		vfake "virtio attach: a tun device of that name" 1 "" "$msg" "" \
			-- virtio attach "$TAPCFG"
		expect "virtio check: a tun device of that name" 1 "$msg" \
			virtio check "$TAPCFG"
		ip tuntap del dev "$TAP" mode tun
		if tap_gone; then
			pass "test taps deleted"
		else
			fail "test taps deleted" "$TAP was still there"
		fi
	fi
fi

# an older module that refuses a field of GET_INFO it does not know
if [ -f "$WORK/fake_hvisor.so" ]; then
	fake_expect "GET_INFO refused with E2BIG: the module is older" 1 \
		"hvisor: /dev/null: hvisor.ko is older than this tool (tool $VER): it refuses HVISOR_GET_INFO fields it does not know (E2BIG)" \
		FAKE_INFO_ERRNO=7 -- zone list
fi

# version against the fake module: sysfs MODULE_VERSION, GET_INFO's UAPI
# and config magic
if [ -f "$WORK/fake_hvisor.so" ]; then
	mkdir -p sys/module/hvisor
	echo "$VER" >sys/module/hvisor/version
	for m in 5 6 7; do
		case $m in
		5) name="hvisor v0.4" ;;
		6) name="hvisor after v0.4" ;;
		7) name="unknown to this tool: zone start will refuse" ;;
		esac
		want="tool:        hvisor $VER
uapi:        1 (zone config magics 0x05, 0x06)
module:      hvisor.ko $VER
module uapi: 1
hypervisor:  fake, zone config magic 0x0$m ($name)"
		if fake "version with the module, magic 0x0$m" 0 \
			HVISOR_SYSFS="$WORK/sys" FAKE_MAGIC=$m -- version; then
			if [ "$(cat out)" = "$want" ] && [ ! -s err ]; then
				pass "version with the module, magic 0x0$m"
			else
				fail "version with the module, magic 0x0$m" \
				     "$(printf '%s\n' "$want" | diff -u - out | tail -n +3)"
			fi
		fi
	done
	echo 0.0.9 >sys/module/hvisor/version
	if fake "version: module of another version" 0 \
		HVISOR_SYSFS="$WORK/sys" -- --version &&
	   grep -qx "module:      hvisor.ko 0.0.9 (not this tool's version)" out; then
		pass "version: module of another version is pointed out"
	else
		fail "version: module of another version is pointed out" "$(cat out err)"
	fi
	run HVISOR_SYSFS="$WORK/sys" HVISOR_DEVICE=/dev/null -- version
	if [ "$RC" = 0 ] && grep -qx "hypervisor:  unknown (/dev/null: HVISOR_GET_INFO: Inappropriate ioctl for device)" out; then
		pass "version: a device that is not hvisor.ko, exit 0"
	else
		fail "version: a device that is not hvisor.ko, exit 0" "$(cat out err)"
	fi
fi

# ---------------------------------------------------------------- valgrind
if [ -n "${NO_VALGRIND:-}" ]; then
	skip "valgrind pass" "NO_VALGRIND is set"
elif ! command -v valgrind >/dev/null; then
	skip "valgrind pass" "valgrind is not installed"
else
	# keep two running: the host has two cores
	vg_one() {
		local rc=$1 desc=$2 args got
		IFS=$US read -r -a args <<<"$3"
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			"$PLAIN" "${args[@]}" >/dev/null 2>"vg.$4"
		got=$?
		if [ "$got" = "$rc" ]; then
			echo "ok - valgrind: $desc" >"vg.$4.res"
		else
			{ echo "not ok - valgrind: $desc (exit $got, expected $rc)"
			  grep '^==' "vg.$4" | head -20; } >"vg.$4.res"
		fi
	}
	i=0
	for c in "${VG[@]}"; do
		IFS=$'\t' read -r rc desc args <<<"$c"
		[ "$i" -ge 2 ] && wait -n
		vg_one "$rc" "$desc" "$args" "$i" &
		i=$((i + 1))
	done
	wait
	j=0
	while [ $j -lt $i ]; do
		line=$(head -1 "vg.$j.res")
		desc=${line#*valgrind: }
		if [ "${line#ok}" != "$line" ]; then
			pass "valgrind: $desc"
		else
			fail "valgrind: $desc" "$(tail -n +2 "vg.$j.res")"
		fi
		j=$((j + 1))
	done
	# the ioctl paths, with the fake module preloaded
	vg_fake() {
		local rc=$1 desc=$2 envs=() got
		shift 2
		while [ "$1" != "--" ]; do
			envs+=("$1")
			shift
		done
		shift
		rm -rf fo
		mkdir fo
		env HVISOR_DEVICE=/dev/null FAKE_OUT=fo "${envs[@]}" \
			LD_PRELOAD="$WORK/fake_hvisor.so" valgrind -q \
			--error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			"$PLAIN" "$@" >/dev/null 2>vg.fake
		got=$?
		if [ "$got" = "$rc" ]; then
			pass "valgrind: $desc"
		else
			fail "valgrind: $desc" "exit $got, expected $rc" \
			     "$(grep '^==' vg.fake | head -20)"
		fi
	}
	if [ -f "$WORK/fake_hvisor.so" ]; then
		vg_fake 0 "virtio attach, fake module" -- \
			virtio attach vgood/two-zones.json
		vg_fake 1 "virtio attach rolled back, fake module" \
			FAKE_VIRTIO_FAIL_ZONE=2 -- virtio attach vgood/two-zones.json
		vg_fake 0 "virtio list of 150 devices, fake module" \
			FAKE_VIRTIO_LIST=150 -- virtio list
		vg_fake 0 "virtio list --json, fake module" \
			FAKE_VIRTIO_LIST=4 -- virtio list --json
		vg_fake 0 "virtio detach, fake module" -- \
			virtio detach --zone 1 --addr 0xa003c00
	fi
fi

finish
