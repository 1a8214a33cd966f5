// Every error path of the JS API, each with its stable `code`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pq, utf8, throwsCode, firmwareKat, decryptionErrorCodes } from './helpers.mjs';

const msg = utf8('m');

test('unknown algorithm names', () => {
  for (const f of [
    () => pq.sizes('ML-DSA-66'),
    () => pq.keypairFromSeed('RSA-2048', new Uint8Array(32)),
    () => pq.generateKeypair(''),
    () => pq.sign('nope', new Uint8Array(32), msg),
    () => pq.verify('nope', new Uint8Array(32), msg, new Uint8Array(1)),
    () => pq.encapsulate('ML-DSA-65', new Uint8Array(1)), // a signature name where a KEM is needed
    () => pq.decapsulate('Kyber768', new Uint8Array(64), new Uint8Array(1088)),
    () => pq.SigningKey.generate('ML-KEM-768'),
    () => pq.DecapsulationKey.generate('Ed25519'),
    () => pq.encodePublicKeyPem('X25519', new Uint8Array(32)),
  ]) {
    throwsCode(assert, f, 'UnknownAlgorithm');
  }
});

test('every entry point taking an algorithm name throws UnknownAlgorithm', () => {
  const b = (n) => new Uint8Array(n);
  // A name of neither kind, then (for the kind-specific entry points) a name of the other kind.
  const signature = {
    sign: (a) => pq.sign(a, b(32), msg),
    signDeterministic: (a) => pq.signDeterministic(a, b(32), msg),
    verify: (a) => pq.verify(a, b(1952), msg, b(3309)),
    verifyOrThrow: (a) => pq.verifyOrThrow(a, b(1952), msg, b(3309)),
    'SigningKey.generate': (a) => pq.SigningKey.generate(a),
    'SigningKey.fromSeed': (a) => pq.SigningKey.fromSeed(a, b(32)),
    'SigningKey.fromBytes': (a) => pq.SigningKey.fromBytes(a, b(32)),
    'VerifyingKey.fromBytes': (a) => pq.VerifyingKey.fromBytes(a, b(1952)),
    firmwareKeyId: (a) => pq.firmwareKeyId(a, b(1952)),
  };
  const kem = {
    encapsulate: (a) => pq.encapsulate(a, b(1184)),
    encapsulateDeterministic: (a) => pq.encapsulateDeterministic(a, b(1184), b(32)),
    decapsulate: (a) => pq.decapsulate(a, b(64), b(1088)),
    'DecapsulationKey.generate': (a) => pq.DecapsulationKey.generate(a),
    'DecapsulationKey.fromSeed': (a) => pq.DecapsulationKey.fromSeed(a, b(64)),
    'DecapsulationKey.fromBytes': (a) => pq.DecapsulationKey.fromBytes(a, b(64)),
    'EncapsulationKey.fromBytes': (a) => pq.EncapsulationKey.fromBytes(a, b(1184)),
  };
  const either = {
    sizes: (a) => pq.sizes(a),
    keypairFromSeed: (a) => pq.keypairFromSeed(a, b(32)),
    generateKeypair: (a) => pq.generateKeypair(a),
    publicKeyFromSecret: (a) => pq.publicKeyFromSecret(a, b(32)),
    encodePublicKeyDer: (a) => pq.encodePublicKeyDer(a, b(32)),
    encodePublicKeyPem: (a) => pq.encodePublicKeyPem(a, b(32)),
    encodePrivateKeyDer: (a) => pq.encodePrivateKeyDer(a, b(32)),
    encodePrivateKeyPem: (a) => pq.encodePrivateKeyPem(a, b(32)),
  };
  const cases = [
    ...Object.entries(signature).flatMap(([f, call]) => [[f, call, 'Falcon-512'], [f, call, 'ML-KEM-768']]),
    ...Object.entries(kem).flatMap(([f, call]) => [[f, call, 'Kyber768'], [f, call, 'ML-DSA-65']]),
    ...Object.entries(either).flatMap(([f, call]) => [[f, call, 'RSA-2048'], [f, call, 'MLDSA65']]),
  ];
  for (const [f, call, name] of cases) {
    const e = throwsCode(assert, () => call(name), 'UnknownAlgorithm');
    assert.ok(e.message.includes(JSON.stringify(name)), `${f}(${JSON.stringify(name)}): message names it: ${e.message}`);
  }
  // The same entry points accept the names (any case) that signatureAlgorithms() and
  // kemAlgorithms() list: the lookup is not what fails above.
  assert.equal(pq.sizes('ml-dsa-65').algorithm, 'ML-DSA-65');
  assert.equal(pq.sizes('x-wing').algorithm, 'X-Wing');
  pq.SigningKey.generate(pq.signatureAlgorithms()[0]).free();
  pq.DecapsulationKey.generate(pq.kemAlgorithms()[0]).free();
});

