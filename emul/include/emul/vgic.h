/* SPDX-License-Identifier: Apache-2.0 */
#ifndef EMUL_VGIC_H
#define EMUL_VGIC_H

struct vm;
struct phidias_emul_dev;

/* The VM's distributor at dev->ipa; its CPU interface is the mapped GICV. */
int vgic_init(struct vm *vm, const struct phidias_emul_dev *dev);

#endif
