#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging checks, run by the builds tier: what a person with a board
# installs.
#   - make install DESTDIR=... PREFIX=/usr installs exactly the expected
#     files with their modes; the man page and modinfo carry VERSION;
#   - hvisor.ko has the alias of:N*T*Chvisor (udev autoloads it from
#     zone 0's device tree node) and registers no platform driver;
#   - make dkms-src, then dkms add/build (private --sourcetree/--dkmstree,
#     nothing registered in the system's DKMS) against Debian's installed
#     headers gives hvisor.ko (and not the simulator) of that version;
#   - make static-tool for x86_64 (run: --help, version), arm64 and riscv64
#     (file only): statically linked, cJSON from Debian's cjson source.
#
#   tests/pkg/run.sh
#
# KDIR  kernel tree for hvisor.ko (default: Debian's linux-headers-amd64,
#       whatever kernel this host runs)
# KVER  kernel release for dkms (default: the one hvisor.ko is built for)
#
# Output: "ok N - ..." / "not ok N - ..." per case, then
# "N passed, N failed[, N skipped]"; exit status 1 if any case failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
VER=$(cat "$REPO/VERSION")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hvisor-pkg-test.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
N=0 PASS=0 FAIL=0 SKIP=0

pass() { N=$((N + 1)); PASS=$((PASS + 1)); echo "ok $N - $1"; }
fail() {
	local d=$1
	shift
	N=$((N + 1)); FAIL=$((FAIL + 1))
	echo "not ok $N - $d"
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
}
skip() { N=$((N + 1)); SKIP=$((SKIP + 1)); echo "ok $N - $1 # SKIP $2"; }
elapsed() { echo $(($(date +%s) - $1))s; }

cd "$REPO" || exit 2

# ---------------------------------------------------------------- build
if [ -z "${KDIR:-}" ]; then
	abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	      sed -n 's/^linux-headers-\([^ ]*\)-amd64 .*/\1/p')
	KDIR=/usr/src/linux-headers-$abi-amd64
fi
t0=$(date +%s)
if make -s modules KDIR="$KDIR" >"$WORK/modules.log" 2>&1 &&
   make -s tool >>"$WORK/modules.log" 2>&1; then
	pass "make modules tool ($(elapsed "$t0"))"
else
	fail "make modules tool" "$(tail -20 "$WORK/modules.log")"
fi
KREL=$(modinfo -F vermagic hvisor.ko 2>/dev/null | cut -d' ' -f1)
if [ "$(modinfo -F version hvisor.ko 2>/dev/null)" = "$VER" ]; then
	pass "hvisor.ko: MODULE_VERSION is VERSION ($VER)"
else
	fail "hvisor.ko: MODULE_VERSION is VERSION ($VER)" \
	     "modinfo: $(modinfo -F version hvisor.ko 2>&1)"
fi

# Autoload on boards: the kernel makes a platform device of zone 0's
# hvisor_virtio_device { compatible = "hvisor"; } node, and udev loads
# the module whose alias matches its modalias.  Only the alias: no
# platform driver is registered, so init does not wait for that device.
aliases=$(modinfo -F alias hvisor.ko 2>/dev/null)
if printf '%s\n' "$aliases" | grep -qxF 'of:N*T*Chvisor'; then
	pass "hvisor.ko: alias of:N*T*Chvisor (autoload from the device tree)"
else
	fail "hvisor.ko: alias of:N*T*Chvisor (autoload from the device tree)" \
	     "aliases: $aliases"
fi
if nm -u hvisor.ko 2>/dev/null | grep -q 'platform_driver_register'; then
	fail "hvisor.ko: no platform driver (probes as before, by path)" \
	     "$(nm -u hvisor.ko | grep platform_driver)"
elif nm -u hvisor.ko 2>/dev/null | grep -q 'of_find_node_by_path\|misc_register'; then
	pass "hvisor.ko: no platform driver (probes as before, by path)"
else
	fail "hvisor.ko: no platform driver (probes as before, by path)" \
	     "nm -u hvisor.ko: $(nm -u hvisor.ko 2>&1 | head -3)"
fi

