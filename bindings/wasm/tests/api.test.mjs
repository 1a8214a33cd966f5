// Every algorithm of the agile layer through the JS API: key generation, signing, KEMs, key
// classes, PEM/DER round trips, sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pq, utf8, eq } from './helpers.mjs';

const msg = utf8('firmware v1.2.3');
const ctx = utf8('my-product');

test('algorithm lists and sizes', () => {
  const sigs = pq.signatureAlgorithms();
  const kems = pq.kemAlgorithms();
  assert.equal(sigs.length, 24);
  assert.equal(kems.length, 7);
  const s = pq.sizes('ML-DSA-65');
  assert.deepEqual(
    { pk: s.publicKey, sk: s.secretKey, sig: s.signature, kind: s.kind, ctx: s.supportsContext },
    { pk: 1952, sk: 32, sig: 3309, kind: 'signature', ctx: true },
  );
  const k = pq.sizes('ml-kem-768'); // names are case-insensitive
  assert.deepEqual([k.algorithm, k.publicKey, k.secretKey, k.ciphertext, k.sharedSecret], ['ML-KEM-768', 1184, 64, 1088, 32]);
  assert.equal(pq.sizes('Ed25519').supportsContext, false);
  assert.equal(pq.sizes('MLDSA65-Ed25519-SHA512').hybrid, true);
  assert.equal(pq.firmwareAlgorithms().length, 21);
  assert.equal(pq.firmwareErrorCodes().length, 32);
  assert.match(pq.version(), /^\d+\.\d+\.\d+/);
});

for (const alg of pq.signatureAlgorithms()) {
  test(`signature ${alg}: keygen, sign, signDeterministic, verify, encodings`, () => {
    const sz = pq.sizes(alg);
    const seed = new Uint8Array(sz.seed).fill(7);
    const kp = pq.keypairFromSeed(alg, seed);
    assert.equal(kp.publicKey.length, sz.publicKey);
    assert.equal(kp.secretKey.length, sz.secretKey);
    assert.ok(eq(pq.publicKeyFromSecret(alg, kp.secretKey), kp.publicKey));
    const c = sz.supportsContext ? ctx : undefined;
    // SLH-DSA "s" sets take seconds per signature in wasm: one signature each; determinism
    // (the same code path for every parameter set) is checked on the others.
    const slow = alg.startsWith('SLH-DSA') && alg.endsWith('s');
    const d1 = pq.signDeterministic(alg, kp.secretKey, msg, c);
    if (!slow) {
      const d2 = pq.signDeterministic(alg, kp.secretKey, msg, c);
      assert.ok(eq(d1, d2), 'deterministic');
    }
    assert.ok(d1.length <= sz.signature);
    assert.equal(pq.verify(alg, kp.publicKey, msg, d1, c), true);
    assert.equal(pq.verify(alg, kp.publicKey, utf8('other'), d1, c), false);
    if (!slow) {
      // Hedged signing (SLH-DSA "s" sets are slow; their deterministic path covers them).
      const gen = pq.generateKeypair(alg);
      const h = pq.sign(alg, gen.secretKey, msg, c);
      assert.equal(pq.verify(alg, gen.publicKey, msg, h, c), true);
    }
    // SPKI / PKCS#8, DER and PEM.
    const spki = pq.encodePublicKeyDer(alg, kp.publicKey);
    assert.deepEqual(pq.decodePublicKeyDer(spki), { algorithm: alg, kind: 'signature', publicKey: kp.publicKey });
    const pem = pq.encodePublicKeyPem(alg, kp.publicKey);
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.ok(eq(pq.decodePublicKeyPem(pem).publicKey, kp.publicKey));
    const p8 = pq.encodePrivateKeyDer(alg, kp.secretKey);
    assert.ok(eq(pq.decodePrivateKeyDer(p8).secretKey, kp.secretKey));
    const skPem = pq.encodePrivateKeyPem(alg, kp.secretKey);
    assert.match(skPem, /^-----BEGIN PRIVATE KEY-----\n/);
    const dec = pq.decodePrivateKeyPem(skPem);
    assert.equal(dec.algorithm, alg);
    assert.ok(eq(dec.secretKey, kp.secretKey));
  });
}

