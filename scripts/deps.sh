#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Check for (and install) what Phidias needs on a Debian 12 host.
#   deps.sh --ensure   install what is missing when root, else print the command and fail
#   deps.sh --install  the same, but also say when everything is present
set -u

# command-or-file:package pairs
NEEDS="
aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu
aarch64-linux-gnu-objcopy:binutils-aarch64-linux-gnu
qemu-system-aarch64:qemu-system-arm
xml2-config:libxml2-dev
dtc:device-tree-compiler
cppcheck:cppcheck
gcc:gcc
make:make
/usr/lib/python3/dist-packages/pytest/__init__.py:python3-pytest
/usr/lib/python3/dist-packages/pexpect/__init__.py:python3-pexpect
/usr/lib/u-boot/qemu_arm64/u-boot.bin:u-boot-qemu
"

missing=""
for pair in $NEEDS; do
	what=${pair%%:*}
	pkg=${pair#*:}
	case $what in
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done

if [ -z "$missing" ]; then
	[ "${1:-}" = --install ] && echo "deps: everything Phidias needs is installed."
	exit 0
fi

echo "deps: missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing them with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 && apt-get install -y -q $missing >&2 || {
	echo "deps: apt-get failed; install by hand: apt-get install -y$missing" >&2
	exit 1
}
exit 0
