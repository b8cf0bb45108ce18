// SPDX-License-Identifier: GPL-2.0
/*
 * phidias-shm: the VM's shared-memory regions and doorbell capabilities for
 * user space (docs/linux.md; the interface is phidias_shm.h).
 *
 * Each "phidias,shmem" node of the device tree (docs/devicetree.md) becomes
 * /dev/phidias/<phidias,name>: mmap-able, with a blocking read (and poll) that
 * returns the doorbells rung at this VM for the region, and an ioctl that rings
 * the region's capabilities. /dev/phidias/caps rings any capability.
 */

#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "phidias.h"
#include "phidias_shm.h"

#define PSHM_MAX_IRQS		16

struct pshm_region {
	struct list_head list;
	struct miscdevice misc;
	char misc_name[80];
	char node_name[80];
	phys_addr_t base;
	resource_size_t size;
	bool writable;
	u32 nr_caps;
	u32 caps[PHIDIAS_SHM_MAX_CAPS];
	int nr_irqs;
	int irqs[PSHM_MAX_IRQS];
	char name[64];

	spinlock_t lock;	/* rings */
	u64 rings;
	wait_queue_head_t wait;
};

static LIST_HEAD(pshm_regions);

static long pshm_ring(u32 cap)
{
	long ret = phidias_cap_invoke(cap);

	switch (ret) {
	case 0:
		return 0;
	case -3:	/* INVALID_PARAMETER */
		return -EINVAL;
	case -4:	/* STOPPED */
		return -ESRCH;
	default:
		return -EIO;
	}
}

static irqreturn_t pshm_irq(int irq, void *data)
{
	struct pshm_region *r = data;
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	r->rings++;
	spin_unlock_irqrestore(&r->lock, flags);
	wake_up_interruptible(&r->wait);
	return IRQ_HANDLED;
}

static struct pshm_region *pshm_of(struct file *f)
{
	return container_of(f->private_data, struct pshm_region, misc);
}

static u64 pshm_take(struct pshm_region *r)
{
	u64 n;

	spin_lock_irq(&r->lock);
	n = r->rings;
	r->rings = 0;
	spin_unlock_irq(&r->lock);
	return n;
}

static ssize_t pshm_read(struct file *f, char __user *buf, size_t len, loff_t *ppos)
{
	struct pshm_region *r = pshm_of(f);
	u64 n;
	int ret;

	if (len < sizeof(n))
		return -EINVAL;
	for (;;) {
		n = pshm_take(r);
		if (n)
			break;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(r->wait, READ_ONCE(r->rings) != 0);
		if (ret)
			return ret;
	}
	if (copy_to_user(buf, &n, sizeof(n))) {
		/* Not lost: give the rings back. */
		spin_lock_irq(&r->lock);
		r->rings += n;
		spin_unlock_irq(&r->lock);
		return -EFAULT;
	}
	return sizeof(n);
}

static __poll_t pshm_poll(struct file *f, poll_table *pt)
{
	struct pshm_region *r = pshm_of(f);

	poll_wait(f, &r->wait, pt);
	return READ_ONCE(r->rings) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int pshm_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct pshm_region *r = pshm_of(f);
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long pgoff = vma->vm_pgoff;

	if (pgoff >= r->size >> PAGE_SHIFT || len > r->size - (pgoff << PAGE_SHIFT))
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;	/* a private copy of shared memory makes no sense */
	if (!r->writable) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	/* vm_page_prot stays normal write-back cacheable, as on every side. */
	vma->vm_flags |= VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
	return remap_pfn_range(vma, vma->vm_start, (r->base >> PAGE_SHIFT) + pgoff, len,
			       vma->vm_page_prot);
}

static long pshm_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pshm_region *r = pshm_of(f);
	struct phidias_shm_info info;
	u32 cap, i;

	switch (cmd) {
	case PHIDIAS_SHM_INFO:
		memset(&info, 0, sizeof(info));
		info.size = r->size;
		info.guest_addr = r->base;
		info.writable = r->writable;
		info.nr_caps = r->nr_caps;
		memcpy(info.caps, r->caps, sizeof(info.caps));
		info.nr_doorbells = r->nr_irqs;
		strscpy(info.name, r->name, sizeof(info.name));
		return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
	case PHIDIAS_SHM_RING:
		if (get_user(cap, (u32 __user *)arg))
			return -EFAULT;
		for (i = 0; i < r->nr_caps; i++)
			if (r->caps[i] == cap)
				return pshm_ring(cap);
		return -EPERM;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations pshm_fops = {
	.owner		= THIS_MODULE,
	.read		= pshm_read,
	.poll		= pshm_poll,
	.mmap		= pshm_mmap,
	.unlocked_ioctl	= pshm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static long pshm_caps_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	u32 cap;

	if (cmd != PHIDIAS_SHM_RING)
		return -ENOTTY;
	if (get_user(cap, (u32 __user *)arg))
		return -EFAULT;
	return pshm_ring(cap);
}

static const struct file_operations pshm_caps_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= pshm_caps_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice pshm_caps = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= "phidias-caps",
	.nodename	= "phidias/caps",
	.fops		= &pshm_caps_fops,
	.mode		= 0600,
};

