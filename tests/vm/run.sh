#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/run.sh --arch x86_64|arm64 [--kver 6.1|6.12] [--tests 'glob ...']
#                 [--timeout SECS] [--script FILE] [--verbose] [--shell] [--demo]
#                 [--zone-ram nomap|hidden]
#
# Boots Debian's stock kernel for ARCH (--kver: which of Debian 12's two,
# 6.1 by default, or 6.12 from linux-image-6.12-*) in QEMU (TCG, never KVM) with an
# initramfs holding our modules, the tool and tests/e2e/, runs the selected
# e2e scripts (names without .sh matched against the globs; default all) and
# prints one line per test and the summary "N passed, N failed, N skipped".
# Exit 0 when nothing failed.  A guest that hangs (whole run longer than
# --timeout, default 900 s, or one test longer than its own timeout + 60 s)
# is killed and counted as a failure; the last 50 console lines are shown.
# --script FILE: run FILE (an e2e-style script kept elsewhere, e.g.
# tests/bench/blk_bench.sh) instead of tests/e2e/; with --verbose its
# console output is shown.
# --shell: boot the same VM with a shell on this terminal, run nothing
# (Ctrl-A x quits QEMU; `exit` powers off).
# --demo: boot the same VM and run examples/sim/demo.sh with its output on
# this terminal (make demo); exit 0 if the demo succeeded.
# The full console log is build/vm/<arch>/console.log.
# --zone-ram (or ZONE_RAM=): how the guest RAM window of the simulator's
# zones looks to zone 0's Linux (tests/README.md "Zone RAM"): nomap (the
# default, as on SoC boards: struct pages, no linear mapping) or hidden (no
# struct pages: mem=/memmap=, as before).
# VM_APPEND: more guest kernel parameters (make bench passes idle=poll).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/vm/vmlib.sh
. "$(dirname "$0")/vmlib.sh"

ARCH='' KSERIES=${KSERIES:-6.1} TESTS='*' SCRIPT='' RUN_TIMEOUT=900 VERBOSE=0 SHELL_MODE=0 DEMO_MODE=0
ZONE_RAM=${ZONE_RAM:-nomap}
while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCH=$2; shift 2 ;;
	--kver) KSERIES=$2; shift 2 ;;
	--tests) TESTS=$2; shift 2 ;;
	--timeout) RUN_TIMEOUT=$2; shift 2 ;;
	--script) SCRIPT=$(realpath "$2"); TESTS=$(basename "$2" .sh); shift 2 ;;
	--verbose|-v) VERBOSE=1; shift ;;
	--shell) SHELL_MODE=1; shift ;;
	--demo) DEMO_MODE=1; shift ;;
	--zone-ram) ZONE_RAM=$2; shift 2 ;;
	-h|--help) sed -n '4,28p' "$0" | cut -c3-; exit 0 ;;
	*) die "run.sh: unknown argument $1 (see --help)" ;;
	esac
done
[ -n "$ARCH" ] || die "run.sh: --arch x86_64|arm64 is required"
case $ZONE_RAM in
nomap|hidden) ;;
*) die "run.sh: --zone-ram $ZONE_RAM: not nomap or hidden" ;;
esac
export KSERIES
vm_setup "$ARCH"
GRACE=60	# host-side slack on top of a test's own timeout

# arm64_dtb: QEMU virt's own device tree (-machine dumpdtb, same machine,
# CPUs and RAM) plus a reserved-memory node marked no-map for the zone
# window: what zone 0's device tree says on SoC boards.  Prints the .dtb's
# path.  QEMU still fills in /chosen (bootargs, initrd).
arm64_dtb() {
	local base=$VMDIR/virt dts out=$VMDIR/virt-nomap.dtb
	qemu-system-aarch64 -M virt,dumpdtb="$base.dtb" -cpu cortex-a57 \
		-m 1G -smp 2 -nographic -nic none >/dev/null 2>&1 ||
		die "qemu-system-aarch64 -machine dumpdtb failed"
	dts=$(dtc -q -I dtb -O dts "$base.dtb") || die "dtc cannot read $base.dtb"
	printf '%s\n%s\n' "$dts" "
/ {
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
		hvisor-zones@70000000 {
			reg = <0x0 0x70000000 0x0 0x10000000>;
			no-map;
		};
	};
};" | dtc -q -I dts -O dtb -o "$out" - || die "dtc cannot build $out"
	echo "$out"
}

