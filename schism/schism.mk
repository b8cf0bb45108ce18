# SPDX-License-Identifier: Apache-2.0
# schism, the host configurator: included by the top-level Makefile, which
# defines BUILD and HOSTCC and runs make from the repository root.

SCHISM_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
SCHISM_ROOT := $(patsubst %/,%,$(dir $(SCHISM_DIR)))
SCHISM_ROOT := $(if $(SCHISM_ROOT),$(SCHISM_ROOT),.)
SCHISM := $(BUILD)/host/schism

SCHISM_CFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow -O2 \
	$(shell xml2-config --cflags) -I$(SCHISM_ROOT)/core/include -I$(SCHISM_DIR)
SCHISM_LIBS := $(shell xml2-config --libs)

SCHISM_SRCS := $(wildcard $(SCHISM_DIR)/*.c)
SCHISM_HDRS := $(wildcard $(SCHISM_DIR)/*.h) $(SCHISM_ROOT)/core/include/phidias/config.h
SCHISM_OBJDIR := $(BUILD)/host/schism.obj
SCHISM_OBJS := $(patsubst $(SCHISM_DIR)/%.c,$(SCHISM_OBJDIR)/%.o,$(SCHISM_SRCS))
# Everything but main(): what the unit tests link against.
SCHISM_PASS_OBJS := $(filter-out $(SCHISM_OBJDIR)/main.o,$(SCHISM_OBJS))

$(SCHISM_OBJDIR)/%.o: $(SCHISM_DIR)/%.c $(SCHISM_HDRS)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(SCHISM_CFLAGS) -c -o $@ $<

# --version: the commit it was built from, if this is a git checkout.
SCHISM_VERSION := $(shell git -C $(SCHISM_ROOT) describe --always --dirty 2>/dev/null || echo unknown)
$(SCHISM_OBJDIR)/main.o: SCHISM_CFLAGS += -DSCHISM_VERSION='"$(SCHISM_VERSION)"'

$(SCHISM): $(SCHISM_OBJS)
	@mkdir -p $(@D)
	$(call say,HOSTLD,$@)
	$(Q)$(HOSTCC) -o $@ $(SCHISM_OBJS) $(SCHISM_LIBS)

# Host unit tests (tests/schism/*.c, one binary each), linked against the
# pass objects above; the page-table test also compiles generated tables.
SCHISM_TEST_DIR := $(SCHISM_ROOT)/tests/schism
SCHISM_TEST_SRCS := $(filter-out $(SCHISM_TEST_DIR)/walker.c,$(wildcard $(SCHISM_TEST_DIR)/test_*.c))
SCHISM_TESTS := $(patsubst $(SCHISM_TEST_DIR)/%.c,$(BUILD)/host/tests/%,$(SCHISM_TEST_SRCS))

$(BUILD)/host/tests/%: $(SCHISM_TEST_DIR)/%.c $(SCHISM_PASS_OBJS) $(SCHISM_HDRS)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$<)
	$(Q)$(HOSTCC) $(SCHISM_CFLAGS) -o $@ $< $(SCHISM_PASS_OBJS) $(SCHISM_LIBS)

.PHONY: schism-unit-test
schism-unit-test: $(SCHISM_TESTS) $(SCHISM)
	@set -e; for t in $(SCHISM_TESTS); do \
		echo "== $$t"; \
		$$t $(SCHISM_ROOT) $(BUILD)/host/tests; \
	done

# ---------------------------------------------------------------------------
# Hardening tools (docs/security.md): schism under AddressSanitizer and
# UBSan, a mutation fuzzer over the good scenarios, static analysis.
#   make fuzz [FUZZ_TIME=seconds] [FUZZ_SEED=n]   as long as asked
#   make static-analysis                          cppcheck + gcc -fanalyzer
# make test runs both briefly (tests/schism/test_fuzz.py,
# tests/schism/test_static_analysis.py).

SCHISM_ASAN := $(BUILD)/host/asan/schism
SCHISM_ASAN_OBJDIR := $(BUILD)/host/asan/obj
SCHISM_SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1
SCHISM_ASAN_OBJS := $(patsubst $(SCHISM_DIR)/%.c,$(SCHISM_ASAN_OBJDIR)/%.o,$(SCHISM_SRCS))

$(SCHISM_ASAN_OBJDIR)/%.o: $(SCHISM_DIR)/%.c $(SCHISM_HDRS)
	@mkdir -p $(@D)
	$(HOSTCC) $(SCHISM_CFLAGS) $(SCHISM_SAN_FLAGS) -c -o $@ $<
$(SCHISM_ASAN_OBJDIR)/main.o: SCHISM_CFLAGS += -DSCHISM_VERSION='"$(SCHISM_VERSION)"'

$(SCHISM_ASAN): $(SCHISM_ASAN_OBJS)
	@mkdir -p $(@D)
	$(HOSTCC) $(SCHISM_SAN_FLAGS) -o $@ $(SCHISM_ASAN_OBJS) $(SCHISM_LIBS)

FUZZ_TIME ?= 600
FUZZ_SEED ?= $(shell date +%s)
.PHONY: schism-asan fuzz static-analysis cppcheck schism-analyze
schism-asan: $(SCHISM_ASAN)
fuzz: $(SCHISM_ASAN)
	$(PYTHON) $(SCHISM_TEST_DIR)/fuzz.py --schism $(SCHISM_ASAN) \
		--time $(FUZZ_TIME) --seed $(FUZZ_SEED) --failures $(BUILD)/fuzz-failures

# cppcheck over every C file of the tree: hypervisor, schism, guests.
# Suppressions are inline (// cppcheck-suppress <id>) next to the code,
# with the reason; --inline-suppr honours them. missingIncludeSystem: the
# hypervisor and guests are freestanding, their headers are not the host's.
# The Linux modules (guests/linux/shmnet/) are checked without the kernel's
# headers: tests/cppcheck/kernel-macros.h gives its iterator macros.
CPPCHECK_FLAGS := --quiet --error-exitcode=1 --inline-suppr \
	--enable=warning,portability,performance --std=c11 \
	--suppress=missingIncludeSystem \
	--include=tests/cppcheck/kernel-macros.h \
	-Icore/include -Iarch/arm64/include -Idrivers/include -Iemul/include \
	-Iguests/baremetal/lib/include -I$(SCHISM_DIR)
cppcheck:
	cppcheck $(CPPCHECK_FLAGS) -D__aarch64__ \
		core arch drivers emul guests $(SCHISM_DIR) tests/schism

# gcc's static analyzer over schism (a host program: -fanalyzer knows its
# libc); any finding fails the build.
schism-analyze:
	@set -e; for f in $(SCHISM_SRCS); do \
		echo "  ANALYZE $$f"; \
		$(HOSTCC) $(SCHISM_CFLAGS) -O0 -fanalyzer -c -o /dev/null $$f; \
	done

static-analysis: cppcheck schism-analyze