test('wrong lengths (InvalidLength with field, expected, actual)', () => {
  throwsCode(assert, () => pq.keypairFromSeed('ML-DSA-44', new Uint8Array(31)), 'InvalidLength', { field: 'seed', expected: 32, actual: 31 });
  throwsCode(assert, () => pq.keypairFromSeed('ML-KEM-512', new Uint8Array(32)), 'InvalidLength', { field: 'seed', expected: 64 });
  throwsCode(assert, () => pq.sign('ML-DSA-65', new Uint8Array(33), msg), 'InvalidLength', { field: 'secretKey', expected: 32, actual: 33 });
  throwsCode(assert, () => pq.verify('ML-DSA-65', new Uint8Array(10), msg, new Uint8Array(3309)), 'InvalidLength', { field: 'publicKey', expected: 1952 });
  throwsCode(assert, () => pq.encapsulate('X-Wing', new Uint8Array(1215)), 'InvalidLength', { field: 'publicKey' });
  throwsCode(assert, () => pq.decapsulate('ML-KEM-768', new Uint8Array(64), new Uint8Array(1087)), 'InvalidLength', { field: 'ciphertext', expected: 1088 });
  throwsCode(assert, () => pq.decapsulate('ML-KEM-768', new Uint8Array(63), new Uint8Array(1088)), 'InvalidLength', { field: 'secretKey' });
  const kp = pq.keypairFromSeed('ML-KEM-768', new Uint8Array(64));
  throwsCode(assert, () => pq.encapsulateDeterministic('ML-KEM-768', kp.publicKey, new Uint8Array(31)), 'InvalidLength', { field: 'randomness' });
  throwsCode(assert, () => pq.VerifyingKey.fromBytes('Ed25519', new Uint8Array(31)), 'InvalidLength');
  throwsCode(assert, () => pq.EncapsulationKey.fromBytes('ML-KEM-512', new Uint8Array(1)), 'InvalidLength');
  throwsCode(assert, () => pq.SigningKey.fromBytes('ML-DSA-87', new Uint8Array(1)), 'InvalidLength');
  throwsCode(assert, () => pq.firmwareKeyId('ML-DSA-65', new Uint8Array(5)), 'InvalidLength');
  // A signature of the wrong length is "not valid": verify() says false, verifyOrThrow() why.
  const s = pq.keypairFromSeed('ML-DSA-44', new Uint8Array(32));
  assert.equal(pq.verify('ML-DSA-44', s.publicKey, msg, new Uint8Array(5)), false);
  throwsCode(assert, () => pq.verifyOrThrow('ML-DSA-44', s.publicKey, msg, new Uint8Array(5)), 'InvalidLength', { field: 'signature' });
});

test('verification failures', () => {
  const kp = pq.keypairFromSeed('MLDSA44-Ed25519-SHA512', new Uint8Array(32).fill(1));
  const sig = pq.signDeterministic('MLDSA44-Ed25519-SHA512', kp.secretKey, msg);
  const bad = sig.slice();
  bad[10] ^= 1;
  assert.equal(pq.verify('MLDSA44-Ed25519-SHA512', kp.publicKey, msg, bad), false);
  throwsCode(assert, () => pq.verifyOrThrow('MLDSA44-Ed25519-SHA512', kp.publicKey, msg, bad), 'VerificationFailed');
  pq.verifyOrThrow('MLDSA44-Ed25519-SHA512', kp.publicKey, msg, sig);
});

