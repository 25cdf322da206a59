# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Shared by the e2e scripts of upstream's daemon (daemon_*.sh; sourced
# after vblk.sh, not run): the slot of zone 1 the test daemon hvd_rng
# serves, starting it, pass/fail and the EXIT trap's cleanup.

case $VBLK_ARCH in
# the third virtio slot of examples/sim's zone 1, and an irq for it
x86_64) RNG=0x7f00000400 RIRQ=12 ;;
arm64) RNG=0xb000400 RIRQ=77 ;;
esac
BIN=/usr/libexec/hvisor-tests
# shellcheck disable=SC2034  # for the caller
SIMD=/sys/kernel/debug/hvisor_sim
HWRNG=/sys/class/misc/hw_random
DPID=
# shellcheck disable=SC2034  # the caller's verdict
FAILED=0

pass() { log "ok: $*"; }
# shellcheck disable=SC2034  # the caller's verdict
fail() { log "FAIL: $*"; FAILED=1; }

# hvd_cleanup: for the EXIT trap (the daemon, zone 1's devices, the rest)
# shellcheck disable=SC2317  # run by the EXIT trap
hvd_cleanup() {
	[ -n "$DPID" ] && kill -KILL "$DPID" 2>/dev/null
	hvisor virtio detach --zone 1 >/dev/null 2>&1
	vblk_cleanup
}

# hvd_start LOG [ARGS...]: start hvd_rng for the rng slot of zone 1 with
# ARGS, its output in LOG, and wait up to 5 s until it is ready -> $DPID;
# false (LOG shown) if it is not
hvd_start() {
	l=$1
	shift
	"$BIN/hvd_rng" -z 1 -a "$RNG" -i "$RIRQ" -m "$VBLK_MEM" "$@" >"$l" 2>&1 &
	DPID=$!
	for _ in $(seq 50); do
		grep -q 'hvd_rng: ready' "$l" && return 0
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$l"
	return 1
}

# hvd_use_rng: wait up to 10 s for Linux's virtio_rng and make it the
# current hwrng; false if it did not come
hvd_use_rng() {
	for _ in $(seq 40); do
		grep -q virtio_rng $HWRNG/rng_available && break
		sleep 0.25
	done
	name=$(tr ' ' '\n' <$HWRNG/rng_available | grep virtio_rng | head -n 1)
	[ -n "$name" ] || return 1
	[ "$(cat $HWRNG/rng_current)" = "$name" ] ||
		echo "$name" >$HWRNG/rng_current
}
