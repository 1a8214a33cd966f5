/*
 * C tests of the pqhybrid C ABI (include/pqhybrid.h), run by `cargo xtask c-tests`:
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -fsanitize=address,undefined -DPQH_HAZMAT \
 *       -Iinclude tests/c/test_pqhybrid.c libpqhybrid_ffi.a <native-static-libs>
 *   ./test_pqhybrid target/c-tests/vectors.txt
 *
 * They call every exported function, check every error path (NULL pointers, short buffers
 * with nothing written, bad lengths, bad encodings, unknown algorithm values, a failing RNG),
 * and run the known-answer vectors that the xtask converted from JSON into a line-based hex
 * file (see xtask/src/vectors.rs for the format). The last line is "N passed, M failed".
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pqhybrid.h"

static unsigned long g_passed;
static unsigned long g_failed;

static void check_impl(int ok, const char *file, int line, const char *fmt, ...) {
    if (ok) {
        g_passed++;
        return;
    }
    g_failed++;
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

#define CHECK(cond, ...) check_impl((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

#define CHECK_STATUS(expr, expected)                                                          \
    do {                                                                                      \
        pqh_status st_ = (expr);                                                              \
        CHECK(st_ == (expected), "%s = %d (%s), expected %s", #expr, (int)st_,                \
              pqh_status_string(st_), #expected);                                             \
    } while (0)

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                  */

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* 1 if every byte of buf[0..len] equals b. */
static int all_bytes(const uint8_t *buf, size_t len, uint8_t b) {
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != b) {
            return 0;
        }
    }
    return 1;
}

#define SENTINEL 0xA5

/* A deterministic test generator (xorshift64*), NOT for real use. */
typedef struct {
    uint64_t state;
    unsigned long calls;
} test_rng;

static int test_rng_fill(void *ctx, uint8_t *out, size_t len) {
    test_rng *r = (test_rng *)ctx;
    r->calls++;
    for (size_t i = 0; i < len; i++) {
        r->state ^= r->state >> 12;
        r->state ^= r->state << 25;
        r->state ^= r->state >> 27;
        out[i] = (uint8_t)((r->state * 0x2545F4914F6CDD1DULL) >> 56);
    }
    return 0;
}

/* A generator that always fails. */
static int failing_rng(void *ctx, uint8_t *out, size_t len) {
    (void)out;
    (void)len;
    if (ctx) {
        (*(unsigned long *)ctx)++;
    }
    return -1;
}

/* ---------------------------------------------------------------------------------------- */
/* Algorithm tables: every C value with its name and size macros.                            */

typedef struct {
    pqh_sig_alg alg;
    const char *name;
    size_t pk, sk, seed, sig;
} sig_row;

static const sig_row SIGS[] = {
    {PQH_SIG_MLDSA44, "ML-DSA-44", PQH_MLDSA44_PUBLICKEYBYTES, PQH_MLDSA44_SECRETKEYBYTES, PQH_MLDSA44_SEEDBYTES, PQH_MLDSA44_SIGNATUREBYTES},
    {PQH_SIG_MLDSA65, "ML-DSA-65", PQH_MLDSA65_PUBLICKEYBYTES, PQH_MLDSA65_SECRETKEYBYTES, PQH_MLDSA65_SEEDBYTES, PQH_MLDSA65_SIGNATUREBYTES},
    {PQH_SIG_MLDSA87, "ML-DSA-87", PQH_MLDSA87_PUBLICKEYBYTES, PQH_MLDSA87_SECRETKEYBYTES, PQH_MLDSA87_SEEDBYTES, PQH_MLDSA87_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHA2_128S, "SLH-DSA-SHA2-128s", PQH_SLHDSA_SHA2_128S_PUBLICKEYBYTES, PQH_SLHDSA_SHA2_128S_SECRETKEYBYTES, PQH_SLHDSA_SHA2_128S_SEEDBYTES, PQH_SLHDSA_SHA2_128S_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHA2_128F, "SLH-DSA-SHA2-128f", PQH_SLHDSA_SHA2_128F_PUBLICKEYBYTES, PQH_SLHDSA_SHA2_128F_SECRETKEYBYTES, PQH_SLHDSA_SHA2_128F_SEEDBYTES, PQH_SLHDSA_SHA2_128F_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHA2_192S, "SLH-DSA-SHA2-192s", PQH_SLHDSA_SHA2_192S_PUBLICKEYBYTES, PQH_SLHDSA_SHA2_192S_SECRETKEYBYTES, PQH_SLHDSA_SHA2_192S_SEEDBYTES, PQH_SLHDSA_SHA2_192S_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHA2_192F, "SLH-DSA-SHA2-192f", PQH_SLHDSA_SHA2_192F_PUBLICKEYBYTES, PQH_SLHDSA_SHA2_192F_SECRETKEYBYTES, PQH_SLHDSA_SHA2_192F_SEEDBYTES, PQH_SLHDSA_SHA2_192F_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHA2_256S, "SLH-DSA-SHA2-256s", PQH_SLHDSA_SHA2_256S_PUBLICKEYBYTES, PQH_SLHDSA_SHA2_256S_SECRETKEYBYTES, PQH_SLHDSA_SHA2_256S_SEEDBYTES, PQH_SLHDSA_SHA2_256S_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHA2_256F, "SLH-DSA-SHA2-256f", PQH_SLHDSA_SHA2_256F_PUBLICKEYBYTES, PQH_SLHDSA_SHA2_256F_SECRETKEYBYTES, PQH_SLHDSA_SHA2_256F_SEEDBYTES, PQH_SLHDSA_SHA2_256F_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHAKE_128S, "SLH-DSA-SHAKE-128s", PQH_SLHDSA_SHAKE_128S_PUBLICKEYBYTES, PQH_SLHDSA_SHAKE_128S_SECRETKEYBYTES, PQH_SLHDSA_SHAKE_128S_SEEDBYTES, PQH_SLHDSA_SHAKE_128S_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHAKE_128F, "SLH-DSA-SHAKE-128f", PQH_SLHDSA_SHAKE_128F_PUBLICKEYBYTES, PQH_SLHDSA_SHAKE_128F_SECRETKEYBYTES, PQH_SLHDSA_SHAKE_128F_SEEDBYTES, PQH_SLHDSA_SHAKE_128F_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHAKE_192S, "SLH-DSA-SHAKE-192s", PQH_SLHDSA_SHAKE_192S_PUBLICKEYBYTES, PQH_SLHDSA_SHAKE_192S_SECRETKEYBYTES, PQH_SLHDSA_SHAKE_192S_SEEDBYTES, PQH_SLHDSA_SHAKE_192S_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHAKE_192F, "SLH-DSA-SHAKE-192f", PQH_SLHDSA_SHAKE_192F_PUBLICKEYBYTES, PQH_SLHDSA_SHAKE_192F_SECRETKEYBYTES, PQH_SLHDSA_SHAKE_192F_SEEDBYTES, PQH_SLHDSA_SHAKE_192F_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHAKE_256S, "SLH-DSA-SHAKE-256s", PQH_SLHDSA_SHAKE_256S_PUBLICKEYBYTES, PQH_SLHDSA_SHAKE_256S_SECRETKEYBYTES, PQH_SLHDSA_SHAKE_256S_SEEDBYTES, PQH_SLHDSA_SHAKE_256S_SIGNATUREBYTES},
    {PQH_SIG_SLHDSA_SHAKE_256F, "SLH-DSA-SHAKE-256f", PQH_SLHDSA_SHAKE_256F_PUBLICKEYBYTES, PQH_SLHDSA_SHAKE_256F_SECRETKEYBYTES, PQH_SLHDSA_SHAKE_256F_SEEDBYTES, PQH_SLHDSA_SHAKE_256F_SIGNATUREBYTES},
    {PQH_SIG_ED25519, "Ed25519", PQH_ED25519_PUBLICKEYBYTES, PQH_ED25519_SECRETKEYBYTES, PQH_ED25519_SEEDBYTES, PQH_ED25519_SIGNATUREBYTES},
    {PQH_SIG_ECDSA_P256_SHA256, "ECDSA-P256-SHA256", PQH_ECDSA_P256_SHA256_PUBLICKEYBYTES, PQH_ECDSA_P256_SHA256_SECRETKEYBYTES, PQH_ECDSA_P256_SHA256_SEEDBYTES, PQH_ECDSA_P256_SHA256_SIGNATUREBYTES},
    {PQH_SIG_ECDSA_P384_SHA384, "ECDSA-P384-SHA384", PQH_ECDSA_P384_SHA384_PUBLICKEYBYTES, PQH_ECDSA_P384_SHA384_SECRETKEYBYTES, PQH_ECDSA_P384_SHA384_SEEDBYTES, PQH_ECDSA_P384_SHA384_SIGNATUREBYTES},
    {PQH_SIG_MLDSA44_ED25519_SHA512, "MLDSA44-Ed25519-SHA512", PQH_MLDSA44_ED25519_SHA512_PUBLICKEYBYTES, PQH_MLDSA44_ED25519_SHA512_SECRETKEYBYTES, PQH_MLDSA44_ED25519_SHA512_SEEDBYTES, PQH_MLDSA44_ED25519_SHA512_SIGNATUREBYTES_MAX},
    {PQH_SIG_MLDSA44_ECDSA_P256_SHA256, "MLDSA44-ECDSA-P256-SHA256", PQH_MLDSA44_ECDSA_P256_SHA256_PUBLICKEYBYTES, PQH_MLDSA44_ECDSA_P256_SHA256_SECRETKEYBYTES, PQH_MLDSA44_ECDSA_P256_SHA256_SEEDBYTES, PQH_MLDSA44_ECDSA_P256_SHA256_SIGNATUREBYTES_MAX},
    {PQH_SIG_MLDSA65_ED25519_SHA512, "MLDSA65-Ed25519-SHA512", PQH_MLDSA65_ED25519_SHA512_PUBLICKEYBYTES, PQH_MLDSA65_ED25519_SHA512_SECRETKEYBYTES, PQH_MLDSA65_ED25519_SHA512_SEEDBYTES, PQH_MLDSA65_ED25519_SHA512_SIGNATUREBYTES_MAX},
    {PQH_SIG_MLDSA65_ECDSA_P256_SHA512, "MLDSA65-ECDSA-P256-SHA512", PQH_MLDSA65_ECDSA_P256_SHA512_PUBLICKEYBYTES, PQH_MLDSA65_ECDSA_P256_SHA512_SECRETKEYBYTES, PQH_MLDSA65_ECDSA_P256_SHA512_SEEDBYTES, PQH_MLDSA65_ECDSA_P256_SHA512_SIGNATUREBYTES_MAX},
    {PQH_SIG_MLDSA65_ECDSA_P384_SHA512, "MLDSA65-ECDSA-P384-SHA512", PQH_MLDSA65_ECDSA_P384_SHA512_PUBLICKEYBYTES, PQH_MLDSA65_ECDSA_P384_SHA512_SECRETKEYBYTES, PQH_MLDSA65_ECDSA_P384_SHA512_SEEDBYTES, PQH_MLDSA65_ECDSA_P384_SHA512_SIGNATUREBYTES_MAX},
    {PQH_SIG_MLDSA87_ECDSA_P384_SHA512, "MLDSA87-ECDSA-P384-SHA512", PQH_MLDSA87_ECDSA_P384_SHA512_PUBLICKEYBYTES, PQH_MLDSA87_ECDSA_P384_SHA512_SECRETKEYBYTES, PQH_MLDSA87_ECDSA_P384_SHA512_SEEDBYTES, PQH_MLDSA87_ECDSA_P384_SHA512_SIGNATUREBYTES_MAX},
};

typedef struct {
    pqh_kem_alg alg;
    const char *name;
    size_t pk, sk, seed, ct, ss, rnd;
} kem_row;

static const kem_row KEMS[] = {
    {PQH_KEM_MLKEM512, "ML-KEM-512", PQH_MLKEM512_PUBLICKEYBYTES, PQH_MLKEM512_SECRETKEYBYTES, PQH_MLKEM512_SEEDBYTES, PQH_MLKEM512_CIPHERTEXTBYTES, PQH_MLKEM512_SHAREDSECRETBYTES, PQH_MLKEM512_ENCAPSRANDOMBYTES},
    {PQH_KEM_MLKEM768, "ML-KEM-768", PQH_MLKEM768_PUBLICKEYBYTES, PQH_MLKEM768_SECRETKEYBYTES, PQH_MLKEM768_SEEDBYTES, PQH_MLKEM768_CIPHERTEXTBYTES, PQH_MLKEM768_SHAREDSECRETBYTES, PQH_MLKEM768_ENCAPSRANDOMBYTES},
    {PQH_KEM_MLKEM1024, "ML-KEM-1024", PQH_MLKEM1024_PUBLICKEYBYTES, PQH_MLKEM1024_SECRETKEYBYTES, PQH_MLKEM1024_SEEDBYTES, PQH_MLKEM1024_CIPHERTEXTBYTES, PQH_MLKEM1024_SHAREDSECRETBYTES, PQH_MLKEM1024_ENCAPSRANDOMBYTES},
    {PQH_KEM_XWING, "X-Wing", PQH_XWING_PUBLICKEYBYTES, PQH_XWING_SECRETKEYBYTES, PQH_XWING_SEEDBYTES, PQH_XWING_CIPHERTEXTBYTES, PQH_XWING_SHAREDSECRETBYTES, PQH_XWING_ENCAPSRANDOMBYTES},
    {PQH_KEM_MLKEM768_X25519_SHA3_256, "MLKEM768-X25519-SHA3-256", PQH_MLKEM768_X25519_SHA3_256_PUBLICKEYBYTES, PQH_MLKEM768_X25519_SHA3_256_SECRETKEYBYTES, PQH_MLKEM768_X25519_SHA3_256_SEEDBYTES, PQH_MLKEM768_X25519_SHA3_256_CIPHERTEXTBYTES, PQH_MLKEM768_X25519_SHA3_256_SHAREDSECRETBYTES, PQH_MLKEM768_X25519_SHA3_256_ENCAPSRANDOMBYTES},
    {PQH_KEM_MLKEM768_ECDH_P256_SHA3_256, "MLKEM768-ECDH-P256-SHA3-256", PQH_MLKEM768_ECDH_P256_SHA3_256_PUBLICKEYBYTES, PQH_MLKEM768_ECDH_P256_SHA3_256_SECRETKEYBYTES, PQH_MLKEM768_ECDH_P256_SHA3_256_SEEDBYTES, PQH_MLKEM768_ECDH_P256_SHA3_256_CIPHERTEXTBYTES, PQH_MLKEM768_ECDH_P256_SHA3_256_SHAREDSECRETBYTES, PQH_MLKEM768_ECDH_P256_SHA3_256_ENCAPSRANDOMBYTES},
    {PQH_KEM_MLKEM1024_ECDH_P384_SHA3_256, "MLKEM1024-ECDH-P384-SHA3-256", PQH_MLKEM1024_ECDH_P384_SHA3_256_PUBLICKEYBYTES, PQH_MLKEM1024_ECDH_P384_SHA3_256_SECRETKEYBYTES, PQH_MLKEM1024_ECDH_P384_SHA3_256_SEEDBYTES, PQH_MLKEM1024_ECDH_P384_SHA3_256_CIPHERTEXTBYTES, PQH_MLKEM1024_ECDH_P384_SHA3_256_SHAREDSECRETBYTES, PQH_MLKEM1024_ECDH_P384_SHA3_256_ENCAPSRANDOMBYTES},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const pqh_status ALL_STATUSES[] = {
    PQH_OK,
    PQH_ERR_INVALID_LENGTH,
    PQH_ERR_BUFFER_TOO_SMALL,
    PQH_ERR_MALFORMED_ENCODING,
    PQH_ERR_INVALID_KEY,
    PQH_ERR_CONTEXT_TOO_LONG,
    PQH_ERR_CONTEXT_NOT_SUPPORTED,
    PQH_ERR_VERIFICATION_FAILED,
    PQH_ERR_RNG,
    PQH_ERR_ZERO_SHARED_SECRET,
    PQH_ERR_AUTHENTICATION_FAILED,
    PQH_ERR_SEED_UNAVAILABLE,
    PQH_ERR_SIGNING_FAILED,
    PQH_ERR_NULL_POINTER,
    PQH_ERR_UNKNOWN_ALGORITHM,
    PQH_ERR_INVALID_STATE,
    PQH_ERR_INVALID_ARGUMENT,
    PQH_ERR_ALGORITHM_DISABLED,
    PQH_ERR_UNSUPPORTED_SUITE,
    PQH_ERR_INTERNAL,
    PQH_ERR_FW_BAD_MAGIC,
    PQH_ERR_FW_UNSUPPORTED_VERSION,
    PQH_ERR_FW_BAD_HEADER_LENGTH,
    PQH_ERR_FW_RESERVED_NONZERO,
    PQH_ERR_FW_UNKNOWN_ALGORITHM,
    PQH_ERR_FW_UNKNOWN_DIGEST,
    PQH_ERR_FW_MALFORMED,
    PQH_ERR_FW_TRUNCATED,
    PQH_ERR_FW_LENGTH_MISMATCH,
    PQH_ERR_FW_TRAILER_TOO_LARGE,
    PQH_ERR_FW_WRONG_DEVICE_CLASS,
    PQH_ERR_FW_ROLLBACK,
    PQH_ERR_FW_ALGORITHM_NOT_ALLOWED,
    PQH_ERR_FW_REVOKED_KEY,
    PQH_ERR_FW_UNKNOWN_KEY,
    PQH_ERR_FW_KEY_ID_MISMATCH,
    PQH_ERR_FW_DELEGATION_OUT_OF_RANGE,
    PQH_ERR_FW_DIGEST_MISMATCH,
    PQH_ERR_FW_BAD_SIGNATURE,
    PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE,
    PQH_ERR_FW_CLASS_NOT_ENDORSED,
    PQH_ERR_FW_ENDORSED_ANCHOR,
    PQH_ERR_FW_NON_CANONICAL_SIGNATURE,
    PQH_ERR_FW_IMAGE_EXCEEDS_SLOT,
    PQH_ERR_ID_UNSUPPORTED_ALGORITHM,
    PQH_ERR_ID_MALFORMED_CERTIFICATE,
    PQH_ERR_ID_UNKNOWN_CRITICAL_EXTENSION,
    PQH_ERR_ID_UNKNOWN_ROOT,
    PQH_ERR_ID_BROKEN_CHAIN,
    PQH_ERR_ID_NOT_A_CA,
    PQH_ERR_ID_BAD_SIGNATURE,
    PQH_ERR_ID_BAD_NONCE,
    PQH_ERR_ID_MEASUREMENT_MISMATCH,
    PQH_ERR_ID_ROLLBACK,
    PQH_ERR_ID_WRONG_MODE,
    PQH_ERR_ID_WRONG_DEVICE,
    PQH_ERR_ID_EXPIRED,
};

/* ---------------------------------------------------------------------------------------- */

static void test_version_and_status(void) {
    uint32_t v = pqh_version();
    CHECK(v == ((PQH_VERSION_MAJOR << 16) | (PQH_VERSION_MINOR << 8) | PQH_VERSION_PATCH),
          "pqh_version() = %#x", (unsigned)v);
    CHECK(strcmp(pqh_version_string(), PQH_VERSION_STRING) == 0, "pqh_version_string() = %s",
          pqh_version_string());

    for (size_t i = 0; i < COUNT(ALL_STATUSES); i++) {
        const char *s = pqh_status_string(ALL_STATUSES[i]);
        CHECK(s != NULL && strlen(s) > 0 && strcmp(s, "unknown status") != 0,
              "status %d has no message", (int)ALL_STATUSES[i]);
        CHECK(ALL_STATUSES[i] == PQH_OK || ALL_STATUSES[i] < 0, "status %d is not negative",
              (int)ALL_STATUSES[i]);
        for (size_t j = i + 1; j < COUNT(ALL_STATUSES); j++) {
            CHECK(ALL_STATUSES[i] != ALL_STATUSES[j], "duplicate status %d",
                  (int)ALL_STATUSES[i]);
        }
    }
    /* The identity statuses: -201 on, described as identity errors. */
    size_t id_statuses = 0;
    for (size_t i = 0; i < COUNT(ALL_STATUSES); i++) {
        if (ALL_STATUSES[i] > -300 && ALL_STATUSES[i] <= -200) {
            id_statuses++;
            CHECK(strncmp(pqh_status_string(ALL_STATUSES[i]), "identity: ", 10) == 0,
                  "status %d: %s", (int)ALL_STATUSES[i], pqh_status_string(ALL_STATUSES[i]));
        }
    }
    CHECK(id_statuses == 13 && PQH_ERR_ID_UNSUPPORTED_ALGORITHM == -201 &&
              PQH_ERR_ID_EXPIRED == -213,
          "%zu identity statuses", id_statuses);
    CHECK(strcmp(pqh_status_string(PQH_ERR_ID_BAD_NONCE),
                 "identity: nonce does not match, is empty or too long") == 0,
          "PQH_ERR_ID_BAD_NONCE string");
    CHECK(strcmp(pqh_status_string((pqh_status)12345), "unknown status") == 0,
          "unknown status string");
    CHECK(strcmp(pqh_status_string((pqh_status)-1000), "unknown status") == 0,
          "unknown status string");
}

static void test_tables(void) {
    CHECK(COUNT(SIGS) == 24, "24 signature algorithms");
    CHECK(COUNT(KEMS) == 7, "7 KEMs");
    for (size_t i = 0; i < COUNT(SIGS); i++) {
        const sig_row *r = &SIGS[i];
        const char *name = pqh_sig_alg_name(r->alg);
        CHECK(name && strcmp(name, r->name) == 0, "name of %s", r->name);
        pqh_sig_alg found = (pqh_sig_alg)0;
        CHECK_STATUS(pqh_sig_alg_from_name(r->name, &found), PQH_OK);
        CHECK(found == r->alg, "from_name(%s)", r->name);
        /* ASCII case-insensitive. */
        char lower[64];
        size_t n = strlen(r->name);
        CHECK(n < sizeof lower, "name length");
        for (size_t k = 0; k <= n && k < sizeof lower; k++) {
            char c = r->name[k];
            lower[k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        found = (pqh_sig_alg)0;
        CHECK_STATUS(pqh_sig_alg_from_name(lower, &found), PQH_OK);
        CHECK(found == r->alg, "from_name(%s)", lower);
        CHECK(pqh_sig_public_key_len(r->alg) == r->pk, "%s pk len", r->name);
        CHECK(pqh_sig_secret_key_len(r->alg) == r->sk, "%s sk len", r->name);
        CHECK(pqh_sig_seed_len(r->alg) == r->seed, "%s seed len", r->name);
        CHECK(pqh_sig_signature_len(r->alg) == r->sig, "%s sig len", r->name);
        CHECK(r->pk <= PQH_SIG_PUBLICKEYBYTES_MAX && r->sk <= PQH_SIG_SECRETKEYBYTES_MAX &&
                  r->seed <= PQH_SIG_SEEDBYTES_MAX && r->sig <= PQH_SIG_SIGNATUREBYTES_MAX,
              "%s within the MAX macros", r->name);
        int hybrid = strchr(r->name, '-') != NULL && strncmp(r->name, "MLDSA", 5) == 0;
        CHECK(pqh_sig_is_hybrid(r->alg) == hybrid, "%s is_hybrid", r->name);
        int ctx = !(r->alg == PQH_SIG_ED25519 || r->alg == PQH_SIG_ECDSA_P256_SHA256 ||
                    r->alg == PQH_SIG_ECDSA_P384_SHA384);
        CHECK(pqh_sig_supports_context(r->alg) == ctx, "%s supports_context", r->name);
    }
    for (size_t i = 0; i < COUNT(KEMS); i++) {
        const kem_row *r = &KEMS[i];
        const char *name = pqh_kem_alg_name(r->alg);
        CHECK(name && strcmp(name, r->name) == 0, "name of %s", r->name);
        pqh_kem_alg found = (pqh_kem_alg)0;
        CHECK_STATUS(pqh_kem_alg_from_name(r->name, &found), PQH_OK);
        CHECK(found == r->alg, "from_name(%s)", r->name);
        CHECK(pqh_kem_public_key_len(r->alg) == r->pk, "%s pk len", r->name);
        CHECK(pqh_kem_secret_key_len(r->alg) == r->sk, "%s sk len", r->name);
        CHECK(pqh_kem_seed_len(r->alg) == r->seed, "%s seed len", r->name);
        CHECK(pqh_kem_ciphertext_len(r->alg) == r->ct, "%s ct len", r->name);
        CHECK(pqh_kem_shared_secret_len(r->alg) == r->ss, "%s ss len", r->name);
        CHECK(pqh_kem_encaps_randomness_len(r->alg) == r->rnd, "%s rnd len", r->name);
        CHECK(r->pk <= PQH_KEM_PUBLICKEYBYTES_MAX && r->sk <= PQH_KEM_SECRETKEYBYTES_MAX &&
                  r->seed <= PQH_KEM_SEEDBYTES_MAX && r->ct <= PQH_KEM_CIPHERTEXTBYTES_MAX &&
                  r->ss == PQH_KEM_SHAREDSECRETBYTES && r->rnd <= PQH_KEM_ENCAPSRANDOMBYTES_MAX,
              "%s within the MAX macros", r->name);
    }
    CHECK(pqh_aead_key_len(PQH_AEAD_AES128GCM) == PQH_AES128GCM_KEYBYTES, "aes128 key len");
    CHECK(pqh_aead_key_len(PQH_AEAD_AES256GCM) == PQH_AES256GCM_KEYBYTES, "aes256 key len");

    /* Unknown algorithm values. */
    const uint32_t bad[] = {0, 25, 100, 0x7fffffffu, 0xffffffffu};
    for (size_t i = 0; i < COUNT(bad); i++) {
        pqh_sig_alg s = (pqh_sig_alg)bad[i];
        CHECK(pqh_sig_alg_name(s) == NULL, "sig name of %u", (unsigned)bad[i]);
        CHECK(pqh_sig_public_key_len(s) == 0 && pqh_sig_secret_key_len(s) == 0 &&
                  pqh_sig_seed_len(s) == 0 && pqh_sig_signature_len(s) == 0 &&
                  pqh_sig_supports_context(s) == 0 && pqh_sig_is_hybrid(s) == 0,
              "sig lengths of %u", (unsigned)bad[i]);
        pqh_kem_alg k = (pqh_kem_alg)(bad[i] == 25 ? 8 : bad[i]);
        CHECK(pqh_kem_alg_name(k) == NULL, "kem name of %u", (unsigned)k);
        CHECK(pqh_kem_public_key_len(k) == 0 && pqh_kem_secret_key_len(k) == 0 &&
                  pqh_kem_seed_len(k) == 0 && pqh_kem_ciphertext_len(k) == 0 &&
                  pqh_kem_shared_secret_len(k) == 0 && pqh_kem_encaps_randomness_len(k) == 0,
              "kem lengths of %u", (unsigned)k);
        CHECK(pqh_aead_key_len((pqh_aead_alg)(bad[i] == 25 ? 3 : bad[i])) == 0, "aead key len");
    }
    pqh_sig_alg s = PQH_SIG_MLDSA44;
    CHECK_STATUS(pqh_sig_alg_from_name("ML-DSA-66", &s), PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK(s == PQH_SIG_MLDSA44, "from_name wrote on failure");
    CHECK_STATUS(pqh_sig_alg_from_name("", &s), PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_alg_from_name(NULL, &s), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_alg_from_name("ML-DSA-65", NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_alg_from_name("\xff\xfe", &s), PQH_ERR_UNKNOWN_ALGORITHM);
    pqh_kem_alg k = PQH_KEM_XWING;
    CHECK_STATUS(pqh_kem_alg_from_name("X-Wang", &k), PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK(k == PQH_KEM_XWING, "from_name wrote on failure");
    CHECK_STATUS(pqh_kem_alg_from_name(NULL, &k), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_alg_from_name("X-Wing", NULL), PQH_ERR_NULL_POINTER);
}

/* Sign and verify with every algorithm, deterministic and hedged. */
static void test_sig_roundtrips(void) {
    static const uint8_t msg[] = "firmware image v1.2.3";
    static const uint8_t ctx[] = "pqhybrid-c-tests";
    uint8_t *sig = xmalloc(PQH_SIG_SIGNATUREBYTES_MAX);
    for (size_t i = 0; i < COUNT(SIGS); i++) {
        const sig_row *r = &SIGS[i];
        uint8_t seed[PQH_SIG_SEEDBYTES_MAX];
        uint8_t pk[PQH_SIG_PUBLICKEYBYTES_MAX], pk2[PQH_SIG_PUBLICKEYBYTES_MAX];
        uint8_t sk[PQH_SIG_SECRETKEYBYTES_MAX];
        memset(seed, 0x42 + (int)i, sizeof seed);
        CHECK_STATUS(pqh_sig_keypair_from_seed(r->alg, seed, r->seed, pk, sizeof pk, sk, sizeof sk),
                     PQH_OK);
        CHECK_STATUS(pqh_sig_public_key_from_secret(r->alg, sk, r->sk, pk2, sizeof pk2), PQH_OK);
        CHECK(memcmp(pk, pk2, r->pk) == 0, "%s: public_key_from_secret differs", r->name);

        int has_ctx = pqh_sig_supports_context(r->alg);
        const uint8_t *c = has_ctx ? ctx : NULL;
        size_t c_len = has_ctx ? sizeof ctx - 1 : 0;

        size_t sig_len = 0, sig_len2 = 0;
        CHECK_STATUS(pqh_sig_sign_deterministic(r->alg, sk, r->sk, msg, sizeof msg - 1, c, c_len,
                                                sig, PQH_SIG_SIGNATUREBYTES_MAX, &sig_len),
                     PQH_OK);
        CHECK(sig_len > 0 && sig_len <= r->sig, "%s: signature length %zu", r->name, sig_len);
        CHECK_STATUS(pqh_sig_verify(r->alg, pk, r->pk, msg, sizeof msg - 1, c, c_len, sig, sig_len),
                     PQH_OK);
        /* Deterministic means deterministic. */
        uint8_t *sig2 = xmalloc(PQH_SIG_SIGNATUREBYTES_MAX);
        CHECK_STATUS(pqh_sig_sign_deterministic(r->alg, sk, r->sk, msg, sizeof msg - 1, c, c_len,
                                                sig2, r->sig, &sig_len2),
                     PQH_OK);
        CHECK(sig_len2 == sig_len && memcmp(sig, sig2, sig_len) == 0, "%s: not deterministic",
              r->name);
        /* A wrong message, a flipped signature byte, a wrong context: rejected. */
        CHECK_STATUS(pqh_sig_verify(r->alg, pk, r->pk, msg, sizeof msg - 2, c, c_len, sig, sig_len),
                     PQH_ERR_VERIFICATION_FAILED);
        sig[sig_len / 2] ^= 0x01;
        pqh_status st = pqh_sig_verify(r->alg, pk, r->pk, msg, sizeof msg - 1, c, c_len, sig,
                                       sig_len);
        CHECK(st == PQH_ERR_VERIFICATION_FAILED || st == PQH_ERR_MALFORMED_ENCODING,
              "%s: flipped signature gave %d", r->name, (int)st);
        sig[sig_len / 2] ^= 0x01;
        if (has_ctx) {
            CHECK_STATUS(pqh_sig_verify(r->alg, pk, r->pk, msg, sizeof msg - 1, NULL, 0, sig,
                                        sig_len),
                         PQH_ERR_VERIFICATION_FAILED);
        }
        /* Hedged signing draws from the callback (except Ed25519 and RFC 6979 ECDSA). */
        test_rng rng = {0x9E3779B97F4A7C15ULL + i, 0};
        CHECK_STATUS(pqh_sig_sign(r->alg, sk, r->sk, msg, sizeof msg - 1, c, c_len, test_rng_fill,
                                  &rng, sig2, PQH_SIG_SIGNATUREBYTES_MAX, &sig_len2),
                     PQH_OK);
        CHECK_STATUS(pqh_sig_verify(r->alg, pk, r->pk, msg, sizeof msg - 1, c, c_len, sig2,
                                    sig_len2),
                     PQH_OK);
        int randomized = !(r->alg == PQH_SIG_ED25519 || r->alg == PQH_SIG_ECDSA_P256_SHA256 ||
                           r->alg == PQH_SIG_ECDSA_P384_SHA384);
        CHECK(randomized == (rng.calls > 0), "%s: RNG calls %lu", r->name, rng.calls);
        /* Generated key pairs work too. */
        CHECK_STATUS(pqh_sig_keypair(r->alg, test_rng_fill, &rng, pk2, r->pk, sk, r->sk), PQH_OK);
        CHECK_STATUS(pqh_sig_sign_deterministic(r->alg, sk, r->sk, NULL, 0, NULL, 0, sig2, r->sig,
                                                &sig_len2),
                     PQH_OK);
        CHECK_STATUS(pqh_sig_verify(r->alg, pk2, r->pk, NULL, 0, NULL, 0, sig2, sig_len2), PQH_OK);
        free(sig2);
    }
    free(sig);
}

/* Error paths of the signature functions. */
static void test_sig_errors(void) {
    const pqh_sig_alg A = PQH_SIG_MLDSA65;
    uint8_t seed[32], pk[PQH_MLDSA65_PUBLICKEYBYTES], sk[PQH_MLDSA65_SECRETKEYBYTES];
    uint8_t sig[PQH_MLDSA65_SIGNATUREBYTES];
    size_t sig_len = 0;
    memset(seed, 7, sizeof seed);

    /* Unknown algorithm. */
    CHECK_STATUS(pqh_sig_keypair_from_seed((pqh_sig_alg)0, seed, 32, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_keypair_from_seed((pqh_sig_alg)999, seed, 32, pk, sizeof pk, sk,
                                           sizeof sk),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_keypair((pqh_sig_alg)25, pqh_rng_os, NULL, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_public_key_from_secret((pqh_sig_alg)0xffffffffu, sk, 32, pk, sizeof pk),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_sign((pqh_sig_alg)0, sk, 32, NULL, 0, NULL, 0, pqh_rng_os, NULL, sig,
                              sizeof sig, &sig_len),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_sign_deterministic((pqh_sig_alg)0, sk, 32, NULL, 0, NULL, 0, sig,
                                            sizeof sig, &sig_len),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_verify((pqh_sig_alg)0, pk, sizeof pk, NULL, 0, NULL, 0, sig, sizeof sig),
                 PQH_ERR_UNKNOWN_ALGORITHM);

    /* Short output buffers: PQH_ERR_BUFFER_TOO_SMALL and nothing written. */
    memset(pk, SENTINEL, sizeof pk);
    memset(sk, SENTINEL, sizeof sk);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, pk, sizeof pk - 1, sk, sizeof sk),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, pk, sizeof pk, sk, sizeof sk - 1),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, pk, 0, sk, 0), PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, NULL, 0, NULL, 0),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK(all_bytes(pk, sizeof pk, SENTINEL) && all_bytes(sk, sizeof sk, SENTINEL),
          "keypair_from_seed wrote into a short buffer");
    CHECK_STATUS(pqh_sig_keypair(A, pqh_rng_os, NULL, pk, sizeof pk - 1, sk, sizeof sk),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK(all_bytes(pk, sizeof pk, SENTINEL) && all_bytes(sk, sizeof sk, SENTINEL),
          "keypair wrote into a short buffer");

    /* NULL pointers with non-zero lengths. */
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, NULL, 32, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, NULL, sizeof pk, sk, sizeof sk),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, pk, sizeof pk, NULL, sizeof sk),
                 PQH_ERR_NULL_POINTER);
    CHECK(all_bytes(pk, sizeof pk, SENTINEL) && all_bytes(sk, sizeof sk, SENTINEL),
          "keypair_from_seed wrote on a NULL-pointer error");
    CHECK_STATUS(pqh_sig_keypair(A, NULL, NULL, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_NULL_POINTER);

    /* Bad lengths. */
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 31, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 0, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_INVALID_LENGTH);
    CHECK(all_bytes(pk, sizeof pk, SENTINEL) && all_bytes(sk, sizeof sk, SENTINEL),
          "keypair_from_seed wrote on a bad seed length");

    /* A failing RNG: PQH_ERR_RNG, nothing written. */
    unsigned long fails = 0;
    CHECK_STATUS(pqh_sig_keypair(A, failing_rng, &fails, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_RNG);
    CHECK(fails == 1, "failing RNG called %lu times", fails);
    CHECK(all_bytes(pk, sizeof pk, SENTINEL) && all_bytes(sk, sizeof sk, SENTINEL),
          "keypair wrote after an RNG failure");

    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, pk, sizeof pk, sk, sizeof sk), PQH_OK);
    CHECK(memcmp(sk, seed, 32) == 0, "ML-DSA private key is the seed");

    /* public_key_from_secret. */
    uint8_t pk2[PQH_MLDSA65_PUBLICKEYBYTES];
    memset(pk2, SENTINEL, sizeof pk2);
    CHECK_STATUS(pqh_sig_public_key_from_secret(A, sk, 31, pk2, sizeof pk2),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_sig_public_key_from_secret(A, sk, 32, pk2, sizeof pk2 - 1),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_sig_public_key_from_secret(A, NULL, 32, pk2, sizeof pk2),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_public_key_from_secret(A, sk, 32, NULL, sizeof pk2),
                 PQH_ERR_NULL_POINTER);
    CHECK(all_bytes(pk2, sizeof pk2, SENTINEL), "public_key_from_secret wrote on error");

    /* Signing errors. */
    static const uint8_t msg[] = "msg";
    uint8_t long_ctx[256];
    memset(long_ctx, 'c', sizeof long_ctx);
    memset(sig, SENTINEL, sizeof sig);
    sig_len = 12345;
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 32, msg, 3, NULL, 0, sig, sizeof sig - 1,
                                            &sig_len),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_sig_sign(A, sk, 32, msg, 3, NULL, 0, pqh_rng_os, NULL, sig, sizeof sig - 1,
                              &sig_len),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 32, msg, 3, NULL, 0, sig, sizeof sig, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 32, NULL, 3, NULL, 0, sig, sizeof sig,
                                            &sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 32, msg, 3, NULL, 4, sig, sizeof sig, &sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, NULL, 32, msg, 3, NULL, 0, sig, sizeof sig,
                                            &sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 32, msg, 3, NULL, 0, NULL, sizeof sig,
                                            &sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 33, msg, 3, NULL, 0, sig, sizeof sig, &sig_len),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 32, msg, 3, long_ctx, 256, sig, sizeof sig,
                                            &sig_len),
                 PQH_ERR_CONTEXT_TOO_LONG);
    CHECK_STATUS(pqh_sig_sign(A, sk, 32, msg, 3, NULL, 0, NULL, NULL, sig, sizeof sig, &sig_len),
                 PQH_ERR_NULL_POINTER);
    fails = 0;
    CHECK_STATUS(pqh_sig_sign(A, sk, 32, msg, 3, NULL, 0, failing_rng, &fails, sig, sizeof sig,
                              &sig_len),
                 PQH_ERR_RNG);
    CHECK(fails >= 1, "failing RNG not called");
    CHECK(all_bytes(sig, sizeof sig, SENTINEL) && sig_len == 12345,
          "sign wrote on error (sig_len %zu)", sig_len);
    CHECK_STATUS(pqh_sig_sign_deterministic(A, sk, 32, msg, 3, long_ctx, 255, sig, sizeof sig,
                                            &sig_len),
                 PQH_OK);
    CHECK(sig_len == sizeof sig, "ML-DSA-65 signature length");
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk, msg, 3, long_ctx, 255, sig, sig_len), PQH_OK);

    /* Verification errors. */
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk - 1, msg, 3, long_ctx, 255, sig, sig_len),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk, msg, 3, long_ctx, 255, sig, sig_len - 1),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk, msg, 3, long_ctx, 256, sig, sig_len),
                 PQH_ERR_CONTEXT_TOO_LONG);
    CHECK_STATUS(pqh_sig_verify(A, NULL, sizeof pk, msg, 3, long_ctx, 255, sig, sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk, NULL, 3, long_ctx, 255, sig, sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk, msg, 3, NULL, 255, sig, sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk, msg, 3, long_ctx, 255, NULL, sig_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_verify(A, pk, sizeof pk, msg, 3, NULL, 0, NULL, 0),
                 PQH_ERR_INVALID_LENGTH);

    /* Ed25519 and ECDSA take no context. */
    uint8_t epk[PQH_ECDSA_P256_SHA256_PUBLICKEYBYTES], esk[PQH_ECDSA_P256_SHA256_SECRETKEYBYTES];
    uint8_t esig[PQH_ECDSA_P256_SHA256_SIGNATUREBYTES];
    CHECK_STATUS(pqh_sig_keypair_from_seed(PQH_SIG_ECDSA_P256_SHA256, seed, 32, epk, sizeof epk,
                                           esk, sizeof esk),
                 PQH_OK);
    CHECK_STATUS(pqh_sig_sign_deterministic(PQH_SIG_ECDSA_P256_SHA256, esk, sizeof esk, msg, 3,
                                            msg, 3, esig, sizeof esig, &sig_len),
                 PQH_ERR_CONTEXT_NOT_SUPPORTED);
    CHECK_STATUS(pqh_sig_sign_deterministic(PQH_SIG_ECDSA_P256_SHA256, esk, sizeof esk, msg, 3,
                                            NULL, 0, esig, sizeof esig, &sig_len),
                 PQH_OK);
    CHECK_STATUS(pqh_sig_verify(PQH_SIG_ECDSA_P256_SHA256, epk, sizeof epk, msg, 3, msg, 3, esig,
                                sig_len),
                 PQH_ERR_CONTEXT_NOT_SUPPORTED);
    /* An ECDSA seed that is not a scalar in [1, n-1]. */
    uint8_t bad_seed[48];
    memset(bad_seed, 0xff, sizeof bad_seed);
    memset(epk, SENTINEL, sizeof epk);
    CHECK_STATUS(pqh_sig_keypair_from_seed(PQH_SIG_ECDSA_P256_SHA256, bad_seed, 32, epk,
                                           sizeof epk, esk, sizeof esk),
                 PQH_ERR_INVALID_KEY);
    CHECK(all_bytes(epk, sizeof epk, SENTINEL), "keypair_from_seed wrote on an invalid key");
    uint8_t pk384[PQH_ECDSA_P384_SHA384_PUBLICKEYBYTES], sk384[PQH_ECDSA_P384_SHA384_SECRETKEYBYTES];
    memset(bad_seed, 0, sizeof bad_seed);
    memset(pk384, SENTINEL, sizeof pk384);
    memset(sk384, SENTINEL, sizeof sk384);
    CHECK_STATUS(pqh_sig_keypair_from_seed(PQH_SIG_ECDSA_P384_SHA384, bad_seed, 48, pk384,
                                           sizeof pk384, sk384, sizeof sk384),
                 PQH_ERR_INVALID_KEY);
    CHECK(all_bytes(pk384, sizeof pk384, SENTINEL) && all_bytes(sk384, sizeof sk384, SENTINEL),
          "keypair_from_seed wrote on an invalid key");
    /* A public key that is not a curve point. */
    uint8_t off_curve[PQH_ECDSA_P256_SHA256_PUBLICKEYBYTES];
    memset(off_curve, 0xff, sizeof off_curve);
    off_curve[0] = 0x04;
    CHECK_STATUS(pqh_sig_verify(PQH_SIG_ECDSA_P256_SHA256, off_curve, sizeof off_curve, msg, 3,
                                NULL, 0, esig, sizeof esig),
                 PQH_ERR_MALFORMED_ENCODING);
    /* A composite ECDSA private key whose ECPrivateKey does not parse. */
    uint8_t csk[PQH_MLDSA65_ECDSA_P256_SHA512_SECRETKEYBYTES];
    uint8_t cpk[PQH_MLDSA65_ECDSA_P256_SHA512_PUBLICKEYBYTES];
    memset(csk, 0xff, sizeof csk);
    pqh_status st = pqh_sig_public_key_from_secret(PQH_SIG_MLDSA65_ECDSA_P256_SHA512, csk,
                                                   sizeof csk, cpk, sizeof cpk);
    CHECK(st == PQH_ERR_MALFORMED_ENCODING || st == PQH_ERR_INVALID_KEY,
          "malformed composite key gave %d", (int)st);
}

