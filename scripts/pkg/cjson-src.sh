#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/pkg/cjson-src.sh [DIR]: Debian's cjson source package, the
# version of the installed libcjson-dev (Debian's patches applied), unpacked
# into DIR (default build/cjson-src), for `make static-tool`: Debian ships
# libcjson as a shared library only.  apt's own configuration is left alone:
# a private deb-src list and lists directory under DIR are used.  Does
# nothing if DIR already holds that version.  Needs apt-get and dpkg-dev.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$TOP/build/cjson-src}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

ver=$(dpkg-query -W -f='${Version}' libcjson-dev 2>/dev/null) ||
	{ echo "cjson-src: libcjson-dev is not installed (scripts/install-deps.sh)" >&2; exit 1; }
upver=${ver%-*}
upver=${upver#*:}
if [ -f "$DIR/.version" ] && [ "$(cat "$DIR/.version")" = "$ver" ] &&
   [ -f "$DIR/cjson-$upver/cJSON.c" ]; then
	echo "$DIR/cjson-$upver/cJSON.c"
	exit 0
fi
. /etc/os-release
rm -rf "$DIR"
mkdir -p "$DIR/apt/lists/partial"
{
	echo "deb-src $MIRROR $VERSION_CODENAME main"
	echo "deb-src $MIRROR $VERSION_CODENAME-updates main"
	echo "deb-src http://deb.debian.org/debian-security $VERSION_CODENAME-security main"
} >"$DIR/apt/sources.list"
APT=(-q -o "Dir::Etc::SourceList=$DIR/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o "Dir::State::Lists=$DIR/apt/lists" -o APT::Sandbox::User=root)
apt-get "${APT[@]}" update >"$DIR/apt.log" 2>&1 ||
	{ cat "$DIR/apt.log" >&2; echo "cjson-src: apt-get update failed" >&2; exit 1; }
(cd "$DIR" && apt-get "${APT[@]}" source "cjson=$ver") >>"$DIR/apt.log" 2>&1 ||
	{ cat "$DIR/apt.log" >&2; echo "cjson-src: apt-get source cjson=$ver failed" >&2; exit 1; }
[ -f "$DIR/cjson-$upver/cJSON.c" ] ||
	{ echo "cjson-src: no cjson-$upver/cJSON.c in the source package" >&2; exit 1; }
echo "$ver" >"$DIR/.version"
echo "$DIR/cjson-$upver/cJSON.c"
