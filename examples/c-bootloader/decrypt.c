/*
 * The bootloader's decryption step (built with DECRYPT=1 and a library with the `hpke`
 * feature; docs/firmware-format.md, "Encrypted payloads"). Slot A holds an image whose payload
 * is encrypted to this device's KEM key (X-Wing); the bootloader makes two passes over it:
 *
 *   1. pqh_fw_verifier over slot A, as for a plain image (policy from OTP, slot length, header
 *      first, then the rest) but with PQH_FW_POLICY_ACCEPT_ENCRYPTED: a bootloader that does
 *      not decrypt leaves it out and refuses encrypted images (it must never install ciphertext
 *      as code). The signature covers the encrypted bytes, so a forged or
 *      modified image is refused before any decryption. pqh_fw_verifier_encryption_record_digest
 *      then says the payload is encrypted (it must not run in place);
 *   2. pqh_fw_decryptor over slot A again, initialized from that finished verifier, the
 *      device's private key and a one-chunk buffer: it refuses an encryption record that
 *      differs from the verified one (slot A changed between the passes), unwraps the content
 *      key, and releases each chunk's plaintext only once its tag verifies; the bootloader
 *      programs it into slot B (erased first) and reads it back. This bootloader also turns on
 *      the plaintext-digest check (pqh_fw_decryptor_check_plaintext_digest: one more hash pass,
 *      a defence against a faulty encryption step and a device-computed measurement of the
 *      plaintext, which it prints); pqh_fw_decryptor_finish then checks that every chunk arrived
 *      and that the plaintext matches the digest in the signed record.
 *      Only then does slot B hold an image to boot; on any error slot B is erased.
 *
 * Reading slot A twice is safe here (no check-then-use, RFC 9124): what pass 2 releases is
 * authenticated by the content key, which is bound to the record that pass 1 verified.
 *
 * Each pass runs twice (measure.c): timed, then for its stack; the rows "DECRYPT <pass>: <n>
 * instructions, <m> stack bytes" are the figures `cargo xtask cortex-m` records. Slot B is
 * written to the host (DECRYPT_DIR/slot-b.bin), which compares it with the plaintext.
 *
 * THE KEY IN device_key.h IS A TEST KEY (examples/c-bootloader/test-device-xwing.key, from a
 * fixed seed). A real device keeps its KEM private key in protected storage (OTP, a secure
 * element, a key the bootloader locks before the next stage runs), never in its code.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PQH_NO_STD 1
#include "pqhybrid.h"

#include "decrypt.h"
#include "device_key.h"
#include "measure.h"
#include "semihosting.h"
#include "trust_anchor.h"

#ifndef DECRYPT_DIR
#error "DECRYPT_DIR (the host directory for slot-b.bin) must be defined"
#endif
#ifndef SECURITY_COUNTER
#error "SECURITY_COUNTER (the device's anti-rollback counter) must be defined"
#endif

/* The caller-allocated states are the sizes the library was built with. */
_Static_assert(sizeof(pqh_fw_decryptor) == PQH_FW_DECRYPTOR_SIZE, "pqh_fw_decryptor size");
_Static_assert(_Alignof(pqh_fw_decryptor) == PQH_FW_DECRYPTOR_ALIGN, "pqh_fw_decryptor align");
_Static_assert(sizeof(pqh_fw_verifier) == PQH_FW_VERIFIER_SIZE, "pqh_fw_verifier size");
_Static_assert(_Alignof(pqh_fw_verifier) == PQH_FW_VERIFIER_ALIGN, "pqh_fw_verifier align");

/* Bytes of slot A per update call (any size works). */
#define CHUNK 4096

/* linker.ld: slot A (the encrypted image, standing for external flash) and slot B (where the
   plaintext is programmed). */
extern const uint8_t __slot_start[], __slot_end[];
extern uint8_t __slot_b_start[], __slot_b_end[];

