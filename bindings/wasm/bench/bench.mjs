// Benchmarks: pqhybrid (WebAssembly) against @noble/post-quantum (+ @noble/curves for the
// composite), same machine, same Node process. `node bench/bench.mjs [--write]`; --write
// rewrites bench/RESULTS.md.
import { createRequire } from 'node:module';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { execSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { ml_kem768_x25519 as xwing } from '@noble/post-quantum/hybrid.js';
import { ed25519 } from '@noble/curves/ed25519.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = process.env.PQHYBRID_PKG_DIR ?? join(here, '..', 'pkg');
const pq = createRequire(import.meta.url)(join(pkgDir, 'node', 'pqhybrid.js'));
const TARGET = 4;
const minMs = Number(process.env.BENCH_MS ?? 1500);

/** ops/s of fn, after a warm-up, running for at least minMs. */
function measure(fn) {
  for (let i = 0; i < 5; i++) fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  let el = 0;
  while (el < minMs) {
    fn();
    n++;
    el = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return (n * 1000) / el;
}

const msg = new Uint8Array(32).fill(0x42);
const seed32 = new Uint8Array(32).fill(1);
const seed64 = new Uint8Array(64).fill(2);

// Keys.
const kemOurs = pq.keypairFromSeed('ML-KEM-768', seed64);
const kemNoble = ml_kem768.keygen(seed64);
const kemCtOurs = pq.encapsulate('ML-KEM-768', kemOurs.publicKey).ciphertext;
const kemCtNoble = ml_kem768.encapsulate(kemNoble.publicKey).cipherText;
const dsaOurs = pq.keypairFromSeed('ML-DSA-65', seed32);
const dsaNoble = ml_dsa65.keygen(seed32);
const dsaSigOurs = pq.sign('ML-DSA-65', dsaOurs.secretKey, msg);
const dsaSigNoble = ml_dsa65.sign(msg, dsaNoble.secretKey);
const comp = 'MLDSA65-Ed25519-SHA512';
const compOurs = pq.keypairFromSeed(comp, seed32);
const compSigOurs = pq.sign(comp, compOurs.secretKey, msg);
const edSk = ed25519.utils.randomSecretKey();
const edPk = ed25519.getPublicKey(edSk);
// noble "composite": ML-DSA-65 + Ed25519 over the same message (no composite encoding).
const compSigNoble = [ml_dsa65.sign(msg, dsaNoble.secretKey), ed25519.sign(msg, edSk)];
const xwOurs = pq.keypairFromSeed('X-Wing', seed32);
const xwNoble = xwing.keygen(seed32);
const xwCtOurs = pq.encapsulate('X-Wing', xwOurs.publicKey).ciphertext;
const xwCtNoble = xwing.encapsulate(xwNoble.publicKey).cipherText;

const rows = [
  ['ML-KEM-768 keygen', () => pq.generateKeypair('ML-KEM-768'), () => ml_kem768.keygen()],
  ['ML-KEM-768 encaps', () => pq.encapsulate('ML-KEM-768', kemOurs.publicKey), () => ml_kem768.encapsulate(kemNoble.publicKey)],
  ['ML-KEM-768 decaps', () => pq.decapsulate('ML-KEM-768', kemOurs.secretKey, kemCtOurs), () => ml_kem768.decapsulate(kemCtNoble, kemNoble.secretKey)],
  ['ML-DSA-65 keygen', () => pq.generateKeypair('ML-DSA-65'), () => ml_dsa65.keygen()],
  ['ML-DSA-65 sign', () => pq.sign('ML-DSA-65', dsaOurs.secretKey, msg), () => ml_dsa65.sign(msg, dsaNoble.secretKey)],
  ['ML-DSA-65 verify', () => pq.verify('ML-DSA-65', dsaOurs.publicKey, msg, dsaSigOurs), () => ml_dsa65.verify(dsaSigNoble, msg, dsaNoble.publicKey)],
  ['MLDSA65-Ed25519 sign', () => pq.sign(comp, compOurs.secretKey, msg), () => [ml_dsa65.sign(msg, dsaNoble.secretKey), ed25519.sign(msg, edSk)]],
  ['MLDSA65-Ed25519 verify', () => pq.verify(comp, compOurs.publicKey, msg, compSigOurs), () => ml_dsa65.verify(compSigNoble[0], msg, dsaNoble.publicKey) && ed25519.verify(compSigNoble[1], msg, edPk)],
  ['X-Wing keygen', () => pq.generateKeypair('X-Wing'), () => xwing.keygen()],
  ['X-Wing encaps', () => pq.encapsulate('X-Wing', xwOurs.publicKey), () => xwing.encapsulate(xwNoble.publicKey)],
  ['X-Wing decaps', () => pq.decapsulate('X-Wing', xwOurs.secretKey, xwCtOurs), () => xwing.decapsulate(xwCtNoble, xwNoble.secretKey)],
];

const results = [];
for (const [name, ours, noble] of rows) {
  const a = measure(ours);
  const b = measure(noble);
  results.push({ name, ours: a, noble: b, ratio: a / b });
  console.log(`${name.padEnd(24)} pqhybrid ${a.toFixed(0).padStart(7)} ops/s   noble ${b.toFixed(0).padStart(7)} ops/s   ×${(a / b).toFixed(2)}`);
}
const wasm = readFileSync(join(pkgDir, 'pqhybrid_bg.wasm'));
const gz = gzipSync(wasm, { level: 9 }).length;
console.log(`pqhybrid_bg.wasm: ${wasm.length} bytes, ${gz} bytes gzipped (${(gz / 1024).toFixed(1)} KiB)`);
const misses = results.filter((r) => r.ratio < TARGET);
console.log(misses.length ? `below the ${TARGET}× target: ${misses.map((r) => r.name).join(', ')}` : `every operation ≥ ${TARGET}× noble`);

if (process.argv.includes('--write')) {
  const nobleVersion = (p) => JSON.parse(readFileSync(join(here, '..', 'node_modules', p, 'package.json'), 'utf8')).version;
  let os = '';
  try { os = execSync('uname -srm').toString().trim(); } catch { os = process.platform; }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# pqhybrid WebAssembly benchmarks',
    '',
    `Generated by \`node bench/bench.mjs --write\` (\`cargo xtask wasm --bench\`) on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `* Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${os}`,
    `* Node ${process.version}; @noble/post-quantum ${nobleVersion('@noble/post-quantum')}, @noble/curves ${nobleVersion('@noble/curves')}`,
    `* pqhybrid ${pq.version()}: \`pqhybrid_bg.wasm\` ${wasm.length} bytes, **${gz} bytes (${(gz / 1024).toFixed(1)} KiB) gzipped**`,
    `* Each figure: operations per second over ≥ ${minMs} ms after a warm-up, one process, both libraries in turn.`,
    '* pqhybrid goes through the agile API (`sign(alg, secretKey, …)` with the 32-byte seed), so every signature and decapsulation re-expands the key from its seed; noble takes its expanded secret key.',
    '* The composite row compares MLDSA65-Ed25519-SHA512 (one call, composite encoding) with noble ML-DSA-65 + @noble/curves Ed25519 over the same message.',
    '',
    '| operation | pqhybrid (ops/s) | noble (ops/s) | ratio | ≥ 4× |',
    '|---|---:|---:|---:|:---:|',
    ...results.map((r) => `| ${r.name} | ${r.ours.toFixed(0)} | ${r.noble.toFixed(0)} | ${r.ratio.toFixed(2)}× | ${r.ratio >= TARGET ? 'yes' : '**no**'} |`),
    '',
    misses.length ? `Below the 4× target: ${misses.map((r) => r.name).join(', ')}.` : 'Every operation meets the 4× target.',
    '',
    '## Notes',
    '',
    '* Build: opt-level "s", fat LTO, codegen-units 1, panic=abort, with keccak, sha3, module-lattice, ml-kem, ml-dsa and curve25519-dalek at opt-level 3 (bindings/wasm/Cargo.toml); no wasm-opt (Debian 12 binaryen breaks the externref table, and -Oz made the gzipped module larger).',
    '* Measured the same day with opt-level 3 everywhere: ML-KEM-768 keygen/encaps/decaps 5.1×/4.8×/3.4×, ML-DSA-65 keygen/sign/verify 2.4×/2.4×/3.5×, composite sign/verify 2.4×/4.4×, X-Wing keygen/encaps/decaps 3.1×/5.7×/4.1× noble, but 473 KiB gzipped (over the 300 KiB budget). All-"s": 260 KiB but ~10× slower (Keccak not unrolled).',
    '* The machine is shared (2 cores, other builds running): noble figures varied up to 3× between runs; ratios come from back-to-back runs in one process.',
    '* Signing re-derives the ML-DSA key from the seed on every call (agile layer); caching the expanded key in `SigningKey` would close most of the sign gap.',
    '',
  ];
  writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));
  console.log(`wrote ${join(here, 'RESULTS.md')}`);
}