static void test_kem(void) {
    for (size_t i = 0; i < COUNT(KEMS); i++) {
        const kem_row *r = &KEMS[i];
        uint8_t seed[PQH_KEM_SEEDBYTES_MAX], pk[PQH_KEM_PUBLICKEYBYTES_MAX];
        uint8_t sk[PQH_KEM_SECRETKEYBYTES_MAX], ct[PQH_KEM_CIPHERTEXTBYTES_MAX];
        uint8_t ss1[PQH_KEM_SHAREDSECRETBYTES], ss2[PQH_KEM_SHAREDSECRETBYTES];
        memset(seed, 0x11 + (int)i, sizeof seed);
        CHECK_STATUS(pqh_kem_keypair_from_seed(r->alg, seed, r->seed, pk, sizeof pk, sk, sizeof sk),
                     PQH_OK);
        test_rng rng = {0xC0FFEEULL + i, 0};
        CHECK_STATUS(pqh_kem_encapsulate(r->alg, pk, r->pk, test_rng_fill, &rng, ct, r->ct, ss1,
                                         sizeof ss1),
                     PQH_OK);
        CHECK(rng.calls > 0, "%s: encapsulate did not use the RNG", r->name);
        CHECK_STATUS(pqh_kem_decapsulate(r->alg, sk, r->sk, ct, r->ct, ss2, sizeof ss2), PQH_OK);
        CHECK(memcmp(ss1, ss2, sizeof ss1) == 0, "%s: shared secrets differ", r->name);
        /* Deterministic encapsulation with the same randomness is reproducible. */
        uint8_t rnd[PQH_KEM_ENCAPSRANDOMBYTES_MAX], ct2[PQH_KEM_CIPHERTEXTBYTES_MAX];
        memset(rnd, 0x5c, sizeof rnd);
        CHECK_STATUS(pqh_kem_encapsulate_deterministic(r->alg, pk, r->pk, rnd, r->rnd, ct, r->ct,
                                                       ss1, sizeof ss1),
                     PQH_OK);
        CHECK_STATUS(pqh_kem_encapsulate_deterministic(r->alg, pk, r->pk, rnd, r->rnd, ct2,
                                                       sizeof ct2, ss2, sizeof ss2),
                     PQH_OK);
        CHECK(memcmp(ct, ct2, r->ct) == 0 && memcmp(ss1, ss2, 32) == 0,
              "%s: deterministic encapsulation differs", r->name);
        CHECK_STATUS(pqh_kem_decapsulate(r->alg, sk, r->sk, ct, r->ct, ss2, sizeof ss2), PQH_OK);
        CHECK(memcmp(ss1, ss2, sizeof ss1) == 0, "%s: deterministic shared secrets differ",
              r->name);
        /* A generated key pair. */
        CHECK_STATUS(pqh_kem_keypair(r->alg, pqh_rng_os, NULL, pk, sizeof pk, sk, sizeof sk),
                     PQH_OK);
        CHECK_STATUS(pqh_kem_encapsulate(r->alg, pk, r->pk, pqh_rng_os, NULL, ct, sizeof ct, ss1,
                                         sizeof ss1),
                     PQH_OK);
        CHECK_STATUS(pqh_kem_decapsulate(r->alg, sk, r->sk, ct, r->ct, ss2, sizeof ss2), PQH_OK);
        CHECK(memcmp(ss1, ss2, sizeof ss1) == 0, "%s: generated key: secrets differ", r->name);
    }

    /* Error paths, with ML-KEM-768. */
    const pqh_kem_alg A = PQH_KEM_MLKEM768;
    uint8_t seed[64], pk[PQH_MLKEM768_PUBLICKEYBYTES], sk[PQH_MLKEM768_SECRETKEYBYTES];
    uint8_t ct[PQH_MLKEM768_CIPHERTEXTBYTES], ss[32], rnd[32];
    memset(seed, 3, sizeof seed);
    memset(rnd, 4, sizeof rnd);
    CHECK_STATUS(pqh_kem_keypair_from_seed((pqh_kem_alg)0, seed, 64, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_kem_keypair((pqh_kem_alg)8, pqh_rng_os, NULL, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_kem_encapsulate((pqh_kem_alg)99, pk, sizeof pk, pqh_rng_os, NULL, ct,
                                     sizeof ct, ss, sizeof ss),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_kem_encapsulate_deterministic((pqh_kem_alg)99, pk, sizeof pk, rnd, 32, ct,
                                                   sizeof ct, ss, sizeof ss),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_kem_decapsulate((pqh_kem_alg)0xffffffffu, sk, sizeof sk, ct, sizeof ct, ss,
                                     sizeof ss),
                 PQH_ERR_UNKNOWN_ALGORITHM);

    memset(pk, SENTINEL, sizeof pk);
    memset(sk, SENTINEL, sizeof sk);
    CHECK_STATUS(pqh_kem_keypair_from_seed(A, seed, 63, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_kem_keypair_from_seed(A, NULL, 64, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_keypair_from_seed(A, seed, 64, pk, sizeof pk - 1, sk, sizeof sk),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_kem_keypair_from_seed(A, seed, 64, pk, sizeof pk, sk, sizeof sk - 1),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_kem_keypair(A, NULL, NULL, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_NULL_POINTER);
    unsigned long fails = 0;
    CHECK_STATUS(pqh_kem_keypair(A, failing_rng, &fails, pk, sizeof pk, sk, sizeof sk),
                 PQH_ERR_RNG);
    CHECK(fails == 1, "failing RNG calls %lu", fails);
    CHECK(all_bytes(pk, sizeof pk, SENTINEL) && all_bytes(sk, sizeof sk, SENTINEL),
          "kem keypair wrote on error");

    CHECK_STATUS(pqh_kem_keypair_from_seed(A, seed, 64, pk, sizeof pk, sk, sizeof sk), PQH_OK);
    memset(ct, SENTINEL, sizeof ct);
    memset(ss, SENTINEL, sizeof ss);
    CHECK_STATUS(pqh_kem_encapsulate(A, pk, sizeof pk, pqh_rng_os, NULL, ct, sizeof ct - 1, ss,
                                     sizeof ss),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_kem_encapsulate(A, pk, sizeof pk, pqh_rng_os, NULL, ct, sizeof ct, ss,
                                     sizeof ss - 1),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_kem_encapsulate(A, pk, sizeof pk, NULL, NULL, ct, sizeof ct, ss, sizeof ss),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_encapsulate(A, NULL, sizeof pk, pqh_rng_os, NULL, ct, sizeof ct, ss,
                                     sizeof ss),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_encapsulate(A, pk, sizeof pk, pqh_rng_os, NULL, ct, sizeof ct, NULL,
                                     sizeof ss),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_encapsulate(A, pk, sizeof pk - 1, pqh_rng_os, NULL, ct, sizeof ct, ss,
                                     sizeof ss),
                 PQH_ERR_INVALID_LENGTH);
    fails = 0;
    CHECK_STATUS(pqh_kem_encapsulate(A, pk, sizeof pk, failing_rng, &fails, ct, sizeof ct, ss,
                                     sizeof ss),
                 PQH_ERR_RNG);
    CHECK(fails >= 1, "failing RNG not called");
    CHECK_STATUS(pqh_kem_encapsulate_deterministic(A, pk, sizeof pk, rnd, 31, ct, sizeof ct, ss,
                                                   sizeof ss),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_kem_encapsulate_deterministic(A, pk, sizeof pk, NULL, 32, ct, sizeof ct, ss,
                                                   sizeof ss),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_encapsulate_deterministic(A, pk, sizeof pk, rnd, 32, ct, 0, ss,
                                                   sizeof ss),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK(all_bytes(ct, sizeof ct, SENTINEL) && all_bytes(ss, sizeof ss, SENTINEL),
          "encapsulate wrote on error");
    /* FIPS 203 modulus check: a coefficient >= q is an invalid key. */
    uint8_t bad_pk[PQH_MLKEM768_PUBLICKEYBYTES];
    memcpy(bad_pk, pk, sizeof pk);
    bad_pk[0] = 0xff;
    bad_pk[1] = 0xff;
    CHECK_STATUS(pqh_kem_encapsulate(A, bad_pk, sizeof bad_pk, pqh_rng_os, NULL, ct, sizeof ct,
                                     ss, sizeof ss),
                 PQH_ERR_INVALID_KEY);

    CHECK_STATUS(pqh_kem_encapsulate(A, pk, sizeof pk, pqh_rng_os, NULL, ct, sizeof ct, ss,
                                     sizeof ss),
                 PQH_OK);
    uint8_t ss2[32];
    memset(ss2, SENTINEL, sizeof ss2);
    CHECK_STATUS(pqh_kem_decapsulate(A, sk, sizeof sk, ct, sizeof ct - 1, ss2, sizeof ss2),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_kem_decapsulate(A, sk, sizeof sk - 1, ct, sizeof ct, ss2, sizeof ss2),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_kem_decapsulate(A, sk, sizeof sk, ct, sizeof ct, ss2, sizeof ss2 - 1),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_kem_decapsulate(A, NULL, sizeof sk, ct, sizeof ct, ss2, sizeof ss2),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_decapsulate(A, sk, sizeof sk, NULL, sizeof ct, ss2, sizeof ss2),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_decapsulate(A, sk, sizeof sk, ct, sizeof ct, NULL, sizeof ss2),
                 PQH_ERR_NULL_POINTER);
    CHECK(all_bytes(ss2, sizeof ss2, SENTINEL), "decapsulate wrote on error");
    /* Implicit rejection: a modified ciphertext decapsulates to another secret. */
    ct[0] ^= 1;
    CHECK_STATUS(pqh_kem_decapsulate(A, sk, sizeof sk, ct, sizeof ct, ss2, sizeof ss2), PQH_OK);
    CHECK(memcmp(ss, ss2, 32) != 0, "modified ciphertext gave the same secret");

    /* A low-order X25519 key in a composite: PQH_ERR_ZERO_SHARED_SECRET. */
    const pqh_kem_alg C = PQH_KEM_MLKEM768_X25519_SHA3_256;
    uint8_t cpk[PQH_MLKEM768_X25519_SHA3_256_PUBLICKEYBYTES];
    uint8_t csk[PQH_MLKEM768_X25519_SHA3_256_SECRETKEYBYTES];
    uint8_t cct[PQH_MLKEM768_X25519_SHA3_256_CIPHERTEXTBYTES];
    CHECK_STATUS(pqh_kem_keypair_from_seed(C, seed, 32, cpk, sizeof cpk, csk, sizeof csk), PQH_OK);
    memset(cpk + sizeof cpk - 32, 0, 32);
    CHECK_STATUS(pqh_kem_encapsulate(C, cpk, sizeof cpk, pqh_rng_os, NULL, cct, sizeof cct, ss,
                                     sizeof ss),
                 PQH_ERR_ZERO_SHARED_SECRET);
    /* A composite ECDH ciphertext whose point is not on the curve. */
    const pqh_kem_alg P = PQH_KEM_MLKEM768_ECDH_P256_SHA3_256;
    uint8_t ppk[PQH_MLKEM768_ECDH_P256_SHA3_256_PUBLICKEYBYTES];
    uint8_t psk[PQH_MLKEM768_ECDH_P256_SHA3_256_SECRETKEYBYTES];
    uint8_t pct[PQH_MLKEM768_ECDH_P256_SHA3_256_CIPHERTEXTBYTES];
    CHECK_STATUS(pqh_kem_keypair_from_seed(P, seed, 32, ppk, sizeof ppk, psk, sizeof psk), PQH_OK);
    CHECK_STATUS(pqh_kem_encapsulate(P, ppk, sizeof ppk, pqh_rng_os, NULL, pct, sizeof pct, ss,
                                     sizeof ss),
                 PQH_OK);
    memset(pct + sizeof pct - 64, 0xff, 64);
    CHECK_STATUS(pqh_kem_decapsulate(P, psk, sizeof psk, pct, sizeof pct, ss2, sizeof ss2),
                 PQH_ERR_MALFORMED_ENCODING);
}

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len);

static void test_aead(void) {
    /* NIST GCM test case 2 (AES-128, zero key and IV, one zero block). */
    uint8_t key[32] = {0}, nonce[12] = {0}, pt[16] = {0}, ct[64], out[64];
    uint8_t expect[32];
    size_t n = 0, elen = 0;
    unhex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf", expect,
          sizeof expect, &elen);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, pt, 16, ct,
                               sizeof ct, &n),
                 PQH_OK);
    CHECK(n == 32 && elen == 32 && memcmp(ct, expect, 32) == 0, "AES-128-GCM known answer");
    /* NIST GCM test case 14 (AES-256, zero key and IV, one zero block). */
    unhex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919", expect,
          sizeof expect, &elen);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES256GCM, key, 32, nonce, 12, NULL, 0, pt, 16, ct,
                               sizeof ct, &n),
                 PQH_OK);
    CHECK(n == 32 && memcmp(ct, expect, 32) == 0, "AES-256-GCM known answer");

    static const uint8_t msg[] = "attack at dawn";
    static const uint8_t aad[] = "header";
    for (int k = 0; k < 2; k++) {
        pqh_aead_alg alg = k ? PQH_AEAD_AES256GCM : PQH_AEAD_AES128GCM;
        size_t klen = pqh_aead_key_len(alg);
        memset(key, 0x33 + k, sizeof key);
        memset(nonce, 0x44, sizeof nonce);
        CHECK_STATUS(pqh_aead_seal(alg, key, klen, nonce, 12, aad, 6, msg, 14, ct, sizeof ct, &n),
                     PQH_OK);
        CHECK(n == 14 + PQH_AEAD_TAGBYTES, "ciphertext length %zu", n);
        size_t m = 0;
        CHECK_STATUS(pqh_aead_open(alg, key, klen, nonce, 12, aad, 6, ct, n, out, sizeof out, &m),
                     PQH_OK);
        CHECK(m == 14 && memcmp(out, msg, 14) == 0, "AEAD round trip");
        /* Tampering: authentication fails and the plaintext area is zeroed. */
        ct[3] ^= 0x80;
        memset(out, SENTINEL, sizeof out);
        m = 999;
        CHECK_STATUS(pqh_aead_open(alg, key, klen, nonce, 12, aad, 6, ct, n, out, sizeof out, &m),
                     PQH_ERR_AUTHENTICATION_FAILED);
        CHECK(all_bytes(out, 14, 0) && all_bytes(out + 14, sizeof out - 14, SENTINEL) && m == 999,
              "failed open released bytes");
        ct[3] ^= 0x80;
        CHECK_STATUS(pqh_aead_open(alg, key, klen, nonce, 12, aad, 5, ct, n, out, sizeof out, &m),
                     PQH_ERR_AUTHENTICATION_FAILED);
        /* Empty plaintext and AAD, NULL pointers with zero lengths. */
        CHECK_STATUS(pqh_aead_seal(alg, key, klen, nonce, 12, NULL, 0, NULL, 0, ct, 16, &n),
                     PQH_OK);
        CHECK(n == 16, "empty seal length");
        CHECK_STATUS(pqh_aead_open(alg, key, klen, nonce, 12, NULL, 0, ct, 16, NULL, 0, &m),
                     PQH_OK);
        CHECK(m == 0, "empty open length");
    }
    /* Error paths. */
    memset(ct, SENTINEL, sizeof ct);
    n = 777;
    CHECK_STATUS(pqh_aead_seal((pqh_aead_alg)0, key, 16, nonce, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_aead_seal((pqh_aead_alg)3, key, 16, nonce, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 32, nonce, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES256GCM, key, 16, nonce, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 11, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, msg, 14, ct, 29,
                               &n),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, NULL, 16, nonce, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, NULL, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 3, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, NULL, 14, ct,
                               sizeof ct, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, msg, 14, NULL,
                               sizeof ct, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK(all_bytes(ct, sizeof ct, SENTINEL) && n == 777, "seal wrote on error");
    CHECK_STATUS(pqh_aead_seal(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, msg, 14, ct,
                               sizeof ct, &n),
                 PQH_OK);
    memset(out, SENTINEL, sizeof out);
    size_t m = 555;
    CHECK_STATUS(pqh_aead_open((pqh_aead_alg)7, key, 16, nonce, 12, NULL, 0, ct, n, out,
                               sizeof out, &m),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_aead_open(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, ct, 15, out,
                               sizeof out, &m),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_aead_open(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, ct, n, out, 13,
                               &m),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_aead_open(PQH_AEAD_AES128GCM, key, 15, nonce, 12, NULL, 0, ct, n, out,
                               sizeof out, &m),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_aead_open(PQH_AEAD_AES128GCM, key, 16, nonce, 13, NULL, 0, ct, n, out,
                               sizeof out, &m),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_aead_open(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, NULL, n, out,
                               sizeof out, &m),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_aead_open(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, ct, n, NULL,
                               sizeof out, &m),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_aead_open(PQH_AEAD_AES128GCM, key, 16, nonce, 12, NULL, 0, ct, n, out,
                               sizeof out, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK(all_bytes(out, sizeof out, SENTINEL) && m == 555, "open wrote on error");
}

static void test_rng_os(void) {
    uint8_t a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK(pqh_rng_os(NULL, a, sizeof a) == 0, "pqh_rng_os");
    CHECK(pqh_rng_os(NULL, b, sizeof b) == 0, "pqh_rng_os");
    CHECK(!all_bytes(a, sizeof a, 0) && memcmp(a, b, sizeof a) != 0, "pqh_rng_os output");
    CHECK(pqh_rng_os(NULL, NULL, 0) == 0, "pqh_rng_os empty");
    CHECK(pqh_rng_os(NULL, NULL, 16) != 0, "pqh_rng_os NULL");
}

/* ---------------------------------------------------------------------------------------- */
/* Public-key import: SubjectPublicKeyInfo DER and PEM (hosts, PQH_STD).                      */

/* A DER length field at out; returns its size. */
static size_t der_len(uint8_t *out, size_t n) {
    if (n < 0x80) {
        out[0] = (uint8_t)n;
        return 1;
    }
    if (n < 0x100) {
        out[0] = 0x81;
        out[1] = (uint8_t)n;
        return 2;
    }
    out[0] = 0x82;
    out[1] = (uint8_t)(n >> 8);
    out[2] = (uint8_t)n;
    return 3;
}

/* SEQUENCE { SEQUENCE { oid_tlv }, BIT STRING { 0, pk } } into out; returns its length. */
static size_t make_spki(const uint8_t *oid_tlv, size_t oid_len, const uint8_t *pk, size_t pk_len,
                        uint8_t *out) {
    uint8_t alg_id[32], bits_hdr[4], seq_hdr[4];
    size_t a = 0;
    alg_id[a++] = 0x30;
    a += der_len(alg_id + a, oid_len);
    memcpy(alg_id + a, oid_tlv, oid_len);
    a += oid_len;
    size_t b = 0;
    bits_hdr[b++] = 0x03;
    b += der_len(bits_hdr + b, pk_len + 1);
    size_t body = a + b + 1 + pk_len;
    size_t h = 0;
    seq_hdr[h++] = 0x30;
    h += der_len(seq_hdr + h, body);
    size_t n = 0;
    memcpy(out + n, seq_hdr, h);
    n += h;
    memcpy(out + n, alg_id, a);
    n += a;
    memcpy(out + n, bits_hdr, b);
    n += b;
    out[n++] = 0x00; /* no unused bits */
    memcpy(out + n, pk, pk_len);
    return n + pk_len;
}

/* PEM armour (RFC 7468: 64-column base64) of der into out (NUL-terminated); returns strlen. */
static size_t make_pem(const char *label, const uint8_t *der, size_t len, char *out) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = (size_t)sprintf(out, "-----BEGIN %s-----\n", label), col = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)der[i] << 16;
        if (i + 1 < len) v |= (uint32_t)der[i + 1] << 8;
        if (i + 2 < len) v |= der[i + 2];
        out[n++] = b64[(v >> 18) & 63];
        out[n++] = b64[(v >> 12) & 63];
        out[n++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        out[n++] = i + 2 < len ? b64[v & 63] : '=';
        col += 4;
        if (col == 64 && i + 3 < len) {
            out[n++] = '\n';
            col = 0;
        }
    }
    n += (size_t)sprintf(out + n, "\n-----END %s-----\n", label);
    return n;
}

/* AlgorithmIdentifier OIDs (DER TLVs). */
static const uint8_t OID_ED25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};
static const uint8_t OID_MLDSA65[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
                                      0x03, 0x04, 0x03, 0x12};
