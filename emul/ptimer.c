/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guests' EL1 physical timer (Arm ARM D11.2.4, "The EL1 physical
 * timer"), emulated per vCPU.  The hypervisor's own time source is the EL2
 * physical timer; the guest's compare value becomes an event in the event
 * queue of the physical CPU its vCPU is pinned to, so it fires whether or
 * not the vCPU runs (and wakes it from WFI), and is context-switched by
 * construction: its state lives here, not in the CPU.
 *
 * The timer condition is CNTPCT_EL0 >= CVAL (ISTATUS); the interrupt line
 * is ENABLE && !IMASK && ISTATUS, a level the vGIC follows (D11.2.4: "the
 * timer interrupt is level-sensitive").  Every access re-evaluates it, so
 * masking, disabling or moving the compare value into the future drops a
 * pending interrupt that was not yet taken.
 */
#include <phidias_gen.h>
#include <arch/cpu.h>
#include <emul/ptimer.h>
#include <phidias/config.h>
#include <phidias/events.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>

#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

struct ptimer {
	struct event ev;	/* first: the event callback finds its timer */
	struct vcpu *vcpu;
	volatile uint64_t cval;
	volatile uint32_t ctl;	/* ENABLE and IMASK as written */
};

static struct ptimer ptimers[PHIDIAS_NR_VCPUS];

static uint32_t istatus(const struct ptimer *t, uint64_t now)
{
	return (t->ctl & CTL_ENABLE) && now >= t->cval ? CTL_ISTATUS : 0;
}

/*
 * Drive the vGIC line from the timer's state and keep the event for the
 * next firing; on the vCPU's own CPU (its event queue is that CPU's).
 */
static void update(struct ptimer *t, uint64_t now)
{
	int line = istatus(t, now) && !(t->ctl & CTL_IMASK);

	virq_set_private_level(t->vcpu, PHIDIAS_GUEST_PTIMER_IRQ, line);
	if ((t->ctl & (CTL_ENABLE | CTL_IMASK)) == CTL_ENABLE && !istatus(t, now))
		event_add(&t->ev, t->cval);
	else
		event_cancel(&t->ev);
}

static void fired(struct event *ev)
{
	update((struct ptimer *)ev, arch_counter());
}

void ptimer_init_vm(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->cfg->nr_vcpus; i++) {
		struct ptimer *t = &ptimers[vm->vcpus[i].id];

		event_init(&t->ev, fired);
		t->vcpu = &vm->vcpus[i];
		t->ctl = 0;
		t->cval = 0;
	}
}

void ptimer_reset_vcpu(struct vcpu *v)
{
	struct ptimer *t = &ptimers[v->id];

	/*
	 * Possibly from another CPU: leave the event queue to the owner.  An
	 * event still queued finds the timer disabled and only lowers the line.
	 */
	t->ctl = 0;
	t->cval = 0;
	virq_set_private_level(v, PHIDIAS_GUEST_PTIMER_IRQ, 0);
}

uint64_t ptimer_read(struct vcpu *v, enum ptimer_reg reg)
{
	struct ptimer *t = &ptimers[v->id];
	uint64_t now = arch_counter();

	/* The event may not have run yet (IRQs masked at EL2): catch up. */
	update(t, now);
	switch (reg) {
	case PTIMER_CTL:
		return t->ctl | istatus(t, now);
	case PTIMER_CVAL:
		return t->cval;
	case PTIMER_TVAL:
		/* CVAL - CNTPCT, 32 bits (D11.2.4); bits 63:32 read as 0. */
		return (uint32_t)(t->cval - now);
	}
	return 0;
}

void ptimer_write(struct vcpu *v, enum ptimer_reg reg, uint64_t val)
{
	struct ptimer *t = &ptimers[v->id];

	switch (reg) {
	case PTIMER_CTL:
		t->ctl = (uint32_t)val & (CTL_ENABLE | CTL_IMASK);	/* ISTATUS is RO */
		break;
	case PTIMER_CVAL:
		t->cval = val;
		break;
	case PTIMER_TVAL:
		/* CVAL = CNTPCT + SignExtend(TVAL[31:0]) */
		t->cval = arch_counter() + (uint64_t)(int64_t)(int32_t)(uint32_t)val;
		break;
	}
	update(t, arch_counter());
}