# ---------------------------------------------------------------- install
ST=$WORK/stage
if make -s install DESTDIR="$ST" PREFIX=/usr >"$WORK/install.log" 2>&1; then
	got=$(cd "$ST" && find . \( -type f -o -type l \) -printf '%m %P\n' | LC_ALL=C sort)
	want=$(LC_ALL=C sort <<-EOT
	644 etc/udev/rules.d/60-hvisor.rules
	644 lib/modules/$KREL/extra/hvisor.ko
	755 usr/sbin/hvisor
	644 usr/share/man/man8/hvisor.8
	644 usr/share/bash-completion/completions/hvisor
	EOT
	)
	if [ "$got" = "$want" ]; then
		pass "make install DESTDIR: exactly the expected files and modes"
	else
		fail "make install DESTDIR: exactly the expected files and modes" \
		     "$(diff <(echo "$want") <(echo "$got"))"
	fi
	if grep -q "depmod -a $KREL" "$WORK/install.log" &&
	   [ ! -e "$ST/lib/modules/$KREL/modules.dep" ]; then
		pass "make install DESTDIR: no depmod, says to run it on the target"
	else
		fail "make install DESTDIR: no depmod, says to run it on the target" \
		     "$(cat "$WORK/install.log")"
	fi
	if grep -qx ".TH HVISOR 8 \"[0-9]*\" \"hvisor-kvirtio $VER\" \"System Administration\"" \
		"$ST/usr/share/man/man8/hvisor.8" &&
	   [ "$("$ST/usr/sbin/hvisor" version | head -1)" = "tool:        hvisor $VER" ]; then
		pass "installed man page and tool carry VERSION"
	else
		fail "installed man page and tool carry VERSION" \
		     "$(head -2 "$ST/usr/share/man/man8/hvisor.8")"
	fi
	if grep -qx 'KERNEL=="hvisor", SUBSYSTEM=="misc", OWNER="root", GROUP="root", MODE="0600"' \
		"$ST/etc/udev/rules.d/60-hvisor.rules"; then
		pass "udev rule: /dev/hvisor root 0600"
	else
		fail "udev rule: /dev/hvisor root 0600"
	fi
	# a zone's console is its root shell: never dialout (ttyHV<n> was)
	if grep -qxF 'KERNEL=="hvisorcon[0-9]*", SUBSYSTEM=="tty", OWNER="root", GROUP="root", MODE="0600"' \
		"$ST/etc/udev/rules.d/60-hvisor.rules" &&
	   ! grep -v '^#' "$ST/etc/udev/rules.d/60-hvisor.rules" | grep -q dialout; then
		pass "udev rule: /dev/hvisorcon<n> root 0600"
	else
		fail "udev rule: /dev/hvisorcon<n> root 0600"
	fi
else
	fail "make install DESTDIR" "$(cat "$WORK/install.log")"
fi
# PREFIX is honoured
if make -s install-tool DESTDIR="$WORK/p" PREFIX=/opt/hv >/dev/null 2>&1 &&
   [ -x "$WORK/p/opt/hv/sbin/hvisor" ] && [ -f "$WORK/p/opt/hv/share/man/man8/hvisor.8" ]; then
	pass "make install-tool PREFIX=/opt/hv"
else
	fail "make install-tool PREFIX=/opt/hv" "$(cd "$WORK/p" 2>/dev/null && find .)"
fi

# ---------------------------------------------------------------- dkms
DK=$WORK/dk
if ! command -v dkms >/dev/null; then
	skip "dkms build" "dkms is not installed (scripts/install-deps.sh)"
elif [ -z "$KREL" ] || [ ! -d "/lib/modules/${KVER:-$KREL}/build" ]; then
	skip "dkms build" "no headers at /lib/modules/${KVER:-$KREL}/build"
