# SPDX-License-Identifier: Apache-2.0
#
# Phidias: the one entry point.  `make help` prints this list.
#   make [SCENARIO=s]        build build/<s>/phidias.bin (and .elf); s is a name in
#                            scenarios/ or a path to your own .xml (build/<its name>/)
#   make run [SCENARIO=s]    build it and boot it under QEMU (prints the command)
#   make run-uboot [SCENARIO=s]  the same through U-Boot's booti (u-boot-qemu)
#   make list                every scenario in scenarios/ with its one-line description
#   make scenarios           build every scenario in scenarios/
#   make guests              the bare-metal guests (build/guests/<g>.bin)
#   make guests-qemu         the same linked to run on bare QEMU (build/guests/qemu/)
#   make linux-guest         the Linux guest (build/guests/linux/Image, initramfs.cpio.gz)
#   make linux-qemu          boot the Linux guest on bare QEMU (no hypervisor)
#   make linux-headers       kernel headers for out-of-tree modules
#   make linux-clean         remove the Linux guest but keep the package cache
#   make linux-distclean     remove the package cache too
#   make test                host unit tests + system tests (boots QEMU)
#   make schism-unit-test    schism's unit tests only
#   make core-unit-test      host unit tests of the console and the emulated UART only
#   make bench               benchmark figures (QEMU -icount), no pass/fail
#   make bench-net           network figures between two Linux VMs (scenario net)
#   make soak [SOAK_SECONDS=n]  hostile guests with fresh seeds for n s (600)
#   make fuzz [FUZZ_TIME=s]  fuzz schism under ASan+UBSan for s seconds (docs/security.md)
#   make static-analysis     cppcheck over the tree and gcc -fanalyzer over schism
#   make deps                install what is missing (Debian packages)
#   make clean               remove everything the build wrote (build/)
#   Variables:
#   SCENARIO=name|file.xml   default: $(DEFAULT_SCENARIO)
#   IMAGE_PATH="dir ..."     more folders where schism looks for the images a
#                            scenario names (before build/guests; the scenario's
#                            own folder is searched last)
#   EXTRA_GUESTS="src ..."   your own bare-metal guests, each a .c file or a folder
#                            of .c/.S files, built like those in guests/baremetal/
#   V=1                      show every command in full

# The scenario `make` and `make run` build when none is given.
DEFAULT_SCENARIO := net
SCENARIO ?= $(DEFAULT_SCENARIO)
BUILD := build
CROSS := aarch64-linux-gnu-
HOSTCC := gcc
PYTHON := /usr/bin/python3
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
comma := ,
empty :=
space := $(empty) $(empty)
# $(call say,TAG,what): the one short line of a step (nothing with V=1, which shows the command).
say = $(if $(filter 1,$(V)),,@printf '  %-7s %s\n' '$(1)' '$(2)';)

# Everything else needs the tools; `make deps` installs them, and the
# goals that need them check first (once per make invocation).
ifeq ($(filter deps clean help list,$(MAKECMDGOALS)),)
ifeq ($(PHIDIAS_DEPS_CHECKED),)
DEPS_STATUS := $(shell scripts/deps.sh --ensure >&2; echo $$?)
ifneq ($(DEPS_STATUS),0)
$(error missing dependencies; see the message above)
endif
export PHIDIAS_DEPS_CHECKED := 1
endif
endif

# SCENARIO is a name in scenarios/ or the path of an .xml file; either way
# it builds into build/<name>/, <name> being the file's name without .xml.
SCENARIO_NAME := $(basename $(notdir $(SCENARIO)))
SCENARIO_XML := $(firstword $(wildcard $(filter %.xml,$(SCENARIO)) scenarios/$(SCENARIO_NAME).xml))

.PHONY: all run run-uboot test bench bench-net soak deps clean help scenarios list
all: $(BUILD)/$(SCENARIO_NAME)/phidias.bin

include schism/schism.mk
include guests/baremetal/guests.mk
include guests/linux/linux.mk

