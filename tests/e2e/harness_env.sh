#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# arch: x86_64 arm64
# timeout: 120
#
# Checks the guest environment promised to e2e scripts in tests/README.md:
# mounts, stock modules, iproute2 with netns/tuntap/veth, mkfs.ext4 on a loop
# device, iperf3, our modules loadable, the tool and the helpers in place.
set -eu
fail() { echo "harness_env: $*"; exit 1; }

[ "$HVTEST_ARCH" = "$(uname -m | sed 's/aarch64/arm64/')" ] || fail "HVTEST_ARCH=$HVTEST_ARCH"
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts || fail "debugfs not mounted"
grep -q ' /tmp tmpfs ' /proc/mounts || fail "/tmp is not a tmpfs"
{ [ -d /run/netns ] && [ -L /var/run ]; } || fail "/run/netns or /var/run missing"
[ -d "$HVTEST_TMP" ] || fail "HVTEST_TMP missing"

# the RAM window kept for the simulator's zones, as run.sh --zone-ram made
# it (tests/README.md): never Linux's System RAM; struct pages (pfn_valid)
# for nomap, none for hidden, seen through /proc/kpageflags (KPF_NOPAGE, KPF_RESERVED).
# x86_64's nomap window is a hole in sections that hold RAM: pfn_valid()
# says yes for the whole of such a section, but kpageflags (whose
# pfn_to_online_page() also checks the 2 MiB subsections RAM was added
# in) calls its pages NOPAGE; there, System RAM in the window's first and
# last 128 MiB section is what gives it struct pages.  hvisor.ko's own
# verdict is checked by virtio_blk_zoneram.
case $HVTEST_ARCH in
x86_64) res_lo=$((0x30200000)) res_hi=$((0x3fdfffff)) ;;
arm64)  res_lo=$((0x70000000)) res_hi=$((0x7fffffff)) ;;
esac
grep ' : System RAM$' /proc/iomem | while IFS='- ' read -r lo hi _; do
	if [ "$((0x$lo))" -le "$res_hi" ] && [ "$((0x$hi))" -ge "$res_lo" ]; then
		fail "System RAM $lo-$hi overlaps the sim window"
	fi
done
grep -q ' : System RAM$' /proc/iomem || fail "no System RAM in /proc/iomem"
# kpflags PHYS: the kernel's page flags of the page at PHYS, in hex
kpflags() {
	dd if=/proc/kpageflags bs=8 skip=$(($1 / 4096)) count=1 2>/dev/null |
		od -An -tx8 | tr -d ' '
}
for a in $res_lo $((res_hi - 4095)); do
	f=$(kpflags "$a")
	# past the end of /proc/kpageflags (max_pfn): no struct page either
	[ -n "$f" ] || f=$(printf %016x $((1 << 20)))
	nopage=$(( (0x$f >> 20) & 1 )) reserved=$(( (0x$f >> 32) & 1 ))
	case $HVTEST_ARCH:$HVTEST_ZONE_RAM:$nopage:$reserved in
	*:nomap:0:1 | *:hidden:1:* | x86_64:nomap:1:*) ;;
	*) fail "zone RAM $HVTEST_ZONE_RAM: page $(printf %#x "$a") has flags $f" ;;
	esac
done
if [ "$HVTEST_ARCH:$HVTEST_ZONE_RAM" = x86_64:nomap ]; then
	sec=$((128 << 20))
	for s in $((res_lo / sec * sec)) $((res_hi / sec * sec)); do
		grep ' : System RAM$' /proc/iomem | {
			while IFS='- ' read -r lo hi _; do
				[ "$((0x$lo))" -lt $((s + sec)) ] &&
					[ "$((0x$hi))" -ge "$s" ] && exit 0
			done
			exit 1
		} || fail "no System RAM in the sparsemem section at $(printf %#x $s): no struct pages"
	done
fi

for m in tun tap veth loop virtio_mmio virtio_blk virtio_net virtio_console; do
	modprobe "$m" || fail "modprobe $m"
done

# iproute2: netns, veth, tap
/usr/sbin/ip netns add hvt
/usr/sbin/ip link add hvt0 type veth peer name hvt1
/usr/sbin/ip link set hvt1 netns hvt
/usr/sbin/ip addr add 10.99.0.1/24 dev hvt0
/usr/sbin/ip link set hvt0 up
/usr/sbin/ip netns exec hvt /usr/sbin/ip addr add 10.99.0.2/24 dev hvt1
/usr/sbin/ip netns exec hvt /usr/sbin/ip link set hvt1 up
/usr/sbin/ip netns exec hvt /usr/sbin/ip tuntap add hvtap mode tap
ping -c 1 -W 5 10.99.0.2 >/dev/null || fail "ping over veth"
/usr/sbin/ip netns del hvt

# iperf3 over loopback
iperf3 -s -1 -D >/dev/null
sleep 1
iperf3 -c 127.0.0.1 -t 1 >/dev/null || fail "iperf3"

# ext4 on a loop device
dd if=/dev/zero of="$HVTEST_TMP/disk.img" bs=1M count=16 2>/dev/null
/usr/sbin/mkfs.ext4 -q -F "$HVTEST_TMP/disk.img" || fail "mkfs.ext4"
mkdir -p "$HVTEST_TMP/mnt"
mount -t ext4 -o loop "$HVTEST_TMP/disk.img" "$HVTEST_TMP/mnt" || fail "mount ext4 on loop"
echo hello >"$HVTEST_TMP/mnt/f"
umount "$HVTEST_TMP/mnt"
/usr/sbin/e2fsck -fn "$HVTEST_TMP/disk.img" >/dev/null || fail "e2fsck"

# our pieces, where present
for ko in /lib/modules/"$(uname -r)"/extra/*.ko; do
	[ -e "$ko" ] || continue
	modinfo "$ko" >/dev/null || fail "modinfo $ko"
done
if [ -e /usr/bin/hvisor ]; then
	/usr/bin/hvisor --help >/dev/null 2>&1 || /usr/bin/hvisor >/dev/null 2>&1 || [ $? -lt 126 ] ||
		fail "/usr/bin/hvisor does not run"
fi
for b in /usr/libexec/hvisor-tests/*; do
	[ -e "$b" ] || continue
	[ -x "$b" ] || fail "$b not executable"
done
echo "harness_env: ok"
