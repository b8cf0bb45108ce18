# SPDX-License-Identifier: Apache-2.0
#
# Phidias: the one entry point.
#   make [SCENARIO=s]       build build/<s>/phidias.bin (and .elf)
#   make run [SCENARIO=s]   build it and boot it under QEMU
#   make test               host unit tests + system tests (boots QEMU)
#   make bench              benchmark figures (QEMU -icount), no pass/fail
#   make bench-net          network figures between two Linux VMs (scenario net)
#   make deps               install what is missing (Debian packages)
#   make clean              remove everything the build wrote

SCENARIO ?= linux-pair
BUILD := build
CROSS := aarch64-linux-gnu-
HOSTCC := gcc
PYTHON := /usr/bin/python3
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

# Everything else needs the tools; `make deps` installs them, and the
# goals that need them check first (once per make invocation).
ifeq ($(filter deps clean help,$(MAKECMDGOALS)),)
ifeq ($(PHIDIAS_DEPS_CHECKED),)
DEPS_STATUS := $(shell scripts/deps.sh --ensure >&2; echo $$?)
ifneq ($(DEPS_STATUS),0)
$(error missing dependencies; see the message above)
endif
export PHIDIAS_DEPS_CHECKED := 1
endif
endif

.PHONY: all run test bench bench-net deps clean help scenarios
all: $(BUILD)/$(SCENARIO)/phidias.bin

include schism/schism.mk
include guests/baremetal/guests.mk
include guests/linux/linux.mk

SCENARIOS := $(basename $(notdir $(wildcard scenarios/*.xml)))
# build/<scenario>/ sits beside the build's own folders.
RESERVED_NAMES := guests host test-logs
$(foreach s,$(filter $(RESERVED_NAMES),$(SCENARIOS) $(SCENARIO)),\
	$(error scenario name '$(s)' is reserved (build/$(s)/ is used by the build): rename scenarios/$(s).xml))
scenarios: $(foreach s,$(SCENARIOS),$(BUILD)/$(s)/phidias.bin)

# ---------------------------------------------------------------------------
# The hypervisor, built once per scenario (its tables are compiled in).

HYP_SRCS := $(wildcard core/*.c arch/arm64/*.c arch/arm64/*.S drivers/*.c emul/*.c)
HYP_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CROSS)gcc -print-file-name=include) \
	-mgeneral-regs-only -mstrict-align -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -mno-outline-atomics \
	-O2 -g -Wall -Wextra -Werror -Wshadow -Wconversion -Wno-sign-conversion \
	-Icore/include -Iarch/arm64/include -Idrivers/include -Iemul/include -MMD -MP
HYP_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments

# Guest images the build can make; schism finds them with -I.  A scenario
# depends on those it names (file="..."), so building a bare-metal scenario
# never fetches Linux.
GUEST_IMAGES := $(foreach g,$(BAREMETAL_GUESTS),$(BUILD)/guests/$(g).bin) $(LINUX_IMAGES)
IMAGE_DIRS := $(BUILD)/guests $(BUILD)/guests/linux
scenario_files = $(patsubst file="%",%,$(shell grep -o 'file="[^"]*"' scenarios/$(1).xml 2>/dev/null))
scenario_images = $(filter $(addprefix %/,$(call scenario_files,$(1))),$(GUEST_IMAGES))

# schism writes gen/ atomically: one run makes all of these.
GEN_FILES := config.c pagetables.c blobs.S phidias.ld phidias_gen.h qemu.args
.SECONDEXPANSION:
$(foreach f,$(GEN_FILES),$(BUILD)/%/gen/$(f)): scenarios/%.xml $(SCHISM) $$(call scenario_images,$$*) \
		config/scenario.xsd config/platform.xsd $(wildcard config/platforms/*.xml)
	$(Q)echo "  SCHISM  $<"
	$(Q)$(SCHISM) $(addprefix -I ,$(IMAGE_DIRS)) --platforms config/platforms \
		--schema config/scenario.xsd --out $(BUILD)/$* $<
.SECONDARY:

define hyp_rules
$(BUILD)/$(1)/obj/%.o: %.c $(BUILD)/$(1)/gen/phidias_gen.h
	@mkdir -p $$(dir $$@)
	$(Q)echo "  CC      $$< [$(1)]"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/obj/%.o: %.S $(BUILD)/$(1)/gen/phidias_gen.h
	@mkdir -p $$(dir $$@)
	$(Q)echo "  AS      $$< [$(1)]"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -D__ASSEMBLER__ -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/obj/gen/%.o: $(BUILD)/$(1)/gen/%.c
	@mkdir -p $$(dir $$@)
	$(Q)echo "  CC      $$<"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -Wno-conversion -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/obj/gen/%.o: $(BUILD)/$(1)/gen/%.S
	@mkdir -p $$(dir $$@)
	$(Q)echo "  AS      $$<"
	$(Q)$(CROSS)gcc $(HYP_CFLAGS) -D__ASSEMBLER__ -I$(BUILD)/$(1)/gen -c $$< -o $$@
$(BUILD)/$(1)/phidias.elf: $(patsubst %,$(BUILD)/$(1)/obj/%.o,$(basename $(HYP_SRCS))) \
		$(BUILD)/$(1)/obj/gen/config.o $(BUILD)/$(1)/obj/gen/pagetables.o \
		$(BUILD)/$(1)/obj/gen/blobs.o $(BUILD)/$(1)/gen/phidias.ld
	$(Q)echo "  LD      $$@"
	$(Q)$(CROSS)gcc $(HYP_LDFLAGS) -T $(BUILD)/$(1)/gen/phidias.ld -o $$@ \
		$$(filter %.o,$$^)
$(BUILD)/$(1)/phidias.bin: $(BUILD)/$(1)/phidias.elf
	$(Q)$(CROSS)objcopy -O binary $$< $$@
	@echo "built $$@ (memory map: $(BUILD)/$(1)/memmap.txt)"
-include $(shell find $(BUILD)/$(1)/obj -name '*.d' 2>/dev/null)
endef
$(foreach s,$(sort $(SCENARIOS) $(SCENARIO)),$(eval $(call hyp_rules,$(s))))

# ---------------------------------------------------------------------------

run: $(BUILD)/$(SCENARIO)/phidias.bin
	@echo "Booting '$(SCENARIO)'. Console focus: Ctrl-\\ then 1-9 or n. Quit QEMU: Ctrl-A x."
	qemu-system-aarch64 $$(cat $(BUILD)/$(SCENARIO)/gen/qemu.args) -nographic \
		-kernel $(BUILD)/$(SCENARIO)/phidias.bin

test: scenarios $(SCHISM)
	$(MAKE) --no-print-directory schism-unit-test
	$(PYTHON) -m pytest -ra tests

BENCH_SCENARIOS := bench-local bench-switch bench-doorbell-same bench-doorbell-cross
bench: $(foreach s,$(BENCH_SCENARIOS),$(BUILD)/$(s)/phidias.bin)
	$(PYTHON) scripts/bench.py $(BENCH_SCENARIOS)

# Real time, not -icount; figures only (docs/benchmarks.md, "Network").
bench-net: $(BUILD)/net/phidias.bin
	$(PYTHON) scripts/bench_net.py

deps:
	scripts/deps.sh --install

clean:
	rm -rf $(BUILD)

help:
	@sed -n 's/^#   //p' Makefile
