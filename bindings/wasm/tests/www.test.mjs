// The web page in headless Chromium (playwright-core, no browser download): served by a local
// node:http server on 127.0.0.1, a valid image is accepted and a tampered one rejected; an
// encrypted image is decrypted with a KEM private key given as a file or pasted, the plaintext
// downloaded, and wrong keys rejected; a device's identity chain is verified and each wrong
// input rejected with its code; screenshots are saved under target/wasm/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { pq, wasmDir, repoRoot, firmwareKat, hasIdentity, hasHpke, identityFixtures, toPem, eq } from './helpers.mjs';

const executablePath = process.env.PQHYBRID_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = join(repoRoot, 'target', 'wasm');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

let server, base, browser, profile, files;

before(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium, or set $PQHYBRID_CHROMIUM (cargo xtask wasm installs it when run as root)`);
  }
  // Static server of bindings/wasm/ (the page at /www/, the package at /pkg/).
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(wasmDir, path);
    if (!file.startsWith(wasmDir) || !existsSync(file) || !/^\/(www|pkg)\//.test(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  profile = mkdtempSync(join(tmpdir(), 'pqhybrid-chromium-'));
  // A fresh profile directory (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1100, height: 1300 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Inputs: the KAT image, a tampered copy, the trust store, and the root key as PEM.
  const { json, trustStore, image } = firmwareKat();
  const dir = mkdtempSync(join(tmpdir(), 'pqhybrid-www-'));
  const valid = image('valid.pqfw');
  const tampered = Uint8Array.from(valid);
  tampered[256 + 10] ^= 0x80; // a payload byte
  const root = json.keys.find((k) => k.name === 'root');
  files = {
    dir,
    valid: join(dir, 'app-v1.4.2.pqfw'),
    tampered: join(dir, 'app-v1.4.2-tampered.pqfw'),
    store: join(dir, 'devices.trust'),
    pem: join(dir, 'root.pub'),
    deviceClass: json.policy.deviceClass,
  };
  writeFileSync(files.valid, valid);
  writeFileSync(files.tampered, tampered);
  writeFileSync(files.store, trustStore);
  writeFileSync(files.pem, pq.encodePublicKeyPem(root.alg, Buffer.from(root.pk, 'hex')));
  // Encrypted images: signed by the KAT root, encrypted to a device's X-Wing key (PKCS#8 PEM);
  // another device's ML-KEM-768 key; a copy with a payload byte flipped; the plaintext.
  if (hasHpke) {
    const rootSk = pq.keypairFromSeed(root.alg, Buffer.from(root.seed, 'hex')).secretKey;
    const kem = (alg, byte) => pq.keypairFromSeed(alg, new Uint8Array(pq.sizes(alg).seed).fill(byte));
    const device = kem('X-Wing', 0x21);
    const other = kem('ML-KEM-768', 0x22);
    files.plaintext = Uint8Array.from({ length: 10000 }, (_, i) => (i * 7 + 3) & 0xff);
    const encrypted = pq.signFirmware({
      algorithm: root.alg,
      secretKey: rootSk,
      deviceClass: files.deviceClass,
      securityVersion: 7,
      version: { major: 1, minor: 5, revision: 0, build: 1 },
      payload: files.plaintext,
      encryptTo: { kem: 'X-Wing', publicKey: device.publicKey, chunkSize: 1024 },
    });
    const encTampered = Uint8Array.from(encrypted);
    encTampered[192 + 3000] ^= 0x01; // a ciphertext byte
    Object.assign(files, {
      encrypted: join(dir, 'app-v1.5.0.pqfw'),
      encTampered: join(dir, 'app-v1.5.0-tampered.pqfw'),
      kemPem: join(dir, 'device.kem.pem'),
      otherPem: join(dir, 'other-device.kem.pem'),
      kemHex: pq.toHex(device.secretKey),
      kemKeyId: pq.toHex(pq.kemKeyId('X-Wing', device.publicKey)),
      signingKeyPem: pq.encodePrivateKeyPem(root.alg, rootSk),
    });
    writeFileSync(files.encrypted, encrypted);
    writeFileSync(files.encTampered, encTampered);
    writeFileSync(files.kemPem, pq.encodePrivateKeyPem('X-Wing', device.secretKey));
    writeFileSync(files.otherPem, pq.encodePrivateKeyPem('ML-KEM-768', other.secretKey));
  }
  // Identity: the root as PEM (the other documents are dropped as DER from the fixtures), and an
  // Alias certificate with a flipped signature byte.
  if (hasIdentity) {
    const fx = identityFixtures();
    files.idRoot = join(dir, 'root.pem');
    files.idAliasTampered = join(dir, 'alias-tampered.der');
    writeFileSync(files.idRoot, toPem(fx.root));
    const tamperedAlias = Uint8Array.from(fx.alias);
    tamperedAlias[tamperedAlias.length - 1] ^= 1;
    writeFileSync(files.idAliasTampered, tamperedAlias);
  }
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (files) rmSync(files.dir, { recursive: true, force: true });
});

async function openPage() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/www/index.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return { page, errors };
}

async function verdict(page) {
  await page.waitForSelector('#verdict[data-code]', { timeout: 20000 });
  return page.$eval('#verdict', (v) => ({ kind: v.dataset.verdict, code: v.dataset.code, text: v.textContent }));
}

test('page: valid image with a trust store, then a tampered image', async () => {
  const { page, errors } = await openPage();
  await page.fill('#device-class', files.deviceClass);
  await page.fill('#min-sv', '5');
  await page.selectOption('#allowed', 'hybrid');
  await page.setInputFiles('#key-input', files.store);
  await page.setInputFiles('#image-input', files.valid);
  const ok = await verdict(page);
  assert.equal(ok.kind, 'valid', ok.text);
  assert.match(ok.text, /VALID — MLDSA65-Ed25519-SHA512/);
  const table = await page.textContent('#fields');
  const anchors = firmwareKat().json.policy.trustAnchors.length;
  for (const s of ['Security version', '1.4.2+20260101', 'Signer key id', '12e41fe11b6b03cb', 'SHA-256', 'Root key id', '7d425d0a35ddb8dc', `trust store (${anchors} anchors)`, 'format 2', 'Image id', 'Device classes', 'pqhybrid-kat-dev']) {
    assert.ok(table.includes(s), `fields show ${s}`);
  }
  await page.screenshot({ path: join(artifacts, 'www-valid.png'), fullPage: true });

  await page.evaluate(() => { delete document.getElementById('verdict').dataset.code; });
  await page.setInputFiles('#image-input', files.tampered);
  const bad = await verdict(page);
  assert.equal(bad.kind, 'invalid', bad.text);
  assert.equal(bad.code, 'Firmware.DigestMismatch');
  assert.match(bad.text, /payload digest mismatch/);
  await page.screenshot({ path: join(artifacts, 'www-tampered.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('page: PEM public key of the root, rollback rejected', async () => {
  const { page, errors } = await openPage();
  await page.setInputFiles('#key-input', files.pem);
  await page.setInputFiles('#image-input', files.valid);
  const ok = await verdict(page);
  assert.equal(ok.kind, 'valid', ok.text);
  assert.match(ok.text, /device class not checked/);
  await page.evaluate(() => { delete document.getElementById('verdict').dataset.code; });
  await page.fill('#min-sv', '8');
  await page.dispatchEvent('#min-sv', 'change');
  const rb = await verdict(page);
  assert.equal(rb.code, 'Firmware.Rollback');
  assert.deepEqual(errors, []);
  await page.close();
});

async function decryptVerdict(page) {
  await page.waitForSelector('#decrypt-verdict[data-code]', { timeout: 20000 });
  return page.$eval('#decrypt-verdict', (v) => ({ kind: v.dataset.verdict, code: v.dataset.code, text: v.textContent }));
}

/** Forgets both verdicts, so that the next wait sees the ones of the next verification. */
const resetVerdicts = (page) => page.evaluate(() => {
  for (const id of ['verdict', 'decrypt-verdict']) delete document.getElementById(id).dataset.code;
});

test('page: an encrypted image, decrypted with a KEM key file or a pasted one; wrong keys rejected', { skip: !hasHpke && 'built without the hpke feature' }, async () => {
  const { page, errors } = await openPage();
  assert.equal(await page.isVisible('#decryption'), true);
  await page.fill('#device-class', files.deviceClass);
  // Leave the field now: its change event (on blur) verifies again, which would otherwise come
  // with the click on the download link below and replace the result being clicked.
  await page.locator('#device-class').blur();
  await page.setInputFiles('#key-input', files.store);
  // No key yet: verified, not decrypted; the record is shown.
  await page.setInputFiles('#image-input', files.encrypted);
  const ok = await verdict(page);
  assert.equal(ok.kind, 'valid', ok.text);
  assert.match(ok.text, /VALID — MLDSA65-Ed25519-SHA512, encrypted/);
  let d = await decryptVerdict(page);
  assert.equal(d.code, 'no-key', d.text);
  assert.equal(await page.isVisible('#download'), false);
  let table = await page.textContent('#fields');
  for (const s of ['(encrypted payload)', 'Encrypted payload (record verified)', 'X-Wing, HKDF-SHA256, AES-256-GCM', files.kemKeyId, '10 × 1024 bytes', '10000 bytes']) {
    assert.ok(table.includes(s), `fields show ${s}`);
  }

  // The device's key as a PKCS#8 PEM file: decrypted, and the plaintext downloads.
  await resetVerdicts(page);
  await page.setInputFiles('#kem-key-input', files.kemPem);
  d = await decryptVerdict(page);
  assert.equal(d.code, 'decrypted', d.text);
  assert.equal(d.kind, 'valid');
  assert.match(d.text, /DECRYPTED — 10000 bytes/);
  assert.match(d.text, /PKCS#8, X-Wing/);
  assert.ok((await page.textContent('#fields')).includes('✓ your key'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), 'app-v1.5.0.bin');
  assert.ok(eq(readFileSync(await download.path()), files.plaintext), 'the downloaded plaintext');
  await page.screenshot({ path: join(artifacts, 'www-encrypted.png'), fullPage: true });

  // Another device's key: WrongRecipient, nothing to download.
  await resetVerdicts(page);
  await page.setInputFiles('#kem-key-input', files.otherPem);
  d = await decryptVerdict(page);
  assert.equal(d.code, 'Firmware.WrongRecipient', d.text);
  assert.equal(d.kind, 'invalid');
  assert.equal(await page.isVisible('#download'), false);
  assert.ok((await page.textContent('#fields')).includes('✗ not your key'));
  await page.screenshot({ path: join(artifacts, 'www-encrypted-wrong-key.png'), fullPage: true });

  // The right key pasted as hex (its KEM chosen in the list): a pasted key wins over the file.
  const paste = async (text, kem = 'X-Wing') => {
    await resetVerdicts(page);
    await page.selectOption('#kem-alg', kem);
    await page.fill('#kem-key-text', text);
    await page.dispatchEvent('#kem-key-text', 'change');
    return decryptVerdict(page);
  };
  d = await paste(files.kemHex);
  assert.equal(d.code, 'decrypted', d.text);
  assert.match(d.text, /hex, X-Wing/);
  // The same hex named as another KEM, a signature key, text that is no key.
  d = await paste(files.kemHex, 'ML-KEM-768');
  assert.equal(d.code, 'InvalidLength', d.text);
  d = await paste(files.signingKeyPem);
  assert.equal(d.code, 'InvalidArgument', d.text);
  assert.match(d.text, /signature key, not a KEM key/);
  d = await paste('not a key');
  assert.equal(d.code, 'InvalidArgument', d.text);
  d = await paste(readFileSync(files.kemPem, 'utf8'));
  assert.equal(d.code, 'decrypted', d.text);

  // A modified encrypted image: the verifier rejects it; nothing is decrypted.
  await resetVerdicts(page);
  await page.setInputFiles('#image-input', files.encTampered);
  const bad = await verdict(page);
  assert.equal(bad.code, 'Firmware.DigestMismatch', bad.text);
  assert.equal(await page.isVisible('#decrypt-verdict'), false);
  assert.equal(await page.isVisible('#download'), false);
  // A plain image with a key at hand: no decryption either.
  await resetVerdicts(page);
  await page.setInputFiles('#image-input', files.valid);
  assert.equal((await verdict(page)).kind, 'valid');
  assert.equal(await page.isVisible('#decrypt-verdict'), false);

  // Forget the key: the encrypted image is verified, not decrypted.
  await resetVerdicts(page);
  await page.setInputFiles('#image-input', files.encrypted);
  await decryptVerdict(page);
  await resetVerdicts(page);
  await page.click('#forget-key');
  d = await decryptVerdict(page);
  assert.equal(d.code, 'no-key', d.text);
  assert.equal(await page.inputValue('#kem-key-text'), '');
  assert.deepEqual(errors, []);
  await page.close();
});

async function idVerdict(page) {
  await page.waitForSelector('#id-verdict[data-code]', { timeout: 20000 });
  return page.$eval('#id-verdict', (v) => ({ kind: v.dataset.verdict, code: v.dataset.code, text: v.textContent }));
}

/** Changes an input of the identity section and waits for the new verdict. */
async function idChange(page, selector, value) {
  await page.evaluate(() => { delete document.getElementById('id-verdict').dataset.code; });
  if (typeof value === 'boolean') await page.setChecked(selector, value);
  else await page.fill(selector, value);
  await page.dispatchEvent(selector, 'change');
  return idVerdict(page);
}

test('page: device identity — a verified chain, then each input made wrong', { skip: !hasIdentity && 'built without the identity feature' }, async () => {
  const fx = identityFixtures();
  const j = fx.json;
  const { page, errors } = await openPage();
  assert.equal(await page.isVisible('#identity'), true);
  // Policy first, then the files: the last file triggers the verification.
  await page.fill('#nonce', j.nonce);
  await page.fill('#image-id', j.imageId);
  await page.fill('#id-min-sv', '5');
  await page.setInputFiles('#root-input', files.idRoot);
  await page.setInputFiles('#devid-input', fx.path('deviceId'));
  await page.setInputFiles('#alias-input', fx.path('alias'));
  await page.setInputFiles('#evidence-input', fx.path('evidence'));
  const ok = await idVerdict(page);
  assert.equal(ok.kind, 'valid', ok.text);
  assert.equal(ok.code, 'valid');
  assert.ok(ok.text.includes(`VALID — ${j.vendor} ${j.model}, device ${j.deviceId}`), ok.text);
  const attestation = await page.textContent('#attestation');
  for (const s of [j.algorithm, j.deviceId, j.ueid, j.aliasId, j.imageId, 'normal']) assert.ok(attestation.includes(s), `attestation shows ${s}`);
  // The chain, root to evidence, each certificate described.
  const chain = await page.$$eval('#chain > li', (lis) => lis.map((li) => ({ cert: li.dataset.cert, text: li.textContent })));
  assert.deepEqual(chain.map((c) => c.cert), ['root', 'devid', 'alias', 'evidence']);
  const [root, device, alias, evidence] = chain.map((c) => c.text);
  for (const s of [`CN=${j.caName}, serialNumber=${j.caKeyId}`, '(self-issued)', 'keyCertSign', 'root.pem']) assert.ok(root.includes(s), `root shows ${s}`);
  for (const s of [`serialNumber=${j.deviceId}`, j.ueid, '✓ the subject of the Root certificate']) assert.ok(device.includes(s), `DeviceID shows ${s}`);
  for (const s of [`${j.vendor} ${j.model}, layer 1, mode normal`, j.imageId, 'Security version7', '✓ the subject of the DeviceID certificate']) assert.ok(alias.includes(s), `Alias shows ${s}`);
  for (const s of [j.nonce, '✓ your nonce', 'digitalSignature', '✓ the subject of the Alias certificate']) assert.ok(evidence.includes(s), `evidence shows ${s}`);
  await page.screenshot({ path: join(artifacts, 'www-identity.png'), fullPage: true });

  // A stale nonce, firmware the verifier does not know, a rollback, then a debug device.
  let v = await idChange(page, '#nonce', 'ff'.repeat(16));
  assert.equal(v.code, 'Identity.BadNonce', v.text);
  assert.equal(v.kind, 'invalid');
  assert.ok((await page.textContent('#chain li[data-cert="evidence"]')).includes('✗ not your nonce'));
  assert.equal(await page.isVisible('#attestation'), false);
  v = await idChange(page, '#nonce', j.nonce);
  assert.equal(v.code, 'valid', v.text);
  v = await idChange(page, '#image-id', '00'.repeat(32));
  assert.equal(v.code, 'Identity.MeasurementMismatch', v.text);
  v = await idChange(page, '#image-id', '');
  assert.equal(v.code, 'valid', v.text);
  assert.match(v.text, /image id not checked/);
  v = await idChange(page, '#id-min-sv', '8');
  assert.equal(v.code, 'Identity.Rollback', v.text);
  v = await idChange(page, '#id-min-sv', '7');
  assert.equal(v.code, 'valid', v.text);
  v = await idChange(page, '#nonce', 'xyz');
  assert.equal(v.code, 'InvalidArgument', v.text);
  assert.equal(v.kind, 'error');
  await idChange(page, '#nonce', j.nonce);

  // Files that are not right: a tampered Alias certificate, the root of another CA.
  await page.evaluate(() => { delete document.getElementById('id-verdict').dataset.code; });
  await page.setInputFiles('#alias-input', files.idAliasTampered);
  v = await idVerdict(page);
  assert.equal(v.code, 'Identity.BadSignature', v.text);
  await page.evaluate(() => { delete document.getElementById('id-verdict').dataset.code; });
  await page.setInputFiles('#alias-input', fx.path('aliasDebug'));
  v = await idVerdict(page);
  assert.equal(v.code, 'Identity.BrokenChain', v.text);
  assert.ok((await page.textContent('#chain li[data-cert="evidence"]')).includes('✗ not the subject of the Alias certificate'));
  await page.evaluate(() => { delete document.getElementById('id-verdict').dataset.code; });
  await page.setInputFiles('#evidence-input', fx.path('evidenceDebug'));
  v = await idVerdict(page);
  assert.equal(v.code, 'Identity.WrongMode', v.text);
  v = await idChange(page, '#allow-debug', true);
  assert.equal(v.code, 'valid', v.text);
  assert.match(v.text, /mode debug/);
  await page.evaluate(() => { delete document.getElementById('id-verdict').dataset.code; });
  await page.setInputFiles('#root-input', fx.path('otherRoot'));
  v = await idVerdict(page);
  assert.equal(v.code, 'Identity.UnknownRoot', v.text);
  await page.screenshot({ path: join(artifacts, 'www-identity-rejected.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
