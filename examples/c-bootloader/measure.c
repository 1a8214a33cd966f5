/*
 * Instructions and stack of one bootloader step (measure.h), for the figures the identity and
 * decryption builds print. Each step runs twice: once timed (retired instructions from SysTick
 * under QEMU -icount shift=4, 2.5 instructions per tick), once for its stack high-water mark
 * (painted RAM); the steps give the same result when repeated.
 */
#include <stdint.h>

#include "measure.h"

#define PAINT 0xC5ACCE55u
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_ENABLE_CORE_CLOCK 5u       /* ENABLE | CLKSOURCE (processor clock), no interrupt */
#define SYST_TICKINT 2u
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_ICSR_PENDSTSET (1u << 26)

extern uint32_t _ebss;

/* The lowest stack address any step reached (measure_deepest). */
static uintptr_t deepest = UINTPTR_MAX;

/* Paints the free RAM from the end of .bss to 256 bytes below this frame; returns the top of
   the painted region. */
__attribute__((noinline)) static uintptr_t paint(void)
{
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    uintptr_t hi = (sp - 256u) & ~(uintptr_t)3;
    for (volatile uint32_t *p = &_ebss; (uintptr_t)p < hi; p++) {
        *p = PAINT;
    }
    return hi;
}

__attribute__((noinline)) static uintptr_t lowest_touched(uintptr_t hi)
{
    const volatile uint32_t *p = &_ebss;
    while ((uintptr_t)p < hi && *p == PAINT) {
        p++;
    }
    return (uintptr_t)p;
}

/* SysTick wraps while a step is timed (the exception fires every 2^24 ticks). */
static volatile uint32_t wraps;

void SysTick_Handler(void)
{
    wraps++;
}

__attribute__((noinline)) pqh_status measure_instructions(pqh_status (*op)(void),
                                                          uint64_t *instructions)
{
    wraps = 0;
    SYST_CSR = 0;
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = SYST_ENABLE_CORE_CLOCK | SYST_TICKINT;
    /* The cleared counter reloads on the first tick: start from a reloaded counter. */
    while (SYST_CVR == 0) {
    }
    uint32_t t0 = SYST_CVR;
    pqh_status st = op();
    uint32_t t1 = SYST_CVR;
    uint32_t w = wraps;
    /* A wrap whose exception is still pending: PENDSTSET and a counter just reloaded. */
    if ((SCB_ICSR & SCB_ICSR_PENDSTSET) != 0 && t1 > 0x00800000u) {
        w++;
    }
    SYST_CSR = 0;
    uint64_t ticks = (uint64_t)w * 0x01000000u + t0 - t1;
    *instructions = ticks * 5u / 2u;
    return st;
}

__attribute__((noinline)) pqh_status measure_stack(pqh_status (*op)(void), uint32_t *stack)
{
    uintptr_t hi = paint();
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    pqh_status st = op();
    uintptr_t low = lowest_touched(hi);
    if (low < deepest) {
        deepest = low;
    }
    *stack = (uint32_t)(sp - low);
    return st;
}

uintptr_t measure_deepest(void)
{
    return deepest;
}
