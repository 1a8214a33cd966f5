/* Arm semihosting: console output and exit with a status (QEMU -semihosting-config enable=on). */
#ifndef SEMIHOSTING_H
#define SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

/* Writes a NUL-terminated string to the host console. */
void sh_puts(const char *s);
/* Writes an unsigned decimal number. */
void sh_putu(uint64_t v);
/* Writes bytes as lowercase hex. */
void sh_puthex(const uint8_t *p, size_t len);
/* Ends the program: QEMU exits with `status` (SYS_EXIT_EXTENDED). */
__attribute__((noreturn)) void sh_exit(int status);

#endif
