#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/run.sh (make bench; not part of make test / CI): boots the
# x86_64 test VM once (tests/vm/run.sh --script) and runs blk_bench.sh:
# fio 4k randread QD1/QD16, 128k sequential read and write (direct,
# libaio) on the sim zone's virtio disk and on a loop device over the same
# image, then prints the table and the sim's MMIO round-trip histogram.
# Numbers are TCG numbers: compare the two columns, not with hardware.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/../../build/bench.log
mkdir -p "$(dirname "$OUT")"
rc=0
"$HERE/../vm/run.sh" --arch x86_64 --script "$HERE/blk_bench.sh" --verbose \
	>"$OUT" 2>&1 || rc=$?
sed -n 's/^  | BENCH //p' "$OUT"
grep -E '^(PASS|FAIL|SKIP) ' "$OUT" || true
[ "$rc" = 0 ] || echo "bench: VM run failed (log: build/bench.log)"
exit "$rc"
