#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/fuzz/run.sh [TARGET...]: the fuzz tier.  Builds each libFuzzer
# target (clang, -fsanitize=fuzzer,address,undefined; kernel code through
# the kshim.h shim), replays its regression inputs, then fuzzes it from its
# checked-in seed corpus for a bounded time with a fixed seed.  One test per
# target (the fuzzing run) plus one per regression directory; any crash,
# sanitizer report, invariant failure, hang (-timeout), memory overrun
# (-rss_limit_mb / -malloc_limit_mb) or a run past its time budget fails.
#
#   FUZZ_TIME=40   seconds of fuzzing per target (default 40)
#   FUZZ_RUNS=N    instead: exactly N runs per target
#
# A crash leaves its input in build/fuzz/artifacts/<target>/; once fixed,
# copy it to tests/fuzz/regress/<target>/ so every later run replays it.
# Ends with "N passed, N failed".
set -uo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 2

TARGETS_ALL="vq mmio zone_config virtio_config"
TARGETS=${*:-$TARGETS_ALL}
FUZZ_TIME=${FUZZ_TIME:-40}
FUZZ_RUNS=${FUZZ_RUNS:-}
OUT=$BUILD/fuzz
FZ=tests/fuzz
PASS=0 FAIL=0

pass() { echo "PASS $*"; PASS=$((PASS + 1)); }
fail() { echo "FAIL $*"; FAIL=$((FAIL + 1)); }

# The newest Debian clang whose libFuzzer runtime is installed.
find_clang() {
	local v
	for v in 19 14; do
		if command -v "clang-$v" >/dev/null &&
		   compgen -G "/usr/lib/llvm-$v/lib/clang/*/lib/*/libclang_rt.fuzzer*.a" >/dev/null; then
			echo "clang-$v"
			return
		fi
	done
}

# Forwarders for the <linux/...>, <asm/...> and <trace/...> headers the kernel sources
# name: the system's uapi header when there is one, else nothing (kshim.h,
# force-included first, has the definitions).
make_forwarders() {
	local inc=$OUT/include h multiarch
	multiarch=$($CC -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
	rm -rf "$inc"
	sed -n 's/^#include <\(\(linux\|asm\|trace\)\/[^>]*\)>.*/\1/p' \
		kernel/virtio/*.[ch] kernel/*.h include/hvisor/*.h | sort -u |
	while read -r h; do
		mkdir -p "$inc/$(dirname "$h")"
		if [ -e "/usr/include/$h" ] || [ -e "/usr/include/$multiarch/$h" ]; then
			printf '#include_next <%s>\n' "$h" >"$inc/$h"
		else
			printf '/* kshim.h has what this header would declare */\n' >"$inc/$h"
		fi
	done
}

SAN=(-Wall -Werror "-fsanitize=fuzzer,address,undefined"
     -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)

build() {
	local t=$1 out=$OUT/bin/fuzz_$1
	local -a feat=()
	# vq.c with worker run budgets also refuses overlapping ring areas
	# (branch core): the targets then assert both.
	if grep -q 'hv_vq_run_init' kernel/virtio/vq.h; then
		feat=(-DHV_FUZZ_VQ_RUN)
	fi
	case $t in
	vq)
		# The kernel's own language rules: -fno-strict-overflow.
		$CC "${SAN[@]}" "${feat[@]}" -std=gnu11 -fno-strict-overflow \
			-fno-strict-aliasing -I"$OUT/include" -I"$ROOT" -include "$FZ/kshim.h" \
			-o "$out" $FZ/fuzz_vq.c $FZ/kshim.c kernel/virtio/vq.c \
			kernel/virtio/blk_req.c kernel/virtio/net_hdr.c \
			kernel/virtio/guest_mem.c ;;
	mmio)
		$CC "${SAN[@]}" "${feat[@]}" -std=gnu11 -fno-strict-overflow \
			-fno-strict-aliasing -I"$OUT/include" -I"$ROOT" -include "$FZ/kshim.h" \
			-o "$out" $FZ/fuzz_mmio.c $FZ/kshim.c kernel/virtio/mmio.c \
			kernel/virtio/device.c \
			kernel/virtio/vq.c kernel/virtio/guest_mem.c ;;
	zone_config|virtio_config)
		# As userspace/Makefile builds the tool.
		$CC "${SAN[@]}" -std=gnu11 -I"$ROOT" \
			'-D__printf(a,b)=__attribute__((format(printf,a,b)))' \
			-o "$out" "$FZ/fuzz_$t.c" userspace/json.c \
			userspace/zone_config.c userspace/virtio_config.c \
			common/zone_check.c -lcjson ;;
	esac
}

