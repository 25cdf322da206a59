# SPDX-License-Identifier: GPL-2.0
# Shared by tests/e2e/net_basic.sh and tests/bench/net_bench.sh (sourced,
# not run): start the sim zone 1, attach one virtio-net over tap0 with
# "hvisor virtio attach", find the netdev Linux's own virtio_net made of
# it, and put it in netns hvA ($VNET_IPA) and tap0 in netns hvB
# ($VNET_IPB).  The caller sets up its EXIT trap to call vnet_cleanup.
#
# After vnet_start:
#   IF         the guest's NIC (in hvA)
#   VNET_DIR   /sys/class/hvisor/zone1/net@<addr>  (backend: notifies, ...)
#   STATS      $VNET_DIR/statistics                 (rx_packets, tx_dropped, ...)

VNET_W=/tmp/hvisor-net
. /usr/share/hvisor/tests/e2e/lib/simirq.sh
case ${HVTEST_ARCH:-$(uname -m)} in
# irq: what hvisor can inject there (common/virtio_limits.h)
x86_64) VNET_ARCH=x86_64 VNET_MEM=0x30200000:0x30200000:0xfc00000 VNET_ADDR=0x7f00000200 VNET_IRQ=11 ;;
aarch64 | arm64) VNET_ARCH=arm64 VNET_MEM=0x70000000:0x50000000:0x10000000 VNET_ADDR=0x0b000200 VNET_IRQ=76 ;;
*) echo "SKIP: no sim config for this arch"; exit 77 ;;
esac
VNET_MAC=00:16:3e:10:10:10
VNET_IPA=10.77.0.1
VNET_IPB=10.77.0.2
# The device directory is named net@<addr in %llx>: no leading zeros.
VNET_DIR=/sys/class/hvisor/zone1/net@$(printf %x $VNET_ADDR)
# shellcheck disable=SC2034  # for the sourcing scripts
STATS=$VNET_DIR/statistics
IF=

log() { echo "${0##*/}: $*"; }
die() { log "FAIL: $*"; exit 1; }
A() { /usr/sbin/ip netns exec hvA "$@"; }
B() { /usr/sbin/ip netns exec hvB "$@"; }

# No pkill in the guest (busybox's has not been built in): by comm.
kill_iperf3() {
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = iperf3 ] && kill -KILL "${p#/proc/}"
	done 2>/dev/null
}

# vnet_cfg FILE: one net device on tap0 (the tool creates the tap); the
# memory is zone 1's RAM (zone0_ipa:zonex_ipa:size in VNET_MEM)
vnet_cfg() {
	m=${VNET_MEM#*:}
	cat >"$1" <<EOC
{ "zones": [ { "id": 1,
  "memory_region": [ { "zone0_ipa": "${VNET_MEM%%:*}",
    "zonex_ipa": "${m%:*}", "size": "${m#*:}" } ],
  "devices": [ { "type": "net", "status": "enable", "addr": "$VNET_ADDR",
    "len": "0x200", "irq": $VNET_IRQ, "tap": "tap0",
    "mac": ["0x00", "0x16", "0x3e", "0x10", "0x10", "0x10"] } ] } ] }
EOC
}

# vnet_start: modules, zone 1, the NIC attached and found (-> $IF), both
# namespaces configured and the link up.  Exits 77 if the tool cannot.
# With VNET_BIND=0 it stops once the device is attached: no driver binds
# it (the caller plays the zone's driver through the sim's zone1/mmio).
vnet_start() {
	[ -x /usr/bin/hvisor ] || { echo "SKIP: no /usr/bin/hvisor"; exit 77; }
	# exit 2 is the tool's usage error (no such command); without the
	# module loaded yet, list fails otherwise
	hvisor virtio list >/dev/null 2>&1
	[ $? -eq 2 ] && { echo "SKIP: the tool has no 'virtio'"; exit 77; }
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	mkdir -p $VNET_W /tmp/hvisor-sim
	dd if=/dev/urandom of=/tmp/hvisor-sim/kernel.bin bs=1M count=1 2>/dev/null
	dd if=/dev/urandom of=/tmp/hvisor-sim/zone1.dtb bs=1k count=8 2>/dev/null
	for m in tun hvisor hvisor_sim; do
		modprobe $m || die "modprobe $m"
	done
	# the guest's device tree: the NIC has irq 76, as vnet_cfg says
	simirq_map 1 $VNET_ADDR $VNET_IRQ || die "sim irq map"

	hvisor zone start "/usr/share/hvisor/examples/sim/zone1-$VNET_ARCH.json" \
		>$VNET_W/out 2>&1 || { cat $VNET_W/out; die "zone start"; }
	vnet_cfg $VNET_W/virtio.json
	hvisor virtio attach $VNET_W/virtio.json >$VNET_W/out 2>&1 ||
		{ cat $VNET_W/out; die "virtio attach"; }
	[ "${VNET_BIND:-1}" = 0 ] && return 0
	modprobe virtio_net || die "modprobe virtio_net"
	# The sim probes its virtio slots at ZONE_START: probe again now.
	echo 1 >/sys/kernel/debug/hvisor_sim/zone1/rescan || die "sim rescan"

	for _ in $(seq 50); do
		for d in /sys/class/net/*; do
			[ "$(cat "$d/address" 2>/dev/null)" = $VNET_MAC ] && IF=${d##*/}
		done
		[ -n "$IF" ] && break
		sleep 0.2
	done
	[ -n "$IF" ] || die "no netdev with MAC $VNET_MAC"

	/usr/sbin/ip netns add hvA
	/usr/sbin/ip netns add hvB
	/usr/sbin/ip link set "$IF" netns hvA
	/usr/sbin/ip link set tap0 netns hvB
	A /usr/sbin/ip link set lo up
	B /usr/sbin/ip link set lo up
	A /usr/sbin/ip addr add $VNET_IPA/24 dev "$IF"
	B /usr/sbin/ip addr add $VNET_IPB/24 dev tap0
	A /usr/sbin/ip link set "$IF" up
	B /usr/sbin/ip link set tap0 up
	# Wait for the link to come up on both sides.
	for _ in $(seq 50); do
		A ping -c 1 -W 1 $VNET_IPB >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	die "no ping through the NIC after link up"
}

# shellcheck disable=SC2317  # run by the caller's EXIT trap
vnet_cleanup() {
	kill_iperf3
	hvisor virtio detach --zone 1 >/dev/null 2>&1
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	/usr/sbin/ip netns del hvA 2>/dev/null
	/usr/sbin/ip netns del hvB 2>/dev/null
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
	rm -rf $VNET_W /tmp/hvisor-sim
}