static const uint8_t OID_MLDSA65_ED25519[] = {0x06, 0x08, 0x2b, 0x06, 0x01,
                                              0x05, 0x05, 0x07, 0x06, 0x30};
static const uint8_t OID_XWING[] = {0x06, 0x0b, 0x2b, 0x06, 0x01, 0x04, 0x01,
                                    0x83, 0xe6, 0x2d, 0x81, 0xc8, 0x7a};

static void test_spki(void) {
    /* RFC 8410 section 10.1: an Ed25519 public key as written by OpenSSL (and pqhybrid). */
    static const char rfc8410_pem[] = "-----BEGIN PUBLIC KEY-----\n"
                                      "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
                                      "-----END PUBLIC KEY-----\n";
    static const uint8_t rfc8410_pk[32] = {
        0x19, 0xbf, 0x44, 0x09, 0x69, 0x84, 0xcd, 0xfe, 0x85, 0x41, 0xba,
        0xc1, 0x67, 0xdc, 0x3b, 0x96, 0xc8, 0x50, 0x86, 0xaa, 0x30, 0xb6,
        0xb6, 0xcb, 0x0c, 0x5c, 0x38, 0xad, 0x70, 0x31, 0x66, 0xe1};
    pqh_sig_alg salg = PQH_SIG_MLDSA44;
    pqh_kem_alg kalg = PQH_KEM_MLKEM512;
    uint8_t pk[PQH_SIG_PUBLICKEYBYTES_MAX];
    size_t pk_len = 0;
    CHECK_STATUS(pqh_sig_public_key_from_pem(rfc8410_pem, strlen(rfc8410_pem), &salg, pk,
                                             sizeof pk, &pk_len),
                 PQH_OK);
    CHECK(salg == PQH_SIG_ED25519 && pk_len == 32 && memcmp(pk, rfc8410_pk, 32) == 0,
          "RFC 8410 PEM key");

    /* Signature keys: DER and PEM round trips, and the firmware key id of the imported key. */
    static const struct {
        pqh_sig_alg alg;
        const uint8_t *oid;
        size_t oid_len;
    } sig_keys[] = {
        {PQH_SIG_ED25519, OID_ED25519, sizeof OID_ED25519},
        {PQH_SIG_MLDSA65, OID_MLDSA65, sizeof OID_MLDSA65},
        {PQH_SIG_MLDSA65_ED25519_SHA512, OID_MLDSA65_ED25519, sizeof OID_MLDSA65_ED25519},
    };
    static uint8_t der[PQH_SIG_PUBLICKEYBYTES_MAX + 64];
    static char pem[2 * (PQH_SIG_PUBLICKEYBYTES_MAX + 64) + 128];
    uint8_t seed[PQH_SIG_SEEDBYTES_MAX], sk[PQH_SIG_SECRETKEYBYTES_MAX];
    uint8_t raw[PQH_SIG_PUBLICKEYBYTES_MAX];
    memset(seed, 0x5a, sizeof seed);
    for (size_t i = 0; i < sizeof sig_keys / sizeof sig_keys[0]; i++) {
        pqh_sig_alg alg = sig_keys[i].alg;
        size_t raw_len = pqh_sig_public_key_len(alg);
        CHECK_STATUS(pqh_sig_keypair_from_seed(alg, seed, pqh_sig_seed_len(alg), raw, sizeof raw,
                                               sk, sizeof sk),
                     PQH_OK);
        size_t der_n = make_spki(sig_keys[i].oid, sig_keys[i].oid_len, raw, raw_len, der);
        salg = PQH_SIG_MLDSA44;
        pk_len = 0;
        memset(pk, SENTINEL, sizeof pk);
        CHECK_STATUS(pqh_sig_public_key_from_spki(der, der_n, &salg, pk, sizeof pk, &pk_len),
                     PQH_OK);
        CHECK(salg == alg && pk_len == raw_len && memcmp(pk, raw, raw_len) == 0,
              "%s: SPKI DER import", pqh_sig_alg_name(alg));
        CHECK(all_bytes(pk + raw_len, sizeof pk - raw_len, SENTINEL), "%s: wrote past the key",
              pqh_sig_alg_name(alg));
        size_t pem_n = make_pem("PUBLIC KEY", der, der_n, pem);
        salg = PQH_SIG_MLDSA44;
        pk_len = 0;
        CHECK_STATUS(pqh_sig_public_key_from_pem(pem, pem_n, &salg, pk, sizeof pk, &pk_len),
                     PQH_OK);
        CHECK(salg == alg && pk_len == raw_len && memcmp(pk, raw, raw_len) == 0,
              "%s: PEM import", pqh_sig_alg_name(alg));
        /* The exact capacity is enough; one byte less is not, and nothing is written. */
        CHECK_STATUS(pqh_sig_public_key_from_spki(der, der_n, &salg, pk, raw_len, &pk_len),
                     PQH_OK);
        salg = PQH_SIG_MLDSA44;
        pk_len = 7;
        memset(pk, SENTINEL, sizeof pk);
        CHECK_STATUS(pqh_sig_public_key_from_spki(der, der_n, &salg, pk, raw_len - 1, &pk_len),
                     PQH_ERR_BUFFER_TOO_SMALL);
        CHECK(salg == PQH_SIG_MLDSA44 && pk_len == 7 && all_bytes(pk, sizeof pk, SENTINEL),
              "%s: short buffer wrote", pqh_sig_alg_name(alg));
        /* Truncated and trailing bytes. */
        CHECK_STATUS(pqh_sig_public_key_from_spki(der, der_n - 1, &salg, pk, sizeof pk, &pk_len),
                     PQH_ERR_MALFORMED_ENCODING);
        der[der_n] = 0;
        CHECK_STATUS(pqh_sig_public_key_from_spki(der, der_n + 1, &salg, pk, sizeof pk, &pk_len),
                     PQH_ERR_MALFORMED_ENCODING);
        /* The key id of the imported key is the key id of the raw key. */
        if (pqh_fw_algorithm_bit(alg) != 0) {
            uint8_t id1[PQH_FW_KEY_ID_BYTES], id2[PQH_FW_KEY_ID_BYTES];
            CHECK_STATUS(pqh_sig_public_key_from_pem(pem, pem_n, &salg, pk, sizeof pk, &pk_len),
                         PQH_OK);
            CHECK_STATUS(pqh_fw_key_id(salg, pk, pk_len, id1, sizeof id1), PQH_OK);
            CHECK_STATUS(pqh_fw_key_id(alg, raw, raw_len, id2, sizeof id2), PQH_OK);
            CHECK(memcmp(id1, id2, sizeof id1) == 0, "%s: key id of the imported key",
                  pqh_sig_alg_name(alg));
        }
    }

    /* A key of the wrong length for its OID (an Ed25519 OID around 31 bytes). */
    size_t n = make_spki(OID_ED25519, sizeof OID_ED25519, rfc8410_pk, 31, der);
    CHECK_STATUS(pqh_sig_public_key_from_spki(der, n, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_INVALID_LENGTH);
    /* An unknown OID (ML-DSA-65's with its last arc changed to 99). */
    uint8_t bad_oid[sizeof OID_MLDSA65];
    memcpy(bad_oid, OID_MLDSA65, sizeof bad_oid);
    bad_oid[sizeof bad_oid - 1] = 99;
    n = make_spki(bad_oid, sizeof bad_oid, rfc8410_pk, 32, der);
    CHECK_STATUS(pqh_sig_public_key_from_spki(der, n, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_MALFORMED_ENCODING);
    /* Not DER, empty, NULL pointers. */
    CHECK_STATUS(pqh_sig_public_key_from_spki((const uint8_t *)"hello", 5, &salg, pk, sizeof pk,
                                              &pk_len),
                 PQH_ERR_MALFORMED_ENCODING);
    CHECK_STATUS(pqh_sig_public_key_from_spki(NULL, 0, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_MALFORMED_ENCODING);
    CHECK_STATUS(pqh_sig_public_key_from_spki(NULL, 10, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_NULL_POINTER);
    n = make_spki(OID_ED25519, sizeof OID_ED25519, rfc8410_pk, 32, der);
    CHECK_STATUS(pqh_sig_public_key_from_spki(der, n, NULL, pk, sizeof pk, &pk_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_public_key_from_spki(der, n, &salg, NULL, sizeof pk, &pk_len),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_public_key_from_spki(der, n, &salg, pk, sizeof pk, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_sig_public_key_from_pem(NULL, 10, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_NULL_POINTER);
    /* PEM: another label, a private-key block, damaged base64, DER instead of PEM. */
    size_t pem_n = make_pem("CERTIFICATE", der, n, pem);
    CHECK_STATUS(pqh_sig_public_key_from_pem(pem, pem_n, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_MALFORMED_ENCODING);
    pem_n = make_pem("PUBLIC KEY", der, n, pem);
    pem[30] = '!';
    CHECK_STATUS(pqh_sig_public_key_from_pem(pem, pem_n, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_MALFORMED_ENCODING);
    CHECK_STATUS(pqh_sig_public_key_from_pem((const char *)der, n, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_MALFORMED_ENCODING);
    CHECK_STATUS(pqh_sig_public_key_from_pem(rfc8410_pem, strlen(rfc8410_pem) - 10, &salg, pk,
                                             sizeof pk, &pk_len),
                 PQH_ERR_MALFORMED_ENCODING);

    /* KEM keys: X-Wing round trip; a KEM key is not a signature key and vice versa. */
    uint8_t kseed[PQH_XWING_SEEDBYTES], kpk[PQH_XWING_PUBLICKEYBYTES], ksk[PQH_XWING_SECRETKEYBYTES];
    uint8_t kout[PQH_KEM_PUBLICKEYBYTES_MAX];
    memset(kseed, 0x33, sizeof kseed);
    CHECK_STATUS(pqh_kem_keypair_from_seed(PQH_KEM_XWING, kseed, sizeof kseed, kpk, sizeof kpk,
                                           ksk, sizeof ksk),
                 PQH_OK);
    n = make_spki(OID_XWING, sizeof OID_XWING, kpk, sizeof kpk, der);
    pk_len = 0;
    CHECK_STATUS(pqh_kem_public_key_from_spki(der, n, &kalg, kout, sizeof kout, &pk_len), PQH_OK);
    CHECK(kalg == PQH_KEM_XWING && pk_len == sizeof kpk && memcmp(kout, kpk, sizeof kpk) == 0,
          "X-Wing: SPKI DER import");
    pem_n = make_pem("PUBLIC KEY", der, n, pem);
    kalg = PQH_KEM_MLKEM512;
    pk_len = 0;
    CHECK_STATUS(pqh_kem_public_key_from_pem(pem, pem_n, &kalg, kout, sizeof kout, &pk_len),
                 PQH_OK);
    CHECK(kalg == PQH_KEM_XWING && pk_len == sizeof kpk && memcmp(kout, kpk, sizeof kpk) == 0,
          "X-Wing: PEM import");
    salg = PQH_SIG_MLDSA44;
    CHECK_STATUS(pqh_sig_public_key_from_spki(der, n, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_sig_public_key_from_pem(pem, pem_n, &salg, pk, sizeof pk, &pk_len),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK(salg == PQH_SIG_MLDSA44, "KEM key into the signature import wrote the algorithm");
    CHECK_STATUS(pqh_kem_public_key_from_pem(rfc8410_pem, strlen(rfc8410_pem), &kalg, kout,
                                             sizeof kout, &pk_len),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    n = make_spki(OID_ED25519, sizeof OID_ED25519, rfc8410_pk, 32, der);
    CHECK_STATUS(pqh_kem_public_key_from_spki(der, n, &kalg, kout, sizeof kout, &pk_len),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_kem_public_key_from_spki(der, n, &kalg, kout, sizeof kout, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_kem_public_key_from_pem(NULL, 1, &kalg, kout, sizeof kout, &pk_len),
                 PQH_ERR_NULL_POINTER);
}

/* ---------------------------------------------------------------------------------------- */
/* Known-answer vectors (target/c-tests/vectors.txt, written by the xtask).                   */

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex ("-" is empty). Returns 0 on success. */
static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len) {
    if (strcmp(s, "-") == 0) {
        *len = 0;
        return 0;
    }
    size_t n = strlen(s);
    if (n % 2 != 0 || n / 2 > cap) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    *len = n / 2;
    return 0;
}

/* A decoded hex field. */
typedef struct {
    uint8_t *p;
    size_t n;
} bytes;

static bytes field(const char *s) {
    bytes b;
    size_t cap = strlen(s) / 2 + 1;
    b.p = xmalloc(cap);
    if (unhex(s, b.p, cap, &b.n) != 0) {
        fprintf(stderr, "vectors: bad hex field\n");
        exit(2);
    }
    return b;
}

#define MAX_FIELDS 16

typedef struct {
    unsigned long xwing, sig_keygen, sig_verify, fw_images, records;
} vector_counts;

static void run_xwing(char **f, int nf) {
    CHECK(nf == 7, "xwing record has %d fields", nf);
    if (nf != 7) return;
    bytes seed = field(f[1]), sk = field(f[2]), pk = field(f[3]), eseed = field(f[4]);
    bytes ct = field(f[5]), ss = field(f[6]);
    uint8_t opk[PQH_XWING_PUBLICKEYBYTES], osk[PQH_XWING_SECRETKEYBYTES];
    uint8_t oct[PQH_XWING_CIPHERTEXTBYTES], oss[PQH_XWING_SHAREDSECRETBYTES];
    CHECK_STATUS(pqh_kem_keypair_from_seed(PQH_KEM_XWING, seed.p, seed.n, opk, sizeof opk, osk,
                                           sizeof osk),
                 PQH_OK);
    CHECK(pk.n == sizeof opk && memcmp(opk, pk.p, pk.n) == 0, "xwing: pk differs");
    CHECK(sk.n == sizeof osk && memcmp(osk, sk.p, sk.n) == 0, "xwing: sk differs");
    CHECK_STATUS(pqh_kem_encapsulate_deterministic(PQH_KEM_XWING, pk.p, pk.n, eseed.p, eseed.n,
                                                   oct, sizeof oct, oss, sizeof oss),
                 PQH_OK);
    CHECK(ct.n == sizeof oct && memcmp(oct, ct.p, ct.n) == 0, "xwing: ct differs");
    CHECK(ss.n == sizeof oss && memcmp(oss, ss.p, ss.n) == 0, "xwing: encaps ss differs");
    memset(oss, 0, sizeof oss);
    CHECK_STATUS(pqh_kem_decapsulate(PQH_KEM_XWING, sk.p, sk.n, ct.p, ct.n, oss, sizeof oss),
                 PQH_OK);
    CHECK(ss.n == sizeof oss && memcmp(oss, ss.p, ss.n) == 0, "xwing: decaps ss differs");
    free(seed.p), free(sk.p), free(pk.p), free(eseed.p), free(ct.p), free(ss.p);
}

static void run_sig_keygen(char **f, int nf) {
    CHECK(nf == 4, "sig-keygen record has %d fields", nf);
    if (nf != 4) return;
    pqh_sig_alg alg;
    CHECK_STATUS(pqh_sig_alg_from_name(f[1], &alg), PQH_OK);
    bytes sk = field(f[2]), pk = field(f[3]);
    uint8_t out[PQH_SIG_PUBLICKEYBYTES_MAX];
    CHECK_STATUS(pqh_sig_public_key_from_secret(alg, sk.p, sk.n, out, sizeof out), PQH_OK);
    CHECK(pk.n == pqh_sig_public_key_len(alg) && memcmp(out, pk.p, pk.n) == 0,
          "%s: derived pk differs", f[1]);
    free(sk.p), free(pk.p);
}

static void run_sig_verify(char **f, int nf) {
    CHECK(nf == 6, "sig-verify record has %d fields", nf);
    if (nf != 6) return;
    pqh_sig_alg alg;
    CHECK_STATUS(pqh_sig_alg_from_name(f[1], &alg), PQH_OK);
    bytes pk = field(f[2]), msg = field(f[3]), ctx = field(f[4]), sig = field(f[5]);
    pqh_status st = pqh_sig_verify(alg, pk.p, pk.n, msg.p, msg.n, ctx.p, ctx.n, sig.p, sig.n);
    CHECK(st == PQH_OK, "%s: vector signature (ctx %zu bytes): %s", f[1], ctx.n,
          pqh_status_string(st));
    /* Under another context it must not verify. */
    static const uint8_t other[] = "x";
    st = pqh_sig_verify(alg, pk.p, pk.n, msg.p, msg.n, ctx.n ? NULL : other, ctx.n ? 0 : 1,
                        sig.p, sig.n);
    CHECK(st == PQH_ERR_VERIFICATION_FAILED, "%s: verifies under another context", f[1]);
    free(pk.p), free(msg.p), free(ctx.p), free(sig.p);
}

/* ---------------------------------------------------------------------------------------- */
/* Firmware verification                                                                     */

/* A verifier in static memory, as a bootloader would keep it. */
static pqh_fw_verifier g_verifier;
static pqh_fw_verifier g_moved;
/* A one-byte source and a destination holding SENTINEL, for calls on dead states. */
static const uint8_t junk_src[1] = {0x42};
static uint8_t junk_dst[1] = {SENTINEL};

static void test_fw(void) {
    CHECK(sizeof(pqh_fw_verifier) == PQH_FW_VERIFIER_SIZE, "sizeof(pqh_fw_verifier) = %zu",
          sizeof(pqh_fw_verifier));
    CHECK(_Alignof(pqh_fw_verifier) == PQH_FW_VERIFIER_ALIGN, "alignof(pqh_fw_verifier) = %zu",
          (size_t)_Alignof(pqh_fw_verifier));
    /* Algorithm bits. */
    uint32_t all = 0, hybrid = 0;
    for (size_t i = 0; i < COUNT(SIGS); i++) {
        uint32_t bit = pqh_fw_algorithm_bit(SIGS[i].alg);
        int classical = SIGS[i].alg == PQH_SIG_ED25519 ||
                        SIGS[i].alg == PQH_SIG_ECDSA_P256_SHA256 ||
                        SIGS[i].alg == PQH_SIG_ECDSA_P384_SHA384;
        CHECK(classical ? bit == 0 : (bit != 0 && (bit & (bit - 1)) == 0 && (all & bit) == 0),
              "%s: firmware bit %#x", SIGS[i].name, (unsigned)bit);
        all |= bit;
        if (pqh_sig_is_hybrid(SIGS[i].alg)) hybrid |= bit;
    }
    CHECK(all == PQH_FW_ALGS_ALL && hybrid == PQH_FW_ALGS_HYBRID_ONLY, "firmware algorithm sets");
    CHECK((PQH_FW_ALGS_ML_DSA_ONLY | PQH_FW_ALGS_SLH_DSA_ONLY) == PQH_FW_ALGS_PURE_PQ &&
              (PQH_FW_ALGS_PURE_PQ | PQH_FW_ALGS_HYBRID_ONLY) == PQH_FW_ALGS_ALL,
          "firmware algorithm set macros");
    CHECK(pqh_fw_algorithm_bit((pqh_sig_alg)0) == 0 && pqh_fw_algorithm_bit((pqh_sig_alg)77) == 0,
          "unknown algorithm bit");

    /* Key ids. */
    const pqh_sig_alg A = PQH_SIG_MLDSA65_ED25519_SHA512;
    uint8_t seed[32], pk[PQH_MLDSA65_ED25519_SHA512_PUBLICKEYBYTES];
    uint8_t sk[PQH_MLDSA65_ED25519_SHA512_SECRETKEYBYTES];
    uint8_t id[PQH_FW_KEY_ID_BYTES + 1], id2[PQH_FW_KEY_ID_BYTES];
    memset(seed, 9, sizeof seed);
    CHECK_STATUS(pqh_sig_keypair_from_seed(A, seed, 32, pk, sizeof pk, sk, sizeof sk), PQH_OK);
    memset(id, SENTINEL, sizeof id);
    CHECK_STATUS(pqh_fw_key_id(A, pk, sizeof pk, id, sizeof id), PQH_OK);
    CHECK(!all_bytes(id, PQH_FW_KEY_ID_BYTES, SENTINEL) && id[PQH_FW_KEY_ID_BYTES] == SENTINEL,
          "key id written");
    memset(id2, SENTINEL, sizeof id2);
    CHECK_STATUS(pqh_fw_key_id(A, pk, sizeof pk, id2, sizeof id2 - 1), PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_fw_key_id(A, pk, sizeof pk - 1, id2, sizeof id2), PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_fw_key_id(A, NULL, sizeof pk, id2, sizeof id2), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_key_id(A, pk, sizeof pk, NULL, sizeof id2), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_key_id((pqh_sig_alg)0, pk, sizeof pk, id2, sizeof id2),
                 PQH_ERR_UNKNOWN_ALGORITHM);
    CHECK_STATUS(pqh_fw_key_id(PQH_SIG_ED25519, pk, 32, id2, sizeof id2),
                 PQH_ERR_FW_ALGORITHM_NOT_ALLOWED);
    CHECK(all_bytes(id2, sizeof id2, SENTINEL), "key id written on error");

    /* Policy validation. */
    pqh_fw_trust_anchor anchors[PQH_FW_MAX_TRUST_ANCHORS + 1];
    for (size_t i = 0; i < COUNT(anchors); i++) {
        memcpy(anchors[i].key_id, id, PQH_FW_KEY_ID_BYTES);
        anchors[i].state = PQH_FW_KEY_ACTIVE;
    }
    pqh_fw_policy policy;
    memset(&policy, 0, sizeof policy);
    policy.trust_anchors = anchors;
    policy.trust_anchors_len = 1;
    policy.min_security_version = 1;
    policy.max_security_version = UINT32_MAX;
    memcpy(policy.device_class, "c-tests-device!!", PQH_FW_DEVICE_CLASS_BYTES);
    policy.allowed_algorithms = PQH_FW_ALGS_HYBRID_ONLY;
    policy.endorse_allowed_algorithms = PQH_FW_ALGS_ALL;
    policy.flags = 0;
    CHECK_STATUS(pqh_fw_verifier_init(NULL, &policy), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, NULL), PQH_ERR_NULL_POINTER);
    policy.trust_anchors_len = PQH_FW_MAX_TRUST_ANCHORS + 1;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_LENGTH);
    policy.trust_anchors_len = PQH_FW_MAX_TRUST_ANCHORS;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.trust_anchors = NULL;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_NULL_POINTER);
    policy.trust_anchors_len = 0;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.trust_anchors = anchors;
    policy.trust_anchors_len = 2;
    anchors[1].state = (pqh_fw_key_state)0;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    anchors[1].state = (pqh_fw_key_state)3;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    anchors[1].state = PQH_FW_KEY_REVOKED;
    policy.allowed_algorithms = PQH_FW_ALGS_ALL | 1u;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.allowed_algorithms = 1u << 22;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.allowed_algorithms = PQH_FW_ALGS_HYBRID_ONLY;
    /* The new policy fields: counter range, endorsement algorithms, flags. */
    policy.max_security_version = 0;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.max_security_version = 0; /* below min (1) as well */
    policy.min_security_version = 0;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.min_security_version = 8;
    policy.max_security_version = 7;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.max_security_version = 8; /* min == max: one version boots */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.min_security_version = 1;
    policy.max_security_version = UINT64_MAX;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.max_security_version = UINT32_MAX;
    policy.endorse_allowed_algorithms = PQH_FW_ALGS_ALL | 1u;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.endorse_allowed_algorithms = 1u << 31;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.endorse_allowed_algorithms = 0; /* no endorsement accepted: valid */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.endorse_allowed_algorithms = PQH_FW_ALGS_SLH_DSA_ONLY;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.flags = PQH_FW_POLICY_ACCEPT_V1;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK(PQH_FW_POLICY_ACCEPT_V1 == 1 && PQH_FW_POLICY_ACCEPT_ENCRYPTED == 2,
          "policy flag values");
    policy.flags = PQH_FW_POLICY_ACCEPT_ENCRYPTED;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.flags = PQH_FW_POLICY_ACCEPT_V1 | PQH_FW_POLICY_ACCEPT_ENCRYPTED;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    policy.flags = 4;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.flags = PQH_FW_POLICY_ACCEPT_V1 | 0x80000000u;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_ERR_INVALID_ARGUMENT);
    policy.flags = 0;
    policy.endorse_allowed_algorithms = PQH_FW_ALGS_ALL;

    /* Fail closed: a live state re-initialized with a bad policy is dead, whatever the error. */
    {
        pqh_fw_policy bad[10];
        size_t nbad = 0;
        bad[nbad] = policy, bad[nbad++].trust_anchors_len = PQH_FW_MAX_TRUST_ANCHORS + 1;
        bad[nbad] = policy, bad[nbad++].trust_anchors = NULL;
        bad[nbad] = policy, bad[nbad++].allowed_algorithms = 1u;
        bad[nbad] = policy, bad[nbad++].endorse_allowed_algorithms = 1u << 30;
        bad[nbad] = policy, bad[nbad++].max_security_version = 0;
        bad[nbad] = policy, bad[nbad].min_security_version = 9,
        bad[nbad++].max_security_version = 8;
        bad[nbad] = policy, bad[nbad++].flags = 4;
        pqh_fw_trust_anchor bad_anchor[2];
        memcpy(bad_anchor, anchors, sizeof bad_anchor);
        bad_anchor[1].state = (pqh_fw_key_state)3;
        bad[nbad] = policy, bad[nbad++].trust_anchors = bad_anchor;
        for (size_t i = 0; i <= nbad; i++) {
            pqh_fw_image_info info;
            uint64_t len = 77;
            CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
            CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, (const uint8_t *)"PQFW", 4), PQH_OK);
            /* i == nbad: a NULL policy kills the state too. */
            pqh_status st = pqh_fw_verifier_init(&g_verifier, i < nbad ? &bad[i] : NULL);
            CHECK(st != PQH_OK, "bad policy %zu accepted", i);
            CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, (const uint8_t *)"x", 1),
                         PQH_ERR_INVALID_STATE);
            CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, junk_src, junk_dst, 1),
                         PQH_ERR_INVALID_STATE);
            CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, 1000), PQH_ERR_INVALID_STATE);
            CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &len), PQH_ERR_INVALID_STATE);
            CHECK(len == 77, "expected_len written on error");
            CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
        }
    }

    /* State checks: uninitialized, moved, finished. */
    pqh_fw_image_info info;
    uint64_t elen = 0;
    memset(&g_moved, 0, sizeof g_moved);
    CHECK_STATUS(pqh_fw_verifier_update(&g_moved, (const uint8_t *)"x", 1), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_moved, &info), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_moved, &elen), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_moved, 1), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_moved, junk_src, junk_dst, 1),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_update(NULL, NULL, 0), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_finish(NULL, &info), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_expected_len(NULL, &elen), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(NULL, 1), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_update_copy(NULL, junk_src, junk_dst, 1), PQH_ERR_NULL_POINTER);
    /* Misaligned: PQH_ERR_INVALID_STATE from every call, nothing written. */
    {
        pqh_fw_verifier *mis = (pqh_fw_verifier *)(void *)((uint8_t *)&g_moved + 8);
        CHECK_STATUS(pqh_fw_verifier_init(mis, &policy), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_verifier_update(mis, NULL, 0), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_verifier_update_copy(mis, NULL, NULL, 0), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_verifier_set_slot_len(mis, 1), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_verifier_expected_len(mis, &elen), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_verifier_finish(mis, &info), PQH_ERR_INVALID_STATE);
        CHECK(all_bytes((const uint8_t *)&g_moved, sizeof g_moved, 0), "misaligned init wrote");
    }
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    memcpy(&g_moved, &g_verifier, sizeof g_moved);
    CHECK_STATUS(pqh_fw_verifier_update(&g_moved, NULL, 0), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_moved, &elen), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, NULL, 0), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, NULL, NULL, 0), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_FW_TRUNCATED);
    /* Not an image: rejected when the fixed header is complete. */
    uint8_t junk[200];
    memset(junk, 0, sizeof junk);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 100), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_FW_TRUNCATED);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 100), PQH_ERR_FW_BAD_MAGIC);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_FW_BAD_MAGIC);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, junk_src, junk_dst, 1),
                 PQH_ERR_FW_BAD_MAGIC);
    CHECK(junk_dst[0] == SENTINEL, "update_copy wrote into dst of a failed state");
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, 1000), PQH_ERR_FW_BAD_MAGIC);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_FW_BAD_MAGIC);
    /* A failed state copied elsewhere and back is still failed. */
    memcpy(&g_moved, &g_verifier, sizeof g_moved);
    memset(&g_verifier, 0, sizeof g_verifier);
    memcpy(&g_verifier, &g_moved, sizeof g_moved);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_FW_BAD_MAGIC);
    memset(&info, SENTINEL, sizeof info);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_BAD_MAGIC);
    CHECK(all_bytes((const uint8_t *)&info, sizeof info, SENTINEL), "info written on error");
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_INVALID_STATE);
    /* The failed copy taken before finish is still failed, never live. */
    CHECK_STATUS(pqh_fw_verifier_finish(&g_moved, &info), PQH_ERR_FW_BAD_MAGIC);
    /* An empty image is truncated; re-initializing starts over. */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_TRUNCATED);
    CHECK(all_bytes((const uint8_t *)&info, sizeof info, SENTINEL), "info written on error");

    /* Every error ends the verification and sticks, argument errors included. */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, NULL, 1), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, NULL, junk_dst, 1),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, junk_src, NULL, 1),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    /* Overlapping buffers: src with dst, or either with the state itself. */
    uint8_t both[64];
    memset(both, 0, sizeof both);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, both, both + 16, 32),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, both, both, 8),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, both, both + 8, 8), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, junk, (uint8_t *)&g_verifier + 100, 8),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, (const uint8_t *)&g_verifier + 100, junk,
                                             8),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, (const uint8_t *)&g_verifier, 8),
                 PQH_ERR_INVALID_ARGUMENT);
    /* Slot length: more bytes than the slot holds is a length mismatch (sticky). */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, 10), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 10), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_FW_LENGTH_MISMATCH);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_LENGTH_MISMATCH);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 10), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, 9), PQH_ERR_FW_LENGTH_MISMATCH);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, junk, 1), PQH_ERR_FW_LENGTH_MISMATCH);
}

