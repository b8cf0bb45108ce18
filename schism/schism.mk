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
