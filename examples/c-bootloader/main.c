/*
 * A verify-only bootloader for mps2-an386 (Cortex-M4) on the pqhybrid C API.
 *
 * The signed image sits in its own flash slot (image.S). The bootloader streams it through
 * pqh_fw_verifier_update in 256-byte chunks, as it would read an external flash, against a
 * policy made of what a device keeps in OTP: one trust-anchor key id, the device class and the
 * anti-rollback counter (here a const in flash). It prints the verdict over semihosting and
 * exits 0 (VALID: would boot) or non-zero (REJECTED, with the reason).
 *
 * trust_anchor.h (TRUST_ANCHOR_KEY_ID, DEVICE_CLASS) is generated at build time from the key
 * that `pqhybrid keygen` made (cargo xtask cortex-m); SECURITY_COUNTER comes from the Makefile.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PQH_NO_STD 1
#include "pqhybrid.h"

#include "semihosting.h"
#include "trust_anchor.h"

#ifndef SECURITY_COUNTER
#error "SECURITY_COUNTER (the device's anti-rollback counter) must be defined"
#endif

#define CHUNK 256
#define PAINT 0xC5ACCE55u

extern const uint8_t image_start[], image_end[];
extern uint32_t _ebss, _estack;

/* What OTP would hold: the trust anchor and the anti-rollback counter. */
static const pqh_fw_trust_anchor otp_anchors[1] = {
    {.key_id = TRUST_ANCHOR_KEY_ID, .state = PQH_FW_KEY_ACTIVE},
};
static const uint64_t otp_security_counter = SECURITY_COUNTER;
static const uint8_t device_class[PQH_FW_DEVICE_CLASS_BYTES] = DEVICE_CLASS;

/* The verifier state (17 KiB with the default 16 KiB trailer capacity): static, not stack. */
static pqh_fw_verifier verifier;

void pqh_panic_handler(void)
{
    sh_puts("PANIC in libpqhybrid\n");
    sh_exit(3);
}

/* Paints the free RAM below this frame so that the high-water mark can be read afterwards. */
__attribute__((noinline)) static void paint_stack(void)
{
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (volatile uint32_t *p = &_ebss; (uintptr_t)p < sp - 256; p++) {
        *p = PAINT;
    }
}

static uint32_t stack_used(void)
{
    const volatile uint32_t *p = &_ebss;
    while (p < &_estack && *p == PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)p);
}

/* Stands in for a flash driver: copies the next chunk of the slot into RAM. */
static size_t flash_read(size_t offset, uint8_t *buf, size_t len)
{
    size_t size = (size_t)(image_end - image_start);
    if (offset >= size) {
        return 0;
    }
    if (len > size - offset) {
        len = size - offset;
    }
    memcpy(buf, image_start + offset, len);
    return len;
}

static int reject(pqh_status st)
{
    sh_puts("REJECTED: ");
    sh_puts(pqh_status_string(st));
    sh_puts(" (status -");
    sh_putu((uint64_t)(-(int64_t)st));
    sh_puts(")\n");
    return 1;
}

__attribute__((noinline)) static int verify(void)
{
    pqh_fw_policy policy = {
        .trust_anchors = otp_anchors,
        .trust_anchors_len = 1,
        .min_security_version = otp_security_counter,
        .allowed_algorithms = PQH_FW_ALGS_HYBRID_ONLY,
    };
    memcpy(policy.device_class, device_class, sizeof device_class);

    pqh_status st = pqh_fw_verifier_init(&verifier, &policy);
    if (st != PQH_OK) {
        return reject(st);
    }
    uint8_t buf[CHUNK];
    size_t offset = 0;
    size_t n;
    while ((n = flash_read(offset, buf, sizeof buf)) != 0) {
        st = pqh_fw_verifier_update(&verifier, buf, n);
        if (st != PQH_OK) {
            return reject(st);
        }
        offset += n;
    }
    pqh_fw_image_info info;
    st = pqh_fw_verifier_finish(&verifier, &info);
    if (st != PQH_OK) {
        return reject(st);
    }
    /* The verifier already enforced security_version >= counter; check again before booting
       (defence in depth) and say what would be written back to the counter. */
    if (info.security_version < otp_security_counter) {
        sh_puts("REJECTED: security version below the OTP counter (rollback)\n");
        return 2;
    }
    sh_puts("VALID: image version ");
    sh_putu(info.version_major);
    sh_puts(".");
    sh_putu(info.version_minor);
    sh_puts(".");
    sh_putu(info.version_revision);
    sh_puts("+");
    sh_putu(info.version_build);
    sh_puts(", security version ");
    sh_putu(info.security_version);
    sh_puts(" (counter ");
    sh_putu(otp_security_counter);
    sh_puts(info.security_version > otp_security_counter ? ", would advance it)" : ")");
    sh_puts(", payload ");
    sh_putu(info.payload_len);
    sh_puts(" bytes at offset ");
    sh_putu(info.header_len);
    sh_puts(", ");
    sh_puts(pqh_sig_alg_name(info.algorithm));
    sh_puts("\n");
    return 0;
}

int main(void)
{
    sh_puts("pqhybrid C bootloader (mps2-an386), image ");
    sh_putu((uint64_t)(image_end - image_start));
    sh_puts(" bytes, chunks of " "256" " bytes\n");
    paint_stack();
    int rc = verify();
    sh_puts("stack used: ");
    sh_putu(stack_used());
    sh_puts(" bytes\n");
    return rc;
}
