#!/bin/sh
# arch: x86_64 arm64
#
# Load and unload hvisor.ko + hvisor_sim.ko 50 times (starting and shutting
# down a sim zone every 5th round when the tool is there) and check that no
# memory leaks.  A leak grows with every round while first-use allocations
# and cache noise do not, so the rounds are measured as two equal windows
# after a warm-up: MemAvailable must not drop by more than the tolerance in
# both windows, and the slab total must not grow beyond its (tighter) bound
# over all rounds.
#
# exit 0 pass, 77 skip, anything else fail.

set -u

ROUNDS=${SIM_MODLOAD_ROUNDS:-50}
MEM_TOL_KB=4096		# per window: MemAvailable moves (pcp lists, caches, host load)
WARMUP=5
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

# Drop caches, then wait (10 s at most) for MemAvailable to stop moving:
# frees deferred to RCU and workqueues lag behind on a loaded host, and a
# backlog measured as "lost" is a false leak.
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	prev=$(mem_avail_kb)
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		sleep 0.5
		cur=$(mem_avail_kb)
		d=$((cur - prev))
		[ ${d#-} -lt 256 ] && break
		prev=$cur
	done
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

# rounds FIRST LAST
rounds() {
	i=$1
	while [ "$i" -le "$2" ]; do
		round "$i" || { log "FAIL: round $i"; dmesg | tail -20; exit 1; }
		i=$((i + 1))
	done
}

# Warm-up: first-use allocations (module loader, debugfs, kernfs caches,
# the tool's pages) are not leaks.
rounds -$WARMUP 0
settle
mem0=$(mem_avail_kb)
slab0=$(slab_kb)
half=$((ROUNDS / 2))
rounds 1 $half
settle
memh=$(mem_avail_kb)
rounds $((half + 1)) "$ROUNDS"
settle
mem1=$(mem_avail_kb)
slab1=$(slab_kb)

dmem_a=$((mem0 - memh))
dmem_b=$((memh - mem1))
dslab=$((slab1 - slab0))
log "$ROUNDS rounds: MemAvailable $mem0 -> $memh -> $mem1 kB (lost $dmem_a, then $dmem_b), slab $slab0 -> $slab1 kB (grew $dslab)"
rc=0
if [ $dmem_a -gt $MEM_TOL_KB ] && [ $dmem_b -gt $MEM_TOL_KB ]; then
	log "FAIL: MemAvailable dropped by more than $MEM_TOL_KB kB in each half: a leak"
	rc=1
fi
[ $dslab -le $SLAB_TOL_KB ] || { log "FAIL: slab grew by $dslab kB > $SLAB_TOL_KB"; rc=1; }
if dmesg | grep -Eq 'BUG:|WARNING:|Oops|leak'; then
	dmesg | grep -E -A5 'BUG:|WARNING:|Oops|leak' | head -40
	log "FAIL: kernel complained"
	rc=1
fi
[ $rc = 0 ] && log "PASS"
exit $rc
