//! Hybrid constructions: a post-quantum algorithm and a classical one, combined so that the
//! result stays secure while either half does.
//!
//! | module | construction | specification |
//! |---|---|---|
//! | [`xwing`] | X-Wing KEM (ML-KEM-768 + X25519) | draft-connolly-cfrg-xwing-kem |
//! | [`composite_kem`] | composite ML-KEM | draft-ietf-lamps-pq-composite-kem |
//! | [`composite_sig`] | composite ML-DSA | draft-ietf-lamps-pq-composite-sigs |

pub mod composite_kem;
pub mod composite_sig;
pub mod xwing;
