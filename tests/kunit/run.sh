#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/kunit/run.sh [kunit.py run options...]: the KUnit tier.
#
# Debian's kernels have CONFIG_KUNIT unset, so the suites run on UML built
# from Debian's linux-source-6.1 with the kernel's own kunit.py:
#   build/kunit/src   the extracted source (once per linux-source version),
#                     with drivers/hvisor -> the project root and two lines
#                     pulling in tests/kunit/{Kconfig,Makefile}
#   build/kunit/uml   kunit.py's build dir (kept: warm runs take seconds)
#   build/kunit/kunit.log   the full kunit.py output
# Prints kunit.py's result lines and, last, "kunit: P passed, F failed,
# S skipped" (crashed tests and errors count as failed); exits non-zero if
# anything failed or the build broke.  Extra arguments go to `kunit.py run`
# (e.g. a filter glob 'zone_check*').
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

SRC=$BUILD/kunit/src
UML=$BUILD/kunit/uml
KLOG=$BUILD/kunit/kunit.log
TARBALL=/usr/src/linux-source-6.1.tar.xz

# Extract the kernel source once; re-extract when the package changes.
prepare_source() {
	local ver
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		die "linux-source-6.1 is not installed (scripts/install-deps.sh)"
	if [ "$(cat "$SRC/.hvisor-extracted" 2>/dev/null)" != "$ver" ]; then
		log "kunit: extracting linux-source-6.1 $ver into ${SRC#"$ROOT"/}"
		rm -rf "$SRC" "$UML"
		mkdir -p "$SRC"
		tar -xJf "$TARBALL" --strip-components=1 -C "$SRC"
		echo "$ver" >"$SRC/.hvisor-extracted"
	fi
	# the project, as drivers/hvisor; repoint if the checkout moved
	ln -sfn "$ROOT" "$SRC/drivers/hvisor"
	if ! grep -q 'drivers/hvisor/tests/kunit/Kconfig' "$SRC/drivers/Kconfig"; then
		# before the last endmenu
		tac "$SRC/drivers/Kconfig" |
			sed '0,/^endmenu/s//endmenu\n\nsource "drivers\/hvisor\/tests\/kunit\/Kconfig"/' |
			tac >"$SRC/drivers/Kconfig.new"
		mv "$SRC/drivers/Kconfig.new" "$SRC/drivers/Kconfig"
	fi
	if ! grep -q 'hvisor/tests/kunit/' "$SRC/drivers/Makefile"; then
		# shellcheck disable=SC2016  # a make variable
		echo 'obj-$(CONFIG_HVISOR_KUNIT_TEST) += hvisor/tests/kunit/' >>"$SRC/drivers/Makefile"
	fi
}

# The numbers from kunit.py's closing line, e.g.
#   Testing complete. Ran 26 tests: passed: 25, failed: 1
# (kunit.py leaves out the zero fields).
count() {
	sed -n 's/.*Testing complete\. Ran [0-9]* tests\?:.*\<'"$1"': \([0-9]*\).*/\1/p' "$KLOG" | tail -n 1
}

t0=$(now)
prepare_source
mkdir -p "$UML"
rc=0
(cd "$SRC" && ./tools/testing/kunit/kunit.py run --arch=um --jobs 2 \
	--build_dir="$UML" --kunitconfig="$ROOT/tests/kunit" "$@") >"$KLOG" 2>&1 || rc=$?

# Show the results, not the build chatter: kunit.py's output from the
# moment the kernel starts, and the KTAP lines of failed tests.
sed -n '/Starting KUnit Kernel/,$p' "$KLOG" | sed 's/^\[[0-9:]*\] //' | grep -v '^stty: '
grep -h '^ *not ok' "$UML/test.log" 2>/dev/null || true

if ! grep -q 'Testing complete' "$KLOG"; then
	tail -n 40 "$KLOG"
	log "kunit: kunit.py did not run the tests (build error?), status $rc; log ${KLOG#"$ROOT"/}"
	echo "kunit: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
passed=$(count passed) failed=$(count failed) skipped=$(count skipped)
crashed=$(count crashed) errors=$(count errors)
failed=$(( ${failed:-0} + ${crashed:-0} + ${errors:-0} ))
passed=${passed:-0} skipped=${skipped:-0}
if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	failed=1	# kunit.py failed although no test did
fi
log "kunit: done in $(elapsed "$t0") s (log ${KLOG#"$ROOT"/})"
echo "kunit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
