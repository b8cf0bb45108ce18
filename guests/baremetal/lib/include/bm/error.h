/* SPDX-License-Identifier: Apache-2.0 */
/* Error codes of the bare-metal runtime: functions that can fail return -BM_E*. */
#ifndef BM_ERROR_H
#define BM_ERROR_H

#define BM_ENOENT	2	/* no such node, property or key */
#define BM_ENOSPC	28	/* caller's buffer too small (result truncated) */
#define BM_EINVAL	22	/* malformed input (device tree, number, ...) */
#define BM_ERANGE	34	/* value does not fit */
#define BM_EAGAIN	11	/* try again later (e.g. a full ring) */
#define BM_EPROTO	71	/* the peer broke a protocol (shmnet) */
#define BM_EMSGSIZE	90	/* frame too large */
#define BM_ENOTCONN	107	/* link down */

#endif /* BM_ERROR_H */
