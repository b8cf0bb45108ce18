/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_ERRNO_H
#define PHIDIAS_ERRNO_H

#define EINVAL 22
#define ENOSPC 28
#define ENODEV 19

#endif
