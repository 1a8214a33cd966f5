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
  assert.equal(pq.firmwareErrorCodes().length, 19);
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
    const d1 = pq.signDeterministic(alg, kp.secretKey, msg, c);
    const d2 = pq.signDeterministic(alg, kp.secretKey, msg, c);
    assert.ok(eq(d1, d2), 'deterministic');
    assert.ok(d1.length <= sz.signature);
    assert.equal(pq.verify(alg, kp.publicKey, msg, d1, c), true);
    assert.equal(pq.verify(alg, kp.publicKey, utf8('other'), d1, c), false);
    if (!alg.startsWith('SLH-DSA') || alg.endsWith('f')) {
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