for (const alg of pq.kemAlgorithms()) {
  test(`KEM ${alg}: keygen, encapsulate, decapsulate, encodings`, () => {
    const sz = pq.sizes(alg);
    const kp = pq.keypairFromSeed(alg, new Uint8Array(sz.seed).fill(3));
    assert.equal(kp.publicKey.length, sz.publicKey);
    assert.ok(eq(pq.publicKeyFromSecret(alg, kp.secretKey), kp.publicKey));
    const { ciphertext, sharedSecret } = pq.encapsulate(alg, kp.publicKey);
    assert.equal(ciphertext.length, sz.ciphertext);
    assert.equal(sharedSecret.length, 32);
    assert.ok(eq(pq.decapsulate(alg, kp.secretKey, ciphertext), sharedSecret));
    const r = new Uint8Array(sz.encapsRandomness).fill(9);
    const a = pq.encapsulateDeterministic(alg, kp.publicKey, r);
    const b = pq.encapsulateDeterministic(alg, kp.publicKey, r);
    assert.ok(eq(a.ciphertext, b.ciphertext) && eq(a.sharedSecret, b.sharedSecret));
    const gen = pq.generateKeypair(alg);
    const e = pq.encapsulate(alg, gen.publicKey);
    assert.ok(eq(pq.decapsulate(alg, gen.secretKey, e.ciphertext), e.sharedSecret));
    const spki = pq.encodePublicKeyDer(alg, kp.publicKey);
    assert.equal(pq.decodePublicKeyDer(spki).kind, 'kem');
    const p8 = pq.encodePrivateKeyPem(alg, kp.secretKey);
    assert.ok(eq(pq.decodePrivateKeyPem(p8).secretKey, kp.secretKey));
  });
}

test('key classes: SigningKey / VerifyingKey, free(), PEM, key id', () => {
  const sk = pq.SigningKey.fromSeed('MLDSA65-Ed25519-SHA512', new Uint8Array(32).fill(0x20));
  assert.equal(sk.algorithm, 'MLDSA65-Ed25519-SHA512');
  const vk = sk.verifyingKey();
  // The firmware KAT's "release" key (seed 0x20…): key id from policy.json.
  assert.equal(Buffer.from(vk.keyId()).toString('hex'), '12e41fe11b6b03cb24a047e690ce26661fde998d209f56f2e1b0f45f622b3f31');
  assert.equal(Buffer.from(pq.firmwareKeyIdFromPem(vk.toPem())).toString('hex'), pq.toHex(vk.keyId()));
  const sig = sk.sign(msg, ctx);
  assert.ok(vk.verify(msg, sig, ctx));
  assert.ok(!vk.verify(msg, sig, utf8('other ctx')));
  assert.ok(eq(sk.signDeterministic(msg), sk.signDeterministic(msg)));
  const again = pq.SigningKey.fromPem(sk.toPem());
  assert.ok(eq(again.toBytes(), sk.toBytes()));
  assert.ok(eq(pq.SigningKey.fromPkcs8(sk.toPkcs8()).toBytes(), sk.toBytes()));
  assert.ok(eq(pq.VerifyingKey.fromSpki(vk.toSpki()).toBytes(), vk.toBytes()));
  assert.ok(eq(pq.VerifyingKey.fromPem(vk.toPem()).toBytes(), vk.toBytes()));
  sk.free();
  assert.throws(() => sk.sign(msg), /null pointer|destroyed|moved|freed/i, 'use after free() throws');
  again.free();
  vk.free();
  // `using` / Symbol.dispose where the runtime has it.
  if (Symbol.dispose) assert.equal(typeof pq.SigningKey.prototype[Symbol.dispose], 'function');
});

test('key classes: DecapsulationKey / EncapsulationKey', () => {
  for (const alg of ['ML-KEM-768', 'X-Wing', 'MLKEM768-X25519-SHA3-256']) {
    const dk = pq.DecapsulationKey.generate(alg);
    const ek = dk.encapsulationKey();
    const { ciphertext, sharedSecret } = ek.encapsulate();
    assert.ok(eq(dk.decapsulate(ciphertext), sharedSecret));
    const dk2 = pq.DecapsulationKey.fromPem(dk.toPem());
    assert.ok(eq(dk2.decapsulate(ciphertext), sharedSecret));
    const ek2 = pq.EncapsulationKey.fromSpki(ek.toSpki());
    assert.ok(eq(ek2.toBytes(), ek.toBytes()));
    assert.ok(eq(pq.EncapsulationKey.fromPem(ek.toPem()).toBytes(), ek.toBytes()));
    assert.ok(eq(pq.DecapsulationKey.fromBytes(alg, dk.toBytes()).toBytes(), dk.toBytes()));
    for (const o of [dk, ek, dk2, ek2]) o.free();
  }
});

