# SPDX-License-Identifier: Apache-2.0
#
# Bare-metal guests, included by the top-level Makefile (needs BUILD, CROSS).
#
#   $(BUILD)/guests/<g>.elf, .bin        linked at the guest RAM base IPA 0x40000000
#   $(BUILD)/guests/qemu/<g>.elf, .bin   the same linked at 0x40200000, to run on bare
#                                        QEMU, whose DTB occupies the start of RAM
#   make guests / guests-qemu / guests-clean
#
# A guest is its name in BAREMETAL_GUESTS plus guests/baremetal/<g>.c, or a folder
# guests/baremetal/<g>/ of .c and .S files; the runtime in lib/ is linked into all.
# EXTRA_GUESTS (from the command line) adds guests kept anywhere: each entry a
# .c file or a folder of .c and .S files, the guest named after it (docs/baremetal.md).
# The system tests read the guest names from the BAREMETAL_GUESTS line.

BAREMETAL_GUESTS := hello ticker crash echo ctxcheck vgictest pingpong ipctest storm bench hotplug faulttest dbgprobe hostile netpeer netevil resetter

# Do not let these rules become the default goal of the including Makefile.
BM_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

BM_DIR            := guests/baremetal
BM_OUT            := $(BUILD)/guests
BM_OBJDIR         := $(BM_OUT)/obj
BM_CC             := $(CROSS)gcc
BM_OBJCOPY        := $(CROSS)objcopy
BM_LINK_BASE      ?= 0x40000000
BM_QEMU_LINK_BASE ?= 0x40200000
BM_LDS            := $(BM_DIR)/lib/guest.ld

# The MMU is off in these guests: every data access is Device memory, so no
# unaligned accesses (-mstrict-align) and no FP/SIMD (-mgeneral-regs-only).
BM_CFLAGS := -std=c11 -ffreestanding -nostdlib -mgeneral-regs-only -mstrict-align \
	-O2 -Wall -Wextra -Werror -Wshadow \
	-fno-pie -fno-stack-protector -fno-common -fno-asynchronous-unwind-tables \
	-fno-tree-loop-distribute-patterns -mno-outline-atomics \
	-ffunction-sections -fdata-sections \
	-I$(BM_DIR)/lib/include -MMD -MP

BM_LDFLAGS := -nostdlib -static -no-pie -T $(BM_LDS) -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,--orphan-handling=error -Wl,--gc-sections

BM_EXTRA_NAMES := $(foreach e,$(EXTRA_GUESTS),$(basename $(notdir $(patsubst %/,%,$(e)))))
$(foreach g,$(filter $(BAREMETAL_GUESTS),$(BM_EXTRA_NAMES)),\
	$(error EXTRA_GUESTS: '$(g)' is the name of a guest in $(BM_DIR)/: rename yours))
# An extra guest's sources: the file, or the folder's .c and .S files.
$(foreach e,$(EXTRA_GUESTS),$(eval BM_EXTRA_SRCS_$(basename $(notdir $(patsubst %/,%,$(e)))) := \
	$(if $(filter %.c %.S,$(e)),$(wildcard $(e)),$(wildcard $(e)/*.c $(e)/*.S))))

bm_srcs = $(if $(filter $(1),$(BM_EXTRA_NAMES)),$(BM_EXTRA_SRCS_$(1)),\
	$(wildcard $(BM_DIR)/$(1).c $(BM_DIR)/$(1)/*.c $(BM_DIR)/$(1)/*.S))
# An extra guest's object is named after its source's whole path, so a
# guest moved elsewhere never meets the dependency file of the old place.
bm_extra_obj = $(BM_OBJDIR)/extra/$(1)/$(subst /,_,$(abspath $(2))).o
bm_objs = $(if $(filter $(1),$(BM_EXTRA_NAMES)),\
	$(foreach f,$(BM_EXTRA_SRCS_$(1)),$(call bm_extra_obj,$(1),$(f))),\
	$(patsubst $(BM_DIR)/%,$(BM_OBJDIR)/%.o,$(call bm_srcs,$(1))))

BM_LIB_OBJS := $(patsubst $(BM_DIR)/%,$(BM_OBJDIR)/%.o,\
	$(wildcard $(BM_DIR)/lib/*.c $(BM_DIR)/lib/*.S))
BM_ALL_OBJS := $(BM_LIB_OBJS) $(foreach g,$(BAREMETAL_GUESTS) $(BM_EXTRA_NAMES),$(call bm_objs,$(g)))

# $(1) = guest, $(2) = output directory, $(3) = link address
define bm_guest_rule
$(2)/$(1).elf: $(call bm_objs,$(1)) $(BM_LIB_OBJS) $(BM_LDS)
	@mkdir -p $$(@D)
	$$(if $$(call bm_srcs,$(1)),,$$(error no source for guest '$(1)': add $(BM_DIR)/$(1).c))
	$$(call say,GUEST,$$@)
	$(Q)$$(BM_CC) $$(BM_LDFLAGS) -Wl,--defsym=BM_LINK_BASE=$(3) -o $$@ \
		$(call bm_objs,$(1)) $$(BM_LIB_OBJS)
endef
$(foreach g,$(BAREMETAL_GUESTS) $(BM_EXTRA_NAMES),\
	$(eval $(call bm_guest_rule,$(g),$(BM_OUT),$(BM_LINK_BASE)))\
	$(eval $(call bm_guest_rule,$(g),$(BM_OUT)/qemu,$(BM_QEMU_LINK_BASE))))

$(BM_OUT)/%.bin: $(BM_OUT)/%.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(BM_OBJCOPY) -O binary $< $@

$(BM_OBJDIR)/%.c.o: $(BM_DIR)/%.c $(BM_DIR)/guests.mk
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(BM_CC) $(BM_CFLAGS) -c -o $@ $<

$(BM_OBJDIR)/%.S.o: $(BM_DIR)/%.S $(BM_DIR)/guests.mk
	@mkdir -p $(@D)
	$(call say,AS,$<)
	$(Q)$(BM_CC) $(BM_CFLAGS) -c -o $@ $<

# $(1) = extra guest, $(2) = one of its sources
define bm_extra_obj_rule
$(call bm_extra_obj,$(1),$(2)): $(2) $(BM_DIR)/guests.mk
	@mkdir -p $$(@D)
	$$(call say,CC,$$<)
	$(Q)$$(BM_CC) $$(BM_CFLAGS) -c -o $$@ $$<
endef
$(foreach g,$(BM_EXTRA_NAMES),$(foreach f,$(BM_EXTRA_SRCS_$(g)),\
	$(eval $(call bm_extra_obj_rule,$(g),$(f)))))

.PHONY: guests guests-qemu guests-clean
guests: $(foreach g,$(BAREMETAL_GUESTS) $(BM_EXTRA_NAMES),$(BM_OUT)/$(g).elf $(BM_OUT)/$(g).bin)
guests-qemu: $(foreach g,$(BAREMETAL_GUESTS) $(BM_EXTRA_NAMES),$(BM_OUT)/qemu/$(g).elf $(BM_OUT)/qemu/$(g).bin)
guests-clean:
	rm -rf $(BM_OUT)

-include $(BM_ALL_OBJS:.o=.d)

.DEFAULT_GOAL := $(BM_SAVED_DEFAULT_GOAL)
