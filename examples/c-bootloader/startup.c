/* Minimal Cortex-M4 startup for mps2-an386: vector table, .data/.bss init, FPU on, main. */
#include <stdint.h>

#include "semihosting.h"

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
int main(void);

void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);

__attribute__((noreturn)) void Reset_Handler(void)
{
    const uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    /* CPACR: full access to CP10/CP11 (the hard-float ABI may use the FPU). */
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    sh_exit(main());
}

__attribute__((noreturn)) void Fault_Handler(void)
{
    sh_puts("FAULT: hard fault or other exception\n");
    sh_exit(4);
}

/* SysTick counts wraps where a step is timed (identity.c defines it); a fault elsewhere. */
__attribute__((weak)) void SysTick_Handler(void)
{
    Fault_Handler();
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))&_estack, /* initial stack pointer */
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,
    Fault_Handler, /* PendSV */
    SysTick_Handler,
};
