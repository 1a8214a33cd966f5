/*
 * The bootloader's DICE step (built with IDENTITY=1; docs/identity.md): after the image is
 * verified, the bootloader derives the device identity from its Unique Device Secret and the
 * accepted image, and hands the booted firmware what it needs to prove it:
 *
 *   1. pqh_identity_init: the layer-0 CDIs from the UDS and the DeviceID key (the same on every
 *      boot of this device);
 *   2. pqh_identity_measure with the pqh_fw_image_info that pqh_fw_verifier_finish returned:
 *      the next layer's CDIs and its Alias key (a new key for every image);
 *   3. pqh_identity_device_id_csr: the DeviceID CSR a manufacturer's CA certifies at
 *      provisioning (written to IDENTITY_DIR/device-id.csr);
 *   4. pqh_identity_alias_cert: the Alias certificate, signed by the DeviceID key, with the
 *      image's DiceTcbInfo (IDENTITY_DIR/alias.crt);
 *   5. pqh_identity_evidence: the attestation evidence for the verifier's nonce, read from
 *      IDENTITY_DIR/nonce.bin (IDENTITY_DIR/evidence.der; the figures are those of a fixed
 *      nonce, as signing time depends on the message);
 *   6. pqh_identity_wipe, before the next layer would run.
 *
 * Files travel over semihosting; the host (cargo xtask cortex-m) issues the DeviceID certificate
 * from the CSR with `pqhybrid identity issue` and checks the whole chain, the nonce and the
 * image with `pqhybrid identity verify`. Each step runs twice (measure.c): once timed (retired
 * instructions from SysTick under QEMU -icount shift=4, 2.5 instructions per tick), once for its
 * stack high-water mark (painted RAM); init and measure start from scratch each time, the
 * documents are the same bytes.
 *
 * THE UDS BELOW IS A FIXED TEST VALUE. A real device reads its UDS from fuses or OTP that the
 * bootloader locks (or hides) before the next layer runs; it never ships in code.
 */
#include <stddef.h>
#include <stdint.h>

#define PQH_NO_STD 1
#include "pqhybrid.h"

#include "identity.h"
#include "measure.h"
#include "semihosting.h"

#ifndef IDENTITY_DIR
#error "IDENTITY_DIR (the host directory for the identity files) must be defined"
#endif

/* The fixed test UDS: the 32 ASCII bytes "pqhybrid test UDS, never real!!!". */
static const uint8_t test_uds[PQH_IDENTITY_UDS_BYTES] = {
    0x70, 0x71, 0x68, 0x79, 0x62, 0x72, 0x69, 0x64, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x55, 0x44,
    0x53, 0x2c, 0x20, 0x6e, 0x65, 0x76, 0x65, 0x72, 0x20, 0x72, 0x65, 0x61, 0x6c, 0x21, 0x21, 0x21,
};

/* The identity state: static (zeroed) memory, 21 KiB. */
static pqh_identity identity;
/* One output buffer for the CSR, the Alias certificate and the evidence in turn. */
static uint8_t doc[PQH_IDENTITY_CERT_MAX_BYTES];
static size_t doc_len;
static uint8_t nonce[PQH_IDENTITY_NONCE_MAX_BYTES];
static size_t nonce_len;
static const pqh_fw_image_info *measured;

static pqh_status op_init(void)
{
    return pqh_identity_init(&identity, PQH_SIG_MLDSA65_ED25519_SHA512, test_uds);
}

static pqh_status op_measure(void)
{
    /* No hidden input (NULL: zeros); the image booted in the normal mode. */
    return pqh_identity_measure(&identity, measured, PQH_IDENTITY_MODE_NORMAL, NULL);
}

static pqh_status op_csr(void)
{
    return pqh_identity_device_id_csr(&identity, doc, sizeof doc, &doc_len);
}