test('context too long / not supported', () => {
  const kp = pq.keypairFromSeed('ML-DSA-65', new Uint8Array(32));
  throwsCode(assert, () => pq.sign('ML-DSA-65', kp.secretKey, msg, new Uint8Array(256)), 'ContextTooLong', { max: 255, actual: 256 });
  throwsCode(assert, () => pq.verify('ML-DSA-65', kp.publicKey, msg, new Uint8Array(3309), new Uint8Array(300)), 'ContextTooLong');
  pq.sign('ML-DSA-65', kp.secretKey, msg, new Uint8Array(255)); // the maximum is fine
  const ed = pq.keypairFromSeed('Ed25519', new Uint8Array(32));
  throwsCode(assert, () => pq.sign('Ed25519', ed.secretKey, msg, utf8('ctx')), 'ContextNotSupported');
  throwsCode(assert, () => pq.sign('ECDSA-P256-SHA256', pq.generateKeypair('ECDSA-P256-SHA256').secretKey, msg, utf8('c')), 'ContextNotSupported');
});

test('invalid keys', () => {
  // An ECDSA scalar of zero, and an all-0xff scalar (≥ n).
  throwsCode(assert, () => pq.keypairFromSeed('ECDSA-P256-SHA256', new Uint8Array(32)), 'InvalidKey');
  throwsCode(assert, () => pq.SigningKey.fromBytes('ECDSA-P384-SHA384', new Uint8Array(48).fill(0xff)), 'InvalidKey');
  // An ML-KEM encapsulation key failing the FIPS 203 modulus check.
  throwsCode(assert, () => pq.encapsulate('ML-KEM-512', new Uint8Array(800).fill(0xff)), 'InvalidKey');
});

test('bad encodings', () => {
  throwsCode(assert, () => pq.decodePublicKeyDer(new Uint8Array([0x30, 0x03, 1, 2, 3])), 'MalformedEncoding', { field: 'publicKey' });
  throwsCode(assert, () => pq.decodePublicKeyPem('-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n'), 'MalformedEncoding');
  throwsCode(assert, () => pq.decodePublicKeyPem('hello'), 'MalformedEncoding');
  const kp = pq.keypairFromSeed('Ed25519', new Uint8Array(32).fill(5));
  const skPem = pq.encodePrivateKeyPem('Ed25519', kp.secretKey);
  throwsCode(assert, () => pq.decodePublicKeyPem(skPem), 'MalformedEncoding'); // wrong label
  throwsCode(assert, () => pq.decodePrivateKeyDer(new Uint8Array(40)), 'MalformedEncoding', { field: 'secretKey' });
  const der = pq.encodePublicKeyDer('Ed25519', kp.publicKey);
  throwsCode(assert, () => pq.decodePublicKeyDer(Uint8Array.from([...der, 0])), 'MalformedEncoding'); // trailing data
  throwsCode(assert, () => pq.VerifyingKey.fromPem(pq.encodePublicKeyPem('ML-KEM-512', pq.keypairFromSeed('ML-KEM-512', new Uint8Array(64)).publicKey)), 'InvalidArgument');
});

