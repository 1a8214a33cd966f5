/*
 * A verify-only bootloader for mps2-an386 (Cortex-M4) on the pqhybrid C API.
 *
 * The signed image sits in its own flash slot (image.S; the slot is SLOT_SIZE bytes at
 * __slot_start, linker.ld), which stands for external or execute-in-place flash: it may serve
 * different bytes each time it is read. So the bootloader never verifies the slot and then runs
 * it (check-then-use, RFC 9124); it follows the copy-then-verify pattern instead:
 *
 *   1. pqh_fw_verifier_init with the policy the device keeps in OTP (one trust-anchor key id,
 *      the device class, the anti-rollback counter and the counter's width);
 *   2. pqh_fw_verifier_set_slot_len: an image longer than the slot is rejected;
 *   3. pqh_fw_verifier_update_copy, chunk by chunk, from the slot into internal RAM (the load
 *      region __load_start, where the image would run): the verifier hashes what was written
 *      to RAM. The fixed header comes first; pqh_fw_verifier_expected_len then gives the image
 *      length (unverified, but already bounded by the slot; also bounded here by the RAM
 *      region), so the erased rest of the slot is never read;
 *   4. pqh_fw_verifier_finish: only PQH_OK boots, and only the RAM copy, never the slot.
 *
 * It prints the verdict over semihosting (with the image id, SHA-256 of the signed header,
 * and the payload digest of the verified copy) and exits 0 (VALID: would boot) or non-zero
 * (REJECTED, with the reason). On a real device the anti-rollback counter is raised to
 * info.security_version only after the new image has booted and confirmed itself good, and
 * never to a value the counter cannot store (max_security_version).
 *
 * Built with IDENTITY=1 (and a library with the `identity` feature), it then derives the
 * device's DICE identity from the accepted image (identity.c). Built with DECRYPT=1 (and a
 * library with the `hpke` feature), it boots images whose payload is encrypted instead: it
 * verifies slot A and decrypts it into slot B (decrypt.c), in place of the flow below.
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
#if defined(BOOT_IDENTITY)
#include "identity.h"
#endif
#if defined(BOOT_DECRYPT)
#include "decrypt.h"
#endif
#if defined(BOOT_IDENTITY) || defined(BOOT_DECRYPT)
#include "measure.h"
#endif

#ifndef SECURITY_COUNTER
#error "SECURITY_COUNTER (the device's anti-rollback counter) must be defined"
#endif

/* Bytes per update_copy call: any size works; larger chunks mean fewer calls. */
#define CHUNK 4096
#define PAINT 0xC5ACCE55u

/* linker.ld: the image slot in flash, and the internal RAM the image is loaded into. */
extern const uint8_t __slot_start[], __slot_end[];
extern uint8_t __load_start[], __load_end[];
extern uint32_t _ebss, _estack;

#if !defined(BOOT_DECRYPT)
/* What OTP would hold: the trust anchor, the anti-rollback counter and its width. */
static const pqh_fw_trust_anchor otp_anchors[1] = {
    {.key_id = TRUST_ANCHOR_KEY_ID, .state = PQH_FW_KEY_ACTIVE},
};
static const uint64_t otp_security_counter = SECURITY_COUNTER;
/* A 32-bit counter: images above its range are rejected, never truncated when stored. */
static const uint64_t otp_counter_max = UINT32_MAX;
static const uint8_t device_class[PQH_FW_DEVICE_CLASS_BYTES] = DEVICE_CLASS;

/* The verifier state (17 KiB with the default 16 KiB trailer capacity): static, not stack. */
static pqh_fw_verifier verifier;
#endif

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
#if defined(BOOT_IDENTITY) || defined(BOOT_DECRYPT)
    /* The measured steps repaint the stack for their own figures: take their deepest point. */
    if (measure_deepest() < (uintptr_t)p) {
        p = (const volatile uint32_t *)measure_deepest();
    }
#endif
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)p);
}

#if !defined(BOOT_DECRYPT)
/* Why an image is rejected: the reasons this device can meet, in a few bytes (the library's
   pqh_status_string would link every message, 3 KiB of flash). */
static const char *reason(pqh_status st)
{
    switch (st) {
    case PQH_ERR_FW_DIGEST_MISMATCH: return "payload digest mismatch";
    case PQH_ERR_FW_ROLLBACK: return "security version below the counter (rollback)";
    case PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE: return "security version above the counter's range";
    case PQH_ERR_FW_BAD_SIGNATURE: return "bad signature";
    case PQH_ERR_FW_WRONG_DEVICE_CLASS: return "image for another device class";
    case PQH_ERR_FW_UNKNOWN_KEY: return "signing key not trusted";
    case PQH_ERR_FW_REVOKED_KEY: return "signing key revoked";
    case PQH_ERR_FW_ALGORITHM_NOT_ALLOWED: return "algorithm not allowed";
    case PQH_ERR_FW_IMAGE_EXCEEDS_SLOT: return "image longer than its slot";
    case PQH_ERR_FW_TRUNCATED: return "image truncated";
    case PQH_ERR_FW_BAD_MAGIC: return "no image in the slot";
    case PQH_ERR_FW_UNSUPPORTED_VERSION: return "unsupported image format";
    default: return "invalid image";
    }
}

