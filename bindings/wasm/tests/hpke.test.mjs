// HPKE (RFC 9180, Base mode): hpkeSeal / hpkeOpen / kemKeyId / hpkeAlgorithms. Round trips for
// every suite, tampering and misuse with their codes, draft-ietf-hpke-pq-04's vectors, and the
// seal files the CLI wrote (kat-vectors/pqhybrid/seal/), opened here.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pq, hex, toHex, utf8, eq, throwsCode, loadKat, repoRoot, hasHpke } from './helpers.mjs';

/** Every test here, skipped for a package built without the `hpke` feature. */
const test = (name, fn) => nodeTest(name, { skip: !hasHpke && 'built without the hpke feature' }, fn);

/** The HPKE identifiers (draft-ietf-hpke-pq-04 §4, RFC 9180 §7), written out independently. */
const KEM_IDS = {
  'ML-KEM-512': 0x0040,
  'ML-KEM-768': 0x0041,
  'ML-KEM-1024': 0x0042,
  'X-Wing': 0x647a,
  'MLKEM768-ECDH-P256-SHA3-256': 0x0050,
  'MLKEM1024-ECDH-P384-SHA3-256': 0x0051,
};
const KDF_IDS = { 'HKDF-SHA256': 0x0001, 'HKDF-SHA512': 0x0003, SHAKE128: 0x0010, SHAKE256: 0x0011 };
const AEAD_IDS = { 'AES-256-GCM': 0x0002, ChaCha20Poly1305: 0x0003 };
const byId = (table, id) => Object.keys(table).find((k) => table[k] === id);
const TAG = 16;

/** A key pair of `kem` from a fixed seed (bytes `salt`, `salt`+1, …). */
function keypair(kem, salt = 0) {
  const seed = Uint8Array.from({ length: pq.sizes(kem).seed }, (_, i) => (i + salt) & 0xff);
  return pq.keypairFromSeed(kem, seed);
}

const flip = (b, i) => {
  const c = Uint8Array.from(b);
  c[i < 0 ? c.length + i : i] ^= 0x01;
  return c;
};

test('hpkeAlgorithms lists the offered suite names', () => {
  const { kems, kdfs, aeads } = pq.hpkeAlgorithms();
  assert.deepEqual([...kems].sort(), Object.keys(KEM_IDS).sort());
  assert.ok(!kems.includes('MLKEM768-X25519-SHA3-256'));
  assert.deepEqual(kdfs, Object.keys(KDF_IDS));
  assert.deepEqual(aeads, Object.keys(AEAD_IDS));
  // In the order of kemAlgorithms().
  assert.deepEqual(kems, pq.kemAlgorithms().filter((k) => k in KEM_IDS));
});

test('round trip for every suite (6 KEMs x 4 KDFs x 2 AEADs)', () => {
  const { kems, kdfs, aeads } = pq.hpkeAlgorithms();
  const pt = utf8('attack at dawn, with post-quantum keys');
  let n = 0;
  for (const kem of kems) {
    const { publicKey, secretKey } = keypair(kem);
    for (const kdf of kdfs) {
      for (const aead of aeads) {
        const info = utf8(`info ${kem} ${kdf} ${aead}`);
        const aad = utf8('associated');
        const sealed = pq.hpkeSeal(kem, kdf, aead, publicKey, info, aad, pt);
        assert.ok(sealed instanceof Uint8Array);
        assert.equal(sealed.length, pq.sizes(kem).ciphertext + pt.length + TAG, `${kem} ${kdf} ${aead}`);
        assert.ok(eq(pq.hpkeOpen(kem, kdf, aead, secretKey, info, aad, sealed), pt), `${kem} ${kdf} ${aead}`);
        // The box of one suite does not open under another KDF or AEAD of the same KEM.
        const otherAead = aeads.find((a) => a !== aead);
        throwsCode(assert, () => pq.hpkeOpen(kem, kdf, otherAead, secretKey, info, aad, sealed), 'AuthenticationFailed');
        n++;
      }
    }
  }
  assert.equal(n, 48);
});