/* The firmware known-answer policy and images (kat-vectors/pqhybrid/firmware/). */
static pqh_fw_policy g_kat_policy;
static pqh_fw_trust_anchor g_kat_anchors[PQH_FW_MAX_TRUST_ANCHORS];
static int g_have_kat_policy;

static const struct {
    const char *name;
    pqh_status status;
} FW_EXPECT[] = {
    {"valid", PQH_OK},
    {"BadMagic", PQH_ERR_FW_BAD_MAGIC},
    {"UnsupportedVersion", PQH_ERR_FW_UNSUPPORTED_VERSION},
    {"BadHeaderLength", PQH_ERR_FW_BAD_HEADER_LENGTH},
    {"ReservedNonZero", PQH_ERR_FW_RESERVED_NONZERO},
    {"UnknownAlgorithm", PQH_ERR_FW_UNKNOWN_ALGORITHM},
    {"UnknownDigest", PQH_ERR_FW_UNKNOWN_DIGEST},
    {"Malformed", PQH_ERR_FW_MALFORMED},
    {"Truncated", PQH_ERR_FW_TRUNCATED},
    {"LengthMismatch", PQH_ERR_FW_LENGTH_MISMATCH},
    {"TrailerTooLarge", PQH_ERR_FW_TRAILER_TOO_LARGE},
    {"WrongDeviceClass", PQH_ERR_FW_WRONG_DEVICE_CLASS},
    {"Rollback", PQH_ERR_FW_ROLLBACK},
    {"AlgorithmNotAllowed", PQH_ERR_FW_ALGORITHM_NOT_ALLOWED},
    {"RevokedKey", PQH_ERR_FW_REVOKED_KEY},
    {"UnknownKey", PQH_ERR_FW_UNKNOWN_KEY},
    {"KeyIdMismatch", PQH_ERR_FW_KEY_ID_MISMATCH},
    {"DelegationOutOfRange", PQH_ERR_FW_DELEGATION_OUT_OF_RANGE},
    {"DigestMismatch", PQH_ERR_FW_DIGEST_MISMATCH},
    {"BadSignature", PQH_ERR_FW_BAD_SIGNATURE},
    {"SecurityVersionTooLarge", PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE},
    {"ClassNotEndorsed", PQH_ERR_FW_CLASS_NOT_ENDORSED},
    {"EndorsedAnchor", PQH_ERR_FW_ENDORSED_ANCHOR},
    {"NonCanonicalSignature", PQH_ERR_FW_NON_CANONICAL_SIGNATURE},
    {"ImageExceedsSlot", PQH_ERR_FW_IMAGE_EXCEEDS_SLOT},
    {"EncryptedNotAccepted", PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED},
};

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *buf = xmalloc(size > 0 ? (size_t)size : 1);
    *len = fread(buf, 1, size > 0 ? (size_t)size : 0, fp);
    fclose(fp);
    return buf;
}

/* Verifies `image` in chunks of `chunk` bytes under `policy`; the first error of update, else
 * finish. */
static pqh_status verify_with(pqh_fw_verifier *v, const pqh_fw_policy *policy,
                              const uint8_t *image, size_t len, size_t chunk,
                              pqh_fw_image_info *info) {
    pqh_status st = pqh_fw_verifier_init(v, policy);
    if (st != PQH_OK) return st;
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        st = pqh_fw_verifier_update(v, image + off, n);
        if (st != PQH_OK) {
            /* Errors stick: finish reports the same one. */
            pqh_status again = pqh_fw_verifier_finish(v, info);
            CHECK(again == st, "finish after error %d returned %d", (int)st, (int)again);
            return st;
        }
    }
    return pqh_fw_verifier_finish(v, info);
}

/* Verifies `image` in chunks of `chunk` bytes under the known-answer policy. */
static pqh_status verify_image(pqh_fw_verifier *v, const uint8_t *image, size_t len, size_t chunk,
                               pqh_fw_image_info *info) {
    return verify_with(v, &g_kat_policy, image, len, chunk, info);
}

/* SHA-256 (FIPS 180-4), only to check image ids and payload digests independently. */
static const uint32_t SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) +
                      SHA256_K[i] + w[i];
        uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t off = 0;
    for (; n - off >= 64; off += 64) sha256_block(h, p + off);
    uint8_t last[128];
    size_t rest = n - off;
    memset(last, 0, sizeof last);
    if (rest) memcpy(last, p + off, rest);
    last[rest] = 0x80;
    size_t total = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) last[total - 1 - i] = (uint8_t)(bits >> (8 * i));
    sha256_block(h, last);
    if (total == 128) sha256_block(h, last + 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24), out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8), out[4 * i + 3] = (uint8_t)h[i];
    }
}

