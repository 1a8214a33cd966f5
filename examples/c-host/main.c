/*
 * pqhybrid from C on a host: sign and verify with ML-DSA-65 and with the hybrid
 * MLDSA65-Ed25519-SHA512, then an X-Wing key exchange. Build: see CMakeLists.txt.
 */
#include <stdio.h>
#include <string.h>

#include <pqhybrid.h>

static int fail(const char *what, pqh_status st) {
    fprintf(stderr, "%s: %s (%d)\n", what, pqh_status_string(st), (int)st);
    return 1;
}

/* Generates a key pair, signs `msg`, verifies it, and checks a tampered message fails. */
static int sign_and_verify(pqh_sig_alg alg) {
    static const uint8_t msg[] = "firmware release 1.4.2";
    static const uint8_t ctx[] = "example.com/firmware";
    uint8_t pk[PQH_SIG_PUBLICKEYBYTES_MAX], sk[PQH_SIG_SECRETKEYBYTES_MAX];
    uint8_t sig[PQH_SIG_SIGNATUREBYTES_MAX];
    size_t sig_len = 0;
    size_t pk_len = pqh_sig_public_key_len(alg), sk_len = pqh_sig_secret_key_len(alg);

    pqh_status st = pqh_sig_keypair(alg, pqh_rng_os, NULL, pk, sizeof pk, sk, sizeof sk);
    if (st != PQH_OK) return fail("keypair", st);
    st = pqh_sig_sign(alg, sk, sk_len, msg, sizeof msg - 1, ctx, sizeof ctx - 1, pqh_rng_os, NULL,
                      sig, sizeof sig, &sig_len);
    if (st != PQH_OK) return fail("sign", st);
    st = pqh_sig_verify(alg, pk, pk_len, msg, sizeof msg - 1, ctx, sizeof ctx - 1, sig, sig_len);
    if (st != PQH_OK) return fail("verify", st);
    st = pqh_sig_verify(alg, pk, pk_len, msg, sizeof msg - 2, ctx, sizeof ctx - 1, sig, sig_len);
    if (st != PQH_ERR_VERIFICATION_FAILED) return fail("verify (tampered)", st);
    memset(sk, 0, sizeof sk);
    printf("%-24s public key %4zu B, signature %4zu B: signed and verified\n",
           pqh_sig_alg_name(alg), pk_len, sig_len);
    return 0;
}

static int xwing_round_trip(void) {
    uint8_t pk[PQH_XWING_PUBLICKEYBYTES], sk[PQH_XWING_SECRETKEYBYTES];
    uint8_t ct[PQH_XWING_CIPHERTEXTBYTES];
    uint8_t ss_sender[PQH_XWING_SHAREDSECRETBYTES], ss_receiver[PQH_XWING_SHAREDSECRETBYTES];

    pqh_status st = pqh_kem_keypair(PQH_KEM_XWING, pqh_rng_os, NULL, pk, sizeof pk, sk, sizeof sk);
    if (st != PQH_OK) return fail("X-Wing keypair", st);
    st = pqh_kem_encapsulate(PQH_KEM_XWING, pk, sizeof pk, pqh_rng_os, NULL, ct, sizeof ct,
                             ss_sender, sizeof ss_sender);
    if (st != PQH_OK) return fail("X-Wing encapsulate", st);
    st = pqh_kem_decapsulate(PQH_KEM_XWING, sk, sizeof sk, ct, sizeof ct, ss_receiver,
                             sizeof ss_receiver);
    if (st != PQH_OK) return fail("X-Wing decapsulate", st);
    if (memcmp(ss_sender, ss_receiver, sizeof ss_sender) != 0) {
        fprintf(stderr, "X-Wing: shared secrets differ\n");
        return 1;
    }
    memset(sk, 0, sizeof sk);
    printf("%-24s public key %4zu B, ciphertext %4zu B: shared secrets match\n", "X-Wing",
           sizeof pk, sizeof ct);
    return 0;
}

#ifdef PQH_HAZMAT
/* Built from a `hazmat` install (PQH_INSTALL_HAZMAT=1; its pkg-config and CMake flags define
 * PQH_HAZMAT): deterministic encapsulation, for known-answer tests only. */
static int xwing_deterministic(void) {
    uint8_t seed[PQH_XWING_SEEDBYTES], rnd[PQH_XWING_ENCAPSRANDOMBYTES];
    uint8_t pk[PQH_XWING_PUBLICKEYBYTES], sk[PQH_XWING_SECRETKEYBYTES];
    uint8_t ct1[PQH_XWING_CIPHERTEXTBYTES], ct2[PQH_XWING_CIPHERTEXTBYTES];
    uint8_t ss1[PQH_XWING_SHAREDSECRETBYTES], ss2[PQH_XWING_SHAREDSECRETBYTES];
    memset(seed, 7, sizeof seed);
    memset(rnd, 9, sizeof rnd);
    pqh_status st = pqh_kem_keypair_from_seed(PQH_KEM_XWING, seed, sizeof seed, pk, sizeof pk, sk,
                                              sizeof sk);
    if (st != PQH_OK) return fail("X-Wing keypair_from_seed", st);
    st = pqh_kem_encapsulate_deterministic(PQH_KEM_XWING, pk, sizeof pk, rnd, sizeof rnd, ct1,
                                           sizeof ct1, ss1, sizeof ss1);
    if (st != PQH_OK) return fail("X-Wing encapsulate_deterministic", st);
    st = pqh_kem_encapsulate_deterministic(PQH_KEM_XWING, pk, sizeof pk, rnd, sizeof rnd, ct2,
                                           sizeof ct2, ss2, sizeof ss2);
    if (st != PQH_OK) return fail("X-Wing encapsulate_deterministic", st);
    if (memcmp(ct1, ct2, sizeof ct1) != 0 || memcmp(ss1, ss2, sizeof ss1) != 0) {
        fprintf(stderr, "X-Wing: deterministic encapsulation is not deterministic\n");
        return 1;
    }
    printf("%-24s deterministic encapsulation (PQH_HAZMAT): reproducible\n", "X-Wing");
    return 0;
}
#endif

int main(void) {
    printf("pqhybrid %s (header %s)\n", pqh_version_string(), PQH_VERSION_STRING);
    if (strcmp(pqh_version_string(), PQH_VERSION_STRING) != 0) {
        fprintf(stderr, "header and library versions differ\n");
        return 1;
    }
    if (sign_and_verify(PQH_SIG_MLDSA65) || sign_and_verify(PQH_SIG_MLDSA65_ED25519_SHA512) ||
        xwing_round_trip()) {
        return 1;
    }
#ifdef PQH_HAZMAT
    if (xwing_deterministic()) return 1;
#endif
    printf("c-host example: ok\n");
    return 0;
}
