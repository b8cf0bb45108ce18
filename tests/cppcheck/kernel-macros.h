/* SPDX-License-Identifier: Apache-2.0 */
/*
 * For cppcheck only (schism/schism.mk, target cppcheck): the Linux modules
 * under guests/linux/ are checked without the kernel's headers, so the
 * kernel's iterator macros they use are given here as plain loops; cppcheck
 * then parses the code they enclose instead of stopping at an unknown macro.
 */
#define for_each_compatible_node(dn, type, compat) for ((dn) = 0; (dn); (dn) = 0)
#define for_each_child_of_node(parent, child) for ((child) = 0; (child); (child) = 0)
#define list_for_each_entry(pos, head, member) for ((pos) = (void *)(head); (pos); (pos) = 0)
#define list_for_each_entry_safe(pos, n, head, member) \
	for ((pos) = (void *)(head), (n) = 0; (pos); (pos) = (n))