static void test_sha256(void) {
    static const uint8_t abc_digest[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    static const uint8_t two_block_digest[32] = {
        0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
        0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1};
    uint8_t d[32];
    sha256((const uint8_t *)"abc", 3, d);
    CHECK(memcmp(d, abc_digest, 32) == 0, "SHA-256(abc)");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256((const uint8_t *)m, strlen(m), d);
    CHECK(memcmp(d, two_block_digest, 32) == 0, "SHA-256 (two blocks)");
}

/* ---------------------------------------------------------------------------------------- */
/* HPKE (pqh_hpke_*): every KEM with an HPKE code point x every KDF x every AEAD.            */

static const pqh_hpke_kdf HPKE_KDFS[] = {PQH_HPKE_KDF_HKDF_SHA256, PQH_HPKE_KDF_HKDF_SHA512,
                                         PQH_HPKE_KDF_SHAKE128, PQH_HPKE_KDF_SHAKE256};
static const pqh_hpke_aead HPKE_AEADS[] = {PQH_HPKE_AEAD_AES_256_GCM,
                                           PQH_HPKE_AEAD_CHACHA20_POLY1305};

/* A generator that replays a buffer and fails once it runs out (docs/hpke.md's example). */
typedef struct {
    const uint8_t *p;
    size_t left;
} replay_rng;

static int replay_fill(void *ctx, uint8_t *out, size_t len) {
    replay_rng *r = (replay_rng *)ctx;
    if (len > r->left) {
        return -1;
    }
    memcpy(out, r->p, len);
    r->p += len;
    r->left -= len;
    return 0;
}

static uint8_t g_hpke_info[PQH_HPKE_SHAKE_INFO_BYTES_MAX + 1];

/* Opens `box` into a sentinel-filled buffer of `cap` bytes and checks the output rules: on
 * success the plaintext length and nothing past it; on PQH_ERR_AUTHENTICATION_FAILED the
 * plaintext area zeroed and nothing past it; on any other error nothing written. */
static pqh_status hpke_open_checked(pqh_kem_alg kem, pqh_hpke_kdf kdf, pqh_hpke_aead aead,
                                    const uint8_t *sk, size_t sk_len, const uint8_t *info,
                                    size_t info_len, const uint8_t *aad, size_t aad_len,
                                    const uint8_t *box, size_t box_len, uint8_t *out, size_t cap,
                                    size_t *pt_len) {
    size_t n = 999;
    memset(out, SENTINEL, cap);
    pqh_status s = pqh_hpke_open(kem, kdf, aead, sk, sk_len, info, info_len, aad, aad_len, box,
                                 box_len, out, cap, &n);
    size_t overhead = pqh_hpke_sealed_len(kem, kdf, aead, 0);
    if (s == PQH_OK) {
        CHECK(n == box_len - overhead, "open length %zu", n);
        CHECK(all_bytes(out + n, cap - n, SENTINEL), "open wrote past the plaintext");
        *pt_len = n;
    } else {
        size_t zeroed = s == PQH_ERR_AUTHENTICATION_FAILED ? box_len - overhead : 0;
        CHECK(n == 999, "open %d wrote *out_len", (int)s);
        CHECK(zeroed <= cap && all_bytes(out, zeroed, 0) &&
                  all_bytes(out + zeroed, cap - zeroed, SENTINEL),
              "open %d released bytes", (int)s);
    }
    return s;
}

static void test_hpke(void) {
    CHECK(PQH_HPKE_KDF_HKDF_SHA256 == 0x0001 && PQH_HPKE_KDF_HKDF_SHA512 == 0x0003 &&
              PQH_HPKE_KDF_SHAKE128 == 0x0010 && PQH_HPKE_KDF_SHAKE256 == 0x0011,
          "HPKE KDF identifiers");
    CHECK(PQH_HPKE_AEAD_AES_256_GCM == 0x0002 && PQH_HPKE_AEAD_CHACHA20_POLY1305 == 0x0003,
          "HPKE AEAD identifiers");
    CHECK(PQH_HPKE_TAG_BYTES == 16 && PQH_HPKE_SHAKE_INFO_BYTES_MAX == 65535, "HPKE macros");

    static const uint8_t info[] = "test_pqhybrid.c hpke";
    static const uint8_t aad[] = "header";
    static const uint8_t msg[] = "a content key of 32 bytes.......";
    const size_t il = sizeof info - 1, al = sizeof aad - 1, ml = sizeof msg - 1;
    size_t max_overhead = 0;
    unsigned suites = 0;
    for (size_t i = 0; i < COUNT(KEMS); i++) {
        const kem_row *r = &KEMS[i];
        const int offered = r->alg != PQH_KEM_MLKEM768_X25519_SHA3_256;
        uint8_t seed[PQH_KEM_SEEDBYTES_MAX], pk[PQH_KEM_PUBLICKEYBYTES_MAX];
        uint8_t sk[PQH_KEM_SECRETKEYBYTES_MAX], sk2[PQH_KEM_SECRETKEYBYTES_MAX];
        uint8_t pk2[PQH_KEM_PUBLICKEYBYTES_MAX];
        memset(seed, 0x21 + (int)i, sizeof seed);
        CHECK_STATUS(pqh_kem_keypair_from_seed(r->alg, seed, r->seed, pk, sizeof pk, sk, sizeof sk),
                     PQH_OK);
        memset(seed, 0x61 + (int)i, sizeof seed);
        CHECK_STATUS(
            pqh_kem_keypair_from_seed(r->alg, seed, r->seed, pk2, sizeof pk2, sk2, sizeof sk2),
            PQH_OK);
        for (size_t k = 0; k < COUNT(HPKE_KDFS); k++) {
            for (size_t a = 0; a < COUNT(HPKE_AEADS); a++) {
                const pqh_hpke_kdf kdf = HPKE_KDFS[k];
                const pqh_hpke_aead aead = HPKE_AEADS[a];
                uint8_t box[PQH_HPKE_OVERHEAD_BYTES_MAX + 64], box2[PQH_HPKE_OVERHEAD_BYTES_MAX + 64];
                uint8_t out[64];
                size_t n = 777, m = 0;
                const size_t ov = pqh_hpke_sealed_len(r->alg, kdf, aead, 0);
                if (!offered) {
                    /* No HPKE code point (X-Wing is its HPKE counterpart). */
                    memset(box, SENTINEL, sizeof box);
                    CHECK(ov == 0, "%s has no sealed length", r->name);
                    CHECK_STATUS(pqh_hpke_seal(r->alg, kdf, aead, pk, r->pk, info, il, aad, al,
                                               msg, ml, pqh_rng_os, NULL, box, sizeof box, &n),
                                 PQH_ERR_UNSUPPORTED_SUITE);
                    CHECK(n == 777 && all_bytes(box, sizeof box, SENTINEL), "seal wrote");
                    CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad,
                                                   al, box, r->ct + 16 + ml, out, sizeof out, &m),
                                 PQH_ERR_UNSUPPORTED_SUITE);
                    continue;
                }
                suites++;
                CHECK(ov == r->ct + PQH_HPKE_TAG_BYTES, "%s overhead %zu", r->name, ov);
                CHECK(pqh_hpke_sealed_len(r->alg, kdf, aead, 100) == ov + 100, "sealed len");
                max_overhead = ov > max_overhead ? ov : max_overhead;

                /* Round trip; nothing written past the box. */
                test_rng rng = {0xB0B0ULL + 16 * i + 4 * k + a, 0};
                memset(box, SENTINEL, sizeof box);
                CHECK_STATUS(pqh_hpke_seal(r->alg, kdf, aead, pk, r->pk, info, il, aad, al, msg,
                                           ml, test_rng_fill, &rng, box, sizeof box, &n),
                             PQH_OK);
                CHECK(n == ov + ml && rng.calls > 0, "%s: seal length %zu", r->name, n);
                CHECK(all_bytes(box + n, sizeof box - n, SENTINEL), "seal wrote past the box");
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad, al,
                                               box, n, out, sizeof out, &m),
                             PQH_OK);
                CHECK(m == ml && memcmp(out, msg, ml) == 0, "%s: HPKE round trip", r->name);
                /* Sealing again gives another box (a fresh encapsulation), which opens too. */
                size_t n2 = 0;
                CHECK_STATUS(pqh_hpke_seal(r->alg, kdf, aead, pk, r->pk, info, il, aad, al, msg,
                                           ml, pqh_rng_os, NULL, box2, sizeof box2, &n2),
                             PQH_OK);
                CHECK(n2 == n && memcmp(box, box2, n) != 0, "%s: two boxes alike", r->name);
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad, al,
                                               box2, n2, out, sizeof out, &m),
                             PQH_OK);

                /* Wrong key, info, aad; another suite; a bit flipped in enc, ct and tag;
                 * a byte more or less. */
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk2, r->sk, info, il, aad, al,
                                               box, n, out, sizeof out, &m),
                             PQH_ERR_AUTHENTICATION_FAILED);
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il - 1, aad,
                                               al, box, n, out, sizeof out, &m),
                             PQH_ERR_AUTHENTICATION_FAILED);
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad,
                                               al - 1, box, n, out, sizeof out, &m),
                             PQH_ERR_AUTHENTICATION_FAILED);
                CHECK_STATUS(hpke_open_checked(r->alg, HPKE_KDFS[(k + 1) % 4], aead, sk, r->sk,
                                               info, il, aad, al, box, n, out, sizeof out, &m),
                             PQH_ERR_AUTHENTICATION_FAILED);
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, HPKE_AEADS[1 - a], sk, r->sk, info,
                                               il, aad, al, box, n, out, sizeof out, &m),
                             PQH_ERR_AUTHENTICATION_FAILED);
                const size_t at[] = {0, r->ct / 2, ov - PQH_HPKE_TAG_BYTES + 3, n - 1};
                for (size_t t = 0; t < COUNT(at); t++) {
                    box[at[t]] ^= 0x04;
                    pqh_status s = hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad,
                                                     al, box, n, out, sizeof out, &m);
                    CHECK(s == PQH_ERR_AUTHENTICATION_FAILED || s == PQH_ERR_MALFORMED_ENCODING,
                          "%s: tampered byte %zu gave %d", r->name, at[t], (int)s);
                    box[at[t]] ^= 0x04;
                }
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad, al,
                                               box, n - 1, out, sizeof out, &m),
                             PQH_ERR_AUTHENTICATION_FAILED);
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad, al,
                                               box, n + 1, out, sizeof out, &m),
                             PQH_ERR_AUTHENTICATION_FAILED);
                CHECK_STATUS(hpke_open_checked(r->alg, kdf, aead, sk, r->sk, info, il, aad, al,
                                               box, ov - 1, out, sizeof out, &m),
                             PQH_ERR_INVALID_LENGTH);

                /* Empty plaintext, info and aad: NULL pointers with zero lengths. */
                CHECK_STATUS(pqh_hpke_seal(r->alg, kdf, aead, pk, r->pk, NULL, 0, NULL, 0, NULL,
                                           0, pqh_rng_os, NULL, box, ov, &n),
                             PQH_OK);
                CHECK(n == ov, "empty seal length");
                size_t z = 999;
                CHECK_STATUS(pqh_hpke_open(r->alg, kdf, aead, sk, r->sk, NULL, 0, NULL, 0, box, n,
                                           NULL, 0, &z),
                             PQH_OK);
                CHECK(z == 0, "empty open length");
            }
        }
    }
    CHECK(suites == 48, "%u HPKE suites", suites);
    CHECK(max_overhead == PQH_HPKE_OVERHEAD_BYTES_MAX, "PQH_HPKE_OVERHEAD_BYTES_MAX");

    /* docs/hpke.md's worked example: X-Wing from the seed 00..1f, HKDF-SHA256, AES-256-GCM,
     * the 64 bytes 40..7f of randomness replayed; the box's SHA-256. */
    {
        static const uint8_t box_digest[32] = {
            0x80, 0x93, 0x91, 0x83, 0x12, 0x43, 0x21, 0x78, 0x2a, 0x9c, 0xcb, 0x16, 0x2e, 0x3e, 0x3b, 0x5c,
            0x1e, 0x23, 0x00, 0xe0, 0xac, 0xc8, 0x1e, 0xc9, 0x9d, 0xc8, 0x3d, 0x6e, 0x3e, 0x8f, 0xda, 0xfc};
        uint8_t seed[32], eseed[64], pk[PQH_XWING_PUBLICKEYBYTES], sk[PQH_XWING_SECRETKEYBYTES];
        uint8_t box[PQH_XWING_CIPHERTEXTBYTES + 25 + PQH_HPKE_TAG_BYTES], d[32], out[25];
        for (int j = 0; j < 32; j++) seed[j] = (uint8_t)j;
        for (int j = 0; j < 64; j++) eseed[j] = (uint8_t)(0x40 + j);
        const char *ex_info = "pqhybrid docs/hpke.md example", *ex_aad = "header v1";
        const char *ex_pt = "Hello from pqhybrid HPKE!";
        CHECK_STATUS(pqh_kem_keypair_from_seed(PQH_KEM_XWING, seed, 32, pk, sizeof pk, sk,
                                               sizeof sk),
                     PQH_OK);
        replay_rng rr = {eseed, sizeof eseed};
        size_t n = 0, m = 0;
        CHECK_STATUS(pqh_hpke_seal(PQH_KEM_XWING, PQH_HPKE_KDF_HKDF_SHA256,
                                   PQH_HPKE_AEAD_AES_256_GCM, pk, sizeof pk,
                                   (const uint8_t *)ex_info, strlen(ex_info),
                                   (const uint8_t *)ex_aad, strlen(ex_aad),
                                   (const uint8_t *)ex_pt, strlen(ex_pt), replay_fill, &rr, box,
                                   sizeof box, &n),
                     PQH_OK);
        sha256(box, n, d);
        CHECK(n == sizeof box && rr.left == 0 && memcmp(d, box_digest, 32) == 0,
              "docs/hpke.md example box (%zu bytes, %zu random bytes left)", n, rr.left);
        CHECK_STATUS(hpke_open_checked(PQH_KEM_XWING, PQH_HPKE_KDF_HKDF_SHA256,
                                       PQH_HPKE_AEAD_AES_256_GCM, seed, 32,
                                       (const uint8_t *)ex_info, strlen(ex_info),
                                       (const uint8_t *)ex_aad, strlen(ex_aad), box, n, out,
                                       sizeof out, &m),
                     PQH_OK);
        CHECK(m == 25 && memcmp(out, ex_pt, 25) == 0, "docs/hpke.md example opens");
        /* The generator running dry is PQH_ERR_RNG, with nothing written. */
        replay_rng dry = {eseed, 63};
        memset(box, SENTINEL, sizeof box);
        n = 777;
        CHECK_STATUS(pqh_hpke_seal(PQH_KEM_XWING, PQH_HPKE_KDF_HKDF_SHA256,
                                   PQH_HPKE_AEAD_AES_256_GCM, pk, sizeof pk, NULL, 0, NULL, 0,
                                   (const uint8_t *)ex_pt, 25, replay_fill, &dry, box, sizeof box,
                                   &n),
                     PQH_ERR_RNG);
        CHECK(n == 777 && all_bytes(box, sizeof box, SENTINEL), "seal wrote on an RNG failure");
    }

    /* Error paths, with X-Wing / HKDF-SHA256 / AES-256-GCM unless stated. */
    const pqh_kem_alg X = PQH_KEM_XWING;
    const pqh_hpke_kdf F = PQH_HPKE_KDF_HKDF_SHA256;
    const pqh_hpke_aead G = PQH_HPKE_AEAD_AES_256_GCM;
    uint8_t seed[32], pk[PQH_XWING_PUBLICKEYBYTES], sk[PQH_XWING_SECRETKEYBYTES];
    uint8_t box[PQH_XWING_CIPHERTEXTBYTES + 64], good[PQH_XWING_CIPHERTEXTBYTES + 64], out[64];
    memset(seed, 9, sizeof seed);
    CHECK_STATUS(pqh_kem_keypair_from_seed(X, seed, 32, pk, sizeof pk, sk, sizeof sk), PQH_OK);
    const size_t ov = pqh_hpke_sealed_len(X, F, G, 0);
    size_t glen = 0, n = 777, m = 0;
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, aad, al, msg, ml, pqh_rng_os,
                               NULL, good, sizeof good, &glen),
                 PQH_OK);

    /* Unknown values: a KEM value is PQH_ERR_UNKNOWN_ALGORITHM, a KDF or AEAD value
     * PQH_ERR_UNSUPPORTED_SUITE. */
    const uint32_t bad_kems[] = {0, 8, 99, 0xffffffffu};
    const uint32_t bad_kdfs[] = {0, 2, 0x12, 0x10001, 0xffffffffu};
    const uint32_t bad_aeads[] = {0, 1, 4, 0xffff, 0x10002};
    memset(box, SENTINEL, sizeof box);
    for (size_t i = 0; i < COUNT(bad_kems); i++) {
        const pqh_kem_alg k = (pqh_kem_alg)bad_kems[i];
        CHECK(pqh_hpke_sealed_len(k, F, G, 10) == 0, "sealed_len of kem %u", (unsigned)k);
        CHECK_STATUS(pqh_hpke_seal(k, F, G, pk, sizeof pk, info, il, aad, al, msg, ml,
                                   pqh_rng_os, NULL, box, sizeof box, &n),
                     PQH_ERR_UNKNOWN_ALGORITHM);
        CHECK_STATUS(hpke_open_checked(k, F, G, sk, sizeof sk, info, il, aad, al, good, glen, out,
                                       sizeof out, &m),
                     PQH_ERR_UNKNOWN_ALGORITHM);
    }
    for (size_t i = 0; i < COUNT(bad_kdfs); i++) {
        const pqh_hpke_kdf f = (pqh_hpke_kdf)bad_kdfs[i];
        CHECK(pqh_hpke_sealed_len(X, f, G, 10) == 0, "sealed_len of kdf %u", (unsigned)f);
        CHECK_STATUS(pqh_hpke_seal(X, f, G, pk, sizeof pk, info, il, aad, al, msg, ml,
                                   pqh_rng_os, NULL, box, sizeof box, &n),
                     PQH_ERR_UNSUPPORTED_SUITE);
        CHECK_STATUS(hpke_open_checked(X, f, G, sk, sizeof sk, info, il, aad, al, good, glen, out,
                                       sizeof out, &m),
                     PQH_ERR_UNSUPPORTED_SUITE);
    }
    for (size_t i = 0; i < COUNT(bad_aeads); i++) {
        const pqh_hpke_aead g = (pqh_hpke_aead)bad_aeads[i];
        CHECK(pqh_hpke_sealed_len(X, F, g, 10) == 0, "sealed_len of aead %u", (unsigned)g);
        CHECK_STATUS(pqh_hpke_seal(X, F, g, pk, sizeof pk, info, il, aad, al, msg, ml,
                                   pqh_rng_os, NULL, box, sizeof box, &n),
                     PQH_ERR_UNSUPPORTED_SUITE);
        CHECK_STATUS(hpke_open_checked(X, F, g, sk, sizeof sk, info, il, aad, al, good, glen, out,
                                       sizeof out, &m),
                     PQH_ERR_UNSUPPORTED_SUITE);
    }
    CHECK(pqh_hpke_sealed_len(X, F, G, SIZE_MAX) == 0, "sealed_len overflow");

    /* Seal: NULL pointers, lengths, short buffer, RNG failure; nothing written. */
    unsigned long fails = 0;
    CHECK_STATUS(pqh_hpke_seal(X, F, G, NULL, sizeof pk, info, il, aad, al, msg, ml, pqh_rng_os,
                               NULL, box, sizeof box, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, NULL, il, aad, al, msg, ml, pqh_rng_os,
                               NULL, box, sizeof box, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, NULL, al, msg, ml, pqh_rng_os,
                               NULL, box, sizeof box, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, aad, al, NULL, ml, pqh_rng_os,
                               NULL, box, sizeof box, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, aad, al, msg, ml, NULL, NULL,
                               box, sizeof box, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, aad, al, msg, ml, pqh_rng_os,
                               NULL, NULL, sizeof box, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, aad, al, msg, ml, pqh_rng_os,
                               NULL, box, sizeof box, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk - 1, info, il, aad, al, msg, ml,
                               pqh_rng_os, NULL, box, sizeof box, &n),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, 0, info, il, aad, al, msg, ml, pqh_rng_os, NULL, box,
                               sizeof box, &n),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, aad, al, msg, ml, pqh_rng_os,
                               NULL, box, ov + ml - 1, &n),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_hpke_seal(X, F, G, pk, sizeof pk, info, il, aad, al, msg, ml, failing_rng,
                               &fails, box, sizeof box, &n),
                 PQH_ERR_RNG);
    CHECK(fails >= 1, "failing RNG not called");
    CHECK(n == 777 && all_bytes(box, sizeof box, SENTINEL), "hpke seal wrote on error");
    {
        /* Invalid public keys: an ML-KEM coefficient >= q, a P-256 point off the curve. */
        uint8_t mpk[PQH_MLKEM768_PUBLICKEYBYTES], msk[PQH_MLKEM768_SECRETKEYBYTES];
        uint8_t ppk[PQH_MLKEM768_ECDH_P256_SHA3_256_PUBLICKEYBYTES];
        uint8_t psk[PQH_MLKEM768_ECDH_P256_SHA3_256_SECRETKEYBYTES];
        uint8_t pbox[PQH_MLKEM768_ECDH_P256_SHA3_256_CIPHERTEXTBYTES + 64];
        uint8_t s64[64];
        memset(s64, 5, sizeof s64);
        CHECK_STATUS(pqh_kem_keypair_from_seed(PQH_KEM_MLKEM768, s64, 64, mpk, sizeof mpk, msk,
                                               sizeof msk),
                     PQH_OK);
        mpk[0] = 0xff;
        mpk[1] = 0xff;
        CHECK_STATUS(pqh_hpke_seal(PQH_KEM_MLKEM768, F, G, mpk, sizeof mpk, NULL, 0, NULL, 0, msg,
                                   ml, pqh_rng_os, NULL, box, sizeof box, &n),
                     PQH_ERR_INVALID_KEY);
        const pqh_kem_alg P = PQH_KEM_MLKEM768_ECDH_P256_SHA3_256;
        CHECK_STATUS(pqh_kem_keypair_from_seed(P, s64, 32, ppk, sizeof ppk, psk, sizeof psk),
                     PQH_OK);
        size_t pn = 0;
        CHECK_STATUS(pqh_hpke_seal(P, PQH_HPKE_KDF_SHAKE256, PQH_HPKE_AEAD_CHACHA20_POLY1305, ppk,
                                   sizeof ppk, NULL, 0, NULL, 0, msg, ml, pqh_rng_os, NULL, pbox,
                                   sizeof pbox, &pn),
                     PQH_OK);
        uint8_t bad_ppk[sizeof ppk], pbad[sizeof pbox];
        memcpy(bad_ppk, ppk, sizeof ppk);
        memset(bad_ppk + sizeof bad_ppk - 64, 0xff, 64);
        memset(pbad, SENTINEL, sizeof pbad);
        n = 777;
        CHECK_STATUS(pqh_hpke_seal(P, PQH_HPKE_KDF_SHAKE256, PQH_HPKE_AEAD_CHACHA20_POLY1305,
                                   bad_ppk, sizeof bad_ppk, NULL, 0, NULL, 0, msg, ml, pqh_rng_os,
                                   NULL, pbad, sizeof pbad, &n),
                     PQH_ERR_INVALID_KEY);
        CHECK(n == 777 && all_bytes(pbad, sizeof pbad, SENTINEL), "hpke seal wrote on error");
        /* Open: an ECDH share in enc that is not on the curve; a private key that does not
         * decode. */
        memset(pbox + PQH_MLKEM768_CIPHERTEXTBYTES, 0xff, 65);
        CHECK_STATUS(hpke_open_checked(P, PQH_HPKE_KDF_SHAKE256, PQH_HPKE_AEAD_CHACHA20_POLY1305,
                                       psk, sizeof psk, NULL, 0, NULL, 0, pbox, pn, out,
                                       sizeof out, &m),
                     PQH_ERR_MALFORMED_ENCODING);
        psk[sizeof psk - 1] ^= 0xff; /* the ECPrivateKey's curve OID */
        CHECK_STATUS(hpke_open_checked(P, PQH_HPKE_KDF_SHAKE256, PQH_HPKE_AEAD_CHACHA20_POLY1305,
                                       psk, sizeof psk, NULL, 0, NULL, 0, pbox, pn, out,
                                       sizeof out, &m),
                     PQH_ERR_MALFORMED_ENCODING);
    }

    /* The SHAKE KDFs take at most 65535 bytes of info; HKDF any. */
    memset(g_hpke_info, 0x69, sizeof g_hpke_info);
    for (size_t k = 0; k < COUNT(HPKE_KDFS); k++) {
        const pqh_hpke_kdf f = HPKE_KDFS[k];
        const int shake = f == PQH_HPKE_KDF_SHAKE128 || f == PQH_HPKE_KDF_SHAKE256;
        memset(box, SENTINEL, sizeof box);
        n = 777;
        pqh_status s = pqh_hpke_seal(X, f, G, pk, sizeof pk, g_hpke_info, sizeof g_hpke_info, aad,
                                     al, msg, ml, pqh_rng_os, NULL, box, sizeof box, &n);
        if (shake) {
            CHECK_STATUS(s, PQH_ERR_CONTEXT_TOO_LONG);
            CHECK(n == 777 && all_bytes(box, sizeof box, SENTINEL), "seal wrote on error");
            CHECK_STATUS(pqh_hpke_seal(X, f, G, pk, sizeof pk, g_hpke_info,
                                       PQH_HPKE_SHAKE_INFO_BYTES_MAX, aad, al, msg, ml,
                                       pqh_rng_os, NULL, box, sizeof box, &n),
                         PQH_OK);
            CHECK_STATUS(hpke_open_checked(X, f, G, sk, sizeof sk, g_hpke_info,
                                           sizeof g_hpke_info, aad, al, box, n, out, sizeof out,
                                           &m),
                         PQH_ERR_CONTEXT_TOO_LONG);
            CHECK_STATUS(hpke_open_checked(X, f, G, sk, sizeof sk, g_hpke_info,
                                           PQH_HPKE_SHAKE_INFO_BYTES_MAX, aad, al, box, n, out,
                                           sizeof out, &m),
                         PQH_OK);
        } else {
            CHECK_STATUS(s, PQH_OK);
            CHECK_STATUS(hpke_open_checked(X, f, G, sk, sizeof sk, g_hpke_info,
                                           sizeof g_hpke_info, aad, al, box, n, out, sizeof out,
                                           &m),
                         PQH_OK);
        }
        CHECK(m == ml && memcmp(out, msg, ml) == 0, "long info round trip");
    }

    /* Open: NULL pointers, lengths, short buffer, a low-order X25519 share; nothing written. */
    CHECK_STATUS(hpke_open_checked(X, F, G, NULL, sizeof sk, info, il, aad, al, good, glen, out,
                                   sizeof out, &m),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(hpke_open_checked(X, F, G, sk, sizeof sk, NULL, il, aad, al, good, glen, out,
                                   sizeof out, &m),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(hpke_open_checked(X, F, G, sk, sizeof sk, info, il, NULL, al, good, glen, out,
                                   sizeof out, &m),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(hpke_open_checked(X, F, G, sk, sizeof sk, info, il, aad, al, NULL, glen, out,
                                   sizeof out, &m),
                 PQH_ERR_NULL_POINTER);
    size_t z = 999;
    CHECK_STATUS(pqh_hpke_open(X, F, G, sk, sizeof sk, info, il, aad, al, good, glen, NULL,
                               sizeof out, &z),
                 PQH_ERR_NULL_POINTER);
    memset(out, SENTINEL, sizeof out);
    CHECK_STATUS(pqh_hpke_open(X, F, G, sk, sizeof sk, info, il, aad, al, good, glen, out,
                               sizeof out, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK(z == 999 && all_bytes(out, sizeof out, SENTINEL), "hpke open wrote on error");
    CHECK_STATUS(hpke_open_checked(X, F, G, sk, sizeof sk - 1, info, il, aad, al, good, glen,
                                   out, sizeof out, &m),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(hpke_open_checked(X, F, G, sk, sizeof sk, info, il, aad, al, good, 0, out,
                                   sizeof out, &m),
                 PQH_ERR_INVALID_LENGTH);
    CHECK_STATUS(hpke_open_checked(X, F, G, sk, sizeof sk, info, il, aad, al, good, glen, out,
                                   ml - 1, &m),
                 PQH_ERR_BUFFER_TOO_SMALL);
    memcpy(box, good, glen);
    memset(box + PQH_MLKEM768_CIPHERTEXTBYTES, 0, 32); /* X25519 share of order 1 */
    CHECK_STATUS(hpke_open_checked(X, F, G, sk, sizeof sk, info, il, aad, al, box, glen, out,
                                   sizeof out, &m),
                 PQH_ERR_MALFORMED_ENCODING);
    CHECK(glen == ov + ml, "good box length");
}

static uint32_t le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

/* Header offsets (docs/firmware-format.md). */
#define FW_FIXED_HEADER 192
#define FW_OFF_DIGEST_ALG 14
#define FW_OFF_FLAGS 15
#define FW_OFF_SECURITY_VERSION 16
#define FW_OFF_PAYLOAD_DIGEST 80
#define FW_OFF_TRAILER_LEN 176

/* The image info of a verified `image`: the image id is SHA-256 of its header, the payload
 * digest is the header's (and, for SHA-256, the payload's SHA-256). */
static void check_info_digests(const pqh_fw_image_info *info, const uint8_t *image, size_t len) {
    CHECK(info->header_len >= FW_FIXED_HEADER && info->header_len <= len &&
              info->payload_len <= len - info->header_len,
          "info lengths");
    if (info->header_len > len || info->payload_len > len - info->header_len) return;
    uint8_t d[32];
    sha256(image, info->header_len, d);
    CHECK(memcmp(d, info->image_id, PQH_FW_IMAGE_ID_BYTES) == 0,
          "image id is not SHA-256 of the header");
    uint8_t alg = image[FW_OFF_DIGEST_ALG];
    uint32_t want = (alg == 1 || alg == 3) ? 32 : 64;
    CHECK(info->payload_digest_len == want, "payload digest length %u for digest algorithm %u",
          (unsigned)info->payload_digest_len, (unsigned)alg);
    CHECK(memcmp(info->payload_digest, image + FW_OFF_PAYLOAD_DIGEST, PQH_FW_DIGEST_MAX_BYTES) == 0,
          "payload digest differs from the header's");
    CHECK(info->payload_digest_len <= PQH_FW_DIGEST_MAX_BYTES &&
              all_bytes(info->payload_digest + info->payload_digest_len,
                        PQH_FW_DIGEST_MAX_BYTES - info->payload_digest_len, 0),
          "payload digest padding");
    if (alg == 1) {
        sha256(image + info->header_len, info->payload_len, d);
        CHECK(memcmp(d, info->payload_digest, 32) == 0, "payload digest is not SHA-256(payload)");
    }
    /* pqh_fw_image_info.encrypted took the padding byte after signer_key_id. */
    CHECK(offsetof(pqh_fw_image_info, encrypted) == 110 &&
              offsetof(pqh_fw_image_info, delegation_root_algorithm) == 112 &&
              sizeof(pqh_fw_image_info) == 272,
          "pqh_fw_image_info layout");
    CHECK(info->encrypted == ((image[FW_OFF_FLAGS] & 4) ? 1 : 0), "info.encrypted %u",
          (unsigned)info->encrypted);
}

/* A third state buffer, for copying states around. */
static pqh_fw_verifier g_copy;

/* The new calls on the valid known-answer image: expected_len, slot mode, update_copy, the
 * payload digest and image id, the new policy fields, and states that are finished or failed
 * wherever their bytes are copied. */
static void test_fw_valid_image(const uint8_t *image, size_t len) {
    pqh_fw_image_info info, ref;
    uint64_t elen = 0;
    CHECK(len > FW_FIXED_HEADER, "valid image length %zu", len);
    if (len <= FW_FIXED_HEADER) return;
    const size_t header_len = le16(image + 6), payload_len = le32(image + 8);
    const size_t trailer_len = le32(image + FW_OFF_TRAILER_LEN);
    const uint64_t sv = le64(image + FW_OFF_SECURITY_VERSION);
    CHECK(header_len + payload_len + trailer_len == len, "header lengths add up to %zu", len);

    /* expected_len: available once the fixed header passed the checks. */
    memset(&ref, 0, sizeof ref);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_FW_TRUNCATED);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, FW_FIXED_HEADER - 1), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_FW_TRUNCATED);
    CHECK(elen == 0, "expected_len written before the header");
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image + FW_FIXED_HEADER - 1, 1), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_OK);
    CHECK(elen == len, "expected_len %llu, image %zu", (unsigned long long)elen, len);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image + FW_FIXED_HEADER,
                                        len - FW_FIXED_HEADER),
                 PQH_OK);
    elen = 0;
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_OK);
    CHECK(elen == len, "expected_len after the image");
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &ref), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_INVALID_STATE);
    check_info_digests(&ref, image, len);
    CHECK(ref.security_version == sv, "security version");

    /* A flash slot larger than the image, erased (0xFF) after it. */
    const size_t slot = len + 5000;
    uint8_t *flash = xmalloc(slot);
    memset(flash, 0xFF, slot);
    memcpy(flash, image, len);
    /* Without a slot length, the erased tail is a length mismatch. */
    CHECK_STATUS(verify_image(&g_verifier, flash, slot, 4096, &info), PQH_ERR_FW_LENGTH_MISMATCH);
    const size_t chunks[] = {slot, 1, 256, 4096};
    for (size_t c = 0; c < COUNT(chunks); c++) {
        CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
        CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, slot), PQH_OK);
        pqh_status st = PQH_OK;
        for (size_t off = 0; off < slot && st == PQH_OK; off += chunks[c]) {
            size_t n = slot - off < chunks[c] ? slot - off : chunks[c];
            st = pqh_fw_verifier_update(&g_verifier, flash + off, n);
        }
        CHECK(st == PQH_OK, "slot in %zu-byte chunks: %s", chunks[c], pqh_status_string(st));
        memset(&info, 0, sizeof info);
        CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_OK);
        CHECK(memcmp(info.image_id, ref.image_id, 32) == 0, "image id in slot mode");
    }
    /* Stop at the image's end: read the fixed header, ask the length, read the rest. */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, slot), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, flash, FW_FIXED_HEADER), PQH_OK);
    elen = 0;
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_OK);
    CHECK(elen == len && elen <= slot, "expected_len in slot mode");
    if (elen == len) {
        CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, flash + FW_FIXED_HEADER,
                                            (size_t)elen - FW_FIXED_HEADER),
                     PQH_OK);
    }
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_OK);
    /* A slot exactly the image's length. */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, len), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, len), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, flash + len, 1), PQH_ERR_FW_LENGTH_MISMATCH);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_LENGTH_MISMATCH);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, len), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, len), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_OK);
    /* A slot one byte too small: rejected as soon as the header is in, and it sticks. */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, len - 1), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, FW_FIXED_HEADER - 1), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image + FW_FIXED_HEADER - 1, 1),
                 PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image + FW_FIXED_HEADER, 1),
                 PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, slot), PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    /* The slot length told after the header: the same check. */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, len), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, len - 1), PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, NULL, 0), PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_IMAGE_EXCEEDS_SLOT);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, 0), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, 1), PQH_ERR_FW_LENGTH_MISMATCH);

    /* Verify while copying from the slot into "internal RAM". */
    uint8_t *ram = xmalloc(len);
    const size_t copy_chunks[] = {len, 1, 777, 4096};
    for (size_t c = 0; c < COUNT(copy_chunks); c++) {
        memset(ram, SENTINEL, len);
        CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
        CHECK_STATUS(pqh_fw_verifier_set_slot_len(&g_verifier, slot), PQH_OK);
        pqh_status st = PQH_OK;
        for (size_t off = 0; off < len && st == PQH_OK; off += copy_chunks[c]) {
            size_t n = len - off < copy_chunks[c] ? len - off : copy_chunks[c];
            st = pqh_fw_verifier_update_copy(&g_verifier, flash + off, ram + off, n);
        }
        CHECK(st == PQH_OK, "update_copy in %zu-byte chunks: %s", copy_chunks[c],
              pqh_status_string(st));
        memset(&info, 0, sizeof info);
        CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_OK);
        CHECK(memcmp(ram, image, len) == 0, "update_copy: the copy differs");
        CHECK(memcmp(info.image_id, ref.image_id, 32) == 0 &&
                  memcmp(info.payload_digest, ref.payload_digest, 64) == 0,
              "update_copy: info");
        check_info_digests(&info, ram, len);
    }
    /* The slot changes after the copy (external flash serving other bytes the second time):
     * the RAM copy is still the verified image. */
    flash[header_len] ^= 0x01;
    CHECK(memcmp(ram, image, len) == 0, "RAM copy");
    CHECK_STATUS(verify_image(&g_verifier, ram, len, 4096, &info), PQH_OK);
    CHECK_STATUS(verify_image(&g_verifier, flash, len, 4096, &info), PQH_ERR_FW_DIGEST_MISMATCH);
    /* A tampered source: the copy is what was checked, and it is rejected. */
    memset(ram, 0, len);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, flash, ram, len), PQH_OK);
    memset(&info, SENTINEL, sizeof info);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_DIGEST_MISMATCH);
    CHECK(all_bytes((const uint8_t *)&info, sizeof info, SENTINEL), "info written on error");
    CHECK(memcmp(ram, flash, len) == 0, "update_copy: the tampered copy");
    /* A tampered header fails at the chunk that completes it; the rest is not copied. */
    memcpy(flash, image, len);
    flash[0] ^= 0x20;
    memset(ram, SENTINEL, len);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, flash, ram, FW_FIXED_HEADER),
                 PQH_ERR_FW_BAD_MAGIC);
    CHECK_STATUS(pqh_fw_verifier_update_copy(&g_verifier, flash + FW_FIXED_HEADER,
                                             ram + FW_FIXED_HEADER, len - FW_FIXED_HEADER),
                 PQH_ERR_FW_BAD_MAGIC);
    CHECK(all_bytes(ram + FW_FIXED_HEADER, len - FW_FIXED_HEADER, SENTINEL),
          "update_copy copied after an error");
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_BAD_MAGIC);

    /* The policy's counter maximum, endorsement algorithms and flags. */
    pqh_fw_policy p = g_kat_policy;
    if (sv > p.min_security_version) {
        p.max_security_version = sv - 1;
        CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info),
                     PQH_ERR_FW_SECURITY_VERSION_TOO_LARGE);
    }
    p.max_security_version = sv;
    CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info), PQH_OK);
    p = g_kat_policy;
    if (ref.delegated) {
        uint32_t root_bit = pqh_fw_algorithm_bit(ref.delegation_root_algorithm);
        CHECK(root_bit != 0, "root algorithm bit");
        p.endorse_allowed_algorithms = 0;
        CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info),
                     PQH_ERR_FW_ALGORITHM_NOT_ALLOWED);
        p.endorse_allowed_algorithms = PQH_FW_ALGS_ALL & ~root_bit;
        CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info),
                     PQH_ERR_FW_ALGORITHM_NOT_ALLOWED);
        p.endorse_allowed_algorithms = root_bit;
        CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info), PQH_OK);
        /* Roots may endorse, but the image algorithm is not allowed for images. */
        p.allowed_algorithms = PQH_FW_ALGS_ALL & ~pqh_fw_algorithm_bit(ref.algorithm);
        p.endorse_allowed_algorithms = PQH_FW_ALGS_ALL;
        CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info),
                     PQH_ERR_FW_ALGORITHM_NOT_ALLOWED);
    }
    p = g_kat_policy;
    p.flags = PQH_FW_POLICY_ACCEPT_V1; /* changes nothing for a version-2 image */
    CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info), PQH_OK);

    /* Fail closed in the middle of an image: a failed re-init leaves nothing to finish. */
    pqh_fw_trust_anchor bad_anchors[PQH_FW_MAX_TRUST_ANCHORS];
    memcpy(bad_anchors, g_kat_anchors, sizeof bad_anchors);
    bad_anchors[0].state = (pqh_fw_key_state)3;
    p = g_kat_policy;
    p.trust_anchors = bad_anchors;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, len / 2), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &p), PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image + len / 2, len - len / 2),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);

    /* Finished and failed states are dead wherever their bytes are copied. A snapshot of a
     * live state is a live state in its own right (documented). */
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, len), PQH_OK);
    memcpy(&g_copy, &g_verifier, sizeof g_copy); /* live snapshot */
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_OK);
    memcpy(&g_moved, &g_verifier, sizeof g_moved); /* finished */
    memset(&g_verifier, 0xA5, sizeof g_verifier);
    memcpy(&g_verifier, &g_moved, sizeof g_moved);
    memset(&info, SENTINEL, sizeof info);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, 1), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_fw_verifier_expected_len(&g_verifier, &elen), PQH_ERR_INVALID_STATE);
    CHECK(all_bytes((const uint8_t *)&info, sizeof info, SENTINEL), "info written");
    CHECK_STATUS(pqh_fw_verifier_finish(&g_moved, &info), PQH_ERR_INVALID_STATE);
    memcpy(&g_verifier, &g_copy, sizeof g_copy);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_OK);
    /* Failed at finish (payload), then copied out and back. */
    memcpy(flash, image, len);
    flash[header_len + 3] ^= 0x80;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, flash, len), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_DIGEST_MISMATCH);
    memcpy(&g_moved, &g_verifier, sizeof g_moved);
    memset(&g_verifier, 0, sizeof g_verifier);
    memcpy(&g_verifier, &g_moved, sizeof g_moved);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    /* Failed at an update (rollback), then copied out and back: the same error, never OK. */
    p = g_kat_policy;
    p.min_security_version = sv + 1;
    p.max_security_version = sv + 1;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &p), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, len), PQH_ERR_FW_ROLLBACK);
    memcpy(&g_moved, &g_verifier, sizeof g_moved);
    memset(&g_verifier, 0, sizeof g_verifier);
    memcpy(&g_verifier, &g_moved, sizeof g_moved);
    CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, NULL, 0), PQH_ERR_FW_ROLLBACK);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_ROLLBACK);
    memcpy(&g_verifier, &g_moved, sizeof g_moved);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_ROLLBACK);
    CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    free(ram);
    free(flash);
}

/* The re-initialization repro of issue 12, item 1, on the rolled-back known-answer image: it
 * verifies under counter 0; after init with counter 0 and a failed re-init with counter 5 and
 * an undefined anchor state, feeding it must not verify. */
static void test_fw_reinit_repro(const uint8_t *image, size_t len) {
    pqh_fw_image_info info;
    pqh_fw_policy p0 = g_kat_policy;
    p0.min_security_version = 0;
    CHECK_STATUS(verify_with(&g_verifier, &p0, image, len, 4096, &info), PQH_OK);
    pqh_fw_trust_anchor bad_anchors[PQH_FW_MAX_TRUST_ANCHORS];
    memcpy(bad_anchors, g_kat_anchors, sizeof bad_anchors);
    bad_anchors[0].state = (pqh_fw_key_state)3;
    pqh_fw_policy p5 = g_kat_policy;
    p5.min_security_version = 5;
    p5.trust_anchors = bad_anchors;
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &p0), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &p5), PQH_ERR_INVALID_ARGUMENT);
    pqh_status st = pqh_fw_verifier_update(&g_verifier, image, len);
    CHECK(st == PQH_ERR_INVALID_STATE, "update after a failed re-init: %s",
          pqh_status_string(st));
    st = pqh_fw_verifier_finish(&g_verifier, &info);
    CHECK(st == PQH_ERR_INVALID_STATE, "finish after a failed re-init: %s",
          pqh_status_string(st));
    /* The same with the other policy errors. */
    for (int k = 0; k < 4; k++) {
        pqh_fw_policy bad = p0;
        bad.min_security_version = 5;
        if (k == 0) bad.trust_anchors_len = PQH_FW_MAX_TRUST_ANCHORS + 1;
        if (k == 1) bad.allowed_algorithms |= 1u;
        if (k == 2) bad.max_security_version = 0;
        if (k == 3) bad.flags = 0x10;
        CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &p0), PQH_OK);
        CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, 100), PQH_OK);
        CHECK(pqh_fw_verifier_init(&g_verifier, &bad) != PQH_OK, "bad policy %d", k);
        CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image + 100, len - 100),
                     PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_INVALID_STATE);
    }
}

/* The frozen format-1 image (kat-vectors/pqhybrid/firmware-v1/valid.pqfw, next to the format-2
 * files): rejected unless the policy sets PQH_FW_POLICY_ACCEPT_V1. */
static void test_fw_v1_image(const char *valid_path) {
    static const char suffix[] = "/firmware/valid.pqfw";
    size_t n = strlen(valid_path), sn = strlen(suffix);
    if (n < sn || strcmp(valid_path + n - sn, suffix) != 0) {
        printf("note: %s is not .../firmware/valid.pqfw; format-1 image not tested\n",
               valid_path);
        return;
    }
    char *path = xmalloc(n + 4);
    memcpy(path, valid_path, n - sn);
    strcpy(path + n - sn, "/firmware-v1/valid.pqfw");
    size_t len = 0;
    uint8_t *image = read_file(path, &len);
    if (!image) {
        printf("note: %s not found; format-1 image not tested\n", path);
        free(path);
        return;
    }
    pqh_fw_image_info info;
    pqh_fw_policy p = g_kat_policy;
    CHECK(len > 6 && le16(image + 4) == 1, "%s is not format version 1", path);
    CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info),
                 PQH_ERR_FW_UNSUPPORTED_VERSION);
    p.flags = PQH_FW_POLICY_ACCEPT_V1;
    memset(&info, 0, sizeof info);
    CHECK_STATUS(verify_with(&g_verifier, &p, image, len, 1000, &info), PQH_OK);
    check_info_digests(&info, image, len);
    free(image);
    free(path);
}

/* ---------------------------------------------------------------------------------------- */
/* Device identity (pqh_identity_*), measuring a firmware image the verifier accepted.      */

static pqh_identity g_id;
static pqh_identity g_id2;
static unsigned long g_identity_images;

static const uint8_t ID_NONCE[] = "verifier nonce 0001";

/* A DER element: the whole TLV is p[0..len), its content p[hdr..len). */
typedef struct {
    const uint8_t *p;
    size_t len, hdr;
    uint8_t tag;
} der_elem;

/* Reads the element at the start of buf[0..avail) (one-byte tags, lengths up to 3 bytes). */
static int der_read(const uint8_t *buf, size_t avail, der_elem *e) {
    if (avail < 2) return -1;
    size_t n = buf[1], hdr = 2;
    if (n & 0x80) {
        size_t k = n & 0x7f;
        if (k == 0 || k > 3 || avail < 2 + k) return -1;
        n = 0;
        for (size_t i = 0; i < k; i++) n = n << 8 | buf[2 + i];
        hdr += k;
    }
    if (n > avail - hdr) return -1;
    e->p = buf;
    e->tag = buf[0];
    e->hdr = hdr;
    e->len = hdr + n;
    return 0;
}

/* The index-th element inside the constructed element e. */
static int der_child(const der_elem *e, size_t index, der_elem *out) {
    const uint8_t *p = e->p + e->hdr, *end = e->p + e->len;
    for (size_t i = 0; p < end; i++) {
        if (der_read(p, (size_t)(end - p), out) != 0) return -1;
        if (i == index) return 0;
        p += out->len;
    }
    return -1;
}

/* Checks a signed document (certificate or CSR: SEQUENCE { to-be-signed, AlgorithmIdentifier,
 * BIT STRING signature }, exactly n bytes) independently of the library's DER code: the
 * subject public key is the SubjectPublicKeyInfo at child spki_index of the to-be-signed part
 * (6 in a certificate, 2 in a CSR), imported with pqh_sig_public_key_from_spki into
 * subject_pk; the signature must verify under issuer_pk (NULL: the subject key, self-signed).
 * Returns 0, or the number of the check that failed. */
