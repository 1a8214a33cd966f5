// Interoperability with @noble/post-quantum: ML-DSA signatures both ways, ML-KEM and X-Wing
// encapsulation in one library and decapsulation in the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { ml_kem768_x25519 as xwing } from '@noble/post-quantum/hybrid.js';
import { randomBytes } from 'node:crypto';
import { pq, utf8, eq } from './helpers.mjs';

const dsa = { 'ML-DSA-44': ml_dsa44, 'ML-DSA-65': ml_dsa65, 'ML-DSA-87': ml_dsa87 };
const kem = { 'ML-KEM-512': ml_kem512, 'ML-KEM-768': ml_kem768, 'ML-KEM-1024': ml_kem1024, 'X-Wing': xwing };

for (const [alg, noble] of Object.entries(dsa)) {
  test(`${alg}: same keys from the same seed; signatures verify both ways`, () => {
    for (let i = 0; i < 5; i++) {
      const seed = randomBytes(32);
      const ours = pq.keypairFromSeed(alg, seed);
      const theirs = noble.keygen(seed);
      assert.ok(eq(ours.publicKey, theirs.publicKey), 'public keys');
      const msg = randomBytes(1 + i * 100);
      const ctx = i % 2 ? utf8('interop-ctx') : undefined;
      const nobleSig = noble.sign(msg, theirs.secretKey, ctx ? { context: ctx } : {});
      assert.equal(pq.verify(alg, ours.publicKey, msg, nobleSig, ctx), true, 'noble → pqhybrid');
      const ourSig = pq.sign(alg, ours.secretKey, msg, ctx);
      assert.equal(noble.verify(ourSig, msg, theirs.publicKey, ctx ? { context: ctx } : {}), true, 'pqhybrid → noble');
      const det = pq.signDeterministic(alg, ours.secretKey, msg, ctx);
      // FIPS 204 deterministic signing (rnd = 0³²) is the same in both.
      const nobleDet = noble.sign(msg, theirs.secretKey, { ...(ctx ? { context: ctx } : {}), extraEntropy: false });
      assert.ok(eq(det, nobleDet), 'deterministic signatures identical');
    }
  });
}

for (const [alg, noble] of Object.entries(kem)) {
  test(`${alg}: encapsulate in one, decapsulate in the other`, () => {
    for (let i = 0; i < 5; i++) {
      const seed = randomBytes(pq.sizes(alg).seed);
      const ours = pq.keypairFromSeed(alg, seed);
      const theirs = noble.keygen(seed);
      assert.ok(eq(ours.publicKey, theirs.publicKey), 'public keys');
      const a = noble.encapsulate(ours.publicKey);
      assert.ok(eq(pq.decapsulate(alg, ours.secretKey, a.cipherText), a.sharedSecret), 'noble → pqhybrid');
      const b = pq.encapsulate(alg, theirs.publicKey);
      assert.ok(eq(noble.decapsulate(b.ciphertext, theirs.secretKey), b.sharedSecret), 'pqhybrid → noble');
    }
  });
}
