//! The three ML-DSA parameter sets (FIPS 204 Table 1 and Table 2), as runtime values.
//!
//! One `&'static Params` drives one copy of the verifier code for all three sets: on a
//! bootloader, flash matters more than the few cycles a const generic would save.

/// Parameters of one ML-DSA parameter set for the compact verifier (FIPS 204 Table 1).
///
/// Every field is public data fixed by the standard; the three values [`ML_DSA_44`],
/// [`ML_DSA_65`] and [`ML_DSA_87`] are the only ones the verifier is tested with.
#[derive(Debug, PartialEq, Eq)]
pub struct Params {
    /// The name FIPS 204 gives the parameter set, e.g. `"ML-DSA-65"`.
    pub name: &'static str,
    /// `k`: rows of the matrix Â (length of t₁, w, h).
    pub k: usize,
    /// `ℓ`: columns of the matrix Â (length of z).
    pub l: usize,
    /// `τ`: number of ±1 coefficients of the challenge c.
    pub tau: usize,
    /// `η`: the bound of the secret coefficients (2 or 4).
    pub eta: i32,
    /// Bits per packed secret coefficient in `skEncode`: `bitlen(2η)` (3 or 4).
    pub eta_bits: u32,
    /// `β = τ·η`.
    pub beta: i32,
    /// `log₂ γ₁` (17 or 19); z coefficients are packed in `1 + log₂ γ₁` bits.
    pub gamma1_bits: u32,
    /// `γ₂` (low-order rounding range): `(q−1)/88` or `(q−1)/32`.
    pub gamma2: i32,
    /// `ω`: the maximum number of 1s in the hint h.
    pub omega: usize,
    /// `λ/4`: length in bytes of the commitment hash c̃.
    pub c_tilde_len: usize,
    /// Bits per coefficient of `w1Encode` (FIPS 204 Algorithm 28): `bitlen((q−1)/(2γ₂) − 1)`.
    pub w1_bits: u32,
    /// Public-key length in bytes (FIPS 204 Table 2): `32 + 320·k`.
    pub pk_len: usize,
    /// Signature length in bytes (FIPS 204 Table 2): `λ/4 + ℓ·32·(1 + log₂ γ₁) + ω + k`.
    pub sig_len: usize,
    /// Expanded private-key length in bytes (`skEncode`, FIPS 204 Table 2):
    /// `128 + 32·((ℓ + k)·bitlen(2η) + 13·k)`.
    pub sk_len: usize,
}

impl Params {
    /// `γ₁ = 2^gamma1_bits`.
    #[must_use]
    pub const fn gamma1(&self) -> i32 {
        1 << self.gamma1_bits
    }

    /// Bytes of one packed z polynomial: `32·(1 + log₂ γ₁)`.
    #[must_use]
    pub const fn z_poly_len(&self) -> usize {
        32 * (1 + self.gamma1_bits as usize)
    }

    /// Bytes of one packed secret polynomial (s₁ or s₂) in `skEncode`: `32·bitlen(2η)`.
    #[must_use]
    pub const fn eta_poly_len(&self) -> usize {
        32 * self.eta_bits as usize
    }

    /// Bytes of one `w1Encode`d polynomial: `32·w1_bits`.
    #[must_use]
    pub const fn w1_poly_len(&self) -> usize {
        32 * self.w1_bits as usize
    }
}

/// ML-DSA-44 (NIST security category 2).
pub const ML_DSA_44: Params = Params {
    name: "ML-DSA-44",
    k: 4,
    l: 4,
    tau: 39,
    eta: 2,
    eta_bits: 3,
    beta: 78,
    gamma1_bits: 17,
    gamma2: (super::arith::Q - 1) / 88,
    omega: 80,
    c_tilde_len: 32,
    w1_bits: 6,
    pk_len: 1312,
    sig_len: 2420,
    sk_len: 2560,
};

/// ML-DSA-65 (NIST security category 3).
pub const ML_DSA_65: Params = Params {
    name: "ML-DSA-65",
    k: 6,
    l: 5,
    tau: 49,
    eta: 4,
    eta_bits: 4,
    beta: 196,
    gamma1_bits: 19,
    gamma2: (super::arith::Q - 1) / 32,
    omega: 55,
    c_tilde_len: 48,
    w1_bits: 4,
    pk_len: 1952,
    sig_len: 3309,
    sk_len: 4032,
};

/// ML-DSA-87 (NIST security category 5).
pub const ML_DSA_87: Params = Params {
    name: "ML-DSA-87",
    k: 8,
    l: 7,
    tau: 60,
    eta: 2,
    eta_bits: 3,
    beta: 120,
    gamma1_bits: 19,
    gamma2: (super::arith::Q - 1) / 32,
    omega: 75,
    c_tilde_len: 64,
    w1_bits: 4,
    pk_len: 2592,
    sig_len: 4627,
    sk_len: 4896,
};

// The lengths above are the ones the layout implies (checked at compile time).
const _: () = {
    const fn consistent(p: &Params) -> bool {
        p.pk_len == 32 + 320 * p.k
            && p.sig_len == p.c_tilde_len + p.l * p.z_poly_len() + p.omega + p.k
            && p.sk_len == 128 + (p.l + p.k) * p.eta_poly_len() + 32 * 13 * p.k
            && p.beta == p.tau as i32 * p.eta
            && (1 << (p.eta_bits - 1)) <= 2 * p.eta
            && 2 * p.eta < (1 << p.eta_bits)
    }
    assert!(consistent(&ML_DSA_44));
    assert!(consistent(&ML_DSA_65));
    assert!(consistent(&ML_DSA_87));
};
