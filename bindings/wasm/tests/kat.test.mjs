// Known-answer vectors through the JS API: X-Wing, composite-sigs, the project's firmware
// files, and ACVP ML-KEM (keyGen, encapDecap) and ML-DSA (keyGen, sigVer). The external vectors
// are read in place (see helpers.katDir) and checked against kat-vectors/MANIFEST.tsv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pq, hex, b64, eq, loadKat, firmwareKat, firmwareKatDir, firmwareV1KatDir, decryptionErrorCodes } from './helpers.mjs';

/** Runs `cases` (each [id, fn]) and fails listing every failing id; returns the count. */
function tally(t, cases) {
  const failures = [];
  for (const [id, fn] of cases) {
    try {
      fn();
    } catch (e) {
      failures.push(`${id}: ${e.code ?? ''} ${e.message}`);
    }
  }
  t.diagnostic(`${cases.length - failures.length} passed, ${failures.length} failed`);
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} failed`);
  assert.ok(cases.length > 0, 'no cases');
  return cases.length;
}

test('X-Wing test vectors (draft-connolly-cfrg-xwing-kem-10)', (t) => {
  const v = loadKat('xwing/test-vectors.json');
  tally(t, v.map((c, i) => [`vector ${i}`, () => {
    const kp = pq.keypairFromSeed('X-Wing', hex(c.seed));
    assert.ok(eq(kp.publicKey, hex(c.pk)), 'pk');
    assert.ok(eq(kp.secretKey, hex(c.sk)), 'sk');
    const e = pq.encapsulateDeterministic('X-Wing', hex(c.pk), hex(c.eseed));
    assert.ok(eq(e.ciphertext, hex(c.ct)), 'ct');
    assert.ok(eq(e.sharedSecret, hex(c.ss)), 'encaps ss');
    assert.ok(eq(pq.decapsulate('X-Wing', hex(c.sk), hex(c.ct)), hex(c.ss)), 'decaps ss');
  }]));
});

test('composite-sigs test vectors (draft-ietf-lamps-pq-composite-sigs-19)', (t) => {
  const v = loadKat('composite-sigs/testvectors.json');
  const m = b64(v.m);
  const ctx = b64(v.ctx);
  const supported = new Set(pq.signatureAlgorithms().map((a) => a.toLowerCase()));
  const entries = v.tests.filter((c) => supported.has(c.tcId.replace(/^id-/, '').toLowerCase()));
  const skipped = v.tests.length - entries.length;
  t.diagnostic(`${entries.length} supported entries, ${skipped} not applicable (RSA, brainpool, Ed448, P-521)`);
  assert.equal(entries.length, 9, 'six composites and ML-DSA-44/65/87');
  tally(t, entries.map((c) => [c.tcId, () => {
    const alg = c.tcId.replace(/^id-/, '');
    const pk = b64(c.pk);
    assert.ok(eq(pq.publicKeyFromSecret(alg, b64(c.sk)), pk), 'pk derived from sk');
    assert.equal(pq.verify(alg, pk, m, b64(c.s)), true, 's');
    assert.equal(pq.verify(alg, pk, m, b64(c.sWithContext), ctx), true, 'sWithContext');
    assert.equal(pq.verify(alg, pk, m, b64(c.sWithContext)), false, 'sWithContext without ctx');
    // The PKCS#8 of the vectors decodes to the same secret key.
    assert.ok(eq(pq.decodePrivateKeyDer(b64(c.sk_pkcs8)).secretKey, b64(c.sk)), 'sk_pkcs8');
  }]));
});

test('firmware known-answer files: each verdict per policy.json', async (t) => {
  const { json, options, trustStore, image } = firmwareKat();
  const viaAnchors = new pq.Policy(options);
  const viaStore = new pq.Policy({ ...options, trustAnchors: undefined, trustStore });
  const verdict = (fn) => { try { fn(); return 'valid'; } catch (e) { return e.code; } };
  const cases = [];
  for (const f of json.files) {
    const want = f.expect === 'valid' ? 'valid' : `Firmware.${f.expect}`;
    const bytes = image(f.file);
    cases.push([`${f.file} (one shot)`, () => assert.equal(verdict(() => pq.verifyFirmware(viaAnchors, bytes)), want)]);
    cases.push([`${f.file} (trust store)`, () => assert.equal(verdict(() => pq.verifyFirmware(viaStore, bytes)), want)]);
    for (const chunk of [1, 7, 4096]) {
      cases.push([`${f.file} (chunks of ${chunk})`, () => {
        const v = new pq.FirmwareVerifier(viaAnchors);
        const got = verdict(() => {
          for (let i = 0; i < bytes.length; i += chunk) v.update(bytes.subarray(i, i + chunk));
          v.finish();
        });
        v.free();
        assert.equal(got, want);
      }]);
    }
  }
  // One file per rejection but ImageExceedsSlot (a property of the slot: firmware.test.mjs) and
  // the rejections of decryption (fw_encrypted.test.mjs).
  assert.equal(json.files.length, pq.firmwareErrorCodes().length - decryptionErrorCodes.length);
  tally(t, cases);
  // The async helpers: a Node stream, a web ReadableStream, a Blob.
  for (const f of json.files) {
    const want = f.expect === 'valid' ? 'valid' : `Firmware.${f.expect}`;
    const run = async (src) => { try { await pq.verifyFirmwareStream(viaAnchors, src); return 'valid'; } catch (e) { return e.code; } };
    assert.equal(await run(createReadStream(join(firmwareKatDir, f.file), { highWaterMark: 777 })), want, f.file);
    assert.equal(await run(new Blob([image(f.file)]).stream()), want, f.file);
    assert.equal(await run(new Blob([image(f.file)])), want, f.file);
  }
});

test('firmware format 1 (frozen): UnsupportedVersion unless acceptV1', (t) => {
  const { json, options, image } = firmwareKat(firmwareV1KatDir);
  assert.equal(options.acceptV1, undefined, 'the format-1 policy predates acceptV1');
  const verdict = (p, bytes) => { try { pq.verifyFirmware(p, bytes); return 'valid'; } catch (e) { return e.code; } };
  const code = (e) => (e === 'valid' ? 'valid' : `Firmware.${e}`);
  const cases = [];
  for (const f of json.files) {
    const bytes = image(f.file);
    cases.push([`${f.file} (default policy)`, () => assert.equal(verdict(new pq.Policy(options), bytes), code(f.expect))]);
    cases.push([`${f.file} (acceptV1: false)`, () => assert.equal(verdict(new pq.Policy({ ...options, acceptV1: false }), bytes), code(f.expect))]);
    cases.push([`${f.file} (acceptV1: true)`, () => assert.equal(verdict(new pq.Policy({ ...options, acceptV1: true }), bytes), code(f.expectAcceptV1))]);
    for (const chunk of [1, 777]) {
      cases.push([`${f.file} (acceptV1: true, chunks of ${chunk})`, () => {
        const v = new pq.FirmwareVerifier(new pq.Policy({ ...options, acceptV1: true }));
        let got;
        try {
          for (let i = 0; i < bytes.length; i += chunk) v.update(bytes.subarray(i, i + chunk));
          got = v.finish().formatVersion === 1 ? 'valid' : 'wrong formatVersion';
        } catch (e) {
          got = e.code;
        }
        v.free();
        assert.equal(got, code(f.expectAcceptV1));
      }]);
    }
  }
  tally(t, cases);
  // The verified format-1 manifest and what inspect says about its (unscoped) endorsement.
  const v1 = image('valid.pqfw');
  const r = pq.verifyFirmware(new pq.Policy({ ...options, acceptV1: true }), v1);
  assert.equal(r.formatVersion, 1);
  assert.equal(r.securityVersion, 7n);
  assert.ok(eq(r.imageId, createHash('sha256').update(v1.subarray(0, r.headerLen)).digest()));
  const i = pq.inspectFirmware(v1);
  assert.equal(i.formatVersion, 1);
  assert.equal(i.problem, null);
  assert.equal(i.signatureBlock.endorsement.formatVersion, 1);
  assert.equal(i.signatureBlock.endorsement.anyClass, null);
  assert.equal(i.signatureBlock.endorsement.deviceClasses, null);
});

test('firmware: every manifest field of valid.pqfw', async () => {
  const { json, options, image } = firmwareKat();
  const r = await pq.verifyFirmwareStream(new pq.Policy(options), new Blob([image('valid.pqfw')]).stream());
  const key = (n) => json.keys.find((k) => k.name === n);
  assert.equal(r.valid, true);
  assert.equal(r.algorithm, 'MLDSA65-Ed25519-SHA512');
  assert.equal(r.algorithmId, 18);
  assert.equal(r.securityVersion, 7n);
  assert.equal(r.headerLen, 256);
  assert.equal(r.payloadLen, 1024);
  assert.equal(r.imageLen, 12064);
  assert.equal(r.formatVersion, 2);
  assert.equal(r.digestAlgorithm, 'SHA-256');
  const bytes = image('valid.pqfw');
  const sha256 = (b) => createHash('sha256').update(b).digest();
  assert.ok(eq(r.payloadDigest, sha256(bytes.subarray(256, 256 + 1024))), 'payloadDigest is the payload\'s SHA-256');
  assert.ok(eq(r.imageId, sha256(bytes.subarray(0, 256))), 'imageId is the SHA-256 of the whole header');
  assert.equal(r.version.text, `${r.version.major}.${r.version.minor}.${r.version.revision}+${r.version.build}`);
  assert.equal(pq.toHex(r.deviceClass), json.policy.deviceClass);
  assert.equal(pq.toHex(r.signerKeyId), key('release').keyId);
  assert.equal(r.sbomDigest.length, 32);
  assert.equal(r.delegated, true);
  assert.equal(pq.toHex(r.delegation.rootKeyId), key('root').keyId);
  assert.deepEqual([r.delegation.minSecurityVersion, r.delegation.maxSecurityVersion], [5n, 10n]);
  const i = pq.inspectFirmware(image('valid.pqfw'));
  assert.equal(i.verified, false);
  assert.equal(i.problem, null);
  assert.equal(pq.toHex(i.signatureBlock.publicKey), key('release').pk);
  assert.equal(pq.toHex(i.signatureBlock.publicKeyId), key('release').keyId);
  assert.equal(pq.toHex(i.signatureBlock.endorsement.rootPublicKey), key('root').pk);
  assert.equal(i.formatVersion, 2);
  assert.equal(i.imageId, undefined, 'not verified: no image id');
  const e = i.signatureBlock.endorsement;
  assert.equal(e.formatVersion, 2);
  assert.equal(e.anyClass, false);
  const text = (b) => Buffer.from(b).toString('latin1');
  assert.deepEqual(e.deviceClasses.map(text), ['pqhybrid-kat-aaa', 'pqhybrid-kat-dev']);
  assert.deepEqual([e.minSecurityVersion, e.maxSecurityVersion], [5n, 10n]);
  // Endorsed for every class (the flag, no list), and for two classes without the device's.
  const any = pq.inspectFirmware(image('WrongDeviceClass.pqfw')).signatureBlock.endorsement;
  assert.deepEqual([any.anyClass, any.deviceClasses], [true, []]);
  const other = pq.inspectFirmware(image('ClassNotEndorsed.pqfw')).signatureBlock.endorsement;
  assert.equal(other.anyClass, false);
  assert.deepEqual(other.deviceClasses.map(text), ['pqhybrid-kat-aaa', 'pqhybrid-kat-bbb']);
  // inspect reports what it cannot read instead of throwing.
  const bad = pq.inspectFirmware(image('Malformed.pqfw'));
  assert.equal(bad.signatureBlock, null);
  assert.equal(bad.problem.code, 'Firmware.Malformed');
  // Key ids from the seeds of policy.json.
  for (const k of json.keys) {
    const kp = pq.keypairFromSeed(k.alg, hex(k.seed));
    assert.equal(pq.toHex(kp.publicKey), k.pk);
    assert.equal(pq.toHex(pq.firmwareKeyId(k.alg, kp.publicKey)), k.keyId);
  }
});

test('ACVP ML-KEM keyGen (FIPS 203)', (t) => {
  const v = loadKat('acvp/ML-KEM-keyGen-FIPS203/internalProjection.json');
  const cases = [];
  for (const g of v.testGroups) {
    for (const c of g.tests) {
      cases.push([`tgId ${g.tgId} tcId ${c.tcId}`, () => {
        const kp = pq.keypairFromSeed(g.parameterSet, Uint8Array.from([...hex(c.d), ...hex(c.z)]));
        assert.ok(eq(kp.publicKey, hex(c.ek)), 'ek');
      }]);
    }
  }
  tally(t, cases);
});

test('ACVP ML-KEM encapDecap, encapsulation groups (FIPS 203)', (t) => {
  const v = loadKat('acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json');
  const cases = [];
  let na = 0;
  for (const g of v.testGroups) {
    if (g.function !== 'encapsulation') {
      na += g.tests.length; // decapsulation and key checks take the expanded dk, which the agile layer does not import
      continue;
    }
    for (const c of g.tests) {
      cases.push([`tgId ${g.tgId} tcId ${c.tcId}`, () => {
        const e = pq.encapsulateDeterministic(g.parameterSet, hex(c.ek), hex(c.m));
        assert.ok(eq(e.ciphertext, hex(c.c)), 'c');
        assert.ok(eq(e.sharedSecret, hex(c.k)), 'k');
      }]);
    }
  }
  t.diagnostic(`${na} cases not applicable (expanded decapsulation keys)`);
  tally(t, cases);
});

test('ACVP ML-DSA keyGen (FIPS 204)', (t) => {
  const v = loadKat('acvp/ML-DSA-keyGen-FIPS204/internalProjection.json');
  const cases = [];
  for (const g of v.testGroups) {
    for (const c of g.tests) {
      cases.push([`tgId ${g.tgId} tcId ${c.tcId}`, () => {
        assert.ok(eq(pq.keypairFromSeed(g.parameterSet, hex(c.seed)).publicKey, hex(c.pk)));
      }]);
    }
  }
  tally(t, cases);
});

test('ACVP ML-DSA sigVer, external pure interface (FIPS 204)', (t) => {
  const v = loadKat('acvp/ML-DSA-sigVer-FIPS204/internalProjection.json');
  const cases = [];
  let na = 0;
  for (const g of v.testGroups) {
    if (g.signatureInterface !== 'external' || g.preHash !== 'pure') {
      na += g.tests.length; // HashML-DSA and the internal / external-mu interfaces are not in the JS API
      continue;
    }
    for (const c of g.tests) {
      cases.push([`tgId ${g.tgId} tcId ${c.tcId}`, () => {
        const got = pq.verify(g.parameterSet, hex(c.pk), hex(c.message), hex(c.signature), hex(c.context));
        assert.equal(got, c.testPassed, c.reason);
      }]);
    }
  }
  t.diagnostic(`${na} cases not applicable (pre-hash, internal, external mu)`);
  tally(t, cases);
});
