# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Shared by the e2e scripts that play a zone's virtio driver themselves
# (sourced after vblk.sh or vnet.sh, not run): a device's registers through
# the sim's trap path (debugfs zone1/mmio), as the guest would access them.
# The caller defines fail().

VMMIO=/sys/kernel/debug/hvisor_sim/zone1/mmio

# virtio-mmio registers (include/uapi/linux/virtio_mmio.h), for the caller
# shellcheck disable=SC2034
STATUS=0x70 DRV_FEAT=0x20 DRV_FEAT_SEL=0x24 QSEL=0x30 QNUM_MAX=0x34 QNUM=0x38
# shellcheck disable=SC2034
QREADY=0x44 QNOTIFY=0x50 QDESC=0x80 QAVAIL=0x90 QUSED=0xa0

# wr OFF VALUE / rd OFF: 32-bit accesses to the device at $VMMIO_ADDR
# (default $VBLK_ADDR)
wr() {
	echo "w $(printf '%#x' $((${VMMIO_ADDR:-$VBLK_ADDR} + $1))) $(printf '%x' $(($2)))" \
		>$VMMIO || fail "register write $1 <- $2"
}
rd() {
	echo "r $(printf '%#x' $((${VMMIO_ADDR:-$VBLK_ADDR} + $1)))" >$VMMIO ||
		fail "register read $1"
	echo $(($(cat $VMMIO)))
}

# vmmio_queue0 DESC AVAIL USED [NUM]: program queue 0 (16 entries unless
# NUM) with its rings at those guest addresses, and enable it
vmmio_queue0() {
	wr $QSEL 0
	wr $QNUM "${4:-16}"
	wr $QDESC "$1"
	wr $((QDESC + 4)) 0
	wr $QAVAIL "$2"
	wr $((QAVAIL + 4)) 0
	wr $QUSED "$3"
	wr $((QUSED + 4)) 0
	wr $QREADY 1
}

# vmmio_cleanup: for the EXIT trap (zone 1, modules, the disk image)
# shellcheck disable=SC2317  # run by the EXIT trap
vmmio_cleanup() {
	hvisor zone shutdown -id 1 >/dev/null 2>&1
	rmmod hvisor_sim 2>/dev/null
	rmmod hvisor 2>/dev/null
	rm -f "$W/disk.img"
}
