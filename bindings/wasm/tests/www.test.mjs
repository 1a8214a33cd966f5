// The web page in headless Chromium (playwright-core, no browser download): served by a local
// node:http server on 127.0.0.1, a valid image is accepted and a tampered one rejected, with a
// screenshot saved under target/wasm/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { pq, wasmDir, repoRoot, firmwareKat } from './helpers.mjs';

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
