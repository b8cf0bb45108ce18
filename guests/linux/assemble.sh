#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Assemble the Linux guest from Debian's arm64 packages (called by linux.mk).
#
#   assemble.sh apt-ready   make sure apt knows the arm64 archive (root: fix it)
#   assemble.sh kernel      $LX_OUT/Image, kernel.release, kernel/ (the whole package)
#   assemble.sh initramfs   $LX_OUT/initramfs.cpio.gz
#   assemble.sh headers     $LX_OUT/headers/: kbuild tree for out-of-tree modules
#   assemble.sh kmod        $LX_OUT/kmod/*.ko: our modules (guests/linux/shmnet/)
#
# Environment: LX_OUT (default build/guests/linux), READELF (default aarch64-linux-gnu-readelf),
# PYTHON (default python3), CROSS (default aarch64-linux-gnu-), MAKE (default make).
#
# Packages are fetched with `apt-get download` into $LX_OUT/debs/ and unpacked with
# `dpkg-deb -x`; nothing arm64 is ever installed on the host (installing an arm64
# package would make apt remove the cross toolchain). A .deb already in the cache
# is never fetched again.

# Package lists are kept in space-separated strings and split on purpose.
# shellcheck disable=SC2086,SC2046
set -eu

LX_DIR=$(cd "$(dirname "$0")" && pwd)
LX_OUT=${LX_OUT:-build/guests/linux}
READELF=${READELF:-aarch64-linux-gnu-readelf}
CROSS=${CROSS:-aarch64-linux-gnu-}
MAKE=${MAKE:-make}
PYTHON=${PYTHON:-python3}
DEBS=$LX_OUT/debs
ARCH=arm64
KERNEL_META=linux-image-cloud-arm64
# Kernel modules of the kernel package the initramfs carries (with their dependencies).
KERNEL_MODULES="bridge"

export LC_ALL=C