static int check_signed(const uint8_t *der, size_t n, size_t spki_index, pqh_sig_alg alg,
                        const uint8_t *issuer_pk, size_t issuer_pk_len, uint8_t *subject_pk,
                        size_t *subject_pk_len) {
    der_elem doc, tbs, bits, spki;
    if (der_read(der, n, &doc) != 0 || doc.tag != 0x30 || doc.len != n) return 1;
    if (der_child(&doc, 0, &tbs) != 0 || tbs.tag != 0x30) return 2;
    if (der_child(&doc, 2, &bits) != 0 || bits.tag != 0x03 || bits.len < bits.hdr + 2 ||
        bits.p[bits.hdr] != 0)
        return 3;
    if (der_child(&tbs, spki_index, &spki) != 0 || spki.tag != 0x30) return 4;
    pqh_sig_alg salg = (pqh_sig_alg)0;
    if (pqh_sig_public_key_from_spki(spki.p, spki.len, &salg, subject_pk,
                                     PQH_SIG_PUBLICKEYBYTES_MAX, subject_pk_len) != PQH_OK ||
        salg != alg)
        return 5;
    if (!issuer_pk) {
        issuer_pk = subject_pk;
        issuer_pk_len = *subject_pk_len;
    }
    if (pqh_sig_verify(alg, issuer_pk, issuer_pk_len, tbs.p, tbs.len, NULL, 0,
                       bits.p + bits.hdr + 1, bits.len - bits.hdr - 1) != PQH_OK)
        return 6;
    return 0;
}

/* 1 if needle[0..m) occurs in hay[0..n). */
static int contains(const uint8_t *hay, size_t n, const void *needle, size_t m) {
    for (size_t i = 0; m <= n && i <= n - m; i++) {
        if (memcmp(hay + i, needle, m) == 0) return 1;
    }
    return 0;
}

/* The lowercase hex of an id, as a device name's serialNumber writes it. */
static void id_hex(const uint8_t id[PQH_IDENTITY_ID_BYTES], char out[2 * PQH_IDENTITY_ID_BYTES]) {
    static const char HEX[] = "0123456789abcdef";
    for (size_t i = 0; i < PQH_IDENTITY_ID_BYTES; i++) {
        out[2 * i] = HEX[id[i] >> 4];
        out[2 * i + 1] = HEX[id[i] & 15];
    }
}

static int is_identity_alg(pqh_sig_alg a) {
    return (a >= PQH_SIG_MLDSA44 && a <= PQH_SIG_MLDSA87) ||
           (a >= PQH_SIG_MLDSA44_ED25519_SHA512 && a <= PQH_SIG_MLDSA87_ECDSA_P384_SHA512);
}

/* The documents of one device, for comparisons. */
typedef struct {
    uint8_t csr[PQH_IDENTITY_CSR_MAX_BYTES], cert[PQH_IDENTITY_CERT_MAX_BYTES],
        evidence[PQH_IDENTITY_CERT_MAX_BYTES];
    size_t csr_len, cert_len, evidence_len;
    uint8_t device_id[PQH_IDENTITY_ID_BYTES], alias_id[PQH_IDENTITY_ID_BYTES];
} id_docs;

/* init, CSR, measure, Alias certificate, evidence and both ids; every call must succeed. */
static void identity_docs(pqh_identity *st, pqh_sig_alg alg, const uint8_t *uds,
                          const pqh_fw_image_info *info, pqh_identity_mode mode,
                          const uint8_t *hidden, id_docs *d) {
    memset(d, 0, sizeof *d);
    CHECK_STATUS(pqh_identity_init(st, alg, uds), PQH_OK);
    CHECK_STATUS(pqh_identity_device_id_csr(st, d->csr, sizeof d->csr, &d->csr_len), PQH_OK);
    CHECK_STATUS(pqh_identity_measure(st, info, mode, hidden), PQH_OK);
    CHECK_STATUS(pqh_identity_alias_cert(st, "pqhybrid", "c-tests", d->cert, sizeof d->cert,
                                         &d->cert_len),
                 PQH_OK);
    CHECK_STATUS(pqh_identity_evidence(st, ID_NONCE, sizeof ID_NONCE, d->evidence,
                                       sizeof d->evidence, &d->evidence_len),
                 PQH_OK);
    CHECK_STATUS(pqh_identity_device_id(st, d->device_id), PQH_OK);
    CHECK_STATUS(pqh_identity_alias_id(st, d->alias_id), PQH_OK);
}

/* The chain of one device, checked with the signature functions: the CSR is signed by the
 * DeviceID key, the Alias certificate by the DeviceID key, the evidence by the Alias key; the
 * names and extensions carry the ids, the image id, the strings and the nonce. */
static void check_chain(const char *name, pqh_sig_alg alg, const id_docs *d,
                        const pqh_fw_image_info *info) {
    uint8_t dpk[PQH_SIG_PUBLICKEYBYTES_MAX], apk[PQH_SIG_PUBLICKEYBYTES_MAX],
        epk[PQH_SIG_PUBLICKEYBYTES_MAX];
    size_t dpk_len = 0, apk_len = 0, epk_len = 0;
    char dhex[2 * PQH_IDENTITY_ID_BYTES], ahex[2 * PQH_IDENTITY_ID_BYTES];
    int r;
    CHECK(d->csr_len > 0 && d->csr_len <= PQH_IDENTITY_CSR_MAX_BYTES, "%s: CSR length %zu",
          name, d->csr_len);
    CHECK(d->cert_len > 0 && d->cert_len <= PQH_IDENTITY_CERT_MAX_BYTES,
          "%s: certificate length %zu", name, d->cert_len);
    CHECK(d->evidence_len > 0 && d->evidence_len <= PQH_IDENTITY_CERT_MAX_BYTES,
          "%s: evidence length %zu", name, d->evidence_len);
    r = check_signed(d->csr, d->csr_len, 2, alg, NULL, 0, dpk, &dpk_len);
    CHECK(r == 0, "%s: CSR check %d failed", name, r);
    r = check_signed(d->cert, d->cert_len, 6, alg, dpk, dpk_len, apk, &apk_len);
    CHECK(r == 0, "%s: Alias certificate check %d failed", name, r);
    r = check_signed(d->evidence, d->evidence_len, 6, alg, apk, apk_len, epk, &epk_len);
    CHECK(r == 0, "%s: evidence check %d failed", name, r);
    CHECK(epk_len == apk_len && memcmp(epk, apk, apk_len) == 0, "%s: evidence key", name);
    /* Not self-signed: the Alias certificate does not verify under the Alias key. */
    r = check_signed(d->cert, d->cert_len, 6, alg, apk, apk_len, epk, &epk_len);
    CHECK(r == 6, "%s: Alias certificate verifies under the Alias key (%d)", name, r);
    CHECK(dpk_len != apk_len || memcmp(dpk, apk, dpk_len) != 0, "%s: DeviceID = Alias", name);
    CHECK((d->device_id[0] & 0x80) == 0 && (d->alias_id[0] & 0x80) == 0, "%s: id top bit",
          name);
    id_hex(d->device_id, dhex);
    id_hex(d->alias_id, ahex);
    CHECK(contains(d->csr, d->csr_len, dhex, sizeof dhex), "%s: CSR subject", name);
    CHECK(contains(d->cert, d->cert_len, dhex, sizeof dhex) &&
              contains(d->cert, d->cert_len, ahex, sizeof ahex),
          "%s: Alias certificate issuer and subject", name);
    CHECK(contains(d->cert, d->cert_len, info->image_id, PQH_FW_IMAGE_ID_BYTES) &&
              contains(d->cert, d->cert_len, "pqhybrid", 8) &&
              contains(d->cert, d->cert_len, "c-tests", 7),
          "%s: TcbInfo (image id, vendor, model)", name);
    CHECK(contains(d->evidence, d->evidence_len, ID_NONCE, sizeof ID_NONCE) &&
              contains(d->evidence, d->evidence_len, ahex, sizeof ahex),
          "%s: evidence nonce and name", name);
}

/* Every call on a state that is not usable (`st`: zeroed, wiped, moved, failed init) returns
 * `expect` and writes nothing. */
static void identity_all_fail(const char *what, pqh_identity *st, pqh_status expect,
                              const pqh_fw_image_info *info) {
    uint8_t out[64], id[PQH_IDENTITY_ID_BYTES];
    size_t n = 4321;
    memset(out, SENTINEL, sizeof out);
    memset(id, SENTINEL, sizeof id);
    CHECK_STATUS(pqh_identity_device_id_csr(st, out, sizeof out, &n), expect);
    CHECK_STATUS(pqh_identity_alias_cert(st, "v", "m", out, sizeof out, &n), expect);
    CHECK_STATUS(pqh_identity_evidence(st, ID_NONCE, 4, out, sizeof out, &n), expect);
    CHECK_STATUS(pqh_identity_device_id(st, id), expect);
    CHECK_STATUS(pqh_identity_alias_id(st, id), expect);
    CHECK_STATUS(pqh_identity_measure(st, info, PQH_IDENTITY_MODE_NORMAL, NULL), expect);
    CHECK(n == 4321 && all_bytes(out, sizeof out, SENTINEL) && all_bytes(id, sizeof id, SENTINEL),
          "%s: written on error", what);
}

static id_docs g_docs_a, g_docs_b;

static void test_identity(const uint8_t *image, size_t len) {
    const pqh_sig_alg alg = PQH_SIG_MLDSA65_ED25519_SHA512;
    pqh_fw_image_info info;
    memset(&info, 0, sizeof info);
    CHECK_STATUS(verify_image(&g_verifier, image, len, 4096, &info), PQH_OK);
    g_identity_images++;

    CHECK(sizeof(pqh_identity) == PQH_IDENTITY_SIZE &&
              _Alignof(pqh_identity) == PQH_IDENTITY_ALIGN,
          "pqh_identity size %zu", sizeof(pqh_identity));
    CHECK(PQH_IDENTITY_UDS_BYTES == 32 && PQH_IDENTITY_ID_BYTES == 20 &&
              PQH_IDENTITY_HIDDEN_BYTES == 64 && PQH_IDENTITY_NONCE_MAX_BYTES == 64 &&
              PQH_IDENTITY_TCB_STRING_MAX_BYTES == 64 && PQH_IDENTITY_CERT_MAX_BYTES == 8192 &&
              PQH_IDENTITY_CSR_MAX_BYTES == 8192,
          "identity size macros");
    CHECK(PQH_IDENTITY_MODE_NOT_CONFIGURED == 0 && PQH_IDENTITY_MODE_NORMAL == 1 &&
              PQH_IDENTITY_MODE_DEBUG == 2 && PQH_IDENTITY_MODE_RECOVERY == 3,
          "identity modes");

    uint8_t uds[PQH_IDENTITY_UDS_BYTES], uds2[PQH_IDENTITY_UDS_BYTES];
    for (size_t i = 0; i < sizeof uds; i++) uds[i] = (uint8_t)(0x30 + i);
    memcpy(uds2, uds, sizeof uds);
    uds2[31] ^= 1;
    uint8_t out[PQH_IDENTITY_CERT_MAX_BYTES], id[PQH_IDENTITY_ID_BYTES];
    size_t n = 0;

    /* Every signature algorithm: ML-DSA and the composites hold an identity whose chain
     * verifies; the others are PQH_ERR_ID_UNSUPPORTED_ALGORITHM and leave the state wiped. */
    size_t identity_algs = 0;
    for (size_t i = 0; i < COUNT(SIGS); i++) {
        const sig_row *r = &SIGS[i];
        if (!is_identity_alg(r->alg)) {
            CHECK_STATUS(pqh_identity_init(&g_id, PQH_SIG_MLDSA44, uds), PQH_OK);
            CHECK_STATUS(pqh_identity_init(&g_id, r->alg, uds), PQH_ERR_ID_UNSUPPORTED_ALGORITHM);
            CHECK(all_bytes((const uint8_t *)&g_id, sizeof g_id, 0), "%s: failed init left bytes",
                  r->name);
            continue;
        }
        identity_algs++;
        identity_docs(&g_id, r->alg, uds, &info, PQH_IDENTITY_MODE_NORMAL, NULL, &g_docs_a);
        check_chain(r->name, r->alg, &g_docs_a, &info);
    }
    CHECK(identity_algs == 9, "%zu identity algorithms", identity_algs);

    /* Not initialized, NULL, misaligned. */
    memset(&g_id, 0, sizeof g_id);
    identity_all_fail("zeroed", &g_id, PQH_ERR_INVALID_STATE, &info);
    identity_all_fail("NULL", NULL, PQH_ERR_NULL_POINTER, &info);
    CHECK_STATUS(pqh_identity_init(NULL, alg, uds), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_wipe(NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_wipe(&g_id), PQH_OK);
    {
        pqh_identity *mis = (pqh_identity *)(void *)((uint8_t *)&g_id2 + 8);
        memset(&g_id2, 0, sizeof g_id2);
        CHECK_STATUS(pqh_identity_init(mis, alg, uds), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_identity_wipe(mis), PQH_ERR_INVALID_STATE);
        identity_all_fail("misaligned", mis, PQH_ERR_INVALID_STATE, &info);
        CHECK(all_bytes((const uint8_t *)&g_id2, sizeof g_id2, 0), "misaligned state written");
    }

    /* init: bad arguments fail closed (the state they are given is wiped). */
    const pqh_sig_alg bad_algs[] = {(pqh_sig_alg)0, (pqh_sig_alg)25, (pqh_sig_alg)0x10002};
    for (size_t i = 0; i < COUNT(bad_algs); i++) {
        CHECK_STATUS(pqh_identity_init(&g_id, alg, uds), PQH_OK);
        CHECK_STATUS(pqh_identity_init(&g_id, bad_algs[i], uds), PQH_ERR_UNKNOWN_ALGORITHM);
        identity_all_fail("init with an unknown algorithm", &g_id, PQH_ERR_INVALID_STATE, &info);
    }
    CHECK_STATUS(pqh_identity_init(&g_id, alg, uds), PQH_OK);
    CHECK_STATUS(pqh_identity_init(&g_id, alg, NULL), PQH_ERR_NULL_POINTER);
    identity_all_fail("init with a NULL UDS", &g_id, PQH_ERR_INVALID_STATE, &info);
    CHECK_STATUS(pqh_identity_init(&g_id, PQH_SIG_ED25519, uds), PQH_ERR_ID_UNSUPPORTED_ALGORITHM);
    CHECK_STATUS(pqh_identity_init(&g_id, alg, (const uint8_t *)&g_id + 64),
                 PQH_ERR_INVALID_ARGUMENT);

    /* Before measure: the DeviceID works, the Alias calls are PQH_ERR_INVALID_STATE. */
    CHECK_STATUS(pqh_identity_init(&g_id, alg, uds), PQH_OK);
    memset(out, SENTINEL, sizeof out);
    memset(id, SENTINEL, sizeof id);
    n = 999;
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "v", "m", out, sizeof out, &n),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_identity_evidence(&g_id, ID_NONCE, 4, out, sizeof out, &n),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_identity_alias_id(&g_id, id), PQH_ERR_INVALID_STATE);
    CHECK(n == 999 && all_bytes(out, sizeof out, SENTINEL) && all_bytes(id, sizeof id, SENTINEL),
          "Alias call before measure wrote");
    CHECK_STATUS(pqh_identity_device_id(&g_id, id), PQH_OK);
    CHECK_STATUS(pqh_identity_device_id(&g_id, NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_device_id(&g_id, (uint8_t *)&g_id + 100), PQH_ERR_INVALID_ARGUMENT);

    /* CSR: NULL pointers, short buffers (nothing written), an exact buffer. */
    size_t csr_len = 0;
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, out, sizeof out, &csr_len), PQH_OK);
    CHECK(csr_len > 0 && csr_len <= PQH_IDENTITY_CSR_MAX_BYTES, "CSR length %zu", csr_len);
    n = 999;
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, NULL, 100, &n), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, out, sizeof out, NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, NULL, 0, &n), PQH_ERR_BUFFER_TOO_SMALL);
    memset(out, SENTINEL, sizeof out);
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, out, 100, &n), PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, out, csr_len - 1, &n),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK(n == 999 && all_bytes(out, sizeof out, SENTINEL), "CSR written on error");
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, (uint8_t *)&g_id + 16, 4096, &n),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_device_id_csr(&g_id, out, csr_len, &n), PQH_OK);
    CHECK(n == csr_len && all_bytes(out + n, sizeof out - n, SENTINEL), "exact CSR buffer");

    /* measure: bad arguments discard any measurement; the DeviceID stays. */
    pqh_fw_image_info zero_info;
    memset(&zero_info, 0, sizeof zero_info);
    CHECK_STATUS(pqh_identity_measure(&g_id, NULL, PQH_IDENTITY_MODE_NORMAL, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_measure(&g_id, &info, (pqh_identity_mode)4, NULL),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_measure(&g_id, &info, (pqh_identity_mode)0xFFFFFFFFu, NULL),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_measure(&g_id, &zero_info, PQH_IDENTITY_MODE_NORMAL, NULL),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_measure(&g_id, &info, PQH_IDENTITY_MODE_NORMAL,
                                      (const uint8_t *)&g_id + 32),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_measure(&g_id, &info, PQH_IDENTITY_MODE_NORMAL, NULL), PQH_OK);
    uint8_t alias_id[PQH_IDENTITY_ID_BYTES];
    CHECK_STATUS(pqh_identity_alias_id(&g_id, alias_id), PQH_OK);
    CHECK_STATUS(pqh_identity_alias_id(&g_id, NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_measure(&g_id, &info, (pqh_identity_mode)7, NULL),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_alias_id(&g_id, id), PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "v", "m", out, sizeof out, &n),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_identity_device_id(&g_id, id), PQH_OK);
    CHECK_STATUS(pqh_identity_measure(&g_id, &info, PQH_IDENTITY_MODE_NORMAL, NULL), PQH_OK);
    CHECK_STATUS(pqh_identity_alias_id(&g_id, id), PQH_OK);
    CHECK(memcmp(id, alias_id, sizeof id) == 0, "measuring again gives the same Alias key");

    /* Alias certificate: strings, NULL pointers, short buffers. */
    char long_str[PQH_IDENTITY_TCB_STRING_MAX_BYTES + 2];
    memset(long_str, 'x', sizeof long_str - 1);
    long_str[sizeof long_str - 1] = '\0';
    size_t cert_len = 0;
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "pqhybrid", "c-tests", out, sizeof out,
                                         &cert_len),
                 PQH_OK);
    CHECK(cert_len > 0 && cert_len <= PQH_IDENTITY_CERT_MAX_BYTES, "certificate length %zu",
          cert_len);
    n = 999;
    memset(out, SENTINEL, sizeof out);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, NULL, "m", out, sizeof out, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "v", NULL, out, sizeof out, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "v", "m", NULL, sizeof out, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "v", "m", out, sizeof out, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, long_str, "m", out, sizeof out, &n),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "v", long_str, out, sizeof out, &n),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "\xff\xfe", "m", out, sizeof out, &n),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "pqhybrid", "c-tests", out, cert_len - 1, &n),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "pqhybrid", "c-tests", out, 10, &n),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK(n == 999 && all_bytes(out, sizeof out, SENTINEL), "certificate written on error");
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, "pqhybrid", "c-tests", out, cert_len, &n),
                 PQH_OK);
    CHECK(n == cert_len, "exact certificate buffer");
    CHECK_STATUS(pqh_identity_alias_cert(&g_id, long_str + 1, "", out, sizeof out, &n), PQH_OK);
    CHECK(contains(out, n, long_str + 1, PQH_IDENTITY_TCB_STRING_MAX_BYTES),
          "64-byte vendor string");

    /* Evidence: nonces of 1 to PQH_IDENTITY_NONCE_MAX_BYTES bytes. */
    uint8_t nonce[PQH_IDENTITY_NONCE_MAX_BYTES + 1];
    memset(nonce, 0x6e, sizeof nonce);
    size_t ev_len = 0;
    n = 999;
    memset(out, SENTINEL, sizeof out);
    CHECK_STATUS(pqh_identity_evidence(&g_id, NULL, 0, out, sizeof out, &n),
                 PQH_ERR_ID_BAD_NONCE);
    CHECK_STATUS(pqh_identity_evidence(&g_id, nonce, 0, out, sizeof out, &n),
                 PQH_ERR_ID_BAD_NONCE);
    CHECK_STATUS(pqh_identity_evidence(&g_id, nonce, sizeof nonce, out, sizeof out, &n),
                 PQH_ERR_ID_BAD_NONCE);
    CHECK_STATUS(pqh_identity_evidence(&g_id, NULL, 8, out, sizeof out, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_evidence(&g_id, nonce, 8, NULL, sizeof out, &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_evidence(&g_id, nonce, 8, out, sizeof out, NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_evidence(&g_id, nonce, 8, out, 100, &n), PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_identity_evidence(&g_id, out + 10, 8, out, sizeof out, &n),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK(n == 999 && all_bytes(out, sizeof out, SENTINEL), "evidence written on error");
    CHECK_STATUS(pqh_identity_evidence(&g_id, nonce, 1, out, sizeof out, &ev_len), PQH_OK);
    CHECK_STATUS(pqh_identity_evidence(&g_id, nonce, PQH_IDENTITY_NONCE_MAX_BYTES, out,
                                       sizeof out, &ev_len),
                 PQH_OK);
    CHECK(ev_len > 0 && ev_len <= PQH_IDENTITY_CERT_MAX_BYTES &&
              contains(out, ev_len, nonce, PQH_IDENTITY_NONCE_MAX_BYTES),
          "evidence with a 64-byte nonce");

    /* Deterministic: the same UDS and image give the same bytes, in another state too. */
    identity_docs(&g_id, alg, uds, &info, PQH_IDENTITY_MODE_NORMAL, NULL, &g_docs_a);
    identity_docs(&g_id2, alg, uds, &info, PQH_IDENTITY_MODE_NORMAL, NULL, &g_docs_b);
    check_chain("default algorithm", alg, &g_docs_a, &info);
    CHECK(g_docs_a.csr_len == g_docs_b.csr_len &&
              memcmp(g_docs_a.csr, g_docs_b.csr, g_docs_a.csr_len) == 0,
          "CSR not deterministic");
    CHECK(g_docs_a.cert_len == g_docs_b.cert_len &&
              memcmp(g_docs_a.cert, g_docs_b.cert, g_docs_a.cert_len) == 0,
          "Alias certificate not deterministic");
    CHECK(g_docs_a.evidence_len == g_docs_b.evidence_len &&
              memcmp(g_docs_a.evidence, g_docs_b.evidence, g_docs_a.evidence_len) == 0,
          "evidence not deterministic");
    CHECK(memcmp(g_docs_a.device_id, g_docs_b.device_id, PQH_IDENTITY_ID_BYTES) == 0 &&
              memcmp(g_docs_a.alias_id, g_docs_b.alias_id, PQH_IDENTITY_ID_BYTES) == 0,
          "ids not deterministic");
    CHECK(memcmp(g_docs_a.alias_id, alias_id, PQH_IDENTITY_ID_BYTES) == 0, "Alias id");
    CHECK(csr_len == g_docs_a.csr_len && cert_len == g_docs_a.cert_len, "document lengths");

    /* Explicit zero hidden input = NULL. */
    static const uint8_t zero_hidden[PQH_IDENTITY_HIDDEN_BYTES];
    CHECK_STATUS(pqh_identity_measure(&g_id2, &info, PQH_IDENTITY_MODE_NORMAL, zero_hidden),
                 PQH_OK);
    CHECK_STATUS(pqh_identity_alias_id(&g_id2, id), PQH_OK);
    CHECK(memcmp(id, alias_id, sizeof id) == 0, "zero hidden input differs from NULL");

    /* Another UDS: another device (both ids differ). */
    identity_docs(&g_id2, alg, uds2, &info, PQH_IDENTITY_MODE_NORMAL, NULL, &g_docs_b);
    check_chain("other UDS", alg, &g_docs_b, &info);
    CHECK(memcmp(g_docs_a.device_id, g_docs_b.device_id, PQH_IDENTITY_ID_BYTES) != 0 &&
              memcmp(g_docs_a.alias_id, g_docs_b.alias_id, PQH_IDENTITY_ID_BYTES) != 0,
          "another UDS gives the same ids");
    /* Another image, mode or hidden input: same DeviceID, another Alias key. */
    pqh_fw_image_info other = info;
    other.image_id[0] ^= 1;
    identity_docs(&g_id2, alg, uds, &other, PQH_IDENTITY_MODE_NORMAL, NULL, &g_docs_b);
    check_chain("other image", alg, &g_docs_b, &other);
    CHECK(memcmp(g_docs_a.device_id, g_docs_b.device_id, PQH_IDENTITY_ID_BYTES) == 0 &&
              memcmp(g_docs_a.alias_id, g_docs_b.alias_id, PQH_IDENTITY_ID_BYTES) != 0,
          "another image: DeviceID must stay, Alias must change");
    other = info;
    other.security_version += 1;
    identity_docs(&g_id2, alg, uds, &other, PQH_IDENTITY_MODE_NORMAL, NULL, &g_docs_b);
    CHECK(memcmp(g_docs_a.alias_id, g_docs_b.alias_id, PQH_IDENTITY_ID_BYTES) != 0,
          "another security version keeps the Alias key");
    identity_docs(&g_id2, alg, uds, &info, PQH_IDENTITY_MODE_DEBUG, NULL, &g_docs_b);
    check_chain("debug mode", alg, &g_docs_b, &info);
    CHECK(memcmp(g_docs_a.alias_id, g_docs_b.alias_id, PQH_IDENTITY_ID_BYTES) != 0 &&
              (g_docs_a.cert_len != g_docs_b.cert_len ||
               memcmp(g_docs_a.cert, g_docs_b.cert, g_docs_a.cert_len) != 0),
          "debug mode keeps the Alias key");
    uint8_t hidden[PQH_IDENTITY_HIDDEN_BYTES];
    memset(hidden, 0x68, sizeof hidden);
    identity_docs(&g_id2, alg, uds, &info, PQH_IDENTITY_MODE_NORMAL, hidden, &g_docs_b);
    CHECK(memcmp(g_docs_a.alias_id, g_docs_b.alias_id, PQH_IDENTITY_ID_BYTES) != 0 &&
              !contains(g_docs_b.cert, g_docs_b.cert_len, hidden, 16),
          "hidden input");

    /* A byte copy is not a live state (and wiping it leaves the original alone). */
    memcpy(&g_id2, &g_id, sizeof g_id2);
    identity_all_fail("moved", &g_id2, PQH_ERR_INVALID_STATE, &info);
    CHECK_STATUS(pqh_identity_wipe(&g_id2), PQH_OK);
    CHECK(all_bytes((const uint8_t *)&g_id2, sizeof g_id2, 0), "wiped copy not zero");
    CHECK_STATUS(pqh_identity_alias_id(&g_id, id), PQH_OK);

    /* Wipe: every byte zero, every call PQH_ERR_INVALID_STATE; wiping again is fine. */
    CHECK_STATUS(pqh_identity_wipe(&g_id), PQH_OK);
    CHECK(all_bytes((const uint8_t *)&g_id, sizeof g_id, 0), "wiped state not zero");
    identity_all_fail("wiped", &g_id, PQH_ERR_INVALID_STATE, &info);
    CHECK_STATUS(pqh_identity_wipe(&g_id), PQH_OK);
    /* A state that dies in init after a good one: wiped too. */
    CHECK_STATUS(pqh_identity_init(&g_id, alg, uds), PQH_OK);
    CHECK_STATUS(pqh_identity_measure(&g_id, &info, PQH_IDENTITY_MODE_NORMAL, NULL), PQH_OK);
    CHECK_STATUS(pqh_identity_init(&g_id, PQH_SIG_SLHDSA_SHA2_128S, uds),
                 PQH_ERR_ID_UNSUPPORTED_ALGORITHM);
    CHECK(all_bytes((const uint8_t *)&g_id, sizeof g_id, 0), "failed init left bytes");
    identity_all_fail("failed init", &g_id, PQH_ERR_INVALID_STATE, &info);

    /* On the stack too. */
    {
        pqh_identity local;
        CHECK_STATUS(pqh_identity_init(&local, alg, uds), PQH_OK);
        CHECK_STATUS(pqh_identity_device_id(&local, id), PQH_OK);
        CHECK(memcmp(id, g_docs_a.device_id, sizeof id) == 0, "DeviceID on the stack");
        CHECK_STATUS(pqh_identity_wipe(&local), PQH_OK);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Data sealed under the device identity (pqh_identity_seal / _open / _sealed_len).          */

static pqh_identity g_seal_st;
static pqh_identity g_seal_other;
static unsigned long g_identity_seal_images;

/* Seals `pt` under `st` with a test generator seeded with `seed`; returns the status. */
static pqh_status seal_with(const pqh_identity *st, const char *label, const char *aad,
                            const uint8_t *pt, size_t pt_len, uint8_t *out, size_t out_len,
                            size_t *n, uint64_t seed) {
    test_rng r = {seed, 0};
    return pqh_identity_seal(st, (const uint8_t *)label, strlen(label), (const uint8_t *)aad,
                             strlen(aad), pt, pt_len, out, out_len, n, test_rng_fill, &r);
}

/* Opens `blob` under `st` into a sentinel-filled buffer; on error checks that nothing of the
 * plaintext was released (zeroed after a failed tag, untouched otherwise) and that `*n` was
 * not written. */
static pqh_status open_checked(const pqh_identity *st, const char *label, const char *aad,
                               const uint8_t *blob, size_t blob_len, uint8_t *out,
                               size_t out_len, size_t *n) {
    size_t got = 999;
    memset(out, SENTINEL, out_len);
    pqh_status s = pqh_identity_open(st, (const uint8_t *)label, strlen(label),
                                     (const uint8_t *)aad, strlen(aad), blob, blob_len, out,
                                     out_len, &got);
    if (s == PQH_OK) {
        *n = got;
        CHECK(all_bytes(out + got, out_len - got, SENTINEL), "open wrote past the plaintext");
        return s;
    }
    size_t zeroed = s == PQH_ERR_AUTHENTICATION_FAILED ? blob_len - PQH_IDENTITY_SEAL_OVERHEAD_BYTES
                                                       : 0;
    CHECK(got == 999, "open %d wrote its length", (int)s);
    CHECK(all_bytes(out, zeroed, 0) && all_bytes(out + zeroed, out_len - zeroed, SENTINEL),
          "open %d released bytes", (int)s);
    return s;
}

static void test_identity_seal(const uint8_t *image, size_t len) {
    const pqh_sig_alg alg = PQH_SIG_MLDSA44;
    pqh_fw_image_info info;
    memset(&info, 0, sizeof info);
    CHECK_STATUS(verify_image(&g_verifier, image, len, 4096, &info), PQH_OK);
    g_identity_seal_images++;

    CHECK(PQH_IDENTITY_SEAL_OVERHEAD_BYTES == 33 && PQH_IDENTITY_SEAL_LABEL_MAX_BYTES == 64 &&
              PQH_IDENTITY_SEAL_AAD_MAX_BYTES == 256,
          "sealing size macros");
    CHECK(pqh_identity_sealed_len(0) == 33 && pqh_identity_sealed_len(100) == 133 &&
              pqh_identity_sealed_len(SIZE_MAX) == SIZE_MAX &&
              pqh_identity_sealed_len(SIZE_MAX - 33) == SIZE_MAX,
          "pqh_identity_sealed_len");

    static const uint8_t pt[] = "the device's wifi password";
    const size_t pt_len = sizeof pt;
    const size_t blob_len = pt_len + PQH_IDENTITY_SEAL_OVERHEAD_BYTES;
    uint8_t uds[PQH_IDENTITY_UDS_BYTES];
    for (size_t i = 0; i < sizeof uds; i++) uds[i] = (uint8_t)(0x70 + i);
    uint8_t blob[sizeof pt + PQH_IDENTITY_SEAL_OVERHEAD_BYTES];
    uint8_t out[sizeof pt + 64], big[PQH_IDENTITY_SEAL_AAD_MAX_BYTES + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    size_t n = 0;

    /* No sealing key without a measured image. */
    memset(&g_seal_st, 0, sizeof g_seal_st);
    CHECK_STATUS(seal_with(&g_seal_st, "l", "", pt, pt_len, blob, sizeof blob, &n, 1),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(seal_with(NULL, "l", "", pt, pt_len, blob, sizeof blob, &n, 1),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_init(&g_seal_st, alg, uds), PQH_OK);
    CHECK_STATUS(seal_with(&g_seal_st, "l", "", pt, pt_len, blob, sizeof blob, &n, 1),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(open_checked(&g_seal_st, "l", "", blob, sizeof blob, out, sizeof out, &n),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_identity_measure(&g_seal_st, &info, PQH_IDENTITY_MODE_NORMAL, NULL), PQH_OK);

    /* Success: exactly the blob at the start of the buffer; it opens. */
    uint8_t wide[sizeof blob + 16];
    memset(wide, SENTINEL, sizeof wide);
    n = 0;
    CHECK_STATUS(seal_with(&g_seal_st, "wifi", "record 7", pt, pt_len, wide, sizeof wide, &n, 7),
                 PQH_OK);
    CHECK(n == blob_len && memcmp(wide, "PQSL\x01", 5) == 0 &&
              all_bytes(wide + n, sizeof wide - n, SENTINEL),
          "sealed blob: %zu bytes", n);
    memcpy(blob, wide, sizeof blob);
    uint8_t saved[sizeof blob];
    memcpy(saved, blob, sizeof saved);
    CHECK(!contains(blob, sizeof blob, pt, 8), "the plaintext shows in the blob");
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "record 7", blob, sizeof blob, out, sizeof out,
                              &n),
                 PQH_OK);
    CHECK(n == pt_len && memcmp(out, pt, pt_len) == 0, "opened plaintext");
    /* Exactly sized output; the same seed gives the same blob, another seed another nonce. */
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "record 7", blob, sizeof blob, out, pt_len, &n),
                 PQH_OK);
    CHECK_STATUS(seal_with(&g_seal_st, "wifi", "record 7", pt, pt_len, wide, sizeof blob, &n, 7),
                 PQH_OK);
    CHECK(memcmp(wide, blob, sizeof blob) == 0, "sealing is not a function of the generator");
    CHECK_STATUS(seal_with(&g_seal_st, "wifi", "record 7", pt, pt_len, wide, sizeof blob, &n, 8),
                 PQH_OK);
    CHECK(memcmp(wide + 5, blob + 5, 12) != 0, "another generator output, the same nonce");
    /* Empty plaintext, NULL label and associated data, maximal label and associated data. */
    {
        uint8_t empty[PQH_IDENTITY_SEAL_OVERHEAD_BYTES];
        test_rng r = {3, 0};
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, NULL, 0, empty, sizeof empty,
                                       &n, test_rng_fill, &r),
                     PQH_OK);
        CHECK(n == sizeof empty && r.calls == 1, "empty blob");
        CHECK_STATUS(pqh_identity_open(&g_seal_st, NULL, 0, NULL, 0, empty, sizeof empty, NULL, 0,
                                       &n),
                     PQH_OK);
        CHECK(n == 0, "empty plaintext");
        CHECK_STATUS(open_checked(&g_seal_st, "", "", empty, sizeof empty, out, sizeof out, &n),
                     PQH_OK);
        char label64[PQH_IDENTITY_SEAL_LABEL_MAX_BYTES + 1];
        memset(label64, 'L', sizeof label64 - 1);
        label64[sizeof label64 - 1] = '\0';
        const char *aad256 = (const char *)big + 1;
        CHECK_STATUS(seal_with(&g_seal_st, label64, aad256, pt, pt_len, wide, sizeof wide, &n, 9),
                     PQH_OK);
        CHECK_STATUS(open_checked(&g_seal_st, label64, aad256, wide, n, out, sizeof out, &n),
                     PQH_OK);
        CHECK(n == pt_len && memcmp(out, pt, pt_len) == 0, "64-byte label, 256-byte aad");
    }

    /* Seal errors: nothing written, the generator not called for a short buffer. */
    {
        test_rng r = {5, 0};
        unsigned long fails = 0;
        char label65[PQH_IDENTITY_SEAL_LABEL_MAX_BYTES + 2];
        memset(label65, 'L', sizeof label65 - 1);
        label65[sizeof label65 - 1] = '\0';
        memset(wide, SENTINEL, sizeof wide);
        n = 999;
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, pt, pt_len, wide,
                                       blob_len - 1, &n, test_rng_fill, &r),
                     PQH_ERR_BUFFER_TOO_SMALL);
        CHECK(r.calls == 0, "the generator ran for a short buffer");
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, pt, pt_len, wide, sizeof wide,
                                       &n, failing_rng, &fails),
                     PQH_ERR_RNG);
        CHECK(fails == 1, "failing generator called %lu times", fails);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, pt, pt_len, wide, sizeof wide,
                                       &n, NULL, NULL),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, pt, pt_len, wide, sizeof wide,
                                       NULL, test_rng_fill, &r),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, NULL, pt_len, wide,
                                       sizeof wide, &n, test_rng_fill, &r),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, pt, pt_len, NULL, sizeof wide,
                                       &n, test_rng_fill, &r),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 4, NULL, 0, pt, pt_len, wide, sizeof wide,
                                       &n, test_rng_fill, &r),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(seal_with(&g_seal_st, label65, "", pt, pt_len, wide, sizeof wide, &n, 5),
                     PQH_ERR_CONTEXT_TOO_LONG);
        CHECK_STATUS(seal_with(&g_seal_st, "", (const char *)big, pt, pt_len, wide, sizeof wide,
                               &n, 5),
                     PQH_ERR_CONTEXT_TOO_LONG);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, pt, pt_len,
                                       (uint8_t *)&g_seal_st + 128, blob_len, &n, test_rng_fill,
                                       &r),
                     PQH_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, NULL, 0, pt, pt_len, wide, sizeof wide,
                                       (size_t *)(void *)((uint8_t *)&g_seal_st + 128),
                                       test_rng_fill, &r),
                     PQH_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(pqh_identity_seal(&g_seal_st, NULL, 0, wide + 4, 8, wide, 8, wide, sizeof wide,
                                       &n, test_rng_fill, &r),
                     PQH_ERR_INVALID_ARGUMENT);
        CHECK(n == 999 && all_bytes(wide, sizeof wide, SENTINEL) && r.calls == 0,
              "seal wrote on error");
    }

    /* Open errors. */
    const pqh_status auth = PQH_ERR_AUTHENTICATION_FAILED;
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "record 8", blob, sizeof blob, out, sizeof out,
                              &n),
                 auth);
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "", blob, sizeof blob, out, sizeof out, &n), auth);
    CHECK_STATUS(open_checked(&g_seal_st, "wif", "record 7", blob, sizeof blob, out, sizeof out,
                              &n),
                 auth);
    CHECK_STATUS(open_checked(&g_seal_st, "", "record 7", blob, sizeof blob, out, sizeof out, &n),
                 auth);
    size_t tamper_ok = 0;
    for (size_t i = 0; i < sizeof blob; i++) {
        uint8_t t[sizeof blob];
        memcpy(t, blob, sizeof t);
        t[i] ^= 0x01;
        pqh_status want = i < 5 ? PQH_ERR_MALFORMED_ENCODING : auth;
        tamper_ok += open_checked(&g_seal_st, "wifi", "record 7", t, sizeof t, out, sizeof out,
                                  &n) == want;
    }
    CHECK(tamper_ok == sizeof blob, "tampered blobs: %zu of %zu rejected as expected", tamper_ok,
          sizeof blob);
    size_t trunc_ok = 0;
    for (size_t l = 0; l < sizeof blob; l++) {
        pqh_status want = l < PQH_IDENTITY_SEAL_OVERHEAD_BYTES ? PQH_ERR_INVALID_LENGTH : auth;
        trunc_ok += open_checked(&g_seal_st, "wifi", "record 7", blob, l, out, sizeof out, &n) ==
                    want;
    }
    CHECK(trunc_ok == sizeof blob, "truncated blobs: %zu of %zu rejected as expected", trunc_ok,
          sizeof blob);
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "record 7", blob, sizeof blob, out, pt_len - 1,
                              &n),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", (const char *)big, blob, sizeof blob, out,
                              sizeof out, &n),
                 PQH_ERR_CONTEXT_TOO_LONG);
    CHECK_STATUS(pqh_identity_open(&g_seal_st, NULL, 0, NULL, 0, NULL, blob_len, out, sizeof out,
                                   &n),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_open(&g_seal_st, NULL, 0, NULL, 0, blob, blob_len, out, sizeof out,
                                   NULL),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_identity_open(&g_seal_st, (const uint8_t *)"wifi", 4,
                                   (const uint8_t *)"record 7", 8, blob, blob_len,
                                   (uint8_t *)&g_seal_st + 256, sizeof out, &n),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(pqh_identity_open(&g_seal_st, (const uint8_t *)"wifi", 4,
                                   (const uint8_t *)"record 7", 8, blob, blob_len, blob + 8,
                                   pt_len, &n),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK(memcmp(blob, saved, sizeof blob) == 0, "a refused open changed the blob");

    /* The key follows CDI_Seal: another image of the same signer opens the blob; another
     * signer, mode, hidden input or device does not. */
    pqh_fw_image_info other = info;
    other.image_id[0] ^= 1;
    other.security_version += 1;
    other.version_build += 1;
    CHECK_STATUS(pqh_identity_init(&g_seal_other, alg, uds), PQH_OK);
    CHECK_STATUS(pqh_identity_measure(&g_seal_other, &other, PQH_IDENTITY_MODE_NORMAL, NULL),
                 PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_other, "wifi", "record 7", blob, sizeof blob, out,
                              sizeof out, &n),
                 PQH_OK);
    CHECK(n == pt_len && memcmp(out, pt, pt_len) == 0, "a signed update opens the blob");
    /* Another identity algorithm does not change CDI_Seal either. */
    CHECK_STATUS(pqh_identity_init(&g_seal_other, PQH_SIG_MLDSA65_ED25519_SHA512, uds), PQH_OK);
    CHECK_STATUS(pqh_identity_measure(&g_seal_other, &info, PQH_IDENTITY_MODE_NORMAL, NULL),
                 PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_other, "wifi", "record 7", blob, sizeof blob, out,
                              sizeof out, &n),
                 PQH_OK);
    other = info;
    other.signer_key_id[31] ^= 1;
    CHECK_STATUS(pqh_identity_measure(&g_seal_other, &other, PQH_IDENTITY_MODE_NORMAL, NULL),
                 PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_other, "wifi", "record 7", blob, sizeof blob, out,
                              sizeof out, &n),
                 auth);
    CHECK_STATUS(pqh_identity_measure(&g_seal_other, &info, PQH_IDENTITY_MODE_DEBUG, NULL), PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_other, "wifi", "record 7", blob, sizeof blob, out,
                              sizeof out, &n),
                 auth);
    uint8_t hidden[PQH_IDENTITY_HIDDEN_BYTES];
    memset(hidden, 0x68, sizeof hidden);
    CHECK_STATUS(pqh_identity_measure(&g_seal_other, &info, PQH_IDENTITY_MODE_NORMAL, hidden),
                 PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_other, "wifi", "record 7", blob, sizeof blob, out,
                              sizeof out, &n),
                 auth);
    uds[0] ^= 1;
    CHECK_STATUS(pqh_identity_init(&g_seal_other, alg, uds), PQH_OK);
    CHECK_STATUS(pqh_identity_measure(&g_seal_other, &info, PQH_IDENTITY_MODE_NORMAL, NULL),
                 PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_other, "wifi", "record 7", blob, sizeof blob, out,
                              sizeof out, &n),
                 auth);
    CHECK_STATUS(pqh_identity_wipe(&g_seal_other), PQH_OK);

    /* A failed measure leaves no sealing key; a wiped state none either. */
    CHECK_STATUS(pqh_identity_measure(&g_seal_st, &info, (pqh_identity_mode)9, NULL),
                 PQH_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "record 7", blob, sizeof blob, out, sizeof out,
                              &n),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(pqh_identity_measure(&g_seal_st, &info, PQH_IDENTITY_MODE_NORMAL, NULL), PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "record 7", blob, sizeof blob, out, sizeof out,
                              &n),
                 PQH_OK);
    CHECK_STATUS(pqh_identity_wipe(&g_seal_st), PQH_OK);
    CHECK_STATUS(open_checked(&g_seal_st, "wifi", "record 7", blob, sizeof blob, out, sizeof out,
                              &n),
                 PQH_ERR_INVALID_STATE);
    CHECK_STATUS(seal_with(&g_seal_st, "wifi", "", pt, pt_len, wide, sizeof wide, &n, 1),
                 PQH_ERR_INVALID_STATE);
}

