#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/run.sh [blk] [net] [ivc] (make bench; not part of make test / CI):
# boots the x86_64 test VM once per benchmark (tests/vm/run.sh --script)
# and prints its table; default all three.
#   blk_bench.sh: fio 4k randread QD1/QD16, 128k sequential read and write
#     (direct, libaio) on the sim zone's virtio disk and on a loop device
#     over the same image, the 4k randread rows again with hvisor.ko's
#     worker polling before it sleeps (*-poll, worker_poll_us), and the
#     sim's MMIO round-trip histogram with where a round trip goes;
#     zone 0's CPU time per request of each side; the sim's round trip
#     p50/p99 against a cache line bounced between the CPUs, and zone 0's
#     idle CPU with blk+net+console attached against before the attach.
#   net_bench.sh: iperf3 TCP stream both ways and ping latency through the
#     sim zone's virtio NIC and through a veth pair.
#   ivc_bench.sh: round trip of an IVC doorbell ping-pong with the sim
#     zone's echo peer, next to a cache-line ping-pong between two CPUs.
# Numbers are TCG numbers: compare the two columns, not with hardware.
# The guest idles with idle=poll: a TCG vCPU halted in idle takes a
# reschedule IPI only at its next tick (measured: a wake-up of zone 0's
# consumer queued to the idle CPU ran 3.5 ms later), which taxes every
# hand-off between threads, and the virtio paths have more of them than
# loop or veth.  Polling idle costs the host two busy cores, so the test
# suite does not use it.
# The guest reads the clock from the TSC (tsc=reliable): QEMU's default
# x86 CPU has no invariant TSC, so Linux falls back to the HPET, whose
# every read is an emulated MMIO access (read_hpet was 8-16% of all
# samples under fio), where a board's clock read costs a few cycles.
# Full log: build/bench.log.
set -euo pipefail
GUEST_APPEND="idle=poll tsc=reliable clocksource=tsc"
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/../../build/bench.log
mkdir -p "$(dirname "$OUT")"
[ $# -gt 0 ] || set -- blk net ivc
: >"$OUT"
rc=0 verdicts=''
for b in "$@"; do
	[ -e "$HERE/${b}_bench.sh" ] || { echo "bench: no ${b}_bench.sh"; exit 2; }
	r=0
	VM_APPEND=$GUEST_APPEND "$HERE/../vm/run.sh" --arch x86_64 \
		--script "$HERE/${b}_bench.sh" --verbose >"$OUT.$b" 2>&1 || r=$?
	cat "$OUT.$b" >>"$OUT"
	sed -n 's/^  | BENCH //p' "$OUT.$b"
	echo
	verdicts+=$(grep -E '^(PASS|FAIL|SKIP) ' "$OUT.$b" || echo "FAIL x86_64 ${b}_bench (no verdict)")$'\n'
	rm -f "$OUT.$b"
	[ "$r" = 0 ] || rc=$r
done
printf '%s' "$verdicts"
[ "$rc" = 0 ] || echo "bench: VM run failed (log: build/bench.log)"
exit "$rc"
