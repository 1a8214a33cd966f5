// The package's TypeScript declarations: the unions of names list exactly what the API returns
// (the algorithm-name unions are generated from the pqhybrid crate's tables at compile time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pq, pkgDir, hasIdentity, hasHpke } from './helpers.mjs';

/** The members of `export type <name> = "a" | "b" …;` in `dts`, each a string literal. */
function stringUnion(dts, name) {
  const decls = [...dts.matchAll(new RegExp(`export type ${name} =([^;]*);`, 'g'))];
  assert.equal(decls.length, 1, `one declaration of ${name}`);
  return decls[0][1]
    .split('|')
    .map((m) => m.trim())
    .filter(Boolean)
    .map((m) => {
      assert.match(m, /^"[^"\\]+"$/, `${name}: member ${m} is a string literal`);
      return JSON.parse(m);
    });
}

for (const entry of ['node', 'web']) {
  test(`${entry}/pqhybrid.d.ts: name unions match the API`, () => {
    const dts = readFileSync(join(pkgDir, entry, 'pqhybrid.d.ts'), 'utf8');
    assert.deepEqual(stringUnion(dts, 'SignatureAlgorithmName'), pq.signatureAlgorithms());
    assert.deepEqual(stringUnion(dts, 'KemAlgorithmName'), pq.kemAlgorithms());
    // Still written out by hand in lib.rs.
    assert.deepEqual(stringUnion(dts, 'FirmwareErrorCode').sort(), pq.firmwareErrorCodes().sort());
    // Generated from the crate's IdentityError::ALL, and part of ErrorCode.
    const identityCodes = stringUnion(dts, 'IdentityErrorCode');
    assert.equal(identityCodes.length, 13);
    if (hasIdentity) assert.deepEqual(identityCodes, pq.identityErrorCodes());
    assert.match(dts, /export type ErrorCode =[^;]*\| FirmwareErrorCode \| IdentityErrorCode\n/);
    // The functions are typed with them.
    assert.match(dts, /signatureAlgorithms\(\): SignatureAlgorithmName\[\]/);
    assert.match(dts, /kemAlgorithms\(\): KemAlgorithmName\[\]/);
    // The HPKE names, generated from the crate's suite tables (declared in every build).
    assert.equal(stringUnion(dts, 'HpkeKemName').length, 6);
    assert.deepEqual(stringUnion(dts, 'HpkeKdfName'), ['HKDF-SHA256', 'HKDF-SHA512', 'SHAKE128', 'SHAKE256']);
    assert.deepEqual(stringUnion(dts, 'HpkeAeadName'), ['AES-256-GCM', 'ChaCha20Poly1305']);
    if (hasHpke) {
      const { kems, kdfs, aeads } = pq.hpkeAlgorithms();
      assert.deepEqual(stringUnion(dts, 'HpkeKemName'), kems);
      assert.deepEqual(stringUnion(dts, 'HpkeKdfName'), kdfs);
      assert.deepEqual(stringUnion(dts, 'HpkeAeadName'), aeads);
      assert.match(dts, /export function hpkeAlgorithms\(\): HpkeAlgorithms;/);
      // info and aad may be left out (null or undefined) although plaintext follows them.
      assert.match(dts, /export function hpkeSeal\(kem: string, kdf: string, aead: string, public_key: [^,]+, info: [^,]+ \| null \| undefined, aad: [^,]+ \| null \| undefined, plaintext: [^,)]+\): Uint8Array;/);
      assert.match(dts, /export function hpkeOpen\(kem: string, kdf: string, aead: string, secret_key: [^,]+, info: [^,]+ \| null \| undefined, aad: [^,]+ \| null \| undefined, sealed: [^,)]+\): Uint8Array;/);
      assert.match(dts, /export function kemKeyId\(kem: string, public_key: [^,)]+\): Uint8Array;/);
    }
    // Encrypted images: the flag and the record in every build, the functions with `hpke`.
    assert.match(dts, /export interface EncryptionInfo \{/);
    assert.match(dts, /export interface ImageHeader \{[^}]*\n\s*encrypted: boolean;/);
    assert.match(dts, /export interface InspectedImage extends ImageHeader \{[^}]*\n\s*encryption: EncryptionInfo \| null;/);
    if (hasHpke) {
      assert.match(dts, /export function signFirmware\(options: SignFirmwareOptions\): Uint8Array;/);
      assert.match(dts, /export function decryptFirmware\(policy: Policy, image: [^,]+, kem: HpkeKemName, secretKey: [^,)]+, options\?: DecryptOptions[^,)]*\): DecryptedImage;/);
      assert.match(dts, /export interface DecryptedImage extends VerifiedImage \{[^}]*\n\s*plaintext: Uint8Array;/);
      for (const t of ['EncryptTo', 'SignFirmwareOptions']) assert.match(dts, new RegExp(`export interface ${t} \\{`), `interface ${t}`);
    }
    if (hasIdentity) {
      assert.match(dts, /export function verifyAttestation\(options: AttestationOptions\): Attestation;/);
      assert.match(dts, /export function verifyCsr\(csr: CertificateInput\): VerifiedCsr;/);
      assert.match(dts, /export function describeCertificate\(certificate: CertificateInput\): CertificateDescription;/);
      assert.match(dts, /export function identityErrorCodes\(\): IdentityErrorCode\[\];/);
      for (const t of ['AttestationOptions', 'Attestation', 'VerifiedCsr', 'CertificateDescription', 'TcbInfo', 'CertificateExtension']) {
        assert.match(dts, new RegExp(`export interface ${t} \\{`), `interface ${t}`);
      }
    }
  });
}