/* ---------------------------------------------------------------------------------------- */
/* Encrypted firmware payloads: pqh_fw_verifier_encryption_record_digest, pqh_fw_decryptor_*, */
/* pqh_fw_encrypt_payload, on kat-vectors/pqhybrid/firmware-encrypted/ (tests/               */
/* kat_firmware_encrypted.rs made them from fixed seeds; manifest.json describes them).      */

static pqh_fw_decryptor g_decryptor;
static pqh_fw_verifier g_enc_verifier;
static uint8_t g_chunk_buf[PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES];
static unsigned long g_fw_decrypt_runs;

/* The KAT images' test generator (pqhybrid_kat::rng::TestRng): xorshift64, one step per byte,
 * the low byte of the state. NOT for real use. */
static int kat_rng_fill(void *ctx, uint8_t *out, size_t len) {
    uint64_t *s = (uint64_t *)ctx;
    for (size_t i = 0; i < len; i++) {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        out[i] = (uint8_t)*s;
    }
    return 0;
}

/* The device KEM key of a KAT image: keypair_from_seed with the seed byte 0x40 + the KEM's
 * position (its C value - 1) repeated. */
static void enc_device_key(pqh_kem_alg kem, uint8_t seed_byte, uint8_t *pk, uint8_t *sk) {
    uint8_t seed[PQH_KEM_SEEDBYTES_MAX];
    memset(seed, seed_byte, sizeof seed);
    CHECK_STATUS(pqh_kem_keypair_from_seed(kem, seed, pqh_kem_seed_len(kem), pk,
                                           pqh_kem_public_key_len(kem), sk,
                                           pqh_kem_secret_key_len(kem)),
                 PQH_OK);
}

/* The directory of the encrypted KAT images next to .../firmware/valid.pqfw, or NULL. */
static char *enc_path(const char *valid_path, const char *file) {
    static const char suffix[] = "/firmware/valid.pqfw";
    static const char dir[] = "/firmware-encrypted/";
    size_t n = strlen(valid_path), sn = strlen(suffix);
    if (n < sn || strcmp(valid_path + n - sn, suffix) != 0) return NULL;
    char *path = xmalloc(n - sn + strlen(dir) + strlen(file) + 1);
    memcpy(path, valid_path, n - sn);
    strcpy(path + n - sn, dir);
    strcat(path, file);
    return path;
}

static uint8_t *read_enc(const char *valid_path, const char *file, size_t *len) {
    char *path = enc_path(valid_path, file);
    uint8_t *image = path ? read_file(path, len) : NULL;
    CHECK(image != NULL, "cannot read the encrypted KAT image %s (next to %s)", file, valid_path);
    free(path);
    return image;
}

/* Whether enc_decrypt turns on the plaintext-digest check (pqh_fw_decryptor_check_plaintext_digest
 * right after init). */
static int g_enc_check_digest;

/* Pass 1 over `image` with the verifier of the encrypted KAT policy (signer seed 0x11, class
 * "pqhybrid-kat-enc", minimum security version 0) and policy flags `flags`. */
static pqh_status enc_verify_flags(pqh_fw_verifier *v, const uint8_t *image, size_t len,
                                   uint32_t flags) {
    static pqh_fw_trust_anchor anchor;
    static int have_anchor;
    if (!have_anchor) {
        uint8_t seed[PQH_SIG_SEEDBYTES_MAX], pk[PQH_SIG_PUBLICKEYBYTES_MAX];
        uint8_t sk[PQH_SIG_SECRETKEYBYTES_MAX];
        const pqh_sig_alg alg = PQH_SIG_MLDSA65_ED25519_SHA512;
        memset(seed, 0x11, sizeof seed);
        CHECK_STATUS(pqh_sig_keypair_from_seed(alg, seed, pqh_sig_seed_len(alg), pk,
                                               pqh_sig_public_key_len(alg), sk,
                                               pqh_sig_secret_key_len(alg)),
                     PQH_OK);
        CHECK_STATUS(pqh_fw_key_id(alg, pk, pqh_sig_public_key_len(alg), anchor.key_id,
                                   sizeof anchor.key_id),
                     PQH_OK);
        anchor.state = PQH_FW_KEY_ACTIVE;
        have_anchor = 1;
    }
    pqh_fw_policy p;
    memset(&p, 0, sizeof p);
    p.trust_anchors = &anchor;
    p.trust_anchors_len = 1;
    p.min_security_version = 0;
    p.max_security_version = UINT64_MAX;
    memcpy(p.device_class, "pqhybrid-kat-enc", PQH_FW_DEVICE_CLASS_BYTES);
    p.allowed_algorithms = PQH_FW_ALGS_HYBRID_ONLY;
    p.flags = flags;
    pqh_fw_image_info info;
    memset(&info, SENTINEL, sizeof info);
    pqh_status st = verify_with(v, &p, image, len, 4096, &info);
    if (st == PQH_OK) {
        CHECK(info.encrypted == ((image[FW_OFF_FLAGS] & 4) ? 1 : 0), "enc info.encrypted %u",
              (unsigned)info.encrypted);
    }
    return st;
}

/* enc_verify_flags under the policy of a decrypting device (PQH_FW_POLICY_ACCEPT_ENCRYPTED). */
static pqh_status enc_verify(pqh_fw_verifier *v, const uint8_t *image, size_t len) {
    return enc_verify_flags(v, image, len, PQH_FW_POLICY_ACCEPT_ENCRYPTED);
}

/* Pass 2 over `image` in pieces of `sizes[i % nsizes]` bytes with a decryptor initialized
 * from `v`; the plaintext goes to `pt` (capacity `pt_cap`, length `*pt_len`). Returns the first
 * error (after checking that the failing call released nothing and left `*out_len` alone, and
 * that finish repeats it), else finish's status; `*info` is filled on success. */
static pqh_status enc_decrypt(const pqh_fw_verifier *v, pqh_kem_alg kem, const uint8_t *sk,
                              uint8_t *buf, size_t buf_len, const uint8_t *image, size_t len,
                              const size_t *sizes, size_t nsizes, uint8_t *pt, size_t pt_cap,
                              size_t *pt_len, pqh_fw_decrypted_info *info) {
    *pt_len = 0;
    pqh_status st = pqh_fw_decryptor_init(&g_decryptor, v, kem, sk, pqh_kem_secret_key_len(kem),
                                          buf, buf_len);
    if (st != PQH_OK) return st;
    if (g_enc_check_digest) CHECK_STATUS(pqh_fw_decryptor_check_plaintext_digest(&g_decryptor), PQH_OK);
    size_t max_in = 0;
    for (size_t i = 0; i < nsizes; i++) max_in = sizes[i] > max_in ? sizes[i] : max_in;
    if (max_in > len) max_in = len;
    const size_t cap = pqh_fw_decryptor_max_output(&g_decryptor, max_in);
    CHECK(cap == max_in + buf_len, "max_output(%zu) = %zu", max_in, cap);
    uint8_t *out = xmalloc(cap);
    for (size_t off = 0, i = 0; off < len; i++) {
        size_t n = sizes[i % nsizes] < len - off ? sizes[i % nsizes] : len - off;
        size_t written = 12345;
        memset(out, SENTINEL, cap);
        st = pqh_fw_decryptor_update(&g_decryptor, image + off, n, out, cap, &written);
        if (st != PQH_OK) {
            CHECK(written == 12345, "update %d wrote its length", (int)st);
            int clean = 1;
            for (size_t k = 0; k < cap; k++) clean &= out[k] == 0 || out[k] == SENTINEL;
            CHECK(clean, "update %d released bytes", (int)st);
            pqh_fw_decrypted_info unused;
            CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), st);
            CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), PQH_ERR_INVALID_STATE);
            free(out);
            return st;
        }
        CHECK(written <= cap && all_bytes(out + written, cap - written, SENTINEL),
              "update wrote %zu bytes and more", written);
        CHECK(*pt_len + written <= pt_cap, "more plaintext than expected");
        if (*pt_len + written <= pt_cap) memcpy(pt + *pt_len, out, written);
        *pt_len += written;
        off += n;
    }
    free(out);
    st = pqh_fw_decryptor_finish(&g_decryptor, info);
    /* Finished either way: every call is INVALID_STATE, max_output 0. */
    CHECK(pqh_fw_decryptor_max_output(&g_decryptor, 1) == 0, "max_output after finish");
    CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, info), PQH_ERR_INVALID_STATE);
    return st;
}

/* The KAT plaintext: byte i = (13 i + 5) mod 256, 1000 bytes. */
#define ENC_PT_LEN 1000
static void enc_plaintext(uint8_t *pt) {
    for (size_t i = 0; i < ENC_PT_LEN; i++) pt[i] = (uint8_t)(13 * i + 5);
}

