//! Device identity: the documents a device and the development CA write parse with an
//! independent DER parser (`x509-cert`), carry what the profile says, and verify.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use pqhybrid::SignatureAlgorithm;
use pqhybrid::identity::{
    Cdis, IdentityKey, InputValues, MAX_CERT_LEN, MAX_CSR_LEN, Mode, TcbInfo, Uds, code_hash,
    write_alias_certificate, write_csr, write_device_id_certificate, write_evidence,
    write_root_certificate,
};
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};
use x509_cert::request::CertReq;

struct Device {
    device_id: IdentityKey,
    alias: IdentityKey,
}

fn device(alg: SignatureAlgorithm, uds: u8, image_id: [u8; 32]) -> Device {
    let layer0 = Cdis::from_uds(&Uds::new([uds; 32]));
    let mut inputs = InputValues::zero(Mode::Normal);
    inputs.code_hash = code_hash(&image_id);
    let layer1 = layer0.next(&inputs);
    Device {
        device_id: IdentityKey::derive(alg, &layer0).unwrap(),
        alias: IdentityKey::derive(alg, &layer1).unwrap(),
    }
}

fn tcb(image_id: [u8; 32]) -> TcbInfo<'static> {
    TcbInfo {
        vendor: "pqhybrid",
        model: "test-board",
        security_version: 7,
        layer: 1,
        image_id,
        mode: Mode::Normal,
    }
}

fn verify_cert(der: &[u8], issuer: &IdentityKey) {
    let cert = Certificate::from_der(der).expect("x509-cert parses the certificate");
    assert_eq!(cert.to_der().unwrap(), der, "DER round trip");
    let tbs = cert.tbs_certificate().to_der().unwrap();
    issuer
        .algorithm()
        .verify(issuer.public_key(), &tbs, b"", cert.signature().raw_bytes())
        .expect("signature verifies under the issuer key");
}

#[test]
fn documents_parse_and_verify_for_every_identity_algorithm() {
    let mut checked = 0;
    for alg in SignatureAlgorithm::ALL {
        if !pqhybrid::identity::is_identity_algorithm(alg) {
            assert!(IdentityKey::derive(alg, &Cdis::from_uds(&Uds::new([1; 32]))).is_err());
            continue;
        }
        let d = device(alg, 1, [0x11; 32]);
        let ca = IdentityKey::derive(alg, &Cdis::from_uds(&Uds::new([9; 32]))).unwrap();
        let mut buf = vec![0u8; MAX_CERT_LEN];

        let n = write_root_certificate(&ca, "pqhybrid test CA", &mut buf).unwrap();
        verify_cert(&buf[..n], &ca);

        let n = write_device_id_certificate(
            &ca,
            "pqhybrid test CA",
            alg,
            d.device_id.public_key(),
            &mut buf,
        )
        .unwrap();
        verify_cert(&buf[..n], &ca);

        let n =
            write_alias_certificate(&d.device_id, &d.alias, &tcb([0x11; 32]), &mut buf).unwrap();
        verify_cert(&buf[..n], &d.device_id);
        let cert = Certificate::from_der(&buf[..n]).unwrap();
        assert_eq!(
            cert.tbs_certificate().serial_number().as_bytes(),
            d.alias.id()
        );

        let n = write_evidence(&d.alias, b"fresh nonce 0001", &mut buf).unwrap();
        verify_cert(&buf[..n], &d.alias);

        if let Some(dir) = std::env::var_os("PQH_IDENTITY_DUMP") {
            std::fs::write(
                std::path::Path::new(&dir).join(format!("{alg}-evidence.der")),
                &buf[..n],
            )
            .unwrap();
        }
        let mut csr = vec![0u8; MAX_CSR_LEN];
        let n = write_csr(&d.device_id, &mut csr).unwrap();
        let req = CertReq::from_der(&csr[..n]).expect("x509-cert parses the CSR");
        let info = req.info.to_der().unwrap();
        alg.verify(
            d.device_id.public_key(),
            &info,
            b"",
            req.signature.raw_bytes(),
        )
        .expect("CSR proof of possession verifies");
        checked += 1;
    }
    println!("identity documents: {checked} algorithms");
    assert_eq!(checked, 9);
}

#[test]
fn same_cdi_same_key_other_image_other_alias() {
    let alg = SignatureAlgorithm::MlDsa65Ed25519Sha512;
    let a = device(alg, 1, [0x11; 32]);
    let b = device(alg, 1, [0x11; 32]);
    let c = device(alg, 1, [0x22; 32]);
    let other = device(alg, 2, [0x11; 32]);
    assert_eq!(a.alias.public_key(), b.alias.public_key());
    assert_eq!(a.device_id.public_key(), c.device_id.public_key());
    assert_ne!(a.alias.public_key(), c.alias.public_key());
    assert_ne!(a.device_id.public_key(), other.device_id.public_key());
    // Deterministic documents: the same certificate on every boot.
    let mut x = vec![0u8; MAX_CERT_LEN];
    let mut y = vec![0u8; MAX_CERT_LEN];
    let n = write_alias_certificate(&a.device_id, &a.alias, &tcb([0x11; 32]), &mut x).unwrap();
    let m = write_alias_certificate(&b.device_id, &b.alias, &tcb([0x11; 32]), &mut y).unwrap();
    assert_eq!(x[..n], y[..m]);
}

#[test]
fn small_buffers_and_bad_nonces_are_errors() {
    use pqhybrid::{Error, error::IdentityError};
    let d = device(SignatureAlgorithm::MlDsa44, 3, [0x33; 32]);
    let mut small = [0u8; 100];
    assert!(matches!(
        write_alias_certificate(&d.device_id, &d.alias, &tcb([0; 32]), &mut small),
        Err(Error::BufferTooSmall { .. })
    ));
    let mut buf = vec![0u8; MAX_CERT_LEN];
    for nonce in [&b""[..], &[7u8; 65][..]] {
        assert_eq!(
            write_evidence(&d.alias, nonce, &mut buf),
            Err(Error::Identity(IdentityError::BadNonce))
        );
    }
}
