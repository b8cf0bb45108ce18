/* SPDX-License-Identifier: Apache-2.0 */
/* The console's host unit test: a scenario of three VMs on two CPUs. */
#ifndef PHIDIAS_GEN_H
#define PHIDIAS_GEN_H

#define PHIDIAS_NR_PCPUS 2
#define PHIDIAS_NR_VMS 3
#define PHIDIAS_NR_VCPUS 3

#endif