test('sealing is randomized; info and aad default to empty; empty plaintexts', () => {
  for (const kem of pq.hpkeAlgorithms().kems) {
    const { publicKey, secretKey } = keypair(kem, 7);
    const pt = utf8('same plaintext');
    const a = pq.hpkeSeal(kem, 'HKDF-SHA256', 'AES-256-GCM', publicKey, undefined, null, pt);
    const b = pq.hpkeSeal(kem, 'HKDF-SHA256', 'AES-256-GCM', publicKey, new Uint8Array(), new Uint8Array(), pt);
    assert.ok(!eq(a, b), `${kem}: two seals differ`);
    for (const box of [a, b]) {
      assert.ok(eq(pq.hpkeOpen(kem, 'HKDF-SHA256', 'AES-256-GCM', secretKey, null, undefined, box), pt));
      assert.ok(eq(pq.hpkeOpen(kem, 'HKDF-SHA256', 'AES-256-GCM', secretKey, new Uint8Array(), new Uint8Array(), box), pt));
    }
    const empty = pq.hpkeSeal(kem, 'SHAKE128', 'ChaCha20Poly1305', publicKey, undefined, undefined, new Uint8Array());
    assert.equal(empty.length, pq.sizes(kem).ciphertext + TAG);
    assert.equal(pq.hpkeOpen(kem, 'SHAKE128', 'ChaCha20Poly1305', secretKey, undefined, undefined, empty).length, 0);
  }
});

test('names are case-insensitive', () => {
  const { publicKey, secretKey } = keypair('X-Wing');
  const sealed = pq.hpkeSeal('x-wing', 'hkdf-sha512', 'aes-256-gcm', publicKey, undefined, undefined, utf8('x'));
  assert.equal(toHex(pq.hpkeOpen('X-WING', 'HKDF-SHA512', 'AES-256-GCM', secretKey, undefined, undefined, sealed)), '78');
  const again = pq.hpkeSeal('ML-KEM-768', 'shake256', 'CHACHA20POLY1305', keypair('ML-KEM-768').publicKey, undefined, undefined, utf8('y'));
  assert.equal(pq.hpkeOpen('ml-kem-768', 'SHAKE256', 'chacha20poly1305', keypair('ML-KEM-768').secretKey, undefined, undefined, again)[0], 0x79);
});

test('tampering, a wrong key, info or aad: AuthenticationFailed', () => {
  for (const kem of pq.hpkeAlgorithms().kems) {
    const { publicKey, secretKey } = keypair(kem, 1);
    const other = keypair(kem, 2);
    const info = utf8('info');
    const aad = utf8('aad');
    const pt = utf8('sixteen bytes!!!');
    const sealed = pq.hpkeSeal(kem, 'HKDF-SHA256', 'ChaCha20Poly1305', publicKey, info, aad, pt);
    const open = (box, sk = secretKey, i = info, a = aad) =>
      pq.hpkeOpen(kem, 'HKDF-SHA256', 'ChaCha20Poly1305', sk, i, a, box);
    assert.ok(eq(open(sealed), pt));
    const enc = pq.sizes(kem).ciphertext;
    // The first byte of enc (the ML-KEM ciphertext in every KEM here: implicit rejection), a
    // ciphertext byte, the last tag byte, a byte fewer, a byte more.
    for (const [what, box] of [
      ['enc', flip(sealed, 0)],
      ['ciphertext', flip(sealed, enc + 3)],
      ['tag', flip(sealed, -1)],
      ['truncated', sealed.subarray(0, sealed.length - 1)],
      ['extended', Uint8Array.from([...sealed, 0])],
    ]) {
      assert.equal(throwsCode(assert, () => open(box), 'AuthenticationFailed').code, 'AuthenticationFailed', `${kem}: ${what}`);
    }
    throwsCode(assert, () => open(sealed, other.secretKey), 'AuthenticationFailed');
    throwsCode(assert, () => open(sealed, secretKey, utf8('inf0')), 'AuthenticationFailed');
    // No aad (null: `undefined` would take the default parameter above).
    throwsCode(assert, () => open(sealed, secretKey, info, null), 'AuthenticationFailed');
    throwsCode(assert, () => open(sealed, secretKey, info, utf8('AAD')), 'AuthenticationFailed');
    // Shorter than enc and a tag: not a box at all.
    throwsCode(assert, () => open(sealed.subarray(0, enc + TAG - 1)), 'InvalidLength', {
      field: 'ciphertext',
      expected: enc + TAG,
      actual: enc + TAG - 1,
    });
  }
});

