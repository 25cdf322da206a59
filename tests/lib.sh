# shellcheck shell=bash
# Shared helpers for the host-side test scripts (tests/run, tests/vm/*.sh,
# tests/kunit/run.sh).  Source it; it sets ROOT (the repo) and BUILD (its
# build/ cache) and never changes the shell options of the caller.

# shellcheck disable=SC2034  # for the scripts that source this file
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034
BUILD=$ROOT/build
export DEBIAN_FRONTEND=noninteractive

log()  { printf '%s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 2; }

# apt-get, retried while another apt/dpkg process holds the lock (other
# engineers share the dev box; in CI this never waits).
apt_retry() {
	local i
	for i in 1 2 3 4 5; do
		apt-get -o DPkg::Lock::Timeout=120 "$@" && return 0
		log "apt-get $* failed (attempt $i), retrying"
		sleep 5
	done
	return 1
}

# The Debian kernel ABI of a kernel series Debian 12 ships (6.1, the
# default, or 6.12), e.g. 6.1.0-57-amd64 or 6.12.118+deb12-amd64, from the
# installed headers meta package.  It changes with each security upload,
# so always derive it at run time.
kver_amd64() {
	local meta=linux-headers-amd64
	case ${1:-6.1} in
	6.1) ;;
	6.12) meta=linux-headers-6.12-amd64 ;;
	*) die "unknown kernel series '$1' (6.1 | 6.12)" ;;
	esac
	dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null |
		sed -n 's/^linux-headers-\([^ ,]*\) .*/\1/p'
}

# kver_for ARCH [SERIES]: KVER of the guest kernel for an arch (x86_64 |
# arm64) and series (6.1 | 6.12, default 6.1).
kver_for() {
	local k
	k=$(kver_amd64 "${2:-6.1}")
	[ -n "$k" ] || die "cannot derive KVER: is the ${2:-6.1} headers package installed? (scripts/install-deps.sh)"
	case $1 in
	x86_64) echo "$k" ;;
	arm64)  echo "${k%-amd64}-arm64" ;;
	*) die "unknown arch '$1' (x86_64 | arm64)" ;;
	esac
}

# Run "$@" with the arm64 dpkg architecture enabled, then disable it again
# (only if we enabled it: someone else may be using it).  Downloads only,
# nothing of arm64 is ever installed on the host.
with_arm64_arch() {
	local added=0 rc=0
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		added=1
	fi
	apt_retry update -qq || rc=$?
	if [ "$rc" = 0 ]; then
		"$@" || rc=$?
	fi
	if [ "$added" = 1 ]; then
		dpkg --remove-architecture arm64 || log "warning: could not remove arm64 dpkg arch"
	fi
	return "$rc"
}

# Seconds since the epoch with 0.1 s resolution, for timings.
now() { date +%s.%N | cut -c1-12; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