static void pshm_free(struct pshm_region *r)
{
	int i;

	for (i = 0; i < r->nr_irqs; i++) {
		free_irq(r->irqs[i], r);
		irq_dispose_mapping(r->irqs[i]);
	}
	kfree(r);
}

static int pshm_add(struct device_node *np)
{
	const char *name = NULL, *access = "rw";
	struct pshm_region *r;
	struct resource res;
	int i, n, ret;

	if (of_address_to_resource(np, 0, &res) || of_property_read_string(np, "phidias,name", &name)) {
		pr_warn("phidias-shm: %pOF: no reg or phidias,name, ignored\n", np);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(res.start) || !PAGE_ALIGNED(resource_size(&res))) {
		pr_warn("phidias-shm: %pOF: %pR is not page aligned, ignored\n", np, &res);
		return -EINVAL;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	spin_lock_init(&r->lock);
	init_waitqueue_head(&r->wait);
	r->base = res.start;
	r->size = resource_size(&res);
	strscpy(r->name, name, sizeof(r->name));
	of_property_read_string(np, "phidias,access", &access);
	r->writable = strcmp(access, "ro") != 0;
	n = of_property_count_u32_elems(np, "phidias,caps");
	if (n > PHIDIAS_SHM_MAX_CAPS) {
		pr_warn("phidias-shm: %s: only the first %d of %d caps\n", name,
			PHIDIAS_SHM_MAX_CAPS, n);
		n = PHIDIAS_SHM_MAX_CAPS;
	}
	if (n > 0 && !of_property_read_u32_array(np, "phidias,caps", r->caps, n))
		r->nr_caps = n;

	/* Every SPI of the node's interrupts (of_irq_count is not exported). */
	for (i = 0; i < PSHM_MAX_IRQS; i++) {
		int irq = irq_of_parse_and_map(np, i);

		if (!irq)
			break;
		snprintf(r->node_name, sizeof(r->node_name), "phidias-shm %s", r->name);
		ret = request_irq(irq, pshm_irq, 0, r->node_name, r);
		if (ret) {
			pr_warn("phidias-shm: %s: doorbell IRQ %d: %d\n", name, irq, ret);
			irq_dispose_mapping(irq);
			continue;
		}
		r->irqs[r->nr_irqs++] = irq;
	}

	snprintf(r->misc_name, sizeof(r->misc_name), "phidias-%s", r->name);
	r->misc.minor = MISC_DYNAMIC_MINOR;
	r->misc.name = r->misc_name;
	r->misc.nodename = kasprintf(GFP_KERNEL, "phidias/%s", r->name);
	r->misc.fops = &pshm_fops;
	r->misc.mode = 0600;
	if (!r->misc.nodename) {
		pshm_free(r);
		return -ENOMEM;
	}
	ret = misc_register(&r->misc);
	if (ret) {
		pr_warn("phidias-shm: %s: misc_register: %d\n", name, ret);
		kfree(r->misc.nodename);
		pshm_free(r);
		return ret;
	}
	list_add_tail(&r->list, &pshm_regions);
	pr_info("phidias-shm: /dev/phidias/%s: %pR %s, %u caps, %d doorbells\n", r->name, &res,
		r->writable ? "rw" : "ro", r->nr_caps, r->nr_irqs);
	return 0;
}

static void pshm_remove_all(void)
{
	struct pshm_region *r, *tmp;

	list_for_each_entry_safe(r, tmp, &pshm_regions, list) {
		list_del(&r->list);
		misc_deregister(&r->misc);
		kfree(r->misc.nodename);
		pshm_free(r);
	}
}

static int __init pshm_init(void)
{
	struct device_node *np = of_find_node_by_path("/phidias");
	int ret;

	if (!np) {
		pr_info("phidias-shm: not running under Phidias (no /phidias node)\n");
		return -ENODEV;
	}
	of_node_put(np);
	ret = misc_register(&pshm_caps);
	if (ret)
		return ret;
	for_each_compatible_node(np, NULL, "phidias,shmem")
		pshm_add(np);
	return 0;
}

static void __exit pshm_exit(void)
{
	pshm_remove_all();
	misc_deregister(&pshm_caps);
}

module_init(pshm_init);
module_exit(pshm_exit);

MODULE_DESCRIPTION("Phidias shared memory and doorbells for user space");
MODULE_AUTHOR("The Phidias authors");
MODULE_LICENSE("GPL");