test('unknown and unsupported names', () => {
  const { publicKey, secretKey } = keypair('X-Wing');
  const x25519 = keypair('MLKEM768-X25519-SHA3-256');
  const pt = utf8('p');
  const seal = (kem, kdf, aead, pk = publicKey) => () => pq.hpkeSeal(kem, kdf, aead, pk, undefined, undefined, pt);
  const open = (kem, kdf, aead, sk = secretKey) => () =>
    pq.hpkeOpen(kem, kdf, aead, sk, undefined, undefined, new Uint8Array(2000));
  for (const f of [seal, open]) {
    // Not a KEM name: as every KEM function.
    throwsCode(assert, f('Kyber768', 'HKDF-SHA256', 'AES-256-GCM'), 'UnknownAlgorithm');
    throwsCode(assert, f('ML-DSA-65', 'HKDF-SHA256', 'AES-256-GCM'), 'UnknownAlgorithm');
    // A KEM without an HPKE code point, a KDF or AEAD that is not offered.
    const e = throwsCode(
      assert,
      f === seal
        ? seal('MLKEM768-X25519-SHA3-256', 'HKDF-SHA256', 'AES-256-GCM', x25519.publicKey)
        : open('MLKEM768-X25519-SHA3-256', 'HKDF-SHA256', 'AES-256-GCM', x25519.secretKey),
      'UnsupportedSuite',
    );
    assert.match(e.message, /MLKEM768-X25519-SHA3-256/);
    throwsCode(assert, f('X-Wing', 'HKDF-SHA384', 'AES-256-GCM'), 'UnsupportedSuite');
    throwsCode(assert, f('X-Wing', 'TurboSHAKE128', 'AES-256-GCM'), 'UnsupportedSuite');
    throwsCode(assert, f('X-Wing', 'HKDF-SHA256', 'AES-128-GCM'), 'UnsupportedSuite');
    throwsCode(assert, f('X-Wing', 'HKDF-SHA256', 'export-only'), 'UnsupportedSuite');
    throwsCode(assert, f('X-Wing', '', ''), 'UnsupportedSuite');
  }
  throwsCode(assert, () => pq.kemKeyId('Kyber768', publicKey), 'UnknownAlgorithm');
  throwsCode(assert, () => pq.kemKeyId('ML-DSA-44', publicKey), 'UnknownAlgorithm');
  throwsCode(assert, () => pq.kemKeyId('MLKEM768-X25519-SHA3-256', x25519.publicKey), 'UnsupportedSuite');
});

test('keys of the wrong length: InvalidLength', () => {
  for (const kem of pq.hpkeAlgorithms().kems) {
    const { publicKey, secretKey } = keypair(kem);
    const s = pq.sizes(kem);
    throwsCode(
      assert,
      () => pq.hpkeSeal(kem, 'HKDF-SHA256', 'AES-256-GCM', publicKey.subarray(1), undefined, undefined, utf8('p')),
      'InvalidLength',
      { field: 'publicKey', expected: s.publicKey, actual: s.publicKey - 1 },
    );
    const sealed = pq.hpkeSeal(kem, 'HKDF-SHA256', 'AES-256-GCM', publicKey, undefined, undefined, utf8('p'));
    throwsCode(
      assert,
      () => pq.hpkeOpen(kem, 'HKDF-SHA256', 'AES-256-GCM', Uint8Array.from([...secretKey, 0]), undefined, undefined, sealed),
      'InvalidLength',
      { field: 'secretKey', expected: s.secretKey, actual: s.secretKey + 1 },
    );
    throwsCode(assert, () => pq.kemKeyId(kem, publicKey.subarray(0, 32)), 'InvalidLength', {
      field: 'publicKey',
      expected: s.publicKey,
      actual: 32,
    });
  }
  // A secret key of another KEM is refused (by its length), never used as the suite's KEM's.
  const xwing = keypair('X-Wing');
  throwsCode(
    assert,
    () => pq.hpkeOpen('ML-KEM-768', 'HKDF-SHA256', 'AES-256-GCM', xwing.secretKey, undefined, undefined, new Uint8Array(2000)),
    'InvalidLength',
  );
});

test('kemKeyId = SHA-256("pqhybrid/v1/kem-key-id" || u16le(kem id) || pk)', () => {
  for (const [kem, id] of Object.entries(KEM_IDS)) {
    const { publicKey } = keypair(kem, 3);
    const want = createHash('sha256')
      .update('pqhybrid/v1/kem-key-id')
      .update(Uint8Array.from([id & 0xff, id >> 8]))
      .update(publicKey)
      .digest('hex');
    const got = pq.kemKeyId(kem, publicKey);
    assert.ok(got instanceof Uint8Array && got.length === 32);
    assert.equal(toHex(got), want, kem);
    assert.notEqual(toHex(got), toHex(pq.firmwareKeyId('ML-DSA-65', keypair('ML-DSA-65').publicKey)));
  }
});