test('policy and trust-store errors', () => {
  const { options } = firmwareKat();
  throwsCode(assert, () => new pq.Policy({ ...options, deviceClass: undefined }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, deviceClass: 'abcd' }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, minSecurityVersion: -1 }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, allowed: 'hybrid,ed25519' }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, allowed: 'quantum-magic' }), 'UnknownAlgorithm');
  throwsCode(assert, () => new pq.Policy({ ...options, allowed: 1 }), 'InvalidArgument'); // bit 0 is not an id
  throwsCode(assert, () => new pq.Policy({ ...options, trailerCapacity: 1e9 }), 'InvalidArgument');
  // Format 2 options.
  throwsCode(assert, () => new pq.Policy({ ...options, maxSecurityVersion: -1 }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, maxSecurityVersion: 2n ** 64n }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, maxSecurityVersion: 1.5 }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, maxSecurityVersion: '7' }), 'InvalidArgument');
  let e = throwsCode(assert, () => new pq.Policy({ ...options, minSecurityVersion: 8, maxSecurityVersion: 7n }), 'InvalidArgument');
  assert.match(e.message, /minSecurityVersion 8 is above maxSecurityVersion 7/);
  throwsCode(assert, () => new pq.Policy({ ...options, endorseAllowed: 'slh-dsa,ecdsa-p256-sha256' }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, endorseAllowed: 'quantum-magic' }), 'UnknownAlgorithm');
  e = throwsCode(assert, () => new pq.Policy({ ...options, endorseAllowed: 1 << 22 }), 'InvalidArgument');
  assert.match(e.message, /^endorseAllowed/);
  throwsCode(assert, () => new pq.Policy({ ...options, endorseAllowed: [2] }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, endorseAllowed: {} }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, acceptV1: 'yes' }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, acceptV1: 1 }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, trustAnchors: [{ keyId: '00', state: 'active' }] }), 'InvalidArgument');
  throwsCode(assert, () => new pq.Policy({ ...options, trustAnchors: [{ keyId: '00'.repeat(32), state: 'maybe' }] }), 'InvalidArgument');
  const id = 'ab'.repeat(32);
  e = throwsCode(assert, () => pq.parseTrustStore(`${id} active\n${id} revoked\n`), 'InvalidTrustStore');
  assert.match(e.message, /line 2/);
  e = throwsCode(assert, () => pq.parseTrustStore(`# c\n\nxyz active\n`), 'InvalidTrustStore');
  assert.match(e.message, /line 3/);
  throwsCode(assert, () => pq.parseTrustStore(`${id} sleeping`), 'InvalidTrustStore');
  throwsCode(assert, () => pq.parseTrustStore(`${id}`), 'InvalidTrustStore');
  throwsCode(assert, () => pq.parseTrustStore(`${id} active extra`), 'InvalidTrustStore');
  throwsCode(assert, () => new pq.Policy({ ...options, trustStore: 'garbage' }), 'InvalidTrustStore');
  const ok = pq.parseTrustStore(`# store\n${id.toUpperCase()}\tACTIVE  # root 2026\n`);
  assert.equal(ok.length, 1);
  assert.equal(ok[0].state, 'active');
  assert.equal(ok[0].label, 'root 2026');
});

