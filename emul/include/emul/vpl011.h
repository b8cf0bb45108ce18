/* SPDX-License-Identifier: Apache-2.0 */
#ifndef EMUL_VPL011_H
#define EMUL_VPL011_H

struct vm;
struct phidias_emul_dev;

int vpl011_init(struct vm *vm, const struct phidias_emul_dev *dev);
void vpl011_reset(struct vm *vm);

#endif