// draft-ietf-hpke-pq-04's vectors (both sets) whose suite is offered and whose `skRm` is the
// canonical secret key (ML-KEM's d ‖ z, X-Wing's seed; the hybrids' is a derivation seed).
for (const rel of ['hpke/hpke-pq/test-vectors.json', 'hpke/hpke-pq-143cd50/test-vectors.json']) {
  test(`${rel}: hpkeOpen opens the first encryption of each applicable vector`, () => {
    let ran = 0;
    for (const v of loadKat(rel)) {
      const kem = byId(KEM_IDS, Number(v.kem_id));
      const kdf = byId(KDF_IDS, Number(v.kdf_id));
      const aead = byId(AEAD_IDS, Number(v.aead_id));
      if (Number(v.mode) !== 0 || !kem || kem.startsWith('MLKEM') || !kdf || !aead) continue;
      const sk = hex(v.skRm);
      assert.equal(toHex(pq.publicKeyFromSecret(kem, sk)), v.pkRm, `${kem}: pkRm`);
      const e = v.encryptions[0];
      const sealed = Uint8Array.from([...hex(v.enc), ...hex(e.ct)]);
      assert.equal(toHex(pq.hpkeOpen(kem, kdf, aead, sk, hex(v.info), hex(e.aad), sealed)), e.pt, `${kem} ${kdf} ${aead}`);
      throwsCode(assert, () => pq.hpkeOpen(kem, kdf, aead, sk, hex(v.info), hex(e.aad), flip(sealed, -1)), 'AuthenticationFailed');
      ran++;
    }
    assert.equal(ran, 2, 'X-Wing with HKDF-SHA256 and SHAKE256, ChaCha20Poly1305');
  });
}

// The seal files the CLI wrote (`pqhybrid seal`), parsed as docs/hpke.md specifies and opened
// here: the front ends agree on the format and the suite.
test('kat-vectors/pqhybrid/seal: seal files written by the CLI open in WebAssembly', () => {
  const dir = join(repoRoot, 'kat-vectors', 'pqhybrid', 'seal');
  const { cases } = JSON.parse(readFileSync(join(dir, 'fixtures.json'), 'utf8'));
  assert.equal(cases.length, 3);
  for (const c of cases) {
    const file = new Uint8Array(readFileSync(join(dir, c.file)));
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const u16 = (o) => view.getUint16(o, true);
    assert.equal(new TextDecoder().decode(file.subarray(0, 4)), 'PQHS');
    assert.equal(u16(4), 1, 'format version');
    assert.equal(byId(KEM_IDS, u16(6)), c.kem);
    assert.equal(byId(KDF_IDS, u16(8)), c.kdf);
    assert.equal(byId(AEAD_IDS, u16(10)), c.aead);
    assert.equal(u16(12), c.aad ? 1 : 0, 'flags: bit 0 = sealed with associated data');
    const infoLen = u16(14);
    const info = file.subarray(16, 16 + infoLen);
    assert.equal(new TextDecoder().decode(info), c.info);
    const sealed = file.subarray(16 + infoLen);

    const { publicKey, secretKey } = pq.keypairFromSeed(c.kem, hex(c.seed));
    assert.equal(toHex(pq.kemKeyId(c.kem, publicKey)), c.keyId, c.file);
    const pt = pq.hpkeOpen(c.kem, c.kdf, c.aead, secretKey, info, utf8(c.aad), sealed);
    const want = c.plaintext ? new Uint8Array(readFileSync(join(dir, c.plaintext))) : new Uint8Array();
    assert.ok(eq(pt, want), c.file);
    // The key through its PKCS#8 PEM, as `pqhybrid open --key` reads it.
    const decoded = pq.decodePrivateKeyPem(pq.encodePrivateKeyPem(c.kem, secretKey));
    assert.ok(eq(pq.hpkeOpen(c.kem, c.kdf, c.aead, decoded.secretKey, info, utf8(c.aad), sealed), want));
    throwsCode(assert, () => pq.hpkeOpen(c.kem, c.kdf, c.aead, secretKey, info, utf8(`${c.aad}!`), sealed), 'AuthenticationFailed');
  }
});