/* What OTP would hold: the trust anchor, the anti-rollback counter and its width. */
static const pqh_fw_trust_anchor otp_anchors[1] = {
    {.key_id = TRUST_ANCHOR_KEY_ID, .state = PQH_FW_KEY_ACTIVE},
};
static const uint64_t otp_security_counter = SECURITY_COUNTER;
static const uint64_t otp_counter_max = UINT32_MAX;
static const uint8_t device_class[PQH_FW_DEVICE_CLASS_BYTES] = DEVICE_CLASS;
/* The device's KEM private key (canonical form: the X-Wing seed). A TEST KEY. */
static const uint8_t device_kem_sk[] = DEVICE_KEM_SK;
_Static_assert(sizeof device_kem_sk == PQH_XWING_SECRETKEYBYTES, "X-Wing private key length");

/* The states and buffers, static (not stack): the verifier (17 KiB), the decryptor (its key
   and the encryption record), one chunk and its tag, and the output of one update. */
static pqh_fw_verifier verifier;
static pqh_fw_decryptor decryptor;
static uint8_t chunk_buf[PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES];
static uint8_t out[CHUNK + PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES];

static pqh_fw_image_info info;
static pqh_fw_decrypted_info plain;
static uint64_t image_len;
static size_t slot_b_len;
static int flash_failed;

/* Slot B as flash: erase (0xFF) and program with read-back. On this QEMU board it is RAM; a
   real bootloader calls its flash driver here. */
static void flash_erase_b(size_t len)
{
    memset(__slot_b_start, 0xFF, len);
}

static int flash_program_b(size_t offset, const uint8_t *data, size_t len)
{
    const size_t cap = (size_t)(__slot_b_end - __slot_b_start);
    if (offset > cap || len > cap - offset) {
        return -1;
    }
    memcpy(__slot_b_start + offset, data, len);
    return memcmp(__slot_b_start + offset, data, len) == 0 ? 0 : -1;
}

/* Pass 1: the verifier over slot A (the header first: then it knows the image's length). */
static pqh_status op_verify(void)
{
    const size_t slot_size = (size_t)(__slot_end - __slot_start);
    pqh_fw_policy policy = {
        .trust_anchors = otp_anchors,
        .trust_anchors_len = 1,
        .min_security_version = otp_security_counter,
        .max_security_version = otp_counter_max,
        .allowed_algorithms = PQH_FW_ALGS_HYBRID_ONLY,
        .endorse_allowed_algorithms = 0,
        /* This bootloader decrypts (pass 2): it accepts encrypted images. */
        .flags = PQH_FW_POLICY_ACCEPT_ENCRYPTED,
    };
    memcpy(policy.device_class, device_class, sizeof device_class);
    pqh_status st = pqh_fw_verifier_init(&verifier, &policy);
    if (st == PQH_OK) {
        st = pqh_fw_verifier_set_slot_len(&verifier, slot_size);
    }
    if (st == PQH_OK) {
        st = pqh_fw_verifier_update(&verifier, __slot_start, 192);
    }
    if (st == PQH_OK) {
        /* Unverified until finish, but bounded by the slot (set_slot_len). */
        st = pqh_fw_verifier_expected_len(&verifier, &image_len);
    }
    for (size_t off = 192; st == PQH_OK && off < image_len; off += CHUNK) {
        size_t n = image_len - off < CHUNK ? (size_t)(image_len - off) : CHUNK;
        st = pqh_fw_verifier_update(&verifier, __slot_start + off, n);
    }
    if (st == PQH_OK) {
        st = pqh_fw_verifier_finish(&verifier, &info);
    }
    return st;
}

/* Pass 2: the decryptor over slot A again, the plaintext into slot B. */
static pqh_status op_decrypt(void)
{
    slot_b_len = 0;
    flash_failed = 0;
    flash_erase_b(info.payload_len);
    pqh_status st = pqh_fw_decryptor_init(&decryptor, &verifier, DEVICE_KEM_ALG, device_kem_sk,
                                          sizeof device_kem_sk, chunk_buf, sizeof chunk_buf);
    if (st == PQH_OK) {
        /* Opt in to the plaintext-digest check (off by default: the chunk tags already
         * authenticate every byte); the printed digest is then the device's own. */
        st = pqh_fw_decryptor_check_plaintext_digest(&decryptor);
    }
    for (size_t off = 0; st == PQH_OK && off < image_len; off += CHUNK) {
        size_t n = image_len - off < CHUNK ? (size_t)(image_len - off) : CHUNK;
        size_t written = 0;
        st = pqh_fw_decryptor_update(&decryptor, __slot_start + off, n, out, sizeof out,
                                     &written);
        if (st == PQH_OK && flash_program_b(slot_b_len, out, written) != 0) {
            flash_failed = 1;
            st = PQH_ERR_BUFFER_TOO_SMALL;
        }
        slot_b_len += written;
    }
    if (st == PQH_OK) {
        st = pqh_fw_decryptor_finish(&decryptor, &plain);
    }
    if (st != PQH_OK) {
        /* Never leave a partial plaintext behind, nor the key in the state. */
        (void)pqh_fw_decryptor_wipe(&decryptor);
        flash_erase_b(info.payload_len);
        slot_b_len = 0;
    }
    return st;
}

