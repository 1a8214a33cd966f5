// Device identity: verifyAttestation, verifyCsr and describeCertificate on the fixtures of
// tests/fixtures/identity (a demo CA and a device's DICE chain, written by
// examples/identity_fixtures.rs), each rejection with its code, DER and PEM inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pq, hex, throwsCode, toPem, firmwareKat, identityFixtures, hasIdentity } from './helpers.mjs';

const skip = !hasIdentity && 'the package was built without the `identity` feature';
const fx = hasIdentity ? identityFixtures() : null;
const j = fx?.json;

/** The options of the fixture chain, as a production verifier would give them. */
const options = (over = {}) => ({
  roots: [fx.root],
  deviceIdCert: fx.deviceId,
  aliasCert: fx.alias,
  evidence: fx.evidence,
  nonce: j.nonce,
  imageIds: [j.imageId],
  minSecurityVersion: 5,
  ...over,
});

/** A copy of `bytes` with one byte XORed. */
const flip = (bytes, at, mask = 1) => {
  const b = Uint8Array.from(bytes);
  b[at < 0 ? b.length + at : at] ^= mask;
  return b;
};

/** The evidence with its TcbFreshness OID (2.23.133.5.4.11) changed to the unknown 2.23.133.5.4.12. */
function unknownCriticalEvidence() {
  const oid = [0x06, 0x06, 0x67, 0x81, 0x05, 0x05, 0x04, 0x0b, 0x01, 0x01, 0xff];
  const e = Uint8Array.from(fx.evidence);
  const at = Buffer.from(e).indexOf(Buffer.from(oid));
  assert.ok(at > 0, 'TcbFreshness extension found');
  e[at + 7] = 0x0c;
  return e;
}

const DEVICE_EPOCH = Date.UTC(2018, 2, 22, 23, 59, 59) / 1000; // Open DICE's notBefore
const NO_EXPIRY = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;

test('verifyAttestation: the chain verifies and reports the device', { skip }, () => {
  const expected = {
    valid: true,
    algorithm: j.algorithm,
    rootIndex: 0,
    deviceId: j.deviceId,
    ueid: j.ueid,
    aliasId: j.aliasId,
    vendor: j.vendor,
    model: j.model,
    securityVersion: BigInt(j.securityVersion),
    layer: j.layer,
    imageId: j.imageId,
    mode: 'normal',
  };
  assert.deepEqual({ ...pq.verifyAttestation(options()) }, expected);
  // The root found among several; inputs in their other accepted forms.
  const a = pq.verifyAttestation(options({
    roots: [fx.otherRoot, fx.root],
    nonce: hex(j.nonce),
    imageIds: [hex('00'.repeat(32)), hex(j.imageId)],
    minSecurityVersion: BigInt(j.securityVersion), // the boundary is accepted
    allowNonNormalMode: false,
  }));
  assert.equal(a.rootIndex, 1);
  assert.equal(a.deviceId, j.deviceId);
  // Without reference image ids any image is accepted; without a minimum, any version.
  assert.equal(pq.verifyAttestation(options({ imageIds: undefined, minSecurityVersion: undefined })).imageId, j.imageId);
  assert.equal(pq.verifyAttestation(options({ imageIds: [] })).securityVersion, 7n);
  // Validity checked against a time: seconds (number, fractions floored, or bigint) or a Date.
  for (const now of [Date.now() / 1000, BigInt(DEVICE_EPOCH), new Date('2030-01-01T00:00:00Z'), NO_EXPIRY]) {
    assert.equal(pq.verifyAttestation(options({ now })).deviceId, j.deviceId, `now = ${now}`);
  }
});

test('verifyAttestation: the attested image is the firmware verifier\'s imageId', { skip }, () => {
  // The device of the fixtures runs the firmware known-answer image valid.pqfw.
  const kat = firmwareKat();
  const policy = new pq.Policy(kat.options);
  const image = pq.verifyFirmware(policy, kat.image('valid.pqfw'));
  policy.free();
  const a = pq.verifyAttestation(options({ imageIds: [image.imageId] }));
  assert.equal(a.imageId, pq.toHex(image.imageId));
  assert.equal(a.securityVersion, image.securityVersion);
});