say() { echo "  LINUX   $*" >&2; }
die() {
	echo "linux-guest: error: $*" >&2
	exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_fix_hint() {
	cat >&2 <<EOF
linux-guest: apt does not know Debian's $ARCH packages yet. As root, run once:
    dpkg --add-architecture $ARCH
    apt-get update
(this only adds package lists; nothing $ARCH is installed), then run make again.
EOF
}

# pkginfo PKG:ARCH...: one line "name arch version dep..." per package apt knows,
# for its candidate version; deps are the first alternative of every Depends and
# Pre-Depends entry. One apt-cache run for all: without a binary cache (Debian's
# docker images) each run re-reads all package lists, which takes seconds.
pkginfo() {
	apt-cache show --no-all-versions "$@" 2>/dev/null | awk '
		function deps(s,   n, a, i, x, out) {
			n = split(s, a, ",")
			for (i = 1; i <= n; i++) {
				x = a[i]
				sub(/\|.*/, "", x)
				sub(/\(.*/, "", x)
				sub(/:.*/, "", x)
				gsub(/[ \t]/, "", x)
				if (x != "")
					out = out " " x
			}
			return out
		}
		function flush() {
			if (p != "")
				print p, a, v deps(d)
			p = a = v = d = ""
		}
		/^Package: / { p = $2 }
		/^Architecture: / { a = $2 }
		/^Version: / { v = $2 }
		/^(Pre-)?Depends: / { sub(/^[^:]*: /, ""); d = d "," $0 }
		/^$/ { flush() }
		END { flush() }'
}

# The candidate version of an arm64 package, or nothing when apt does not know it.
candidate() {
	pkginfo "$1:$ARCH" | awk '{ print $3; exit }'
}

apt_update() {
	say "apt-get update (arm64 package lists)"
	DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
		die "apt-get update failed; check the network and /etc/apt/sources.list*"
}

cmd_apt_ready() {
	for tool in apt-get apt-cache dpkg dpkg-deb; do
		command -v $tool >/dev/null || die "$tool is needed (a Debian host)"
	done
	need_update=0
	if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
		if ! is_root; then
			apt_fix_hint
			exit 1
		fi
		say "dpkg --add-architecture $ARCH"
		dpkg --add-architecture "$ARCH"
		need_update=1
	fi
	[ -n "$(candidate "$KERNEL_META")" ] || need_update=1
	if [ $need_update -eq 1 ]; then
		if ! is_root; then
			apt_fix_hint
			exit 1
		fi
		apt_update
		[ -n "$(candidate "$KERNEL_META")" ] ||
			die "after apt-get update apt still has no $KERNEL_META:$ARCH; the configured archive must carry Debian's $ARCH 'main' component (see /etc/apt/sources.list*)"
	fi
	mkdir -p "$DEBS"
	touch "$DEBS/.apt-ready"
}

# The cache file apt-get download makes for NAME ARCH VERSION (':' quoted as %3a).
deb_path() {
	echo "$DEBS/${1}_$(echo "$3" | sed 's/:/%3a/g')_$2.deb"
}

# The packages of a pkginfo list whose .deb is not in the cache, as NAME:ARCH=VERSION.
missing_debs() {
	echo "$1" | while read -r name arch ver _; do
		[ -s "$(deb_path "$name" "$arch" "$ver")" ] || printf ' %s' "$name:$arch=$ver"
	done
}

# download PKGINFO: fetch the missing .debs into the cache with one apt-get run.
download() {
	missing=$(missing_debs "$1")
	[ -n "$missing" ] || return 0
	say "download$missing"
	mkdir -p "$DEBS"
	# As root apt drops to the _apt user, which may not write into the cache.
	sandbox=
	is_root && sandbox="-o APT::Sandbox::User=root"
	(cd "$DEBS" && apt-get download -q $sandbox $missing >&2) || return 1
	[ -z "$(missing_debs "$1")" ] || die "apt-get download did not leave$missing in $DEBS"
}

# fetch PKG:ARCH...: print "name arch version dep..." for each (see pkginfo) and
# make sure its .deb is in the cache.
fetch() {
	info=$(pkginfo "$@")
	for want; do
		echo "$info" | grep -q "^${want%:*} " ||
			die "apt knows no package $want. Run as root: dpkg --add-architecture $ARCH && apt-get update"
	done
	if ! download "$info"; then
		is_root || die "apt-get download of$missing failed (see above). If the package lists are stale, run as root: apt-get update; then run make again"
		# Stale package lists name files the archive has dropped: refresh, retry once.
		apt_update
		info=$(pkginfo "$@")
		download "$info" ||
			die "apt-get download of$missing failed even after apt-get update; check the network and /etc/apt/sources.list*"
	fi
	echo "$info"
}

# The release (uname -r) the metapackage currently points at, e.g. 6.1.0-56-cloud-arm64.
kernel_release() {
	pkg=$(pkginfo "$KERNEL_META:$ARCH" | tr ' ' '\n' | grep '^linux-image-[0-9]' | head -n 1)
	[ -n "$pkg" ] || die "cannot resolve the kernel from the dependencies of $KERNEL_META:$ARCH (apt-cache show $KERNEL_META:$ARCH)"
	echo "${pkg#linux-image-}"
}

is_arm64_image() {
	[ "$(od -An -tx1 -j56 -N4 "$1" | tr -d ' \n')" = 41524d64 ]
}

cmd_kernel() {
	rel=$(kernel_release)
	info=$(fetch "linux-image-$rel:$ARCH")
	set -- $info
	deb=$(deb_path "$1" "$2" "$3")
	say "unpack $(basename "$deb")"
	rm -rf "$LX_OUT/kernel" "$LX_OUT/Image.tmp"
	mkdir -p "$LX_OUT/kernel"
	dpkg-deb -x "$deb" "$LX_OUT/kernel"
	vmlinuz=$LX_OUT/kernel/boot/vmlinuz-$rel
	[ -f "$vmlinuz" ] || die "$deb has no boot/vmlinuz-$rel"
	# Debian has shipped the arm64 kernel both gzip-compressed and plain; the
	# boot protocol (and Phidias) wants the plain Image.
	if [ "$(od -An -tx1 -N2 "$vmlinuz" | tr -d ' \n')" = 1f8b ]; then
		gzip -dc "$vmlinuz" >"$LX_OUT/Image.tmp"
	else
		cp "$vmlinuz" "$LX_OUT/Image.tmp"
	fi
	is_arm64_image "$LX_OUT/Image.tmp" ||
		die "vmlinuz-$rel is not an ARM64 Image (no \"ARMd\" magic at offset 56)"
	echo "$rel" >"$LX_OUT/kernel.release"
	ln -sfn "kernel/lib/modules/$rel" "$LX_OUT/modules"
	mv "$LX_OUT/Image.tmp" "$LX_OUT/Image"
	say "Image $rel ($(wc -c <"$LX_OUT/Image") bytes), modules in $LX_OUT/modules/"
}

needed() {
	"$READELF" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

# Copy the shared libraries ELF file $1 needs, and theirs, from the unpacked
# packages in $SYSROOT to the staging tree's /lib/aarch64-linux-gnu.
copy_libs() {
	for soname in $(needed "$1"); do
		[ -e "$STAGE/lib/aarch64-linux-gnu/$soname" ] && continue
		found=
		for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
			if [ -e "$SYSROOT/$d/$soname" ]; then
				found=$SYSROOT/$d/$soname
				break
			fi
		done
		[ -n "$found" ] || die "$soname (needed by $(basename "$1")) is in none of:$PKGS"
		cp -L "$found" "$STAGE/lib/aarch64-linux-gnu/$soname"
		copy_libs "$STAGE/lib/aarch64-linux-gnu/$soname"
	done
}

cmd_initramfs() {
	SYSROOT=$LX_OUT/sysroot
	STAGE=$LX_OUT/initramfs.d
	rm -rf "$SYSROOT" "$STAGE"
	mkdir -p "$SYSROOT" "$STAGE"

	# busybox-static, iperf3, iproute2 (ip -s, bridge), ethtool and iputils' ping
	# (it waits for every reply until its -w deadline), and what they
	# depend on, followed through Depends/Pre-Depends level by level as far as
	# shared-library packages (lib*, and zlib1g which libelf needs) go: that is
	# where sonames live, and it leaves adduser, debconf, perl & co. out.
	# copy_libs checks afterwards that every needed soname was found.
	PKGS=
	level="busybox-static iperf3 iproute2 ethtool iputils-ping zlib1g"
	while [ -n "$level" ]; do
		# Architecture-independent packages (libtirpc-common) are NAME:all.
		known=$(pkginfo $(for p in $level; do echo "$p:$ARCH"; done) | cut -d' ' -f1)
		info=$(fetch $(for p in $level; do
			if echo "$known" | grep -qx "$p"; then echo "$p:$ARCH"; else echo "$p:all"; fi
		done))
		for p in $level; do PKGS="$PKGS $p"; done
		level=
		for name in $(echo "$info" | cut -d' ' -f1); do
			set -- $(echo "$info" | awk -v n="$name" '$1 == n')
			dpkg-deb -x "$(deb_path "$1" "$2" "$3")" "$SYSROOT"
			shift 3
			[ "$name" = busybox-static ] && continue
			for dep; do
				case "$dep $PKGS $level " in
				lib*" $dep "*) ;;
				lib*) level="$level $dep" ;;
				esac
			done
		done
	done
	say "initramfs from:$PKGS"

	for d in bin sbin usr/bin usr/sbin lib/aarch64-linux-gnu dev proc sys tmp root etc; do
		mkdir -p "$STAGE/$d"
	done
	chmod 1777 "$STAGE/tmp"
	chmod 0700 "$STAGE/root"

	cp "$SYSROOT/bin/busybox" "$STAGE/bin/busybox"
	# The applet links are made at boot (busybox --install -s): the host cannot run
	# the arm64 busybox to list them. The shell that runs /init is linked now.
	ln -s busybox "$STAGE/bin/sh"

	cp "$SYSROOT/usr/bin/iperf3" "$STAGE/usr/bin/iperf3"
	copy_libs "$STAGE/usr/bin/iperf3"
	# Debian's ip and bridge (statistics, bridges), ethtool and ping, beside
	# busybox's applets: busybox's shell runs its own `ip` and `ping` first, so
	# /etc/profile points the names at these (docs/linux.md).
	for tool in ip bridge ethtool ping; do
		src=
		for d in bin sbin usr/bin usr/sbin; do
			[ -f "$SYSROOT/$d/$tool" ] && src=$SYSROOT/$d/$tool && break
		done
		[ -n "$src" ] || die "no $tool in the unpacked packages:$PKGS"
		cp "$src" "$STAGE/usr/sbin/$tool"
		copy_libs "$STAGE/usr/sbin/$tool"
	done
	interp=$("$READELF" -l "$STAGE/usr/bin/iperf3" |
		sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
	[ -n "$interp" ] || die "iperf3 names no program interpreter"
	[ -e "$SYSROOT$interp" ] || die "the dynamic loader $interp is not in libc6:$ARCH"
	# As in Debian: the loader lives with the libraries (libc.so.6 names it too),
	# and the path in PT_INTERP links to it (an absolute link, resolved in the guest).
	loader=lib/aarch64-linux-gnu/$(basename "$interp")
	[ -e "$STAGE/$loader" ] || cp -L "$SYSROOT$interp" "$STAGE/$loader"
	if [ "$interp" != "/$loader" ]; then
		mkdir -p "$STAGE$(dirname "$interp")"
		ln -sfn "/$loader" "$STAGE$interp"
	fi

	install_modules
	if [ -d "$LX_OUT/examples" ]; then
		cp "$LX_OUT"/examples/* "$STAGE/usr/bin/"
	fi

	# Our own files (init, /etc) go last, so they win.
	cp -a "$LX_DIR/rootfs/." "$STAGE/"
	rel=
	[ -f "$LX_OUT/kernel.release" ] && rel=$(cat "$LX_OUT/kernel.release")
	echo "${rel:-unknown}" >"$STAGE/etc/phidias-kernel"

	"$PYTHON" "$LX_DIR/mkcpio.py" --root "$STAGE" \
		--node "/dev/console c 5 1 0600" --node "/dev/null c 1 3 0666" \
		--gzip -o "$LX_OUT/initramfs.cpio.gz.tmp"
	mv "$LX_OUT/initramfs.cpio.gz.tmp" "$LX_OUT/initramfs.cpio.gz"
	say "initramfs.cpio.gz ($(wc -c <"$LX_OUT/initramfs.cpio.gz") bytes)"
}

# The .modinfo "depends=" of a module file, as module names.
modinfo_depends() {
	"${CROSS}objcopy" -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null |
		tr '\000' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# The kernel modules the guest loads at boot, after their dependencies, into
# /lib/modules/<release>/, listed in load order in /etc/phidias-modules:
# the kernel's own (the bridge) from its package, then ours from $LX_OUT/kmod/.
# Without depmod in the guest, busybox insmod loads them in that order.
install_modules() {
	rel=$(cat "$LX_OUT/kernel.release")
	mdir=$STAGE/lib/modules/$rel
	mkdir -p "$mdir"
	: >"$STAGE/etc/phidias-modules"
	for m in $KERNEL_MODULES; do
		add_kernel_module "$m"
	done
	for ko in "$LX_OUT"/kmod/*.ko; do
		[ -f "$ko" ] || die "no modules in $LX_OUT/kmod (make builds them first)"
		# Without debug information, as `make modules_install INSTALL_MOD_STRIP=1`.
		"${CROSS}strip" --strip-debug -o "$mdir/$(basename "$ko")" "$ko"
		basename "$ko" >>"$STAGE/etc/phidias-modules"
	done
}

add_kernel_module() {
	grep -qx "$1.ko" "$STAGE/etc/phidias-modules" && return 0
	ko=$(find "$LX_OUT/kernel/lib/modules/$rel/kernel" -name "$1.ko" | head -n 1)
	[ -n "$ko" ] || die "the kernel package has no module $1.ko"
	cp "$ko" "$mdir/"
	# Functions share variables in sh: only the arguments survive the recursion.
	set -- "$1" $(modinfo_depends "$ko")
	for dep; do
		[ "$dep" = "$1" ] || add_kernel_module "$dep"
	done
	echo "$1.ko" >>"$STAGE/etc/phidias-modules"
}

# The release the Image was made from (kernel.release), else what apt resolves now:
# headers and modules must match the kernel the guest boots.
built_release() {
	if [ -s "$LX_OUT/kernel.release" ]; then
		cat "$LX_OUT/kernel.release"
	else
		kernel_release
	fi
}

# Headers for building out-of-tree modules against the guest kernel: the arm64
# headers, but the kbuild helpers (fixdep, modpost) for the machine that builds.
cmd_headers() {
	rel=$(built_release)
	host=$(dpkg --print-architecture)
	deps=$(pkginfo "linux-headers-$rel:$ARCH" | cut -d' ' -f4- | tr ' ' '\n')
	common=$(echo "$deps" | grep '^linux-headers-' | head -n 1)
	kbuild=$(echo "$deps" | grep '^linux-kbuild-' | head -n 1)
	if [ -z "$common" ] || [ -z "$kbuild" ]; then
		die "linux-headers-$rel:$ARCH does not name its -common and linux-kbuild packages"
	fi
	info=$(fetch "linux-headers-$rel:$ARCH" "$common:all" "$kbuild:$host")
	rm -rf "$LX_OUT/headers"
	mkdir -p "$LX_OUT/headers"
	echo "$info" | while read -r name arch ver _; do
		dpkg-deb -x "$(deb_path "$name" "$arch" "$ver")" "$LX_OUT/headers"
	done
	# The flavour's Makefile includes the common one by its installed path.
	kdir=$LX_OUT/headers/usr/src/linux-headers-$rel
	sed -i "s|^include /usr/src/|include \$(dir \$(lastword \$(MAKEFILE_LIST)))../|" \
		"$kdir/Makefile"
	grep -q '^include /usr/src/' "$kdir/Makefile" &&
		die "$kdir/Makefile still includes from /usr/src"
	ln -sfn "headers/usr/src/linux-headers-$rel" "$LX_OUT/kbuild"
	say "headers: make -C $kdir M=\$PWD ARCH=arm64 CROSS_COMPILE=$(basename "${READELF%readelf}")"
}

# Our modules (guests/linux/shmnet/), cross-built against the headers of the
# kernel the guest boots, in $LX_OUT/kmod/ (kbuild writes beside the sources,
# so they are copied there first).
cmd_kmod() {
	[ -d "$LX_OUT/kbuild" ] || die "no headers in $LX_OUT/kbuild (assemble.sh headers)"
	src=$LX_DIR/shmnet
	out=$LX_OUT/kmod
	rm -rf "$out"
	mkdir -p "$out"
	cp "$src"/Kbuild "$src"/*.c "$src"/*.h "$out/"
	log=$out/build.log
	if ! $MAKE -C "$LX_OUT/kbuild" M="$(cd "$out" && pwd)" ARCH=arm64 \
		CROSS_COMPILE="$CROSS" modules >"$log" 2>&1; then
		cat "$log" >&2
		die "building the modules in $src failed"
	fi
	# Warnings are errors here: the log is short, show it.
	if grep -q 'warning:' "$log"; then
		cat "$log" >&2
		die "the modules in $src build with warnings"
	fi
	ls "$out"/*.ko >/dev/null 2>&1 || die "kbuild made no .ko in $out"
}

case ${1:-} in
apt-ready) cmd_apt_ready ;;
kmod) cmd_kmod ;;
kernel) cmd_kernel ;;
initramfs) cmd_initramfs ;;
headers) cmd_headers ;;
release) kernel_release ;;
*)
	echo "usage: $0 apt-ready|kernel|initramfs|headers|kmod|release" >&2
	exit 2
	;;
esac
