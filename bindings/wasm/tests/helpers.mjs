// Shared helpers of the node:test suite: the built package, the known-answer vectors, hex.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const wasmDir = resolve(here, '..');
export const repoRoot = resolve(wasmDir, '../..');
export const pkgDir = process.env.PQHYBRID_PKG_DIR ?? join(wasmDir, 'pkg');

if (!existsSync(join(pkgDir, 'node', 'pqhybrid.js'))) {
  throw new Error(`${pkgDir}/node/pqhybrid.js is missing: build the package first with \`cargo xtask wasm\``);
}
const require = createRequire(import.meta.url);
/** The package under test, through its Node.js (CommonJS) entry point. */
export const pq = require(join(pkgDir, 'node', 'pqhybrid.js'));

export const hex = (s) => Uint8Array.from(Buffer.from(s ?? '', 'hex'));
export const b64 = (s) => Uint8Array.from(Buffer.from(s ?? '', 'base64'));
export const toHex = (b) => Buffer.from(b).toString('hex');
export const utf8 = (s) => new TextEncoder().encode(s);
export const eq = (a, b) => Buffer.from(a).equals(Buffer.from(b));

/** The project's own firmware known-answer files (in the repository). */
export const firmwareKatDir = join(repoRoot, 'kat-vectors', 'pqhybrid', 'firmware');

/**
 * The external vectors, never copied into the repository: $PQHYBRID_KAT_DIR, then
 * <repo>/kat-vectors/data, then <repo>/../shared/kat-vectors (as the Rust tests look for them).
 */
export function katDir() {
  const candidates = [
    process.env.PQHYBRID_KAT_DIR,
    join(repoRoot, 'kat-vectors', 'data'),
    join(repoRoot, '..', 'shared', 'kat-vectors'),
  ].filter(Boolean);
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isDirectory()) return c;
  }
  throw new Error(
    `known-answer vectors not found; looked in:\n  ${candidates.join('\n  ')}\n` +
      'Fetch them with `kat-vectors/fetch.sh` (puts them in kat-vectors/data/) or point ' +
      '$PQHYBRID_KAT_DIR at a directory holding them (see kat-vectors/README.md).',
  );
}

const manifest = new Map(
  readFileSync(join(repoRoot, 'kat-vectors', 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => l.split('\t'))
    .map(([path, sha, url]) => [path, { sha, url }]),
);

/** Reads a vector file, checking its SHA-256 against kat-vectors/MANIFEST.tsv. */
export function loadKat(rel) {
  const m = manifest.get(rel);
  if (!m) throw new Error(`${rel} is not listed in kat-vectors/MANIFEST.tsv`);
  const path = join(katDir(), rel);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing; run kat-vectors/fetch.sh (upstream: ${m.url})`);
  }
  const bytes = readFileSync(path);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== m.sha) throw new Error(`${rel}: SHA-256 ${sha}, expected ${m.sha} (upstream ${m.url})`);
  return JSON.parse(bytes.toString('utf8'));
}

/** Asserts that `fn` throws a PqhybridError with `code` (and returns it). */
export function throwsCode(assert, fn, code, extra = {}) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected a throw with code ${code}`);
  assert.ok(err instanceof Error, 'thrown value is an Error');
  assert.equal(err.name, 'PqhybridError');
  assert.equal(err.code, code, `code (message: ${err.message})`);
  assert.ok(typeof err.message === 'string' && err.message.length > 0, 'has a message');
  for (const [k, v] of Object.entries(extra)) assert.equal(err[k], v, `error.${k}`);
  return err;
}

/** The frozen format-1 image of the previous release (accepted only with `acceptV1`). */
export const firmwareV1KatDir = join(repoRoot, 'kat-vectors', 'pqhybrid', 'firmware-v1');

/**
 * The firmware policy of `dir`/policy.json (kat-vectors/pqhybrid/firmware by default) as
 * `Policy` options, the same anchors as a trust-store file, and a reader of the images.
 */
export function firmwareKat(dir = firmwareKatDir) {
  const j = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8'));
  const p = j.policy;
  const options = {
    deviceClass: p.deviceClass,
    trustAnchors: p.trustAnchors.map((a) => ({ keyId: a.keyId, state: a.state })),
    minSecurityVersion: p.minSecurityVersion,
    allowed: p.allowed,
    trailerCapacity: p.trailerCapacity,
  };
  // Format 2 policy fields (absent from the format-1 policy: the defaults, as documented there).
  for (const k of ['maxSecurityVersion', 'endorseAllowed', 'acceptV1', 'acceptEncrypted']) {
    if (p[k] !== undefined) options[k] = p[k];
  }
  const trustStore =
    '# pqhybrid trust store\n' +
    p.trustAnchors.map((a) => `${a.keyId}  ${a.state}  # ${a.key}`).join('\n') +
    '\n';
  return { json: j, options, trustStore, image: (f) => readFileSync(join(dir, f)) };
}

/** DER as PEM text (64-column base64). */
export const toPem = (der, label = 'CERTIFICATE') =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g).join('\n')}\n-----END ${label}-----\n`;

/** Whether the package was built with the `identity` feature (on by default). */
export const hasIdentity = typeof pq.verifyAttestation === 'function';

/** Whether the package was built with the `hpke` feature (on by default). */
export const hasHpke = typeof pq.hpkeSeal === 'function';

/**
 * The firmware rejections of decryption (decryptFirmware; fw_encrypted.test.mjs), which no
 * file of kat-vectors/pqhybrid/firmware/ produces: the verifier checks encrypted images as
 * plain ones (BadEncryptionRecord only for a signed payload without a whole record).
 */
export const decryptionErrorCodes = [
  'NotEncrypted', 'BadEncryptionRecord', 'WrongRecipient', 'KeyUnwrapFailed',
  'ChunkAuthentication', 'PlaintextDigestMismatch', 'ChunkTooLarge',
].map((c) => `Firmware.${c}`);

/** The device-identity fixtures (examples/identity_fixtures.rs writes them). */
export const identityFixtureDir = join(here, 'fixtures', 'identity');

/**
 * fixtures.json (the expected values: ids, nonce, image id, …) as `json`, each document of its
 * `files` as a Uint8Array under the same key (`root`, `deviceId`, `alias`, `evidence`, `csr`,
 * `otherRoot`, `aliasDebug`, `evidenceDebug`), and `path(key)`.
 */
export function identityFixtures() {
  const json = JSON.parse(readFileSync(join(identityFixtureDir, 'fixtures.json'), 'utf8'));
  const path = (k) => join(identityFixtureDir, json.files[k]);
  const docs = Object.fromEntries(Object.keys(json.files).map((k) => [k, new Uint8Array(readFileSync(path(k)))]));
  return { json, path, ...docs };
}
