#!/bin/sh
# arch: x86_64 arm64
#
# Load and unload hvisor.ko + hvisor_sim.ko 50 times (starting and shutting
# down a sim zone every 5th round when the tool is there) and check that no
# memory leaks.  A leak grows with every round while first-use allocations
# and cache noise do not, so the rounds are measured as three equal windows
# after a warm-up: MemAvailable must not drop by more than the tolerance in
# every window, and the slab total must not grow beyond its (tighter) bound
# over all rounds.  Three, not two: after a test with heavy traffic the
# system itself still gave back less and less memory for a while (12 MB,
# then 4 MB in two windows, with slab flat), which a leak does not do.
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
cp /proc/meminfo /tmp/sim_modload.meminfo0
mem0=$(mem_avail_kb)
slab0=$(slab_kb)
third=$((ROUNDS / 3))
rounds 1 $third
settle
mem1=$(mem_avail_kb)
rounds $((third + 1)) $((2 * third))
settle
mem2=$(mem_avail_kb)
rounds $((2 * third + 1)) "$ROUNDS"
settle
mem3=$(mem_avail_kb)
slab1=$(slab_kb)

dmem_a=$((mem0 - mem1))
dmem_b=$((mem1 - mem2))
dmem_c=$((mem2 - mem3))
dslab=$((slab1 - slab0))
log "$ROUNDS rounds: MemAvailable $mem0 -> $mem1 -> $mem2 -> $mem3 kB (lost $dmem_a, $dmem_b, $dmem_c), slab $slab0 -> $slab1 kB (grew $dslab)"
rc=0
if [ $dmem_a -gt $MEM_TOL_KB ] && [ $dmem_b -gt $MEM_TOL_KB ] &&
	[ $dmem_c -gt $MEM_TOL_KB ]; then
	log "FAIL: MemAvailable dropped by more than $MEM_TOL_KB kB in each window: a leak"
	rc=1
fi
if [ $dmem_a -gt $MEM_TOL_KB ] || [ $dmem_b -gt $MEM_TOL_KB ] ||
	[ $dmem_c -gt $MEM_TOL_KB ]; then
	# where it went: every /proc/meminfo line that moved by 1 MiB or more
	awk 'NR == FNR { a[$1] = $2; next }
		{ d = $2 - a[$1]; if (d >= 1024 || d <= -1024) printf " %s%+d", $1, d }
		END { print "" }' /tmp/sim_modload.meminfo0 /proc/meminfo |
		sed "s/^/sim_modload: meminfo moved (kB):/"
	ps 2>/dev/null | tail -n 25 | sed 's/^/sim_modload: ps: /'
fi
[ $dslab -le $SLAB_TOL_KB ] || { log "FAIL: slab grew by $dslab kB > $SLAB_TOL_KB"; rc=1; }
if dmesg | grep -Eq 'BUG:|WARNING:|Oops|leak'; then
	dmesg | grep -E -A5 'BUG:|WARNING:|Oops|leak' | head -40
	log "FAIL: kernel complained"
	rc=1
fi
[ $rc = 0 ] && log "PASS"
exit $rc
