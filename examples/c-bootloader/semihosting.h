/* Arm semihosting: console output, host files and exit with a status (QEMU -semihosting-config enable=on). */
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
/* Writes `len` bytes to the host file `path` (created or truncated); 0 on success, -1 if not. */
int sh_write_file(const char *path, const uint8_t *data, size_t len);
/* Reads the whole host file `path` into `buf` (at most `cap` bytes) and sets `*len`; 0 on
   success, -1 if it cannot be opened or read or is longer than `cap`. */
int sh_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len);
/* Ends the program: QEMU exits with `status` (SYS_EXIT_EXTENDED). */
__attribute__((noreturn)) void sh_exit(int status);

#endif