static void test_fw_decrypt(const char *valid_path) {
    g_fw_decrypt_runs++;
    CHECK(sizeof(pqh_fw_decryptor) == PQH_FW_DECRYPTOR_SIZE &&
              _Alignof(pqh_fw_decryptor) == PQH_FW_DECRYPTOR_ALIGN,
          "pqh_fw_decryptor: size %zu, align %zu", sizeof(pqh_fw_decryptor),
          (size_t)_Alignof(pqh_fw_decryptor));
    CHECK(PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES == PQH_FW_CHUNK_SIZE_DEFAULT + PQH_FW_CHUNK_TAG_BYTES &&
              PQH_FW_DECRYPT_CHUNK_BUFFER_MAX_BYTES ==
                  PQH_FW_CHUNK_SIZE_MAX + PQH_FW_CHUNK_TAG_BYTES &&
              PQH_FW_RECORD_DIGEST_BYTES == 32 && PQH_FW_CHUNK_SIZE_MIN == 64,
          "encryption size macros");
    uint8_t expect_pt[ENC_PT_LEN], pt[ENC_PT_LEN + 64];
    enc_plaintext(expect_pt);
    uint8_t pk[PQH_KEM_PUBLICKEYBYTES_MAX], sk[PQH_KEM_SECRETKEYBYTES_MAX];
    uint8_t other_pk[PQH_KEM_PUBLICKEYBYTES_MAX], other_sk[PQH_KEM_SECRETKEYBYTES_MAX];
    size_t len = 0, pt_len = 0;
    pqh_fw_decrypted_info info;

    /* 1. One valid image per HPKE KEM: verify, then decrypt with the device's key. */
    static const struct {
        pqh_kem_alg kem;
        const char *file;
    } VALID[] = {
        {PQH_KEM_MLKEM512, "valid-ML-KEM-512.pqfw"},
        {PQH_KEM_MLKEM768, "valid-ML-KEM-768.pqfw"},
        {PQH_KEM_MLKEM1024, "valid-ML-KEM-1024.pqfw"},
        {PQH_KEM_XWING, "valid-X-Wing.pqfw"},
        {PQH_KEM_MLKEM768_ECDH_P256_SHA3_256, "valid-MLKEM768-ECDH-P256-SHA3-256.pqfw"},
        {PQH_KEM_MLKEM1024_ECDH_P384_SHA3_256, "valid-MLKEM1024-ECDH-P384-SHA3-256.pqfw"},
    };
    const size_t whole[] = {SIZE_MAX};
    for (size_t i = 0; i < COUNT(VALID); i++) {
        uint8_t *image = read_enc(valid_path, VALID[i].file, &len);
        if (!image) return;
        enc_device_key(VALID[i].kem, (uint8_t)(0x40 + (unsigned)VALID[i].kem - 1), pk, sk);
        /* A verifier whose policy does not accept encrypted images refuses it at its header. */
        CHECK_STATUS(enc_verify_flags(&g_enc_verifier, image, len, 0),
                     PQH_ERR_FW_ENCRYPTED_NOT_ACCEPTED);
        CHECK_STATUS(pqh_fw_verifier_init(&g_enc_verifier, NULL), PQH_ERR_NULL_POINTER);
        /* By default the chunk tags only (no plaintext digest), then with the digest check. */
        for (int check = 0; check < 2; check++) {
            CHECK_STATUS(enc_verify(&g_enc_verifier, image, len), PQH_OK);
            memset(&info, SENTINEL, sizeof info);
            g_enc_check_digest = check;
            CHECK_STATUS(enc_decrypt(&g_enc_verifier, VALID[i].kem, sk, g_chunk_buf,
                                     sizeof g_chunk_buf, image, len, whole, 1, pt, sizeof pt,
                                     &pt_len, &info),
                         PQH_OK);
            g_enc_check_digest = 0;
            CHECK(pt_len == ENC_PT_LEN && memcmp(pt, expect_pt, ENC_PT_LEN) == 0,
                  "%s: plaintext (%zu bytes)", VALID[i].file, pt_len);
            uint8_t d[32];
            sha256(expect_pt, ENC_PT_LEN, d);
            CHECK(info.plaintext_len == ENC_PT_LEN && info.plaintext_digest_len == 32 &&
                      info.plaintext_digest_checked == check &&
                      (check ? memcmp(info.plaintext_digest, d, 32) == 0
                             : all_bytes(info.plaintext_digest, 32, 0)) &&
                      all_bytes(info.plaintext_digest + 32, 32, 0),
                  "%s: decrypted info (digest check %d)", VALID[i].file, check);
        }
        free(image);
    }

    /* 2. The X-Wing image in detail. */
    uint8_t *image = read_enc(valid_path, "valid-X-Wing.pqfw", &len);
    if (!image) return;
    enc_device_key(PQH_KEM_XWING, 0x43, pk, sk);
    enc_device_key(PQH_KEM_XWING, 0x99, other_pk, other_sk);
    const size_t header_len = le16(image + 6), payload_len = le32(image + 8);
    const uint8_t *payload = image + header_len;
    CHECK(header_len == 256 && len > header_len + payload_len, "header length %zu", header_len);
    /* The record digest the verifier reports is SHA-256 of the record it read. */
    uint8_t rd[PQH_FW_RECORD_DIGEST_BYTES + 1], d[32];
    memset(rd, SENTINEL, sizeof rd);
    CHECK_STATUS(enc_verify(&g_enc_verifier, image, len), PQH_OK);
    CHECK_STATUS(pqh_fw_verifier_encryption_record_digest(&g_enc_verifier, rd, sizeof rd),
                 PQH_OK);
    const size_t record_len = le16(payload + 6);
    CHECK(memcmp(payload, "PQEN", 4) == 0 && record_len == 128 + 1120 + 48, "record length %zu",
          record_len);
    sha256(payload, record_len, d);
    CHECK(memcmp(rd, d, 32) == 0 && rd[32] == SENTINEL, "record digest");
    CHECK_STATUS(pqh_fw_verifier_encryption_record_digest(&g_enc_verifier, rd, 31),
                 PQH_ERR_BUFFER_TOO_SMALL);
    CHECK_STATUS(pqh_fw_verifier_encryption_record_digest(&g_enc_verifier, NULL, 32),
                 PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_verifier_encryption_record_digest(NULL, rd, 32), PQH_ERR_NULL_POINTER);
    /* pqh_fw_decryptor_check_plaintext_digest: NULL, not initialized, and too late (the
     * record was fed: the decryption is ended, fail closed). */
    CHECK_STATUS(pqh_fw_decryptor_check_plaintext_digest(NULL), PQH_ERR_NULL_POINTER);
    CHECK_STATUS(pqh_fw_decryptor_wipe(&g_decryptor), PQH_OK);
    CHECK_STATUS(pqh_fw_decryptor_check_plaintext_digest(&g_decryptor), PQH_ERR_INVALID_STATE);
    {
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk,
                                           pqh_kem_secret_key_len(PQH_KEM_XWING), g_chunk_buf,
                                           sizeof g_chunk_buf),
                     PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_check_plaintext_digest(&g_decryptor), PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_check_plaintext_digest(&g_decryptor), PQH_OK);
        size_t w = 0;
        uint8_t *o = xmalloc(pqh_fw_decryptor_max_output(&g_decryptor, header_len + record_len));
        CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, header_len + record_len, o,
                                             pqh_fw_decryptor_max_output(&g_decryptor,
                                                                         header_len + record_len),
                                             &w),
                     PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_check_plaintext_digest(&g_decryptor), PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_wipe(&g_decryptor), PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk,
                                           pqh_kem_secret_key_len(PQH_KEM_XWING), g_chunk_buf,
                                           sizeof g_chunk_buf),
                     PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, header_len + record_len, o,
                                             pqh_fw_decryptor_max_output(&g_decryptor,
                                                                         header_len + record_len),
                                             &w),
                     PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_check_plaintext_digest(&g_decryptor), PQH_ERR_INVALID_STATE);
        pqh_fw_decrypted_info unused;
        CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), PQH_ERR_INVALID_STATE);
        free(o);
    }
    CHECK(pqh_fw_encrypted_payload_len(PQH_KEM_XWING, ENC_PT_LEN, 256) == payload_len &&
              payload_len == record_len + ENC_PT_LEN + 4 * PQH_FW_CHUNK_TAG_BYTES,
          "pqh_fw_encrypted_payload_len: %zu", payload_len);
    CHECK(pqh_fw_encrypted_payload_len(PQH_KEM_XWING, ENC_PT_LEN, 63) == 0 &&
              pqh_fw_encrypted_payload_len(PQH_KEM_MLKEM768_X25519_SHA3_256, 1, 64) == 0 &&
              pqh_fw_encrypted_payload_len((pqh_kem_alg)99, 1, 64) == 0,
          "pqh_fw_encrypted_payload_len of what cannot be encrypted");

    /* Any chunking gives the plaintext, released chunk by chunk. */
    const size_t chunkings[][3] = {{1, 1, 1}, {7, 300, 1}, {272, 272, 272}, {4096, 3, 4096},
                                   {1000, 1000, 1000}};
    for (size_t c = 0; c < COUNT(chunkings); c++) {
        CHECK_STATUS(enc_decrypt(&g_enc_verifier, PQH_KEM_XWING, sk, g_chunk_buf,
                                 sizeof g_chunk_buf, image, len, chunkings[c], 3, pt, sizeof pt,
                                 &pt_len, &info),
                     PQH_OK);
        CHECK(pt_len == ENC_PT_LEN && memcmp(pt, expect_pt, ENC_PT_LEN) == 0,
              "plaintext in %zu-byte pieces", chunkings[c][0]);
    }
    /* A chunk buffer of exactly one 256-byte chunk and its tag, on the stack, is enough. */
    {
        uint8_t exact[256 + PQH_FW_CHUNK_TAG_BYTES];
        CHECK_STATUS(enc_decrypt(&g_enc_verifier, PQH_KEM_XWING, sk, exact, sizeof exact, image,
                                 len, whole, 1, pt, sizeof pt, &pt_len, &info),
                     PQH_OK);
        CHECK(pt_len == ENC_PT_LEN, "exact chunk buffer");
        /* One byte less: the chunk does not fit. */
        CHECK_STATUS(enc_decrypt(&g_enc_verifier, PQH_KEM_XWING, sk, exact, sizeof exact - 1,
                                 image, len, whole, 1, pt, sizeof pt, &pt_len, &info),
                     PQH_ERR_FW_CHUNK_TOO_LARGE);
    }
    /* The same payload from pqh_fw_encrypt_payload with the same generator and suite: the
     * image's suite for X-Wing is SHAKE128 / ChaCha20-Poly1305, its generator seed 103. */
    {
        pqh_fw_encryption_params ep;
        memset(&ep, 0, sizeof ep);
        ep.kem = PQH_KEM_XWING;
        ep.kdf = PQH_HPKE_KDF_SHAKE128;
        ep.aead = PQH_HPKE_AEAD_CHACHA20_POLY1305;
        ep.recipient_pk = pk;
        ep.recipient_pk_len = pqh_kem_public_key_len(PQH_KEM_XWING);
        memcpy(ep.device_class, "pqhybrid-kat-enc", PQH_FW_DEVICE_CLASS_BYTES);
        ep.chunk_size = 256;
        ep.digest = PQH_FW_DIGEST_SHA256;
        uint8_t *out = xmalloc(payload_len + 16);
        memset(out, SENTINEL, payload_len + 16);
        uint64_t seed = 103;
        size_t n = 0;
        CHECK_STATUS(pqh_fw_encrypt_payload(&ep, expect_pt, ENC_PT_LEN, kat_rng_fill, &seed, out,
                                            payload_len + 16, &n),
                     PQH_OK);
        CHECK(n == payload_len && memcmp(out, payload, payload_len) == 0 &&
                  all_bytes(out + n, 16, SENTINEL),
              "pqh_fw_encrypt_payload differs from the known-answer payload");
        /* Errors write nothing. */
        memset(out, SENTINEL, payload_len + 16);
        n = 777;
        seed = 103;
        CHECK_STATUS(pqh_fw_encrypt_payload(&ep, expect_pt, ENC_PT_LEN, kat_rng_fill, &seed, out,
                                            payload_len - 1, &n),
                     PQH_ERR_BUFFER_TOO_SMALL);
        ep.chunk_size = 32;
        CHECK_STATUS(pqh_fw_encrypt_payload(&ep, expect_pt, ENC_PT_LEN, kat_rng_fill, &seed, out,
                                            payload_len, &n),
                     PQH_ERR_INVALID_ARGUMENT);
        ep.chunk_size = 256;
        ep.kdf = (pqh_hpke_kdf)2;
        CHECK_STATUS(pqh_fw_encrypt_payload(&ep, expect_pt, ENC_PT_LEN, kat_rng_fill, &seed, out,
                                            payload_len, &n),
                     PQH_ERR_UNSUPPORTED_SUITE);
        ep.kdf = PQH_HPKE_KDF_SHAKE128;
        ep.recipient_pk_len--;
        CHECK_STATUS(pqh_fw_encrypt_payload(&ep, expect_pt, ENC_PT_LEN, kat_rng_fill, &seed, out,
                                            payload_len, &n),
                     PQH_ERR_INVALID_LENGTH);
        ep.recipient_pk_len++;
        CHECK_STATUS(pqh_fw_encrypt_payload(&ep, expect_pt, ENC_PT_LEN, NULL, NULL, out,
                                            payload_len, &n),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_fw_encrypt_payload(NULL, expect_pt, ENC_PT_LEN, kat_rng_fill, &seed, out,
                                            payload_len, &n),
                     PQH_ERR_NULL_POINTER);
        unsigned long calls = 0;
        CHECK_STATUS(pqh_fw_encrypt_payload(&ep, expect_pt, ENC_PT_LEN, failing_rng, &calls, out,
                                            payload_len, &n),
                     PQH_ERR_RNG);
        CHECK(calls > 0 && n == 777 && !contains(out, payload_len + 16, expect_pt, 16),
              "a failed encryption left its length or the plaintext");
        free(out);
    }

    /* 3. Every rejection. The wrong key: found when the record is in (its key id). */
    CHECK_STATUS(enc_decrypt(&g_enc_verifier, PQH_KEM_XWING, other_sk, g_chunk_buf,
                             sizeof g_chunk_buf, image, len, whole, 1, pt, sizeof pt, &pt_len,
                             &info),
                 PQH_ERR_FW_WRONG_RECIPIENT);
    CHECK(pt_len == 0, "plaintext released to the wrong key");
    /* The decryptor's key and the image's record belong to different KEMs. */
    enc_device_key(PQH_KEM_MLKEM768, 0x41, other_pk, other_sk);
    CHECK_STATUS(enc_decrypt(&g_enc_verifier, PQH_KEM_MLKEM768, other_sk, g_chunk_buf,
                             sizeof g_chunk_buf, image, len, whole, 1, pt, sizeof pt, &pt_len,
                             &info),
                 PQH_ERR_FW_WRONG_RECIPIENT);
    /* Truncated: the payload stops 10 bytes before its end. */
    {
        const size_t cut = header_len + payload_len - 10;
        CHECK_STATUS(enc_decrypt(&g_enc_verifier, PQH_KEM_XWING, sk, g_chunk_buf,
                                 sizeof g_chunk_buf, image, cut, whole, 1, pt, sizeof pt, &pt_len,
                                 &info),
                     PQH_ERR_FW_TRUNCATED);
        CHECK(pt_len == 3 * 256 && memcmp(pt, expect_pt, pt_len) == 0,
              "a truncated payload released %zu bytes", pt_len);
    }
    /* The output buffer one byte short of max_output: fails closed, nothing written. */
    {
        uint8_t out[100 + PQH_FW_DECRYPT_CHUNK_BUFFER_BYTES];
        size_t n = 4242;
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk,
                                           pqh_kem_secret_key_len(PQH_KEM_XWING), g_chunk_buf,
                                           sizeof g_chunk_buf),
                     PQH_OK);
        CHECK(pqh_fw_decryptor_max_output(&g_decryptor, 100) == sizeof out, "max_output(100)");
        memset(out, SENTINEL, sizeof out);
        CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, 100, out, sizeof out - 1, &n),
                     PQH_ERR_BUFFER_TOO_SMALL);
        CHECK(n == 4242 && all_bytes(out, sizeof out, SENTINEL), "short output written");
        CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, 100, out, sizeof out, &n),
                     PQH_ERR_BUFFER_TOO_SMALL);
        pqh_fw_decrypted_info unused;
        CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), PQH_ERR_BUFFER_TOO_SMALL);
        CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), PQH_ERR_INVALID_STATE);
        /* NULL pointers: state, image bytes, output, output length, info. */
        CHECK_STATUS(pqh_fw_decryptor_update(NULL, image, 1, out, sizeof out, &n),
                     PQH_ERR_NULL_POINTER);
        const struct {
            const uint8_t *in;
            uint8_t *out;
            size_t *out_len;
            pqh_status want;
        } bad[] = {
            {NULL, out, &n, PQH_ERR_NULL_POINTER},
            {image, NULL, &n, PQH_ERR_NULL_POINTER},
            {image, out, NULL, PQH_ERR_NULL_POINTER},
            {out, out, &n, PQH_ERR_INVALID_ARGUMENT},
            {g_chunk_buf, out, &n, PQH_ERR_INVALID_ARGUMENT},
            {image, g_chunk_buf, &n, PQH_ERR_INVALID_ARGUMENT},
        };
        for (size_t i = 0; i < COUNT(bad); i++) {
            CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk,
                                               pqh_kem_secret_key_len(PQH_KEM_XWING), g_chunk_buf,
                                               sizeof g_chunk_buf),
                         PQH_OK);
            CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, bad[i].in, 100, bad[i].out,
                                                 sizeof out, bad[i].out_len),
                         bad[i].want);
            /* Sticky: the next update and finish return it, then the state is finished. */
            CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, 100, out, sizeof out, &n),
                         bad[i].want);
            CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), bad[i].want);
            CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, 100, out, sizeof out, &n),
                         PQH_ERR_INVALID_STATE);
        }
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk,
                                           pqh_kem_secret_key_len(PQH_KEM_XWING), g_chunk_buf,
                                           sizeof g_chunk_buf),
                     PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, NULL), PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_fw_decryptor_finish(&g_decryptor, &unused), PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_decryptor_finish(NULL, &unused), PQH_ERR_NULL_POINTER);
        CHECK(pqh_fw_decryptor_max_output(NULL, 1) == 0, "max_output(NULL)");
    }
    /* init: NULL and invalid arguments leave a dead state. */
    {
        const size_t skl = pqh_kem_secret_key_len(PQH_KEM_XWING);
        CHECK_STATUS(pqh_fw_decryptor_init(NULL, &g_enc_verifier, PQH_KEM_XWING, sk, skl,
                                           g_chunk_buf, sizeof g_chunk_buf),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, NULL, PQH_KEM_XWING, sk, skl,
                                           g_chunk_buf, sizeof g_chunk_buf),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, NULL,
                                           skl, g_chunk_buf, sizeof g_chunk_buf),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk, skl,
                                           NULL, sizeof g_chunk_buf),
                     PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, (pqh_kem_alg)99, sk,
                                           skl, g_chunk_buf, sizeof g_chunk_buf),
                     PQH_ERR_UNKNOWN_ALGORITHM);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk,
                                           skl - 1, g_chunk_buf, sizeof g_chunk_buf),
                     PQH_ERR_INVALID_LENGTH);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk, skl,
                                           (uint8_t *)&g_decryptor + 64, 100),
                     PQH_ERR_INVALID_ARGUMENT);
        size_t n = 0;
        CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, 1, pt, sizeof pt, &n),
                     PQH_ERR_INVALID_STATE);
        /* A verifier that has not finished with PQH_OK gives nothing to decrypt. */
        pqh_fw_verifier *fresh = xmalloc(sizeof *fresh);
        memset(fresh, 0, sizeof *fresh);
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, fresh, PQH_KEM_XWING, sk, skl,
                                           g_chunk_buf, sizeof g_chunk_buf),
                     PQH_ERR_INVALID_STATE);
        CHECK_STATUS(pqh_fw_verifier_encryption_record_digest(fresh, rd, 32),
                     PQH_ERR_INVALID_STATE);
        free(fresh);
        /* Wipe: the whole state is zero afterwards, whatever it held. */
        CHECK_STATUS(pqh_fw_decryptor_init(&g_decryptor, &g_enc_verifier, PQH_KEM_XWING, sk, skl,
                                           g_chunk_buf, sizeof g_chunk_buf),
                     PQH_OK);
        CHECK(!all_bytes((const uint8_t *)&g_decryptor, sizeof g_decryptor, 0), "live state");
        CHECK_STATUS(pqh_fw_decryptor_wipe(&g_decryptor), PQH_OK);
        CHECK(all_bytes((const uint8_t *)&g_decryptor, sizeof g_decryptor, 0),
              "wipe left bytes in the state");
        CHECK(!contains((const uint8_t *)&g_decryptor, sizeof g_decryptor, sk, 16),
              "the key survived wipe");
        CHECK_STATUS(pqh_fw_decryptor_wipe(&g_decryptor), PQH_OK);
        CHECK_STATUS(pqh_fw_decryptor_wipe(NULL), PQH_ERR_NULL_POINTER);
        CHECK_STATUS(pqh_fw_decryptor_update(&g_decryptor, image, 1, pt, sizeof pt, &n),
                     PQH_ERR_INVALID_STATE);
    }
    free(image);

    /* The rejection files: (file, verifier's verdict, decryptor's verdict, chunk buffer). */
    static const struct {
        const char *file;
        pqh_status pass1, pass2;
        size_t chunk_buf;
    } REJECT[] = {
        {"WrongRecipient.pqfw", PQH_OK, PQH_ERR_FW_WRONG_RECIPIENT, 0},
        {"KeyUnwrapFailed.pqfw", PQH_OK, PQH_ERR_FW_KEY_UNWRAP_FAILED, 0},
        {"ChunkAuthentication-tampered.pqfw", PQH_OK, PQH_ERR_FW_CHUNK_AUTHENTICATION, 0},
        {"ChunkAuthentication-reordered.pqfw", PQH_OK, PQH_ERR_FW_CHUNK_AUTHENTICATION, 0},
        {"ChunkAuthentication-duplicated.pqfw", PQH_OK, PQH_ERR_FW_CHUNK_AUTHENTICATION, 0},
        {"BadEncryptionRecord.pqfw", PQH_OK, PQH_ERR_FW_BAD_ENCRYPTION_RECORD, 0},
        {"BadEncryptionRecord-reserved.pqfw", PQH_OK, PQH_ERR_FW_BAD_ENCRYPTION_RECORD, 0},
        {"ChunkTooLarge.pqfw", PQH_OK, PQH_ERR_FW_CHUNK_TOO_LARGE, 0},
        {"ChunkTooLarge.pqfw", PQH_OK, PQH_OK, PQH_FW_DECRYPT_CHUNK_BUFFER_MAX_BYTES},
        {"NotEncrypted.pqfw", PQH_OK, PQH_ERR_FW_NOT_ENCRYPTED, 0},
        {"Truncated.pqfw", PQH_ERR_FW_TRUNCATED, PQH_ERR_INVALID_STATE, 0},
        {"DigestMismatch-forged.pqfw", PQH_ERR_FW_DIGEST_MISMATCH, PQH_ERR_INVALID_STATE, 0},
    };
    uint8_t *big_buf = xmalloc(PQH_FW_DECRYPT_CHUNK_BUFFER_MAX_BYTES);
    const size_t pieces[] = {100};
    for (size_t i = 0; i < COUNT(REJECT); i++) {
        image = read_enc(valid_path, REJECT[i].file, &len);
        if (!image) break;
        CHECK_STATUS(enc_verify(&g_enc_verifier, image, len), REJECT[i].pass1);
        uint8_t *buf = REJECT[i].chunk_buf ? big_buf : g_chunk_buf;
        size_t buf_len = REJECT[i].chunk_buf ? REJECT[i].chunk_buf : sizeof g_chunk_buf;
        pqh_status st = enc_decrypt(&g_enc_verifier, PQH_KEM_XWING, sk, buf, buf_len, image, len,
                                    pieces, 1, pt, sizeof pt, &pt_len, &info);
        CHECK(st == REJECT[i].pass2, "%s: decryptor %d (%s), expected %d", REJECT[i].file,
              (int)st, pqh_status_string(st), (int)REJECT[i].pass2);
        if (st == PQH_OK) {
            CHECK(pt_len == ENC_PT_LEN && memcmp(pt, expect_pt, pt_len) == 0,
                  "%s: plaintext", REJECT[i].file);
        } else {
            /* What was released before the failure is a prefix of the plaintext, whole
             * chunks only (the tampered chunk 1 releases chunk 0). */
            CHECK(pt_len % 256 == 0 && memcmp(pt, expect_pt, pt_len) == 0,
                  "%s: released %zu bytes", REJECT[i].file, pt_len);
        }
        if (REJECT[i].pass2 == PQH_ERR_FW_NOT_ENCRYPTED) {
            CHECK_STATUS(pqh_fw_verifier_encryption_record_digest(&g_enc_verifier, rd, 32),
                         PQH_ERR_FW_NOT_ENCRYPTED);
        }
        free(image);
    }
    free(big_buf);
}

static void run_fw_record(char **f, int nf, vector_counts *vc) {
    if (strcmp(f[0], "fw-policy") == 0) {
        /* fw-policy <min> <class> <allowed> <trailer capacity> [<max> <endorse allowed>
         * <accept v1>]; without the last three (an older vector file): the Rust defaults. */
        CHECK(nf == 5 || nf == 8, "fw-policy record has %d fields", nf);
        if (nf != 5 && nf != 8) return;
        size_t n = 0;
        memset(&g_kat_policy, 0, sizeof g_kat_policy);
        g_kat_policy.min_security_version = strtoull(f[1], NULL, 10);
        g_kat_policy.max_security_version = nf == 8 ? strtoull(f[5], NULL, 10) : UINT32_MAX;
        g_kat_policy.endorse_allowed_algorithms =
            nf == 8 ? (uint32_t)strtoul(f[6], NULL, 10) : PQH_FW_ALGS_ALL;
        g_kat_policy.flags = nf == 8 && strcmp(f[7], "1") == 0 ? PQH_FW_POLICY_ACCEPT_V1 : 0;
        CHECK(nf != 8 || strcmp(f[7], "0") == 0 || strcmp(f[7], "1") == 0, "accept v1 %s",
              f[7]);
        CHECK(unhex(f[2], g_kat_policy.device_class, PQH_FW_DEVICE_CLASS_BYTES, &n) == 0 &&
                  n == PQH_FW_DEVICE_CLASS_BYTES,
              "fw-policy device class");
        g_kat_policy.allowed_algorithms = (uint32_t)strtoul(f[3], NULL, 10);
        CHECK(strtoul(f[4], NULL, 10) == PQH_FW_TRAILER_CAPACITY, "trailer capacity %s", f[4]);
        g_kat_policy.trust_anchors = g_kat_anchors;
        g_have_kat_policy = 1;
    } else if (strcmp(f[0], "fw-anchor") == 0) {
        CHECK(nf == 3 && g_have_kat_policy &&
                  g_kat_policy.trust_anchors_len < PQH_FW_MAX_TRUST_ANCHORS,
              "fw-anchor record");
        if (nf != 3 || g_kat_policy.trust_anchors_len >= PQH_FW_MAX_TRUST_ANCHORS) return;
        pqh_fw_trust_anchor *a = &g_kat_anchors[g_kat_policy.trust_anchors_len++];
        size_t n = 0;
        CHECK(unhex(f[1], a->key_id, PQH_FW_KEY_ID_BYTES, &n) == 0 && n == PQH_FW_KEY_ID_BYTES,
              "fw-anchor key id");
        a->state = strcmp(f[2], "revoked") == 0 ? PQH_FW_KEY_REVOKED : PQH_FW_KEY_ACTIVE;
    } else if (strcmp(f[0], "fw-image") == 0) {
        CHECK(nf == 3 && g_have_kat_policy, "fw-image record");
        if (nf != 3) return;
        vc->fw_images++;
        int found = 0;
        pqh_status expect = PQH_ERR_INTERNAL;
        for (size_t i = 0; i < COUNT(FW_EXPECT); i++) {
            if (strcmp(FW_EXPECT[i].name, f[1]) == 0) {
                expect = FW_EXPECT[i].status;
                found = 1;
            }
        }
        CHECK(found, "unknown firmware expectation %s", f[1]);
        size_t len = 0;
        uint8_t *image = read_file(f[2], &len);
        CHECK(image != NULL, "cannot read %s", f[2]);
        if (!image) return;
        /* Any chunking gives the same result; the verifier lives in static memory or on the
         * stack. */
        const size_t chunks[] = {len ? len : 1, 1, 7, 192, 1000, 4096};
        pqh_fw_verifier on_stack;
        for (size_t c = 0; c < COUNT(chunks); c++) {
            pqh_fw_image_info info;
            memset(&info, 0, sizeof info);
            pqh_fw_verifier *v = c % 2 ? &on_stack : &g_verifier;
            pqh_status st = verify_image(v, image, len, chunks[c], &info);
            CHECK(st == expect, "%s in %zu-byte chunks: %d (%s), expected %s", f[2], chunks[c],
                  (int)st, pqh_status_string(st), f[1]);
            if (st == PQH_OK && expect == PQH_OK) {
                CHECK(info.security_version >= g_kat_policy.min_security_version,
                      "security version %llu", (unsigned long long)info.security_version);
                CHECK(memcmp(info.device_class, g_kat_policy.device_class,
                             PQH_FW_DEVICE_CLASS_BYTES) == 0,
                      "device class");
                CHECK(pqh_fw_algorithm_bit(info.algorithm) & g_kat_policy.allowed_algorithms,
                      "algorithm %u not allowed", (unsigned)info.algorithm);
                CHECK(info.header_len >= 192 && info.payload_len > 0 &&
                          (size_t)info.header_len + info.payload_len < len,
                      "header %u + payload %u vs %zu", info.header_len, info.payload_len, len);
                CHECK(info.delegated == 1 && info.delegation_min_security_version <=
                                                 info.security_version &&
                          info.security_version <= info.delegation_max_security_version,
                      "delegation");
                int root_trusted = 0;
                for (size_t k = 0; k < g_kat_policy.trust_anchors_len; k++) {
                    if (memcmp(g_kat_anchors[k].key_id, info.delegation_root_key_id, 32) == 0 &&
                        g_kat_anchors[k].state == PQH_FW_KEY_ACTIVE) {
                        root_trusted = 1;
                    }
                }
                CHECK(root_trusted, "endorsing root is not an active anchor");
                CHECK(info.has_sbom_digest == 1 && !all_bytes(info.sbom_digest, 32, 0),
                      "SBOM digest");
                CHECK(pqh_sig_alg_name(info.algorithm) != NULL, "algorithm name");
            }
        }
        if (expect == PQH_OK) {
            test_fw_valid_image(image, len);
            if (strstr(f[2], "/firmware/valid.pqfw")) test_fw_v1_image(f[2]);
            if (strstr(f[2], "/firmware/valid.pqfw")) test_fw_decrypt(f[2]);
        }
        if (expect == PQH_ERR_FW_ROLLBACK) test_fw_reinit_repro(image, len);
        /* The device identity measures the first valid image. */
        if (expect == PQH_OK && g_identity_images == 0) test_identity(image, len);
        if (expect == PQH_OK && g_identity_seal_images == 0) test_identity_seal(image, len);
        /* Feeding past the end of a valid image is a length mismatch. */
        if (expect == PQH_OK) {
            pqh_fw_image_info info;
            CHECK_STATUS(pqh_fw_verifier_init(&g_verifier, &g_kat_policy), PQH_OK);
            CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, len), PQH_OK);
            CHECK_STATUS(pqh_fw_verifier_update(&g_verifier, image, 1),
                         PQH_ERR_FW_LENGTH_MISMATCH);
            CHECK_STATUS(pqh_fw_verifier_finish(&g_verifier, &info), PQH_ERR_FW_LENGTH_MISMATCH);
        }
        free(image);
    } else {
        CHECK(0, "unknown firmware record %s", f[0]);
    }
}


static int run_vectors(const char *path, vector_counts *vc) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr,
                "cannot open the vector file %s: run the C tests through `cargo xtask c-tests`, "
                "which converts the known-answer vectors (kat-vectors/README.md) into it\n",
                path);
        return -1;
    }
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *text = xmalloc((size_t)size + 1);
    size_t got = fread(text, 1, (size_t)size, fp);
    fclose(fp);
    text[got] = '\0';
    unsigned long expected_records = 0;
    int saw_end = 0;
    char *save = text;
    while (save && *save) {
        char *line = save;
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
            save = nl + 1;
        } else {
            save = NULL;
        }
        if (line[0] == '\0' || line[0] == '#') continue;
        char *f[MAX_FIELDS];
        int nf = 0;
        char *p = line;
        while (*p && nf < MAX_FIELDS) {
            f[nf++] = p;
            char *sp = strchr(p, ' ');
            if (!sp) break;
            *sp = '\0';
            p = sp + 1;
        }
        if (strcmp(f[0], "end") == 0) {
            expected_records = strtoul(f[1], NULL, 10);
            saw_end = 1;
            continue;
        }
        vc->records++;
        if (strcmp(f[0], "xwing") == 0) {
            vc->xwing++;
            run_xwing(f, nf);
        } else if (strcmp(f[0], "sig-keygen") == 0) {
            vc->sig_keygen++;
            run_sig_keygen(f, nf);
        } else if (strcmp(f[0], "sig-verify") == 0) {
            vc->sig_verify++;
            run_sig_verify(f, nf);
        } else if (strncmp(f[0], "fw-", 3) == 0) {
            run_fw_record(f, nf, vc);
        } else {
            CHECK(0, "unknown vector record %s", f[0]);
        }
    }
    free(text);
    CHECK(saw_end && expected_records == vc->records, "vector file: %lu records, end says %lu",
          vc->records, expected_records);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <vectors.txt>  (run through `cargo xtask c-tests`)\n", argv[0]);
        return 2;
    }
    test_version_and_status();
    test_tables();
    test_sig_roundtrips();
    test_sig_errors();
    test_kem();
    test_aead();
    test_rng_os();
    test_spki();
    test_sha256();
    test_hpke();
    test_fw();
    vector_counts vc = {0, 0, 0, 0, 0};
    if (run_vectors(argv[1], &vc) != 0) {
        g_failed++;
    } else {
        printf("vectors: %lu xwing, %lu sig-keygen, %lu sig-verify, %lu firmware images\n",
               vc.xwing, vc.sig_keygen, vc.sig_verify, vc.fw_images);
        CHECK(g_identity_images == 1, "the identity tests did not run (no valid image)");
        CHECK(g_identity_seal_images == 1, "the sealing tests did not run (no valid image)");
        CHECK(g_fw_decrypt_runs == 1, "the decryption tests did not run (no firmware/valid.pqfw)");
        CHECK(vc.xwing > 0 && vc.sig_keygen > 0 && vc.sig_verify > 0 && vc.fw_images > 0,
              "a vector set is empty");
    }
    printf("%lu passed, %lu failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