test('verifyAttestation and verifyCsr: PEM inputs', { skip }, () => {
  const pem = (b) => toPem(b);
  const byPem = pq.verifyAttestation(options({
    roots: [pem(fx.root)],
    deviceIdCert: pem(fx.deviceId),
    aliasCert: new TextEncoder().encode(pem(fx.alias)), // the bytes of a .pem file
    evidence: `\n  ${pem(fx.evidence).replaceAll('\n', '\r\n')}`, // CRLF, leading whitespace
  }));
  assert.equal(byPem.deviceId, j.deviceId);
  const csr = pq.verifyCsr(toPem(fx.csr, 'CERTIFICATE REQUEST'));
  assert.equal(csr.id, j.deviceId);
  assert.equal(pq.verifyCsr(toPem(fx.csr, 'NEW CERTIFICATE REQUEST')).id, j.deviceId);
  // The wrong kind of PEM, broken PEM, and text that is not PEM.
  const e = throwsCode(assert, () => pq.verifyAttestation(options({ deviceIdCert: toPem(fx.deviceId, 'PUBLIC KEY') })), 'Identity.MalformedCertificate');
  assert.match(e.message, /deviceIdCert: PEM label is "PUBLIC KEY", expected CERTIFICATE/);
  throwsCode(assert, () => pq.verifyCsr(pem(fx.csr)), 'Identity.MalformedCertificate');
  throwsCode(assert, () => pq.verifyAttestation(options({ aliasCert: pem(fx.alias).replace('-----END', 'x-----END') })), 'Identity.MalformedCertificate');
  throwsCode(assert, () => pq.verifyAttestation(options({ roots: [Buffer.from(fx.root).toString('base64')] })), 'Identity.MalformedCertificate');
});

test('verifyAttestation: each rejection has its code', { skip }, () => {
  const codes = new Set(pq.identityErrorCodes());
  const rejects = (over, code, why) => {
    const e = throwsCode(assert, () => pq.verifyAttestation(options(over)), code);
    assert.ok(codes.has(e.code), `${e.code} is listed by identityErrorCodes()`);
    assert.match(e.message, /^device identity rejected: /, why);
    return e;
  };
  rejects({ roots: [fx.otherRoot] }, 'Identity.UnknownRoot', 'a root the verifier does not trust');
  rejects({ roots: [] }, 'Identity.UnknownRoot', 'no root at all');
  rejects({ nonce: 'ff'.repeat(16) }, 'Identity.BadNonce', 'a stale nonce');
  rejects({ imageIds: ['00'.repeat(32)] }, 'Identity.MeasurementMismatch', 'firmware the verifier does not know');
  rejects({ minSecurityVersion: 8 }, 'Identity.Rollback', 'below the minimum security version');
  rejects({ minSecurityVersion: 2n ** 64n - 1n }, 'Identity.Rollback', 'the largest minimum');
  rejects({ aliasCert: fx.aliasDebug, evidence: fx.evidenceDebug }, 'Identity.WrongMode', 'a device in debug mode');
  rejects({ evidence: fx.evidenceDebug }, 'Identity.BrokenChain', 'evidence of another Alias key');
  rejects({ aliasCert: flip(fx.alias, -1) }, 'Identity.BadSignature', 'a flipped signature byte');
  rejects({ evidence: flip(fx.evidence, -100) }, 'Identity.BadSignature', 'a flipped signature byte of the evidence');
  rejects({ deviceIdCert: fx.deviceId.subarray(0, fx.deviceId.length >> 1) }, 'Identity.MalformedCertificate', 'a truncated certificate');
  rejects({ roots: [fx.root.subarray(0, fx.root.length - 1)] }, 'Identity.MalformedCertificate', 'a truncated root');
  rejects({ aliasCert: new Uint8Array(100) }, 'Identity.MalformedCertificate', 'not DER');
  rejects({ evidence: unknownCriticalEvidence() }, 'Identity.UnknownCriticalExtension', 'an unknown critical extension');
  rejects({ now: 1_000_000_000 }, 'Identity.Expired', 'a time before the validity period');
  // The debug device is accepted for lab use, and says so.
  const lab = pq.verifyAttestation(options({ aliasCert: fx.aliasDebug, evidence: fx.evidenceDebug, allowNonNormalMode: true }));
  assert.equal(lab.mode, 'debug');
  assert.equal(lab.aliasId, j.debugAliasId);
  assert.equal(lab.deviceId, j.deviceId, 'the same device');
});