static int reject(const char *what, pqh_status st)
{
    sh_puts("REJECTED: ");
    sh_puts(flash_failed ? "slot B write failed" : pqh_status_string(st));
    sh_puts(" (status -");
    sh_putu((uint64_t)(-(int64_t)st));
    sh_puts(", ");
    sh_puts(what);
    sh_puts(")\n");
    return 1;
}

/* Runs one pass twice (instructions, then stack) and prints its figures; the status of the
   first run (a failing pass is not run again). */
static pqh_status step(const char *name, pqh_status (*op)(void))
{
    uint64_t instructions = 0;
    uint32_t stack = 0;
    pqh_status st = measure_instructions(op, &instructions);
    if (st != PQH_OK) {
        return st;
    }
    st = measure_stack(op, &stack);
    sh_puts("DECRYPT ");
    sh_puts(name);
    sh_puts(": ");
    sh_putu(instructions);
    sh_puts(" instructions, ");
    sh_putu(stack);
    sh_puts(" stack bytes\n");
    return st;
}

int decrypt_boot(void)
{
    pqh_status st = step("verify (pass 1)", op_verify);
    if (st != PQH_OK) {
        return reject("pass 1, verification", st);
    }
    if (info.security_version < otp_security_counter || info.security_version > otp_counter_max) {
        sh_puts("REJECTED: security version outside the OTP counter's range (rollback)\n");
        return 2;
    }
    uint8_t record_digest[PQH_FW_RECORD_DIGEST_BYTES];
    st = pqh_fw_verifier_encryption_record_digest(&verifier, record_digest,
                                                  sizeof record_digest);
    if (st != PQH_OK) {
        /* A plain image would boot in place; this bootloader expects encrypted ones. */
        return reject("pass 1, the payload must be encrypted", st);
    }
    sh_puts("VERIFIED (pass 1): image version ");
    sh_putu(info.version_major);
    sh_puts(".");
    sh_putu(info.version_minor);
    sh_puts(".");
    sh_putu(info.version_revision);
    sh_puts("+");
    sh_putu(info.version_build);
    sh_puts(", security version ");
    sh_putu(info.security_version);
    sh_puts(", encrypted payload of ");
    sh_putu(info.payload_len);
    sh_puts(" bytes\n  image id ");
    sh_puthex(info.image_id, sizeof info.image_id);
    sh_puts("\n  encryption record digest ");
    sh_puthex(record_digest, sizeof record_digest);
    sh_puts("\n");

    st = step("decrypt (pass 2, slot A -> slot B)", op_decrypt);
    if (st != PQH_OK) {
        reject("pass 2, decryption", st);
        sh_puts("  slot B erased\n");
        return 1;
    }
    sh_puts("DECRYPTED: ");
    sh_putu(plain.plaintext_len);
    if (!plain.plaintext_digest_checked) {
        sh_puts("DECRYPT FAILED: the plaintext digest was not checked\n");
        return 1;
    }
    sh_puts(" bytes of plaintext in slot B, digest checked against the signed record\n"
            "  plaintext digest ");
    sh_puthex(plain.plaintext_digest, plain.plaintext_digest_len);
    sh_puts("\n");
    if (slot_b_len != plain.plaintext_len ||
        sh_write_file(DECRYPT_DIR "/slot-b.bin", __slot_b_start, slot_b_len) != 0) {
        sh_puts("DECRYPT FAILED: cannot write " DECRYPT_DIR "/slot-b.bin\n");
        return 1;
    }
    sh_puts("  wrote slot B (");
    sh_putu(slot_b_len);
    sh_puts(" bytes) to " DECRYPT_DIR "/slot-b.bin\n");
    return 0;
}
