#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/run.sh --arch x86_64|arm64 [--kver 6.1|6.12] [--tests 'glob ...']
#                 [--timeout SECS] [--script FILE] [--verbose] [--shell] [--demo]
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
# VM_APPEND: more guest kernel parameters (make bench passes idle=poll).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/vm/vmlib.sh
. "$(dirname "$0")/vmlib.sh"

ARCH='' KSERIES=${KSERIES:-6.1} TESTS='*' SCRIPT='' RUN_TIMEOUT=900 VERBOSE=0 SHELL_MODE=0 DEMO_MODE=0
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
	-h|--help) sed -n '4,24p' "$0" | cut -c3-; exit 0 ;;
	*) die "run.sh: unknown argument $1 (see --help)" ;;
	esac
done
[ -n "$ARCH" ] || die "run.sh: --arch x86_64|arm64 is required"
export KSERIES
vm_setup "$ARCH"
GRACE=60	# host-side slack on top of a test's own timeout

# qemu_cmd INITRD: the QEMU command line for ARCH, into the array QEMU.
# Guest RAM 1 GiB; a window of it is hidden from Linux for the simulator's
# zones (see tests/README.md): x86_64 0x30000000-0x3fffffff (memmap=),
# arm64 0x70000000-0x7fffffff (mem=768M; RAM starts at 0x40000000).
# The sim plays hvisor v0.4 (zone config magic 0x05) in the x86_64 VM and a
# 0x06 hypervisor in the arm64 one: modprobe takes hvisor_sim.config_abi
# from the kernel command line (sim_zone covers both magics on each arch).
# shellcheck disable=SC2054,SC2016  # commas are QEMU's; the $ is the kernel's
qemu_cmd() {
	local initrd=$1
	case $ARCH in
	x86_64)
		QEMU=(qemu-system-x86_64 -bios /usr/share/qemu/qboot.rom
			-m 1G -smp 2 -nographic -no-reboot -nic none
			-device isa-debug-exit,iobase=0xf4,iosize=4
			-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$initrd"
			-append "console=ttyS0 panic=-1 quiet memmap=256M\$0x30000000 hvisor_sim.config_abi=5 ${VM_APPEND:-}")
		;;
	arm64)
		QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a57
			-m 1G -smp 2 -nographic -no-reboot -nic none
			-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$initrd"
			-append "console=ttyAMA0 panic=-1 quiet mem=768M ${VM_APPEND:-}")
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
	log "vm: booting $ARCH ($KVER), console log ${console#"$ROOT"/}"
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
