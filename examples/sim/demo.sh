#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The simulator demo (make demo): a zone with a disk, a network card and a
# console, all three served by hvisor.ko, with no daemon.
#
# hvisor_sim.ko plays the hypervisor.  Its zone 1 "runs" Linux's own
# virtio_blk, virtio_net and virtio_console drivers (inside this same VM):
# every register access they make becomes a trapped MMIO request on the
# bridge page, answered by hvisor.ko, and their virtqueues are served by
# hvisor.ko's kernel threads.  Run inside the test VM (tests/vm/run.sh
# --demo); it can also be run by hand in `make vm-shell`.

set -u

case $(uname -m) in
x86_64) ARCH=x86_64 ;;
aarch64) ARCH=arm64 ;;
*) echo "demo: no simulator config for $(uname -m)"; exit 1 ;;
esac
EX=/usr/share/hvisor/examples/sim
W=/tmp/hvisor-sim
IP=/usr/sbin/ip

step() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "demo: FAILED: $*"; exit 1; }

step "hvisor.ko, and hvisor_sim.ko standing in for the hypervisor"
show modprobe hvisor || die "modprobe hvisor"
show modprobe hvisor_sim || die "modprobe hvisor_sim"
modprobe tun || die "modprobe tun"	# the tool creates the tap
# zone 1's drivers: Linux's own, unmodified (this VM has no udev to load them)
show modprobe -a virtio_blk virtio_net virtio_console || die "zone drivers"
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# zone 1's device tree, as far as the sim's guest needs it: each virtio
# device's irq, the same as virtio-$ARCH.json gives hvisor.ko
case $ARCH in
x86_64) B=0x7f00000 I="10 11 14" ;;
*) B=0x0b000 I="75 76 78" ;;
esac
# shellcheck disable=SC2086  # I is three words
set -- $I
printf '1 %s000 %s\n1 %s200 %s\n1 %s400 %s\n' $B "$1" $B "$2" $B "$3" \
	>/sys/kernel/debug/hvisor_sim/virtio_irqs || die "sim irq map"

step "zone 1's backing store: a 64 MiB disk image, the tap is made by the tool"
mkdir -p $W
dd if=/dev/zero of=$W/disk.img bs=1M count=64 2>/dev/null || die "disk image"
dd if=/dev/urandom of=$W/kernel.bin bs=1M count=2 2>/dev/null
dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=4 2>/dev/null
ls -l $W

step "attach the devices (the tool opens the image and the tap, hands the fds to hvisor.ko, exits)"
show hvisor virtio check $EX/virtio-$ARCH.json || die "virtio check"
show hvisor virtio attach $EX/virtio-$ARCH.json || die "virtio attach"

step "start zone 1 (images loaded into its reserved RAM, then the hypercall)"
show hvisor zone start $EX/zone1-$ARCH.json || die "zone start"
show hvisor zone list
show hvisor virtio list
# the guest-side drivers probe asynchronously
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done

step "everything is in sysfs"
show ls /sys/class/hvisor/zone1/
for d in /sys/class/hvisor/zone1/*@*; do
	[ -d "$d" ] || continue
	echo "--- $d"
	for a in type addr irq status features queue_sizes backend tty; do
		[ -r "$d/$a" ] && printf '  %-12s %s\n' "$a" "$(cat "$d/$a")"
	done
done

step "zone 1's disk: Linux's virtio_blk sees /dev/vda, served from $W/disk.img"
[ -b /dev/vda ] || die "no /dev/vda"
show cat /sys/block/vda/size
show /usr/sbin/mkfs.ext4 -q -F /dev/vda || die "mkfs"
mkdir -p /mnt/zone1
show mount -t ext4 /dev/vda /mnt/zone1 || die "mount"
echo "written by zone 1 through hvisor.ko" >/mnt/zone1/hello.txt
dd if=/dev/urandom of=/mnt/zone1/data bs=1M count=8 2>/dev/null
show df -h /mnt/zone1
sum1=$(md5sum </mnt/zone1/data)
show umount /mnt/zone1
show mount -t ext4 /dev/vda /mnt/zone1 || die "remount"
show cat /mnt/zone1/hello.txt
[ "$(md5sum </mnt/zone1/data)" = "$sum1" ] || die "data changed across remount"
echo "8 MiB of random data read back identical after a remount"
umount /mnt/zone1

step "zone 1's network card: virtio_net in netns 'zone1', the tap in zone 0"
nic=$(ls /sys/bus/virtio/drivers/virtio_net/*/net/ 2>/dev/null | head -n 1)
[ -n "$nic" ] || die "no virtio_net interface"
echo "zone 1's interface: $nic, zone 0's end: tap0"
mkdir -p /run/netns
$IP netns add zone1 || die "netns"
$IP link set "$nic" netns zone1 || die "move $nic"
$IP netns exec zone1 $IP addr add 10.0.1.2/24 dev "$nic"
$IP netns exec zone1 $IP link set "$nic" up
$IP netns exec zone1 $IP link set lo up
$IP addr add 10.0.1.1/24 dev tap0
$IP link set tap0 up
show $IP netns exec zone1 ping -c 5 -i 0.2 10.0.1.1 || die "ping"

step "zone 1's console: /dev/hvc0 in the zone is /dev/hvisorcon0 in zone 0"
[ -c /dev/hvc0 ] || die "no /dev/hvc0"
[ -c /dev/hvisorcon0 ] || die "no /dev/hvisorcon0"
# the zone's console driver gets a cpu of its own, as under hvisor
. /usr/share/hvisor/tests/e2e/lib/simcpu.sh
sim_pin_cpus
(timeout 5 head -n 1 /dev/hvisorcon0 >$W/console.out) &
reader=$!
sleep 0.5
guest sh -c 'echo "hello from zone 1'"'"'s console" >/dev/hvc0'
wait $reader
sim_unpin_cpus
printf 'zone 0 read on hvisorcon0: %s\n' "$(tr -d '\r' <$W/console.out)"
grep -q "hello from zone 1" $W/console.out || die "console line not received"

step "counters after all that"
for d in /sys/class/hvisor/zone1/*@*; do
	[ -d "$d" ] || continue
	echo "--- ${d##*/}"
	for a in notifies injects bytes_in bytes_out; do
		[ -r "$d/$a" ] && printf '  %-14s %s\n' "$a" "$(cat "$d/$a")"
	done
	[ -d "$d/statistics" ] && for a in "$d"/statistics/*; do
		printf '  %-14s %s\n' "${a##*/}" "$(cat "$a")"
	done
done

step "shut zone 1 down: its devices go with it"
$IP netns del zone1
show hvisor zone shutdown -id 1 || die "zone shutdown"
show hvisor zone list
show hvisor virtio list
rmmod hvisor_sim && rmmod hvisor || die "module unload"
echo "demo: done"