# Seeds: the checked-in corpus and regression inputs, plus the repo's own
# valid configs.
seed_dirs() {
	local t=$1 d=$OUT/seeds/$1
	rm -rf "$d"
	mkdir -p "$d"
	case $t in
	zone_config)
		cp tests/userspace/good/*.json "$d/"
		cp examples/sim/zone1-*.json "$d/" ;;
	virtio_config)
		cp tests/userspace/vgood/*.json "$d/"
		cp examples/sim/virtio-*.json "$d/" ;;
	esac
	# The regression inputs seed the fuzzing too: near a bug, more bugs.
	# (The JSON targets have no checked-in corpus: git keeps no empty
	# folder, and their seeds are the configs above.)
	local dirs=$d
	[ -d "$FZ/regress/$t" ] && dirs="$FZ/regress/$t $dirs"
	[ -d "$FZ/corpus/$t" ] && dirs="$FZ/corpus/$t $dirs"
	echo "$dirs"
}

fuzz_one() {
	local t=$1 bin=$OUT/bin/fuzz_$1 log=$OUT/logs/$1.log work=$OUT/work/$1
	local art=$OUT/artifacts/$1 budget rc=0 t0 secs regs
	local -a limit
	if ! build "$t" >"$OUT/logs/$t.build.log" 2>&1; then
		cat "$OUT/logs/$t.build.log"
		fail "fuzz $t: does not build"
		return
	fi
	mkdir -p "$art"
	# Regressions: every saved input, replayed once.
	regs=$(find "$FZ/regress/$t" -type f ! -name README 2>/dev/null | sort)
	if [ -n "$regs" ]; then
		# shellcheck disable=SC2086
		if "$bin" -timeout=10 -rss_limit_mb=2048 $regs \
			>"$OUT/logs/$t.regress.log" 2>&1; then
			pass "fuzz $t: $(echo "$regs" | wc -l) regression inputs"
		else
			tail -n 40 "$OUT/logs/$t.regress.log"
			fail "fuzz $t: regression inputs"
		fi
	fi
	# A fresh working corpus each run: deterministic from the seeds.
	rm -rf "$work"
	mkdir -p "$work"
	if [ -n "$FUZZ_RUNS" ]; then
		limit=(-runs="$FUZZ_RUNS")
		budget=600
	else
		limit=(-max_total_time="$FUZZ_TIME")
		budget=$((FUZZ_TIME + 30))
	fi
	t0=$(now)
	# shellcheck disable=SC2046
	timeout -k 5 "$budget" "$bin" -seed=$((1000 + ${#t})) "${limit[@]}" \
		-timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=512 \
		-max_len=20000 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$art/" "$work" $(seed_dirs "$t") \
		>"$log" 2>&1 || rc=$?
	secs=$(elapsed "$t0")
	if [ "$rc" = 0 ] && grep -q '^stat::number_of_executed_units' "$log"; then
		pass "fuzz $t: $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs, $(find "$work" -type f | wc -l) corpus, ${secs}s"
	else
		tail -n 60 "$log"
		ls -l "$art"
		fail "fuzz $t: exit status $rc after ${secs}s (log $log; inputs in $art)"
	fi
}

main() {
	local t
	CC=$(find_clang)
	if [ -z "$CC" ]; then
		echo "FAIL fuzz: no clang with a libFuzzer runtime (scripts/install-deps.sh)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	mkdir -p "$OUT/bin" "$OUT/logs"
	make_forwarders
	echo "fuzz: $CC, ${FUZZ_RUNS:-${FUZZ_TIME}s} ${FUZZ_RUNS:+runs} per target, seed fixed per target"
	for t in $TARGETS; do
		case " $TARGETS_ALL " in
		*" $t "*) fuzz_one "$t" ;;
		*) fail "fuzz $t: no such target ($TARGETS_ALL)" ;;
		esac
	done
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}

main