static pqh_status op_alias(void)
{
    return pqh_identity_alias_cert(&identity, "pqhybrid", "c-bootloader mps2-an386", doc,
                                   sizeof doc, &doc_len);
}

static pqh_status op_evidence(void)
{
    return pqh_identity_evidence(&identity, nonce, nonce_len, doc, sizeof doc, &doc_len);
}

/* The measured evidence: a fixed 32-byte nonce, so that the figures repeat from run to run (an
   ML-DSA signature's time depends on what it signs); the host's fresh nonce follows unmeasured. */
static pqh_status op_evidence_fixed(void)
{
    static const uint8_t fixed[32] = {0x4e};
    return pqh_identity_evidence(&identity, fixed, sizeof fixed, doc, sizeof doc, &doc_len);
}

/* Runs one step twice (instructions with the SysTick exception on, then stack with it off;
   every step gives the same result when repeated) and prints
   "IDENTITY <step>: <n> instructions, <m> stack bytes". */
static pqh_status step(const char *name, pqh_status (*op)(void))
{
    uint64_t instructions = 0;
    uint32_t stack = 0;
    pqh_status st = measure_instructions(op, &instructions);
    if (st == PQH_OK) {
        st = measure_stack(op, &stack);
    }
    if (st != PQH_OK) {
        sh_puts("IDENTITY FAILED: ");
        sh_puts(name);
        sh_puts(" (status -");
        sh_putu((uint64_t)(-(int64_t)st));
        sh_puts(")\n");
        return st;
    }
    sh_puts("IDENTITY ");
    sh_puts(name);
    sh_puts(": ");
    sh_putu(instructions);
    sh_puts(" instructions, ");
    sh_putu(stack);
    sh_puts(" stack bytes\n");
    return PQH_OK;
}

static int save(const char *path)
{
    if (sh_write_file(path, doc, doc_len) != 0) {
        sh_puts("IDENTITY FAILED: cannot write ");
        sh_puts(path);
        sh_puts("\n");
        return 1;
    }
    sh_puts("  wrote ");
    sh_putu(doc_len);
    sh_puts(" bytes to ");
    sh_puts(path);
    sh_puts("\n");
    return 0;
}

int identity_boot(const pqh_fw_image_info *info)
{
    measured = info;
    int rc = 1;
    if (sh_read_file(IDENTITY_DIR "/nonce.bin", nonce, sizeof nonce, &nonce_len) != 0 ||
        nonce_len == 0) {
        sh_puts("IDENTITY FAILED: no nonce in " IDENTITY_DIR "/nonce.bin (1 to 64 bytes)\n");
        return 1;
    }
    if (step("init (UDS -> DeviceID key)", op_init) != PQH_OK ||
        step("measure (image -> Alias key)", op_measure) != PQH_OK) {
        goto out;
    }
    uint8_t id[PQH_IDENTITY_ID_BYTES];
    if (pqh_identity_device_id(&identity, id) == PQH_OK) {
        sh_puts("  DeviceID ");
        sh_puthex(id, sizeof id);
        sh_puts("\n");
    }
    if (pqh_identity_alias_id(&identity, id) == PQH_OK) {
        sh_puts("  Alias ");
        sh_puthex(id, sizeof id);
        sh_puts("\n");
    }
    if (step("DeviceID CSR (sign)", op_csr) != PQH_OK || save(IDENTITY_DIR "/device-id.csr") ||
        step("Alias certificate (sign)", op_alias) != PQH_OK || save(IDENTITY_DIR "/alias.crt") ||
        step("evidence, 32-byte nonce (sign)", op_evidence_fixed) != PQH_OK ||
        op_evidence() != PQH_OK || save(IDENTITY_DIR "/evidence.der")) {
        goto out;
    }
    sh_puts("IDENTITY OK\n");
    rc = 0;
out:
    /* Always, before the next layer runs: its secrets stay in the bootloader. */
    (void)pqh_identity_wipe(&identity);
    return rc;
}
