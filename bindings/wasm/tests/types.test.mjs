// The package's TypeScript declarations: the unions of names list exactly what the API returns
// (the algorithm-name unions are generated from the pqhybrid crate's tables at compile time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pq, pkgDir, hasIdentity } from './helpers.mjs';

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
