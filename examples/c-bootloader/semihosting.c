#include "semihosting.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_FLEN = 0x0C,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
    ADP_STOPPED_RUN_TIME_ERROR = 0x20023,
};

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_puts(const char *s)
{
    semihost(SYS_WRITE0, s);
}

void sh_putu(uint64_t v)
{
    char buf[24];
    char *p = buf + sizeof buf - 1;
    *p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    sh_puts(p);
}

void sh_puthex(const uint8_t *p, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char buf[33];
    while (len > 0) {
        size_t n = len < 16 ? len : 16;
        for (size_t i = 0; i < n; i++) {
            buf[2 * i] = digits[p[i] >> 4];
            buf[2 * i + 1] = digits[p[i] & 15];
        }
        buf[2 * n] = 0;
        sh_puts(buf);
        p += n;
        len -= n;
    }
}

void sh_exit(int status)
{
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    semihost(SYS_EXIT_EXTENDED, block);
    /* Without the extended call: the reason alone (QEMU exits 0 or 1). */
    semihost(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                             : ADP_STOPPED_RUN_TIME_ERROR));
    for (;;) {
    }
}

static size_t cstrlen(const char *s)
{
    size_t n = 0;
    while (s[n] != 0) {
        n++;
    }
    return n;
}

/* SYS_OPEN mode numbers: 1 = "rb", 5 = "wb". */
static int sh_open(const char *path, uint32_t mode)
{
    const uint32_t block[3] = {(uint32_t)(uintptr_t)path, mode, (uint32_t)cstrlen(path)};
    return semihost(SYS_OPEN, block);
}

static void sh_close(int fd)
{
    const uint32_t block[1] = {(uint32_t)fd};
    (void)semihost(SYS_CLOSE, block);
}

int sh_write_file(const char *path, const uint8_t *data, size_t len)
{
    int fd = sh_open(path, 5);
    if (fd < 0) {
        return -1;
    }
    const uint32_t block[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)data, (uint32_t)len};
    /* SYS_WRITE returns the number of bytes NOT written. */
    int left = semihost(SYS_WRITE, block);
    sh_close(fd);
    return left == 0 ? 0 : -1;
}

int sh_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    int fd = sh_open(path, 1);
    if (fd < 0) {
        return -1;
    }
    const uint32_t flen_block[1] = {(uint32_t)fd};
    int flen = semihost(SYS_FLEN, flen_block);
    if (flen < 0 || (size_t)flen > cap) {
        sh_close(fd);
        return -1;
    }
    const uint32_t block[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)flen};
    /* SYS_READ returns the number of bytes NOT read. */
    int left = semihost(SYS_READ, block);
    sh_close(fd);
    if (left != 0) {
        return -1;
    }
    *len = (size_t)flen;
    return 0;
}
