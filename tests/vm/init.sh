#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (busybox sh).  Mode and arch come from /etc/hvtest.conf
# (written by tests/vm/mkinitramfs.sh):
#   HVTEST_MODE=test   run every /usr/share/hvisor/tests/e2e/*.sh, report
#                      HVTEST markers on the console, power off
#   HVTEST_MODE=shell  give the developer a shell on the console; power off
#   HVTEST_MODE=demo   run examples/sim/demo.sh (make demo), report its verdict
#                      when it exits
# Protocol on the console (parsed by tests/vm/run.sh):
#   HVTEST-BEGIN <name> <timeout>      a test starts
#   HVTEST <name> PASS|FAIL|SKIP [reason]
#   HVTEST-DONE <passed> <failed> <skipped>
#   HVTEST-VERDICT PASS|FAIL           also sent to isa-debug-exit on x86_64

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

mount_all() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t tmpfs -o mode=755 tmpfs /run
	mkdir -p /run/netns /var
	ln -s /run /var/run
	hostname hvtest
	ip link set lo up 2>/dev/null
}

# A script's header value: header_value FILE KEY (e.g. "timeout", "arch").
header_value() {
	sed -n "s/^# *$2: *//p" "$1" | head -n 1
}

# Power off, after telling the host the verdict (0 pass, 1 fail).
finish() {
	if [ "$1" = 0 ]; then echo "HVTEST-VERDICT PASS"; else echo "HVTEST-VERDICT FAIL"; fi
	sync
	if [ "$HVTEST_ARCH" = x86_64 ]; then
		# isa-debug-exit at 0xf4: QEMU exits with (v << 1) | 1
		# shellcheck disable=SC2059  # the format is the byte to send
		printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	fi
	poweroff -f
}

# run_one SCRIPT: run a test under its timeout, in its own session so that
# a timeout kills everything it started; then check dmesg.
run_one() {
	script=$1
	name=$(basename "$script" .sh)
	arches=$(header_value "$script" arch)
	[ -n "$arches" ] || arches="x86_64 arm64"
	case " $arches " in
	*" $HVTEST_ARCH "*) ;;
	*)
		echo "HVTEST $name SKIP not for $HVTEST_ARCH"
		skipped=$((skipped + 1))
		return
		;;
	esac
	tmo=$(header_value "$script" timeout)
	case $tmo in ''|*[!0-9]*) tmo=300 ;; esac

	log=/tmp/hvtest/$name.log
	export HVTEST_TMP="/tmp/hvtest/$name.d"
	mkdir -p "$HVTEST_TMP"
	dmesg -c >/dev/null
	echo "HVTEST-BEGIN $name $tmo"
	start=$(cut -d' ' -f1 /proc/uptime)
	rm -f /tmp/hvtest/timed-out
	(cd "$HVTEST_TMP" && exec setsid sh "$script") >"$log" 2>&1 </dev/null &
	pid=$!
	setsid sh -c "sleep $tmo; touch /tmp/hvtest/timed-out; kill -KILL -$pid" \
		>/dev/null 2>&1 &
	wd=$!
	wait "$pid"
	rc=$?
	# The watchdog may not have called setsid yet if the test ended at
	# once (a quick skip): kill it by pid as well as by group.
	kill -KILL "$wd" -"$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	# leftovers of the test's session (daemons it forgot) would disturb the next one
	kill -KILL -"$pid" 2>/dev/null
	end=$(cut -d' ' -f1 /proc/uptime)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

	dmesg -c >"/tmp/hvtest/$name.dmesg"
	bad=$(grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace' "/tmp/hvtest/$name.dmesg")
	reason=""
	if [ -e /tmp/hvtest/timed-out ]; then
		result=FAIL reason="timed out after ${tmo} s"
	elif [ "$rc" = 0 ]; then
		result=PASS
	elif [ "$rc" = 77 ]; then
		result=SKIP reason=$(tail -n 1 "$log")
	else
		result=FAIL reason="exit status $rc"
	fi
	if [ -n "$bad" ] && [ "$result" != FAIL ]; then
		result=FAIL reason="kernel warning in dmesg"
	fi
	if [ "$result" = FAIL ]; then
		echo "----- $name: output (last 100 lines) -----"
		tail -n 100 "$log"
		echo "----- $name: dmesg (last 60 lines) -----"
		tail -n 60 "/tmp/hvtest/$name.dmesg"
		echo "----- $name: end -----"
		failed=$((failed + 1))
	elif [ "$result" = PASS ]; then
		grep -qw hvtest.show=1 /proc/cmdline && cat "$log"
		passed=$((passed + 1))
	else
		skipped=$((skipped + 1))
	fi
	echo "HVTEST $name $result ${secs}s${reason:+ $reason}"
}

# selected NAME: does NAME match one of the globs of --tests?
selected() {
	set -f
	for g in $HVTEST_TESTS; do
		set +f
		# shellcheck disable=SC2254  # $g is a glob on purpose
		case $1 in ${g%.sh}) return 0 ;; esac
	done
	set +f
	return 1
}

run_tests() {
	passed=0 failed=0 skipped=0
	mkdir -p /tmp/hvtest
	for script in /usr/share/hvisor/tests/e2e/*.sh; do
		[ -e "$script" ] || continue
		selected "$(basename "$script" .sh)" || continue
		run_one "$script"
	done
	echo "HVTEST-DONE $passed $failed $skipped"
	[ "$failed" = 0 ]
}

# shellcheck disable=SC1091  # written by mkinitramfs.sh
. /etc/hvtest.conf
export HVTEST_ARCH

# In the vm-shell: `/init run-tests ['glob ...']` runs e2e scripts by hand.
if [ "${1:-}" = run-tests ]; then
	HVTEST_TESTS=${2:-*}
	run_tests
	exit
fi

mount_all
# how the sim zones' RAM window looks to Linux (run.sh --zone-ram)
HVTEST_ZONE_RAM=$(sed -n 's/.*hvtest\.zone_ram=\([a-z]*\).*/\1/p' /proc/cmdline)
export HVTEST_ZONE_RAM
echo "hvtest: $HVTEST_ARCH guest up, kernel $(uname -r), mode $HVTEST_MODE, zone RAM $HVTEST_ZONE_RAM"

if [ "$HVTEST_MODE" = shell ]; then
	echo "hvtest: modules in /lib/modules/$(uname -r)/extra, tool /usr/bin/hvisor,"
	echo "hvtest: e2e scripts in /usr/share/hvisor/tests/e2e; run them with"
	echo "hvtest: /init run-tests ['glob ...'];  'exit' powers off"
	setsid cttyhack sh -l
	sync
	poweroff -f
fi

dmesg -n 1	# keep the console for our markers

# `make demo`: the simulator demo, its output straight on the console.
if [ "$HVTEST_MODE" = demo ]; then
	if sh /usr/share/hvisor/examples/sim/demo.sh; then finish 0; else finish 1; fi
fi

if run_tests; then finish 0; else finish 1; fi