test('tampered, rolled-back and otherwise rejected firmware: every Firmware.* code', () => {
  const { json, options, image } = firmwareKat();
  const policy = new pq.Policy(options);
  const valid = image('valid.pqfw');
  // One shot, or through a FirmwareVerifier prepared by `setup` (setSlotLen).
  const reject = (bytes, code, p = policy, setup) => throwsCode(assert, () => {
    if (!setup) return pq.verifyFirmware(p, bytes);
    const v = new pq.FirmwareVerifier(p);
    try {
      setup(v);
      v.update(bytes);
      return v.finish();
    } finally {
      v.free();
    }
  }, code);
  // Tampering done here, not only through the KAT files.
  const flip = (i) => { const b = Uint8Array.from(valid); b[i] ^= 0x01; return b; };
  reject(flip(0), 'Firmware.BadMagic');
  reject(flip(4), 'Firmware.UnsupportedVersion');
  reject(flip(300), 'Firmware.DigestMismatch'); // payload starts at header_len 256
  reject(flip(valid.length - 10), 'Firmware.BadSignature');
  reject(valid.subarray(0, valid.length - 1), 'Firmware.Truncated');
  reject(Uint8Array.from([...valid, 0]), 'Firmware.LengthMismatch');
  reject(valid.subarray(0, 100), 'Firmware.Truncated');
  // Rollback: the device's counter is above the image's security version 7.
  reject(valid, 'Firmware.Rollback', new pq.Policy({ ...options, minSecurityVersion: 8n }));
  reject(valid, 'Firmware.WrongDeviceClass', new pq.Policy({ ...options, deviceClass: '00'.repeat(16) }));
  reject(valid, 'Firmware.AlgorithmNotAllowed', new pq.Policy({ ...options, allowed: 'ml-dsa' }));
  reject(valid, 'Firmware.UnknownKey', new pq.Policy({ ...options, trustAnchors: [] }));
  reject(valid, 'Firmware.RevokedKey', new pq.Policy({ ...options, trustAnchors: [{ keyId: options.trustAnchors[0].keyId, state: 'revoked' }] }));
  // Format 2 rejections made here through the policy (the KAT files make each from the image).
  reject(valid, 'Firmware.SecurityVersionTooLarge', new pq.Policy({ ...options, maxSecurityVersion: 6 }));
  reject(valid, 'Firmware.AlgorithmNotAllowed', new pq.Policy({ ...options, endorseAllowed: 'ml-dsa' }));
  const release = json.keys.find((k) => k.name === 'release').keyId;
  reject(valid, 'Firmware.EndorsedAnchor', new pq.Policy({ ...options, trustAnchors: [...options.trustAnchors, { keyId: release }] }));
  // Revocation still comes first for an endorsed key that is also listed (revoked).
  reject(valid, 'Firmware.RevokedKey', new pq.Policy({ ...options, trustAnchors: [...options.trustAnchors, { keyId: release, state: 'revoked' }] }));
  // A slot shorter than the image its header announces (firmware.test.mjs: setSlotLen).
  reject(valid.subarray(0, valid.length - 1), 'Firmware.ImageExceedsSlot', policy, (v) => v.setSlotLen(valid.length - 1));
  // Every code of firmwareErrorCodes() is produced by some KAT file (kat.test.mjs checks each),
  // but ImageExceedsSlot, which depends on the slot (just above; firmware.test.mjs), and the
  // rejections of decryption (fw_encrypted.test.mjs).
  const codes = pq.firmwareErrorCodes();
  assert.equal(codes.length, 32);
  for (const c of ['SecurityVersionTooLarge', 'ClassNotEndorsed', 'EndorsedAnchor', 'NonCanonicalSignature', 'ImageExceedsSlot', 'EncryptedNotAccepted']) {
    assert.ok(codes.includes(`Firmware.${c}`), c);
  }
  assert.deepEqual(
    new Set(codes.filter((c) => c !== 'Firmware.ImageExceedsSlot' && !decryptionErrorCodes.includes(c))),
    new Set(json.files.filter((f) => f.expect !== 'valid').map((f) => `Firmware.${f.expect}`)),
  );
  // Each new rejection as an exception: name, code, and the core's message.
  for (const [file, message] of [
    ['SecurityVersionTooLarge.pqfw', /device counter/],
    ['ClassNotEndorsed.pqfw', /endorsement does not cover the image's device class/],
    ['EndorsedAnchor.pqfw', /endorsed key is itself a trust anchor/],
    ['NonCanonicalSignature.pqfw', /low-s/],
    ['EncryptedNotAccepted.pqfw', /policy does not accept encrypted images/],
  ]) {
    const err = reject(image(file), `Firmware.${file.replace('.pqfw', '')}`);
    assert.match(err.message, message);
  }
});

test('streaming verifier: sticky errors, use after finish, bad stream input', async () => {
  const { options, image } = firmwareKat();
  const policy = new pq.Policy({ ...options, minSecurityVersion: 100 });
  const v = new pq.FirmwareVerifier(policy);
  const img = image('valid.pqfw');
  throwsCode(assert, () => v.update(img.subarray(0, 200)), 'Firmware.Rollback'); // found in the header
  throwsCode(assert, () => v.update(img.subarray(200)), 'Firmware.Rollback'); // sticks
  throwsCode(assert, () => v.finish(), 'Firmware.Rollback');
  throwsCode(assert, () => v.finish(), 'InvalidState');
  throwsCode(assert, () => v.update(new Uint8Array(1)), 'InvalidState');
  v.free();
  await assert.rejects(pq.verifyFirmwareStream(new pq.Policy(options), 42), (e) => e.code === 'InvalidArgument');
  async function* strings() { yield 'not bytes'; }
  await assert.rejects(pq.verifyFirmwareStream(new pq.Policy(options), strings()), (e) => e.code === 'InvalidArgument');
  await assert.rejects(
    pq.verifyFirmwareStream(policy, new Blob([img])),
    (e) => e.code === 'Firmware.Rollback',
  );
  throwsCode(assert, () => pq.inspectFirmware(new Uint8Array(10)), 'Firmware.Truncated');
  throwsCode(assert, () => pq.inspectFirmware(new Uint8Array(192)), 'Firmware.BadMagic');
});