test('verifyAttestation: invalid arguments', { skip }, () => {
  const bad = (f) => throwsCode(assert, f, 'InvalidArgument');
  bad(() => pq.verifyAttestation());
  bad(() => pq.verifyAttestation('options'));
  bad(() => pq.verifyAttestation(options({ roots: fx.root })));
  bad(() => pq.verifyAttestation(options({ roots: [42] })));
  bad(() => pq.verifyAttestation(options({ deviceIdCert: undefined })));
  bad(() => pq.verifyAttestation(options({ aliasCert: 7 })));
  bad(() => pq.verifyAttestation(options({ evidence: null })));
  bad(() => pq.verifyAttestation(options({ nonce: undefined })));
  bad(() => pq.verifyAttestation(options({ nonce: 'not hex' })));
  bad(() => pq.verifyAttestation(options({ imageIds: j.imageId })));
  bad(() => pq.verifyAttestation(options({ imageIds: [new Uint8Array(31)] })));
  bad(() => pq.verifyAttestation(options({ minSecurityVersion: -1 })));
  bad(() => pq.verifyAttestation(options({ minSecurityVersion: 1.5 })));
  bad(() => pq.verifyAttestation(options({ allowNonNormalMode: 'yes' })));
  bad(() => pq.verifyAttestation(options({ now: 'tomorrow' })));
  bad(() => pq.verifyAttestation(options({ now: -1 })));
  bad(() => pq.verifyAttestation(options({ now: new Date(NaN) })));
  bad(() => pq.verifyCsr(12));
  bad(() => pq.describeCertificate([1, 2, 3]));
});

test('verifyCsr: proof of possession of the DeviceID key', { skip }, () => {
  const csr = pq.verifyCsr(fx.csr);
  assert.deepEqual(Object.keys(csr).sort(), ['algorithm', 'id', 'publicKey']);
  assert.equal(csr.algorithm, j.algorithm);
  assert.equal(csr.id, j.deviceId, 'the id of the key is the deviceId of its attestations');
  assert.ok(csr.publicKey instanceof Uint8Array);
  assert.equal(csr.publicKey.length, pq.sizes(j.algorithm).publicKey);
  throwsCode(assert, () => pq.verifyCsr(flip(fx.csr, -1)), 'Identity.BadSignature');
  throwsCode(assert, () => pq.verifyCsr(fx.csr.subarray(0, 100)), 'Identity.MalformedCertificate');
  throwsCode(assert, () => pq.verifyCsr(fx.deviceId), 'Identity.MalformedCertificate');
});