else
	KV=${KVER:-$KREL}
	t0=$(date +%s)
	if make -s dkms-src DESTDIR="$DK" >"$WORK/dkms.log" 2>&1 &&
	   mkdir -p "$DK/tree" &&
	   dkms add hvisor/"$VER" --sourcetree "$DK/usr/src" --dkmstree "$DK/tree" \
		>>"$WORK/dkms.log" 2>&1 &&
	   dkms build hvisor/"$VER" -k "$KV" --sourcetree "$DK/usr/src" \
		--dkmstree "$DK/tree" >>"$WORK/dkms.log" 2>&1; then
		kos=$(cd "$DK/tree/hvisor/$VER/$KV" && find . -name '*.ko*' | sort)
		ko=$DK/tree/hvisor/$VER/$KV/$(uname -m)/module/hvisor.ko
		if [ "$kos" = "./$(uname -m)/module/hvisor.ko" ] &&
		   [ "$(modinfo -F version "$ko")" = "$VER" ] &&
		   [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$KV" ]; then
			pass "dkms build against $KV: hvisor.ko $VER only ($(elapsed "$t0"))"
		else
			fail "dkms build against $KV: hvisor.ko $VER only" "built: $kos"
		fi
	else
		fail "dkms build against $KV" "$(tail -30 "$WORK/dkms.log")"
		find "$DK/tree" -name make.log -exec tail -20 {} \; 2>/dev/null
	fi
	# the source tree has what the build needs and nothing of the tests
	if [ -f "$DK/usr/src/hvisor-$VER/dkms.conf" ] &&
	   grep -qx "PACKAGE_VERSION=\"$VER\"" "$DK/usr/src/hvisor-$VER/dkms.conf" &&
	   [ ! -e "$DK/usr/src/hvisor-$VER/tests" ]; then
		pass "dkms-src: dkms.conf of version $VER, no tests/"
	else
		fail "dkms-src: dkms.conf of version $VER, no tests/" \
		     "$(ls "$DK/usr/src/hvisor-$VER")"
	fi
fi

# ---------------------------------------------------------------- static tool
t0=$(date +%s)
if ! CJ=$(scripts/pkg/cjson-src.sh 2>"$WORK/cjson.log"); then
	fail "Debian's cjson source package" "$(cat "$WORK/cjson.log")"
else
	pass "Debian's cjson source package: ${CJ#"$REPO"/} ($(elapsed "$t0"))"
	for cross in "" aarch64-linux-gnu- riscv64-linux-gnu-; do
		m=${cross%%-*}
		m=${m:-$(uname -m)}
		out=$WORK/static-$m/hvisor
		if [ -n "$cross" ] && ! command -v "${cross}gcc" >/dev/null; then
			skip "static tool $m" "no ${cross}gcc"
			continue
		fi
		if ! make -s static-tool CJSON_SRC="$CJ" STATIC_OUT="$out" \
			${cross:+CROSS_COMPILE=$cross} >"$WORK/static.log" 2>&1; then
			fail "make static-tool ${cross:+CROSS_COMPILE=$cross}" \
			     "$(tail -20 "$WORK/static.log")"
			continue
		fi
		desc=$(file -b "$out")
		case $m in
		x86_64) mach=x86-64 ;; aarch64) mach=aarch64 ;; riscv64) mach=RISC-V ;;
		esac
		if [[ $desc == *"statically linked"* ]] && [[ $desc == *"$mach"* ]]; then
			pass "static tool $m: $mach, statically linked"
		else
			fail "static tool $m: $mach, statically linked" "$desc"
			continue
		fi
		[ -n "$cross" ] && continue
		if "$out" --help | grep -q '^Usage: hvisor' &&
		   HVISOR_DEVICE=$WORK/nodev "$out" version | grep -qx "tool:        hvisor $VER" &&
		   "$out" zone check "$REPO/examples/sim/zone1-x86_64.json" >/dev/null 2>&1; then
			pass "static tool $m runs: --help, version, zone check"
		else
			fail "static tool $m runs: --help, version, zone check" \
			     "$("$out" zone check "$REPO/examples/sim/zone1-x86_64.json" 2>&1 | tail -3)"
		fi
	done
fi

if [ "$SKIP" -gt 0 ]; then
	echo "$PASS passed, $FAIL failed, $SKIP skipped"
else
	echo "$PASS passed, $FAIL failed"
fi
[ "$FAIL" -eq 0 ]
