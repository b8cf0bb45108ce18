# SPDX-License-Identifier: Apache-2.0
#
# The Linux guest, included by the top-level Makefile (needs BUILD, CROSS).
# Assembled from Debian's arm64 packages, fetched once into $(BUILD)/guests/linux/debs/.
#
#   $(BUILD)/guests/linux/Image               the cloud kernel, uncompressed arm64 Image
#   $(BUILD)/guests/linux/initramfs.cpio.gz   busybox-static, iperf3 + libraries, /init
#   $(BUILD)/guests/linux/modules/            the kernel's modules tree (not in the initramfs)
#   $(BUILD)/guests/linux/kmod/               our modules (guests/linux/shmnet/), in the initramfs
#   $(BUILD)/guests/linux/examples/           the example programs (static), in the initramfs
#   make linux-guest      build both
#   make linux-qemu       boot them on plain QEMU (no hypervisor); quit: poweroff
#   make linux-headers    $(BUILD)/guests/linux/headers/ for out-of-tree modules
#   make linux-clean      remove all but the download cache
#   make linux-distclean  remove the download cache too
#
# See docs/linux.md.

# Do not let these rules become the default goal of the including Makefile.
LX_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

LX_DIR      := guests/linux
LX_OUT      := $(BUILD)/guests/linux
LX_ASSEMBLE := LX_OUT=$(LX_OUT) READELF=$(CROSS)readelf PYTHON=$(or $(PYTHON),python3) \
	CROSS=$(CROSS) MAKE="$(MAKE)" $(LX_DIR)/assemble.sh
LX_APT      := $(LX_OUT)/debs/.apt-ready
LX_ROOTFS   := $(shell find $(LX_DIR)/rootfs -type f -o -type l 2>/dev/null)
LX_HEADERS  := $(LX_OUT)/headers/.done
LX_KMOD     := $(LX_OUT)/kmod/.done
LX_KMOD_SRC := $(wildcard $(LX_DIR)/shmnet/*.c $(LX_DIR)/shmnet/*.h) $(LX_DIR)/shmnet/Kbuild
LX_EXAMPLES := $(patsubst $(LX_DIR)/examples/%.c,$(LX_OUT)/examples/%,\
	$(wildcard $(LX_DIR)/examples/*.c))

LINUX_IMAGES := $(LX_OUT)/Image $(LX_OUT)/initramfs.cpio.gz

# Made once: adds the arm64 architecture and package lists to apt if missing (as
# root), else says how. Order-only below, so it never forces a rebuild.
$(LX_APT):
	$(Q)$(LX_ASSEMBLE) apt-ready

# The kernel version is resolved from linux-image-cloud-arm64 when this runs;
# `make linux-clean linux-guest` picks up a newer one after an apt-get update.
$(LX_OUT)/Image: $(LX_DIR)/assemble.sh | $(LX_APT)
	$(Q)$(LX_ASSEMBLE) kernel

# The headers of the very kernel the Image was made from (kernel.release).
$(LX_HEADERS): $(LX_DIR)/assemble.sh $(LX_OUT)/Image | $(LX_APT)
	$(Q)$(LX_ASSEMBLE) headers
	@touch $@

# Our modules, cross-built against those headers.
$(LX_KMOD): $(LX_KMOD_SRC) $(LX_HEADERS)
	$(Q)echo "  KMOD    $(LX_DIR)/shmnet"
	+$(Q)$(LX_ASSEMBLE) kmod
	@touch $@

$(LX_OUT)/examples/%: $(LX_DIR)/examples/%.c $(wildcard $(LX_DIR)/shmnet/*.h)
	@mkdir -p $(dir $@)
	$(Q)echo "  CC      $<"
	$(Q)$(CROSS)gcc -static -O2 -Wall -Wextra -Werror -I$(LX_DIR)/shmnet -o $@ $<

# After the kernel to record its release in /etc/phidias-kernel and take its modules.
$(LX_OUT)/initramfs.cpio.gz: $(LX_DIR)/assemble.sh $(LX_DIR)/mkcpio.py $(LX_ROOTFS) \
		$(LX_OUT)/Image $(LX_KMOD) $(LX_EXAMPLES) | $(LX_APT)
	$(Q)$(LX_ASSEMBLE) initramfs

LX_QEMU_APPEND ?= console=ttyAMA0 phidias.name=linux

.PHONY: linux-guest linux-qemu linux-headers linux-kmod linux-clean linux-distclean
linux-guest: $(LINUX_IMAGES)

linux-qemu: $(LINUX_IMAGES)
	qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 512M -nographic \
		-kernel $(LX_OUT)/Image -initrd $(LX_OUT)/initramfs.cpio.gz \
		-append "$(LX_QEMU_APPEND)"

linux-headers: $(LX_HEADERS)
linux-kmod: $(LX_KMOD)

linux-clean:
	find $(LX_OUT) -mindepth 1 -maxdepth 1 ! -name debs -exec rm -rf {} + 2>/dev/null || true

linux-distclean:
	rm -rf $(LX_OUT)

.DEFAULT_GOAL := $(LX_SAVED_DEFAULT_GOAL)