test('describeCertificate: the chain, field by field', { skip }, () => {
  const root = pq.describeCertificate(fx.root);
  const caName = `CN=${j.caName}, serialNumber=${j.caKeyId}`;
  assert.deepEqual({ ...root, extensions: undefined }, {
    subject: caName,
    issuer: caName,
    selfIssued: true,
    serial: j.caKeyId,
    signatureAlgorithm: j.algorithm,
    keyAlgorithm: j.algorithm,
    keyId: j.caKeyId,
    notBefore: DEVICE_EPOCH,
    notAfter: NO_EXPIRY,
    isCa: true,
    keyUsage: ['keyCertSign'],
    subjectKeyId: j.caKeyId,
    authorityKeyId: j.caKeyId,
    tcbInfo: null,
    ueid: null,
    nonce: null,
    extensions: undefined,
  });
  assert.deepEqual(root.extensions.map((e) => [e.name, e.critical]), [
    ['authorityKeyIdentifier', false], ['subjectKeyIdentifier', false], ['keyUsage', true], ['basicConstraints', true],
  ]);
  assert.equal(root.extensions[2].oid, '2.5.29.15');

  const device = pq.describeCertificate(fx.deviceId);
  assert.equal(device.subject, `serialNumber=${j.deviceId}`);
  assert.equal(device.issuer, caName);
  assert.equal(device.selfIssued, false);
  assert.equal(device.serial, j.deviceId);
  assert.equal(device.keyId, j.deviceId);
  assert.equal(device.authorityKeyId, j.caKeyId);
  assert.equal(device.ueid, j.ueid);
  assert.equal(device.isCa, true);
  assert.equal(device.tcbInfo, null);

  const alias = pq.describeCertificate(fx.alias);
  assert.equal(alias.subject, `serialNumber=${j.aliasId}`);
  assert.equal(alias.issuer, device.subject);
  assert.equal(alias.keyId, j.aliasId);
  assert.equal(alias.authorityKeyId, j.deviceId);
  assert.equal(alias.ueid, j.ueid, 'the same device as the DeviceID certificate');
  assert.equal(alias.isCa, true, 'the Alias key issues the evidence');
  assert.deepEqual({ ...alias.tcbInfo }, {
    vendor: j.vendor, model: j.model, svn: BigInt(j.securityVersion), layer: j.layer, imageId: j.imageId, mode: 'normal',
  });
  assert.deepEqual(alias.extensions.map((e) => [e.name, e.oid, e.critical]), [
    ['authorityKeyIdentifier', '2.5.29.35', false],
    ['subjectKeyIdentifier', '2.5.29.14', false],
    ['keyUsage', '2.5.29.15', true],
    ['basicConstraints', '2.5.29.19', true],
    ['tcg-dice-Ueid', '2.23.133.5.4.4', false],
    ['tcg-dice-TcbInfo', '2.23.133.5.4.1', true],
  ]);
  assert.equal(pq.describeCertificate(fx.aliasDebug).tcbInfo.mode, 'debug');

  const evidence = pq.describeCertificate(fx.evidence);
  assert.equal(evidence.subject, alias.subject, 'a certificate of the Alias key…');
  assert.equal(evidence.issuer, alias.subject, '…issued by itself');
  assert.equal(evidence.selfIssued, true);
  assert.equal(evidence.keyId, j.aliasId);
  assert.equal(evidence.nonce, j.nonce);
  assert.equal(evidence.isCa, false);
  assert.deepEqual(evidence.keyUsage, ['digitalSignature']);
  assert.equal(evidence.authorityKeyId, j.aliasId);
  assert.equal(evidence.subjectKeyId, null, 'an evidence has no subjectKeyIdentifier');
  assert.match(evidence.serial, /^[0-7][0-9a-f]{39}$/, 'its serial is the id of the nonce');
  assert.notEqual(evidence.serial, j.aliasId);
  assert.deepEqual(evidence.extensions.map((e) => [e.name, e.critical]), [
    ['authorityKeyIdentifier', false], ['keyUsage', true], ['basicConstraints', true], ['tcg-dice-TcbFreshness', true],
  ]);
});

test('describeCertificate: PEM, unknown extensions, what does not parse', { skip }, () => {
  assert.deepEqual(pq.describeCertificate(toPem(fx.alias)), pq.describeCertificate(fx.alias));
  // Describing verifies nothing: a bad signature still describes.
  assert.equal(pq.describeCertificate(flip(fx.alias, -1)).keyId, j.aliasId);
  const unknown = pq.describeCertificate(unknownCriticalEvidence());
  assert.equal(unknown.nonce, null);
  assert.deepEqual({ ...unknown.extensions.at(-1) }, { oid: '2.23.133.5.4.12', name: null, critical: true });
  for (const bad of [fx.root.subarray(0, 50), new Uint8Array(10), new Uint8Array(0), toPem(fx.csr, 'CERTIFICATE REQUEST')]) {
    throwsCode(assert, () => pq.describeCertificate(bad), 'Identity.MalformedCertificate');
  }
});

test('identityErrorCodes and identityAlgorithms', { skip }, () => {
  const codes = pq.identityErrorCodes();
  assert.equal(codes.length, 13);
  assert.ok(codes.every((c) => /^Identity\.[A-Za-z]+$/.test(c)));
  for (const c of ['Identity.UnknownRoot', 'Identity.BadNonce', 'Identity.MeasurementMismatch', 'Identity.Rollback', 'Identity.BadSignature', 'Identity.MalformedCertificate', 'Identity.UnknownCriticalExtension']) {
    assert.ok(codes.includes(c), c);
  }
  const algs = pq.identityAlgorithms();
  assert.ok(algs.includes(j.algorithm) && algs.includes('ML-DSA-44') && algs.includes('MLDSA87-ECDSA-P384-SHA512'));
  assert.ok(!algs.includes('Ed25519') && !algs.includes('SLH-DSA-SHA2-128s'));
  assert.equal(algs.length, 9);
});
