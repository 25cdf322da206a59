#!/bin/sh
# arch: x86_64 arm64
#
# Load and unload hvisor.ko + hvisor_sim.ko 50 times (starting and shutting
# down a sim zone every 5th round when the tool is there) and check that no
# memory leaks: MemAvailable and the slab total before and after agree within
# a tolerance.
#
# exit 0 pass, 77 skip, anything else fail.

set -u

ROUNDS=${SIM_MODLOAD_ROUNDS:-50}
MEM_TOL_KB=4096		# MemAvailable may move a little (page cache, pcp lists)
SLAB_TOL_KB=1024	# per-cpu slab caches move a little too

case ${HVTEST_ARCH:-$(uname -m)} in
x86_64) ARCH=x86_64 ;;
aarch64 | arm64) ARCH=arm64 ;;
*) ARCH= ;;
esac
EXAMPLE=/usr/share/hvisor/examples/sim/zone1-$ARCH.json
W=/tmp/hvisor-sim

log() { echo "sim_modload: $*"; }

[ -r /proc/slabinfo ] || { log "SKIP: no /proc/slabinfo"; exit 77; }
modinfo hvisor_sim >/dev/null 2>&1 || { log "SKIP: no hvisor_sim.ko"; exit 77; }

mem_avail_kb() {
	awk '/^MemAvailable:/ { print $2 }' /proc/meminfo
}

# Bytes held by all slab caches: num_objs * objsize.
slab_kb() {
	awk 'NR > 2 { t += $3 * $4 } END { print int(t / 1024) }' /proc/slabinfo
}

settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
}

zone=
if [ -x /usr/bin/hvisor ] && [ -n "$ARCH" ] && [ -f "$EXAMPLE" ]; then
	zone=yes
	mkdir -p $W
	dd if=/dev/urandom of=$W/kernel.bin bs=1M count=3 2>/dev/null
	dd if=/dev/urandom of=$W/zone1.dtb bs=1k count=8 2>/dev/null
fi

round() {
	modprobe hvisor || return 1
	modprobe hvisor_sim || { rmmod hvisor; return 1; }
	if [ -n "$zone" ] && [ $(($1 % 5)) = 0 ]; then
		hvisor zone start "$EXAMPLE" >/dev/null || log "round $1: zone start failed"
		hvisor zone shutdown -id 1 >/dev/null || log "round $1: zone shutdown failed"
	fi
	rmmod hvisor_sim || return 1
	rmmod hvisor || return 1
}

# One warm-up round: first-use allocations (module loader, debugfs, kernfs
# caches) are not leaks.
round 0 || { log "FAIL: warm-up round"; exit 1; }
settle
mem0=$(mem_avail_kb)
slab0=$(slab_kb)

i=1
while [ $i -le "$ROUNDS" ]; do
	round $i || { log "FAIL: round $i"; dmesg | tail -20; exit 1; }
	i=$((i + 1))
done
settle
mem1=$(mem_avail_kb)
slab1=$(slab_kb)

dmem=$((mem0 - mem1))
dslab=$((slab1 - slab0))
log "$ROUNDS rounds: MemAvailable $mem0 -> $mem1 kB (lost $dmem), slab $slab0 -> $slab1 kB (grew $dslab)"
rc=0
[ $dmem -le $MEM_TOL_KB ] || { log "FAIL: MemAvailable dropped by $dmem kB > $MEM_TOL_KB"; rc=1; }
[ $dslab -le $SLAB_TOL_KB ] || { log "FAIL: slab grew by $dslab kB > $SLAB_TOL_KB"; rc=1; }
if dmesg | grep -Eq 'BUG:|WARNING:|Oops|leak'; then
	dmesg | grep -E -A5 'BUG:|WARNING:|Oops|leak' | head -40
	log "FAIL: kernel complained"
	rc=1
fi
[ $rc = 0 ] && log "PASS"
exit $rc