static int reject(pqh_status st)
{
    sh_puts("REJECTED: ");
    sh_puts(reason(st));
    sh_puts(" (status -");
    sh_putu((uint64_t)(-(int64_t)st));
    sh_puts(")\n");
    return 1;
}

/* Copies [offset, end) of the slot into the load region through the verifier. */
static pqh_status copy_verified(size_t offset, size_t end)
{
    while (offset < end) {
        size_t n = end - offset < CHUNK ? end - offset : CHUNK;
        pqh_status st = pqh_fw_verifier_update_copy(&verifier, __slot_start + offset,
                                                    __load_start + offset, n);
        if (st != PQH_OK) {
            return st;
        }
        offset += n;
    }
    return PQH_OK;
}

__attribute__((noinline)) static int verify(void)
{
    const size_t slot_size = (size_t)(__slot_end - __slot_start);
    const size_t load_size = (size_t)(__load_end - __load_start);
    pqh_fw_policy policy = {
        .trust_anchors = otp_anchors,
        .trust_anchors_len = 1,
        .min_security_version = otp_security_counter,
        .max_security_version = otp_counter_max,
        .allowed_algorithms = PQH_FW_ALGS_HYBRID_ONLY,
        /* No root endorses release keys on this device: images are signed by the anchor. */
        .endorse_allowed_algorithms = 0,
        .flags = 0, /* format version 2 only */
    };
    memcpy(policy.device_class, device_class, sizeof device_class);

    pqh_status st = pqh_fw_verifier_init(&verifier, &policy);
    if (st == PQH_OK) {
        st = pqh_fw_verifier_set_slot_len(&verifier, slot_size);
    }
    /* The fixed header (192 bytes) first: then the verifier knows the image's length. */
    if (st == PQH_OK) {
        st = copy_verified(0, 192);
    }
    uint64_t image_len = 0;
    if (st == PQH_OK) {
        st = pqh_fw_verifier_expected_len(&verifier, &image_len);
    }
    if (st != PQH_OK) {
        return reject(st);
    }
    /* Unverified until finish: the verifier bounded it by the slot; bound it by RAM too. */
    if (image_len > load_size) {
        sh_puts("REJECTED: image larger than the load region\n");
        return 1;
    }
    st = copy_verified(192, (size_t)image_len);
    pqh_fw_image_info info;
    if (st == PQH_OK) {
        st = pqh_fw_verifier_finish(&verifier, &info);
    }
    if (st != PQH_OK) {
        /* The RAM copy is not booted; a real bootloader would also clear it. */
        return reject(st);
    }
    /* The verifier already enforced counter <= security_version <= counter max; check again
       before booting (defence in depth) and say what would be written back to the counter. */
    if (info.security_version < otp_security_counter || info.security_version > otp_counter_max) {
        sh_puts("REJECTED: security version outside the OTP counter's range (rollback)\n");
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
    sh_puts(info.security_version > otp_security_counter ? ", raise it once booted)" : ")");
    sh_puts(", ");
    sh_putu(image_len);
    sh_puts(" bytes copied to RAM, would run the payload of ");
    sh_putu(info.payload_len);
    sh_puts(" bytes at RAM offset ");
    sh_putu(info.header_len);
    sh_puts(info.algorithm == PQH_SIG_MLDSA65_ED25519_SHA512 ? ", MLDSA65-Ed25519-SHA512"
                                                             : ", another hybrid algorithm");
    sh_puts("\n  image id ");
    sh_puthex(info.image_id, sizeof info.image_id);
    sh_puts("\n  payload digest ");
    sh_puthex(info.payload_digest, info.payload_digest_len);
    sh_puts("\n");
#if defined(BOOT_IDENTITY)
    /* The DICE step: the identity of the image that will run (identity.c). */
    return identity_boot(&info);
#else
    return 0;
#endif
}
#endif /* !BOOT_DECRYPT */

int main(void)
{
    sh_puts("pqhybrid C bootloader (mps2-an386): slot of ");
    sh_putu((uint64_t)(__slot_end - __slot_start));
#if defined(BOOT_DECRYPT)
    sh_puts(" bytes, its encrypted image verified and decrypted into slot B in chunks of "
            "4096" " bytes\n");
    paint_stack();
    int rc = decrypt_boot();
#else
    sh_puts(" bytes, copied to RAM and verified in chunks of " "4096" " bytes\n");
    paint_stack();
    int rc = verify();
#endif
    sh_puts("stack used: ");
    sh_putu(stack_used());
    sh_puts(" bytes\n");
    return rc;
}