# qemu_cmd INITRD: the QEMU command line for ARCH, into the array QEMU.
# Guest RAM 1 GiB; a window of it is kept for the simulator's zones, as
# ZONE_RAM says (see tests/README.md):
#   arm64 0x70000000-0x7fffffff: nomap a reserved-memory node marked no-map
#     in the device tree, all RAM given to Linux; hidden mem=768M (RAM
#     starts at 0x40000000);
#   x86_64 0x30200000-0x3fdfffff: nomap memmap=252M$0x30200000, which leaves
#     RAM on both sides in the same 128 MiB sparsemem sections, so the window
#     has struct pages (pfn_valid) but is not in the direct map, x86's
#     closest match to no-map; hidden memmap=256M$0x30000000 (whole
#     sections: no struct pages).
# (Zone RAM in the linear map would be System RAM, which hvisor.ko refuses
# at zone start; the sim's dma_pool_in_zone0 covers that path.)
# The mode is also on the command line (hvtest.zone_ram=) for the tests.
# The sim plays hvisor v0.4 (zone config magic 0x05) in the x86_64 VM and a
# 0x06 hypervisor in the arm64 one: modprobe takes hvisor_sim.config_abi
# from the kernel command line (sim_zone covers both magics on each arch).
# shellcheck disable=SC2054,SC2016  # commas are QEMU's; the $ is the kernel's
qemu_cmd() {
	local initrd=$1 append="hvtest.zone_ram=$ZONE_RAM" dtb=()

	# --verbose: the guest prints what passing tests said, too
	[ "$VERBOSE" = 1 ] && append+=' hvtest.show=1'
	case $ARCH in
	x86_64)
		case $ZONE_RAM in
		nomap) append+=' memmap=252M$0x30200000' ;;
		hidden) append+=' memmap=256M$0x30000000' ;;
		esac
		QEMU=(qemu-system-x86_64 -bios /usr/share/qemu/qboot.rom
			-m 1G -smp 2 -nographic -no-reboot -nic none
			-device isa-debug-exit,iobase=0xf4,iosize=4
			-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$initrd"
			-append "console=ttyS0 panic=-1 quiet $append hvisor_sim.config_abi=5 ${VM_APPEND:-}")
		;;
	arm64)
		case $ZONE_RAM in
		nomap) dtb=(-dtb "$(arm64_dtb)") ;;
		hidden) append+=' mem=768M' ;;
		esac
		QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a57
			-m 1G -smp 2 -nographic -no-reboot -nic none "${dtb[@]}"
			-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$initrd"
			-append "console=ttyAMA0 panic=-1 quiet $append ${VM_APPEND:-}")
		;;
	esac
}

run_shell() {
	local initrd=$VMDIR/initramfs-shell.cpio.gz
	"$ROOT/tests/vm/mkinitramfs.sh" --arch "$ARCH" --mode shell --out "$initrd"
	qemu_cmd "$initrd"
	log "vm-shell: booting $ARCH ($KVER); Ctrl-A x quits QEMU"
	exec "${QEMU[@]}"
}

# The demo: console on this terminal, verdict from the guest.
run_demo() {
	local initrd=$VMDIR/initramfs-demo.cpio.gz rc=0
	"$ROOT/tests/vm/mkinitramfs.sh" --arch "$ARCH" --mode demo --out "$initrd"
	qemu_cmd "$initrd"
	log "demo: booting $ARCH ($KVER) under TCG; this takes a minute"
	timeout "$RUN_TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 | tr -d '\r' |
		grep --line-buffered -v '^HVTEST-' | tee "$VMDIR/demo.log" || true
	grep -q '^demo: done' "$VMDIR/demo.log" || rc=1
	[ "$rc" = 0 ] && log "demo: done" || log "demo: FAILED (log: ${VMDIR#"$ROOT"/}/demo.log)"
	return "$rc"
}

PASSED=0 FAILED=0 SKIPPED=0 CUR='' CUR_DEADLINE=0 DONE=0 VERDICT='' INBLOCK=0

