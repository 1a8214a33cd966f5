// Benchmarks: pqhybrid (WebAssembly) against @noble/post-quantum (+ @noble/curves for the
// composite), same machine, same Node process. `node bench/bench.mjs [--write]`; --write
// rewrites bench/RESULTS.md.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, totalmem } from 'node:os';
import { execSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { ml_kem768_x25519 as xwing } from '@noble/post-quantum/hybrid.js';
import { ed25519 } from '@noble/curves/ed25519.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = process.env.PQHYBRID_PKG_DIR ?? join(here, '..', 'pkg');
const pq = createRequire(import.meta.url)(join(pkgDir, 'node', 'pqhybrid.js'));
const TARGET = 8;
// The build behind the figures (bindings/wasm/Cargo.toml, xtask/src/wasm.rs); kept by hand.
const NOTES = [
  "## Notes",
  "",
  "* Build (bindings/wasm/Cargo.toml, xtask/src/wasm.rs): opt-level \"s\", fat LTO, codegen-units 1, panic=abort; keccak, sha3, module-lattice, ml-kem, ml-dsa and curve25519-dalek at opt-level 3; `-Ctarget-feature=+simd128`; no wasm-opt.",
  "* The machine was shared with other builds (see the load averages above), so absolute figures are low and noisy; the ratios come from back-to-back measurements.",
  "* Key classes against the one-shot functions: compare the two ratio columns. The one-shot functions decode the key through the same code on every call (ML-DSA sign: a key generation per signature; ML-KEM decaps: a key generation per decapsulation); keygen rows use the same call in both columns.",
  "* What else was tried on 2026-11-22 (short runs, 2 rounds × 0.5–0.6 s on the loaded machine; ratios to noble measured back to back):",
  "  * `+simd128`: 282 KiB → 269 KiB gzipped; speed equal within the noise (LLVM vectorizes a few loops; none of keccak, ml-kem, ml-dsa, module-lattice or curve25519-dalek has a wasm SIMD backend).",
  "  * opt-level 3 for `pqhybrid`, the crate in which the generic ML-DSA / ML-KEM / SLH-DSA code is instantiated: 455 KiB gzipped (over the 300 KiB budget), with ML-KEM-768 keygen/encaps/decaps ~3.3×/2.8×/3.0×, ML-DSA-65 keygen/sign/verify ~1.5×/1.8×/2.9×, X-Wing keygen/decaps ~2.3×/3.4× noble.",
  "  * opt-level 3 for this crate only (the key classes instantiate the typed keys here): 394 KiB gzipped with fat LTO (the LTO pass then runs at 3 for everything), 393 KiB without LTO. Over budget.",
  "  * wasm-opt -O3 (Debian 12 binaryen 108, with --enable-simd --enable-reference-types --enable-bulk-memory …): the module no longer instantiates (`WebAssembly.Table.set(): Argument 1 is invalid`), and it was larger after gzip (274 KiB vs 268 KiB).",
  "* Still under 4×: ML-DSA-65 keygen, sign and verify and the composite sign, which is dominated by ML-DSA. No build setting tried brings ML-DSA near 4× even over budget (every crate at opt-level 3, 473 KiB: ML-DSA-65 keygen 2.4×, sign 2.4× with the key re-derived per call); closing the gap needs a faster ML-DSA implementation behind `pqhybrid::primitives::ml_dsa`, a choice for the core crate.",
  "* Still under 4×: ML-KEM-768 keygen, encaps and decaps, X-Wing keygen and decaps. Their generic code is instantiated in `pqhybrid` at opt-level \"s\"; with `pqhybrid` at opt-level 3 the ML-KEM-768 ratios rose 1.3–1.7× in the short runs (every crate at 3, earlier run: keygen 5.1×, encaps 4.8×) while X-Wing keygen and decaps did not measurably move, and the module is then 390–470 KiB gzipped, over the 300 KiB budget.",
  "* libcrux backend (issue: libcrux in the WASM package, ≤ 300 KiB gzipped, every op ≥ 8× noble), measured 2026-12-04, not shipped; short runs (1–3 rounds × 0.3–0.5 s), +simd128, fat LTO, everything else at \"s\", libcrux-sha3 and libcrux-intrinsics at 3. Sizes are gzip -9 of the module as built by `cargo xtask wasm`:",
  "  * libcrux-ml-kem code at opt-level \"z\"/\"s\"/1/2/3: 149/162/315/325/834 KB (the three parameter sets, each operation inlined into one function: ML-KEM decapsulate at 3 is 140 KB per parameter set); libcrux-ml-dsa at \"s\"/1/2/3: 369/324/342/335 KB.",
  "  * ml-dsa 3, ml-kem \"s\" (the smallest), no precomputed tables: 321604 bytes (314.1 KiB), over budget; ML-KEM-768 keygen/encaps/decaps 3.7×/5.4×/7.8×, X-Wing keygen 3.6×, ML-DSA-65 8.7–21×.",
  "  * ml-dsa 3, ml-kem 2, no precomputed tables: 363687 bytes (355.2 KiB); every row ≥ 8× except ML-KEM-768 keygen 7.4× and X-Wing keygen 3.4×. ml-dsa 1, ml-kem 1: 362821 bytes, slower (ML-DSA-65 keygen 6.3×, ML-KEM-768 keygen 6.7×).",
  "  * every libcrux crate at 3, with `precomputed-tables`: 532300 bytes (519.8 KiB); ML-KEM-768 11.7×/13.3×/16.1×, ML-DSA-65 10.4×/19.2×/16.6×, MLDSA65-Ed25519 23.4×/12.9×, X-Wing 4.6×/12.5×/15.8× (keygen/encaps/decaps, sign/verify). X-Wing keygen: 262 µs, of which ~150 µs is the low-order probe (a variable-base X25519) that `xwing::EncapsulationKey::new` runs when the public key is taken from an own decapsulation key; without it ~110 µs, about 9× noble.",
  "  * `precomputed-tables` (Ed25519/X25519 basepoint tables) costs ~35 KB gzipped (ml-dsa 3, ml-kem \"s\": 321604 → 357198 bytes).",
  "  * wasm-opt (binaryen 108 from Debian 12, binaryen 132 from npm) -Oz / -O3 on the ml-dsa 3, ml-kem 2 module: raw 1358 KB → 1326–1364 KB, gzipped 363.7 KB → 388–390 KB (larger).",
  "  * Only one lattice backend is linked with `backend-libcrux` (no `ml-kem` / `ml-dsa` / `module-lattice` in `cargo tree` or in the names section).",
];
const minMs = Number(process.env.BENCH_MS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const msg = new Uint8Array(32).fill(0x42);
const seed32 = new Uint8Array(32).fill(1);
const seed64 = new Uint8Array(64).fill(2);

// pqhybrid keys: the key classes (decoded once, as an application holds its keys) and the
// same keys as bytes for the one-shot functions.
const kemDk = pq.DecapsulationKey.fromSeed('ML-KEM-768', seed64);
const kemEk = kemDk.encapsulationKey();
const kemOurs = { publicKey: kemEk.toBytes(), secretKey: kemDk.toBytes() };
const kemCtOurs = kemEk.encapsulate().ciphertext;
const dsaSk = pq.SigningKey.fromSeed('ML-DSA-65', seed32);
const dsaVk = dsaSk.verifyingKey();
const dsaOurs = { publicKey: dsaVk.toBytes(), secretKey: dsaSk.toBytes() };
const dsaSigOurs = dsaSk.sign(msg);
const comp = 'MLDSA65-Ed25519-SHA512';
const compSk = pq.SigningKey.fromSeed(comp, seed32);
const compVk = compSk.verifyingKey();
const compOurs = { publicKey: compVk.toBytes(), secretKey: compSk.toBytes() };
const compSigOurs = compSk.sign(msg);
const xwDk = pq.DecapsulationKey.fromSeed('X-Wing', seed32);
const xwEk = xwDk.encapsulationKey();
const xwOurs = { publicKey: xwEk.toBytes(), secretKey: xwDk.toBytes() };
const xwCtOurs = xwEk.encapsulate().ciphertext;

// noble keys.
const kemNoble = ml_kem768.keygen(seed64);
const kemCtNoble = ml_kem768.encapsulate(kemNoble.publicKey).cipherText;
const dsaNoble = ml_dsa65.keygen(seed32);
const dsaSigNoble = ml_dsa65.sign(msg, dsaNoble.secretKey);
const edSk = ed25519.utils.randomSecretKey();
const edPk = ed25519.getPublicKey(edSk);
// noble "composite": ML-DSA-65 + Ed25519 over the same message (no composite encoding).
const compSigNoble = [ml_dsa65.sign(msg, dsaNoble.secretKey), ed25519.sign(msg, edSk)];
const xwNoble = xwing.keygen(seed32);
const xwCtNoble = xwing.encapsulate(xwNoble.publicKey).cipherText;

// [name, pqhybrid (key classes), pqhybrid (one-shot functions on bytes), noble]. Key
// generation returns bytes in both APIs (`generateKeypair`), like noble's `keygen`.
const rows = [
  ['ML-KEM-768 keygen', () => pq.generateKeypair('ML-KEM-768'), null, () => ml_kem768.keygen()],
  ['ML-KEM-768 encaps', () => kemEk.encapsulate(), () => pq.encapsulate('ML-KEM-768', kemOurs.publicKey), () => ml_kem768.encapsulate(kemNoble.publicKey)],
  ['ML-KEM-768 decaps', () => kemDk.decapsulate(kemCtOurs), () => pq.decapsulate('ML-KEM-768', kemOurs.secretKey, kemCtOurs), () => ml_kem768.decapsulate(kemCtNoble, kemNoble.secretKey)],
  ['ML-DSA-65 keygen', () => pq.generateKeypair('ML-DSA-65'), null, () => ml_dsa65.keygen()],
  ['ML-DSA-65 sign', () => dsaSk.sign(msg), () => pq.sign('ML-DSA-65', dsaOurs.secretKey, msg), () => ml_dsa65.sign(msg, dsaNoble.secretKey)],
  ['ML-DSA-65 verify', () => dsaVk.verify(msg, dsaSigOurs), () => pq.verify('ML-DSA-65', dsaOurs.publicKey, msg, dsaSigOurs), () => ml_dsa65.verify(dsaSigNoble, msg, dsaNoble.publicKey)],
  ['MLDSA65-Ed25519 sign', () => compSk.sign(msg), () => pq.sign(comp, compOurs.secretKey, msg), () => [ml_dsa65.sign(msg, dsaNoble.secretKey), ed25519.sign(msg, edSk)]],
  ['MLDSA65-Ed25519 verify', () => compVk.verify(msg, compSigOurs), () => pq.verify(comp, compOurs.publicKey, msg, compSigOurs), () => ml_dsa65.verify(compSigNoble[0], msg, dsaNoble.publicKey) && ed25519.verify(compSigNoble[1], msg, edPk)],
  ['X-Wing keygen', () => pq.generateKeypair('X-Wing'), null, () => xwing.keygen()],
  ['X-Wing encaps', () => xwEk.encapsulate(), () => pq.encapsulate('X-Wing', xwOurs.publicKey), () => xwing.encapsulate(xwNoble.publicKey)],
  ['X-Wing decaps', () => xwDk.decapsulate(xwCtOurs), () => pq.decapsulate('X-Wing', xwOurs.secretKey, xwCtOurs), () => xwing.decapsulate(xwCtNoble, xwNoble.secretKey)],
];

// Sanity: both libraries compute what they claim (a benchmark of wrong answers is worthless).
assert.ok(dsaVk.verify(msg, dsaSk.sign(msg)));
assert.ok(compVk.verify(msg, compSk.sign(msg)));
for (const [ek, dk] of [[kemEk, kemDk], [xwEk, xwDk]]) {
  const { ciphertext, sharedSecret } = ek.encapsulate();
  assert.deepEqual(dk.decapsulate(ciphertext), sharedSecret);
}
assert.deepEqual(pq.decapsulate('ML-KEM-768', kemOurs.secretKey, kemCtOurs), kemDk.decapsulate(kemCtOurs));
assert.ok(ml_dsa65.verify(dsaSigNoble, msg, dsaNoble.publicKey));

// Rounds: every row in turn, pqhybrid and noble back to back; medians over the rounds, and the
// ratio as the median of the per-round ratios (both sides measured seconds apart).
const loadStart = loadavg()[0];
const samples = rows.map(() => ({ ours: [], oneShot: [], noble: [], ratio: [], oneShotRatio: [] }));
for (let r = 0; r < rounds; r++) {
  rows.forEach(([name, ours, oneShot, noble], i) => {
    const a = measure(ours);
    const c = oneShot ? measure(oneShot) : a;
    const b = measure(noble);
    const s = samples[i];
    s.ours.push(a);
    s.oneShot.push(c);
    s.noble.push(b);
    s.ratio.push(a / b);
    s.oneShotRatio.push(c / b);
    console.log(`round ${r + 1}/${rounds} ${name.padEnd(24)} pqhybrid ${a.toFixed(0).padStart(7)}  one-shot ${c.toFixed(0).padStart(7)}  noble ${b.toFixed(0).padStart(7)} ops/s  ×${(a / b).toFixed(2)}`);
  });
}
const results = rows.map(([name], i) => {
  const s = samples[i];
  const noble = median(s.noble);
  const oneShot = median(s.oneShot);
  return {
    name,
    ours: median(s.ours),
    oneShot,
    noble,
    ratio: median(s.ratio),
    oneShotRatio: median(s.oneShotRatio),
    spread: Math.max(...s.noble) / Math.min(...s.noble),
  };
});
console.log('');
for (const r of results) {
  console.log(`${r.name.padEnd(24)} pqhybrid ${r.ours.toFixed(0).padStart(7)} ops/s   noble ${r.noble.toFixed(0).padStart(7)} ops/s   ×${r.ratio.toFixed(2)}   (one-shot ×${r.oneShotRatio.toFixed(2)})`);
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
    `* Load average (1 min) at the start and the end of the run: ${loadStart.toFixed(1)}, ${loadavg()[0].toFixed(1)}`,
    `* Node ${process.version}; @noble/post-quantum ${nobleVersion('@noble/post-quantum')}, @noble/curves ${nobleVersion('@noble/curves')}`,
    `* pqhybrid ${pq.version()}: \`pqhybrid_bg.wasm\` ${wasm.length} bytes, **${gz} bytes (${(gz / 1024).toFixed(1)} KiB) gzipped**`,
    `* Each figure: the median over ${rounds} rounds of operations per second over ≥ ${minMs} ms after a warm-up; in each round pqhybrid and noble run back to back in one process. The ratio is the median of the per-round ratios.`,
    '* **API measured**: pqhybrid through its key classes, as an application that holds its keys uses it: `SigningKey` / `VerifyingKey` / `DecapsulationKey` / `EncapsulationKey` decode (ML-DSA, ML-KEM: expand) the key once when made, then `key.sign(msg)`, `key.verify(msg, sig)`, `key.decapsulate(ct)`, `key.encapsulate()`. Key generation is `generateKeypair(alg)` (bytes out, like noble\'s `keygen`). noble takes its own expanded secret keys and encoded public keys. The "one-shot" columns are pqhybrid\'s byte-oriented functions (`sign(alg, seed, msg)`, `decapsulate(alg, seed, ct)`, …), which re-derive the key on every call.',
    '* The composite row compares MLDSA65-Ed25519-SHA512 (one call, composite encoding) with noble ML-DSA-65 + @noble/curves Ed25519 over the same message.',
    '',
    `| operation | pqhybrid (ops/s) | noble (ops/s) | ratio | ≥ ${TARGET}× | one-shot pqhybrid (ops/s) | one-shot ratio |`,
    '|---|---:|---:|---:|:---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.ours.toFixed(0)} | ${r.noble.toFixed(0)} | ${r.ratio.toFixed(2)}× | ${r.ratio >= TARGET ? 'yes' : '**no**'} | ${r.oneShot.toFixed(0)} | ${r.oneShotRatio.toFixed(2)}× |`),
    '',
    misses.length ? `Below the ${TARGET}× target: ${misses.map((r) => r.name).join(', ')}.` : `Every operation meets the ${TARGET}× target.`,
    '',
    `Largest noble max/min spread across the rounds of one row: ${Math.max(...results.map((r) => r.spread)).toFixed(2)}× (the machine is shared).`,
    '',
    ...NOTES,
    '',
  ];
  writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));
  console.log(`wrote ${join(here, 'RESULTS.md')}`);
}
