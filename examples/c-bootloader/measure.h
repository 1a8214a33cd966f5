/* Instructions and stack of one bootloader step under QEMU (identity.c, decrypt.c). */
#ifndef BOOT_MEASURE_H
#define BOOT_MEASURE_H

#include <stdint.h>

#include "pqhybrid.h"

/* Runs op() with SysTick counting (wraps counted by the SysTick exception) and sets
   `*instructions`: under QEMU -icount shift=4 one instruction is 16 ns and the an386's SysTick
   runs at 25 MHz, 2.5 instructions per tick. Returns op()'s status. */
pqh_status measure_instructions(pqh_status (*op)(void), uint64_t *instructions);
/* Paints the free RAM below the caller's frame, runs op() (SysTick off) and sets `*stack` to
   the bytes of stack it used below this call's frame. Returns op()'s status. */
pqh_status measure_stack(pqh_status (*op)(void), uint32_t *stack);
/* The lowest stack address any measure_stack() run reached (its painting hides it from a later
   scan), or UINTPTR_MAX before any run. */
uintptr_t measure_deepest(void);

#endif