# handle_line LINE: one console line from the guest.
handle_line() {
	local line=$1 name res rest
	[ "$VERBOSE" = 1 ] && printf '  | %s\n' "$line"
	case $line in
	"HVTEST-BEGIN "*)
		read -r _ name rest <<<"$line"
		CUR=$name
		CUR_DEADLINE=$(( $(date +%s) + ${rest:-300} + GRACE ))
		;;
	"HVTEST-DONE "*) DONE=1 ;;
	"HVTEST-VERDICT "*) VERDICT=${line#HVTEST-VERDICT } ;;
	"HVTEST "*)
		read -r _ name res rest <<<"$line"
		case $res in
		PASS) PASSED=$((PASSED + 1)) ;;
		SKIP) SKIPPED=$((SKIPPED + 1)) ;;
		*) FAILED=$((FAILED + 1)); res=FAIL ;;
		esac
		printf '%-4s %s %-28s %s\n' "$res" "$ARCH" "$name" "$rest"
		CUR=''
		;;
	"----- "*": output "*) INBLOCK=1 ;;
	"----- "*": end -----") INBLOCK=0 ;;
	esac
	if [ "$INBLOCK" = 1 ] && [ "$VERBOSE" = 0 ]; then
		printf '  | %s\n' "$line"
	fi
	return 0
}

run_tests() {
	local initrd=$VMDIR/initramfs-test.cpio.gz console=$VMDIR/console.log
	local t0 qpid seen=0 total deadline hung='' rc
	t0=$(now)
	"$ROOT/tests/vm/mkinitramfs.sh" --arch "$ARCH" --mode test --tests "$TESTS" \
		${SCRIPT:+--script "$SCRIPT"} --out "$initrd"
	qemu_cmd "$initrd"
	: >"$console"
	log "vm: booting $ARCH ($KVER), zone RAM $ZONE_RAM, console log ${console#"$ROOT"/}"
	"${QEMU[@]}" </dev/null >"$console" 2>&1 &
	qpid=$!
	deadline=$(( $(date +%s) + RUN_TIMEOUT ))

	while :; do
		total=$(wc -l <"$console")
		if [ "$total" -gt "$seen" ]; then
			while IFS= read -r line; do
				handle_line "$line"
			done < <(sed -n "$((seen + 1)),${total}p" "$console" | tr -d '\r')
			seen=$total
		fi
		kill -0 "$qpid" 2>/dev/null || break
		if [ "$(date +%s)" -gt "$deadline" ]; then
			hung="whole run exceeded ${RUN_TIMEOUT} s"
		elif [ -n "$CUR" ] && [ "$(date +%s)" -gt "$CUR_DEADLINE" ]; then
			hung="test $CUR exceeded its timeout + ${GRACE} s"
		fi
		if [ -n "$hung" ]; then
			kill -KILL "$qpid" 2>/dev/null || true
			break
		fi
		sleep 0.3
	done
	rc=0
	{ wait "$qpid"; } 2>/dev/null || rc=$?	# no "Killed" job message
	# lines written between the last poll and QEMU's exit
	sed -n "$((seen + 1)),\$p" "$console" | tr -d '\r' >"$VMDIR/console.tail"
	while IFS= read -r line; do handle_line "$line"; done <"$VMDIR/console.tail"

	local problem=''
	if [ -n "$hung" ]; then
		problem="guest hung ($hung); killed"
	elif [ "$DONE" = 0 ]; then
		problem="guest stopped before finishing (panic or crash?), qemu status $rc"
	elif [ "$ARCH" = x86_64 ] && [ "$rc" != 1 ] && [ "$rc" != 3 ]; then
		problem="no isa-debug-exit verdict, qemu status $rc"
	elif [ -z "$VERDICT" ]; then
		problem="no verdict on the console"
	elif [ "$VERDICT" = FAIL ] && [ "$FAILED" = 0 ]; then
		problem="guest reported failure without a failed test"
	fi
	if [ -n "$problem" ]; then
		if [ -n "$CUR" ]; then
			printf '%-4s %s %-28s %s\n' FAIL "$ARCH" "$CUR" "$problem"
		else
			printf '%-4s %s %-28s %s\n' FAIL "$ARCH" "(vm)" "$problem"
		fi
		FAILED=$((FAILED + 1))
		echo "----- last 50 console lines ($ARCH) -----"
		tail -n 50 "$console" | tr -d '\r'
		echo "-----"
	fi
	log "vm: $ARCH done in $(elapsed "$t0") s"
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" = 0 ]
}

if [ "$SHELL_MODE" = 1 ]; then
	run_shell
elif [ "$DEMO_MODE" = 1 ]; then
	run_demo
else
	run_tests
fi