SCENARIOS := $(basename $(notdir $(wildcard scenarios/*.xml)))
# build/<scenario>/ sits beside the build's own folders.
RESERVED_NAMES := guests host test-logs
$(foreach s,$(filter $(RESERVED_NAMES),$(SCENARIOS) $(SCENARIO_NAME)),\
	$(error scenario name '$(s)' is reserved (build/$(s)/ is used by the build): rename $(s).xml))
scenarios: $(foreach s,$(SCENARIOS),$(BUILD)/$(s)/phidias.bin)

list:
	@$(PYTHON) scripts/scenarios.py list scenarios

# ---------------------------------------------------------------------------
# The hypervisor, built once per scenario (its tables are compiled in).

HYP_SRCS := $(wildcard core/*.c arch/arm64/*.c arch/arm64/*.S drivers/*.c emul/*.c)
HYP_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CROSS)gcc -print-file-name=include) \
	-mgeneral-regs-only -mstrict-align -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -mno-outline-atomics \
	-O2 -g -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
	-Icore/include -Iarch/arm64/include -Idrivers/include -Iemul/include -MMD -MP \
	-mfix-cortex-a53-835769
# Cortex-A53 errata 835769 and 843419 (the HiKey's cores): as Linux builds.
HYP_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	-Wl,--fix-cortex-a53-843419

# Guest images the build can make; schism finds them with -I (IMAGE_PATH
# first).  A scenario depends on those it names (file="..."), so building a
# bare-metal scenario never fetches Linux.
GUEST_IMAGES := $(foreach g,$(BAREMETAL_GUESTS) $(BM_EXTRA_NAMES),$(BUILD)/guests/$(g).bin) $(LINUX_IMAGES)
IMAGE_DIRS := $(IMAGE_PATH) $(BUILD)/guests $(BUILD)/guests/linux
scenario_files = $(patsubst file="%",%,$(shell grep -o 'file="[^"]*"' $(1) 2>/dev/null))
# $(1) = the scenario's .xml: the images it names that the build makes, or
# that already lie in an IMAGE_PATH folder or beside the scenario.
scenario_images = $(filter $(addprefix %/,$(call scenario_files,$(1))),$(GUEST_IMAGES)) \
	$(wildcard $(foreach d,$(IMAGE_PATH) $(dir $(1)),$(addprefix $(d)/,$(call scenario_files,$(1)))))

# schism writes gen/ atomically: one run makes all of these.
GEN_FILES := config.c pagetables.c blobs.S phidias.ld phidias_gen.h qemu.args
.SECONDARY:

# $(1) = scenario name, $(2) = its .xml
define hyp_rules
$(addprefix $(BUILD)/$(1)/gen/,$(GEN_FILES)) &: $(2) $(SCHISM) $(call scenario_images,$(2)) \
		config/scenario.xsd config/platform.xsd $(wildcard config/platforms/*.xml)
	$(call say,SCHISM,$(2))
	$(Q)$(SCHISM) $(addprefix -I ,$(IMAGE_DIRS)) --platforms config/platforms \
		--schema config/scenario.xsd --out $(BUILD)/$(1) $(2)
$(BUILD)/$(1)/obj/%.o: %.c $(BUILD)/$(1)/gen/phidias_gen.h
	@mkdir -p $$(dir $$@)
	$(call say,CC,$$< [$(1)])
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/obj/%.o: %.S $(BUILD)/$(1)/gen/phidias_gen.h
	@mkdir -p $$(dir $$@)
	$(call say,AS,$$< [$(1)])
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -D__ASSEMBLER__ -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/obj/gen/%.o: $(BUILD)/$(1)/gen/%.c
	@mkdir -p $$(dir $$@)
	$(call say,CC,$$<)
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -Wno-conversion -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/obj/gen/%.o: $(BUILD)/$(1)/gen/%.S
	@mkdir -p $$(dir $$@)
	$(call say,AS,$$<)
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -D__ASSEMBLER__ -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/phidias.elf: $(patsubst %,$(BUILD)/$(1)/obj/%.o,$(basename $(HYP_SRCS))) \
		$(BUILD)/$(1)/obj/gen/config.o $(BUILD)/$(1)/obj/gen/pagetables.o \
		$(BUILD)/$(1)/obj/gen/blobs.o $(BUILD)/$(1)/gen/phidias.ld
	$(call say,LD,$$@)
	$(Q)$(CROSS)gcc $(HYP_LDFLAGS) -T $(BUILD)/$(1)/gen/phidias.ld -o $$@ \
		$$(filter %.o,$$^)
$(BUILD)/$(1)/phidias.bin: $(BUILD)/$(1)/phidias.elf
	$(call say,OBJCOPY,$$@)
	$(Q)$(CROSS)objcopy -O binary $$< $$@
	@echo "built $$@ (memory map: $(BUILD)/$(1)/memmap.txt)"
-include $(shell find $(BUILD)/$(1)/obj -name '*.d' 2>/dev/null)
endef
$(foreach s,$(SCENARIOS),$(eval $(call hyp_rules,$(s),scenarios/$(s).xml)))
ifneq ($(SCENARIO_XML),)
ifeq ($(filter $(SCENARIO_NAME),$(SCENARIOS)),)
$(eval $(call hyp_rules,$(SCENARIO_NAME),$(SCENARIO_XML)))
else ifneq ($(SCENARIO_XML),scenarios/$(SCENARIO_NAME).xml)
$(error SCENARIO=$(SCENARIO) has the name of scenarios/$(SCENARIO_NAME).xml and would share build/$(SCENARIO_NAME)/: rename your file)
endif
else
# An unknown scenario: whatever needs its image fails with one line that says which exist.
$(BUILD)/$(SCENARIO_NAME)/phidias.bin:
	@echo "error: no scenario '$(SCENARIO)': not a file, and scenarios/ has $(subst $(space),$(comma) ,$(SCENARIOS)) (or give SCENARIO=path/to/file.xml)" >&2; exit 1
endif

# ---------------------------------------------------------------------------

# A scenario of a board QEMU does not model (no <qemu> in its platform).
qemu_check = @if [ ! -s $(RUN_DIR)/gen/qemu.args ]; then \
	echo "scenario '$(SCENARIO_NAME)' is for a platform QEMU does not model; see docs/hikey.md" >&2; \
	exit 1; fi

# What `make run` runs (printed first): schism's machine options for the
# scenario (gen/qemu.args) and the image.
RUN_DIR := $(BUILD)/$(SCENARIO_NAME)
QEMU_RUN = qemu-system-aarch64 $(shell cat $(RUN_DIR)/gen/qemu.args) -nographic -kernel $(RUN_DIR)/phidias.bin
# The keys Ctrl-\ takes (1-9 at most): from the same count the hypervisor uses.
RUN_KEYS = $(shell n=$$(sed -n 's/^\#define PHIDIAS_NR_VMS //p' $(RUN_DIR)/gen/phidias_gen.h); \
	[ "$$n" -gt 9 ] && n=9; [ "$$n" -gt 1 ] && echo "1-$$n" || echo 1)

run: $(BUILD)/$(SCENARIO_NAME)/phidias.bin
	$(qemu_check)
	@echo "Booting '$(SCENARIO_NAME)'. Keyboard to another VM: Ctrl-\\ then $(RUN_KEYS) or n. Quit QEMU: Ctrl-A x."
	$(QEMU_RUN)

# The bootloader path of a board, on QEMU: Debian's U-Boot for QEMU starts
# at EL2 and its distro boot finds extlinux.conf on a boot disk (an ext2
# partition holding phidias.bin, as on a board's boot partition), loads the
# image to $$kernel_addr_r and runs booti (docs/hikey.md, "U-Boot on QEMU").
UBOOT_QEMU := /usr/lib/u-boot/qemu_arm64/u-boot.bin
$(BUILD)/%/uboot-disk.img: $(BUILD)/%/phidias.bin scripts/mkbootdisk.py
	$(Q)echo "  DISK    $@"
	$(Q)$(PYTHON) scripts/mkbootdisk.py $< $@
run-uboot: $(BUILD)/$(SCENARIO_NAME)/uboot-disk.img
	$(qemu_check)
	@echo "Booting '$(SCENARIO_NAME)' through U-Boot (distro boot, booti). A key at 'Hit any key' stops autoboot. Quit QEMU: Ctrl-A x."
	qemu-system-aarch64 $$(cat $(RUN_DIR)/gen/qemu.args) -nographic -nic none \
		-bios $(UBOOT_QEMU) -drive if=none,file=$<,format=raw,id=boot \
		-device virtio-blk-device,drive=boot

test: scenarios $(SCHISM)
	$(MAKE) --no-print-directory schism-unit-test core-unit-test
	$(PYTHON) -m pytest -ra tests

# Host unit tests of hypervisor code: core/console.c with core/log.c, and
# emul/vpl011.c, against stand-ins for the UART, the CPU, the timer and the
# locks (tests/core/stubs/).
CORE_TEST_CFLAGS := -std=c11 -g -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
	-Itests/core/stubs -Icore/include -Idrivers/include -Iemul/include -Iarch/arm64/include
CORE_TEST_HDRS := $(wildcard tests/core/stubs/*.h tests/core/stubs/arch/*.h core/include/phidias/*.h \
	emul/include/emul/*.h) drivers/include/drivers/pl011.h
CORE_TESTS := $(BUILD)/host/tests/test_console $(BUILD)/host/tests/test_vpl011
$(BUILD)/host/tests/test_console: tests/core/test_console.c core/console.c core/log.c $(CORE_TEST_HDRS)
$(BUILD)/host/tests/test_vpl011: tests/core/test_vpl011.c emul/vpl011.c $(CORE_TEST_HDRS)
$(CORE_TESTS):
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(CORE_TEST_CFLAGS) -o $@ $(filter %.c,$^)
.PHONY: core-unit-test
core-unit-test: $(CORE_TESTS)
	@set -e; for t in $(CORE_TESTS); do echo "== $$t"; $$t; done

BENCH_SCENARIOS := bench-local bench-switch bench-switch-fp bench-doorbell-same bench-doorbell-cross
bench: $(foreach s,$(BENCH_SCENARIOS),$(BUILD)/$(s)/phidias.bin) $(BUILD)/guests/qemu/bench.bin
	$(PYTHON) scripts/bench.py $(BENCH_SCENARIOS)

# The hostile-guest suite's long run (tests/system/test_hostile.py); the
# short one is part of `make test`.
SOAK_SECONDS ?= 600
soak: $(BUILD)/hostile-soak/phidias.bin
	PHIDIAS_SOAK_SECONDS=$(SOAK_SECONDS) $(PYTHON) -m pytest -ra -s \
		tests/system/test_hostile.py -k soak

# Real time, not -icount; figures only (docs/benchmarks.md, "Network").
bench-net: $(BUILD)/net/phidias.bin
	$(PYTHON) scripts/bench_net.py

deps:
	scripts/deps.sh --install

clean:
	rm -rf $(BUILD)

help:
	@sed -n '/^#   /{s/^#   //;s/\$$(DEFAULT_SCENARIO)/$(DEFAULT_SCENARIO)/;p}' Makefile