// The key classes keep the decoded key (cached.rs); the byte functions decode on every call.
// Both must give the same keys, deterministic signatures and shared secrets for every algorithm.
test('key classes agree with the byte functions (every algorithm)', () => {
  // SLH-DSA keys stay bytes and take the agile path either way: one set stands for all (its
  // key generation and signing are slow, and covered per set above).
  const algs = pq.signatureAlgorithms().filter((a) => !a.startsWith('SLH-DSA') || a === 'SLH-DSA-SHA2-128f');
  for (const alg of algs) {
    const seed = new Uint8Array(pq.sizes(alg).seed).fill(0x5a);
    const kp = pq.keypairFromSeed(alg, seed);
    const sk = pq.SigningKey.fromSeed(alg, seed);
    const vk = sk.verifyingKey();
    assert.ok(eq(sk.toBytes(), kp.secretKey), `${alg} secret key`);
    assert.ok(eq(vk.toBytes(), kp.publicKey), `${alg} public key`);
    assert.ok(eq(pq.publicKeyFromSecret(alg, kp.secretKey), kp.publicKey), `${alg} publicKeyFromSecret`);
    const c = pq.sizes(alg).supportsContext ? ctx : undefined;
    const sig = sk.signDeterministic(msg, c);
    assert.ok(eq(sig, pq.signDeterministic(alg, kp.secretKey, msg, c)), `${alg} deterministic signature`);
    assert.ok(vk.verify(msg, sig, c) && pq.verify(alg, kp.publicKey, msg, sig, c), `${alg} verify`);
    const bad = Uint8Array.from(sig);
    bad[bad.length >> 1] ^= 1;
    assert.equal(vk.verify(msg, bad, c), false, `${alg} tampered signature`);
    assert.equal(pq.verify(alg, kp.publicKey, msg, bad, c), false, `${alg} tampered signature (bytes)`);
    assert.ok(pq.verify(alg, kp.publicKey, msg, sk.sign(msg, c), c), `${alg} hedged signature`);
    sk.free();
    vk.free();
  }
  for (const alg of pq.kemAlgorithms()) {
    const seed = new Uint8Array(pq.sizes(alg).seed).fill(0xa5);
    const kp = pq.keypairFromSeed(alg, seed);
    const dk = pq.DecapsulationKey.fromSeed(alg, seed);
    const ek = dk.encapsulationKey();
    assert.ok(eq(dk.toBytes(), kp.secretKey), `${alg} secret key`);
    assert.ok(eq(ek.toBytes(), kp.publicKey), `${alg} public key`);
    assert.ok(eq(pq.publicKeyFromSecret(alg, kp.secretKey), kp.publicKey), `${alg} publicKeyFromSecret`);
    const a = ek.encapsulate();
    assert.ok(eq(dk.decapsulate(a.ciphertext), a.sharedSecret), `${alg} class round trip`);
    assert.ok(eq(pq.decapsulate(alg, kp.secretKey, a.ciphertext), a.sharedSecret), `${alg} bytes decapsulate`);
    const b = pq.encapsulate(alg, kp.publicKey);
    assert.ok(eq(dk.decapsulate(b.ciphertext), b.sharedSecret), `${alg} bytes encapsulate`);
    dk.free();
    ek.free();
  }
});

test('key classes: errors when made and when used', () => {
  const code = (f) => { try { f(); } catch (e) { return [e.name, e.code, e.field]; } return null; };
  assert.deepEqual(code(() => pq.SigningKey.fromBytes('ML-DSA-65', new Uint8Array(31))), ['PqhybridError', 'InvalidLength', 'secretKey']);
  assert.deepEqual(code(() => pq.sign('ML-DSA-65', new Uint8Array(33), msg)), ['PqhybridError', 'InvalidLength', 'secretKey']);
  assert.deepEqual(code(() => pq.DecapsulationKey.fromBytes('X-Wing', new Uint8Array(31))), ['PqhybridError', 'InvalidLength', 'secretKey']);
  assert.deepEqual(code(() => pq.decapsulate('ML-KEM-768', new Uint8Array(63), new Uint8Array(1088))), ['PqhybridError', 'InvalidLength', 'secretKey']);
  const sk = pq.SigningKey.fromSeed('ML-DSA-65', new Uint8Array(32));
  assert.deepEqual(code(() => sk.sign(msg, new Uint8Array(256))), ['PqhybridError', 'ContextTooLong', undefined]);
  const dk = pq.DecapsulationKey.fromSeed('ML-KEM-768', new Uint8Array(64));
  assert.deepEqual(code(() => dk.decapsulate(new Uint8Array(1087))), ['PqhybridError', 'InvalidLength', 'ciphertext']);
  // A composite public key whose Ed25519 half does not decode: accepted when made (length
  // only), reported when used, as by the byte functions.
  const pk = new Uint8Array(pq.sizes('MLDSA65-Ed25519-SHA512').publicKey);
  pk.fill(0xff, pk.length - 32);
  const vk = pq.VerifyingKey.fromBytes('MLDSA65-Ed25519-SHA512', pk);
  const sig = new Uint8Array(pq.sizes('MLDSA65-Ed25519-SHA512').signature);
  assert.deepEqual(code(() => vk.verify(msg, sig)), code(() => pq.verify('MLDSA65-Ed25519-SHA512', pk, msg, sig)));
  for (const o of [sk, dk, vk]) o.free();
});
