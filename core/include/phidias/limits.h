/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The architectural limits of config.h, enforced where the hypervisor
 * relies on them: at build time on the generated sizes (core/limits.c) and
 * at boot on the generated tables, which a build-time assert cannot see.
 */
#ifndef PHIDIAS_LIMITS_H
#define PHIDIAS_LIMITS_H

struct phidias_config;

/*
 * Panics, naming the VM or vCPU and the limit, if a table breaks one:
 * vCPUs per VM, VMIDs (1..PHIDIAS_MAX_VMS, distinct), vCPU-to-VM and
 * vCPU-to-pCPU indices, per-CPU run lists.  After this, array bounds
 * sized by the limits hold for every index read from the tables.
 */
void limits_check(const struct phidias_config *c);

#endif
