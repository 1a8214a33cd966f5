// The page: picks up an image and a key or trust store, builds a Policy, streams the image
// through the WebAssembly verifier and shows the verdict and every manifest field; an encrypted
// image is then decrypted with the KEM private key the user gives (a file or pasted PEM / hex),
// the plaintext offered for download. Then the device-identity section: a root, the DeviceID and Alias certificates and an evidence, checked
// with verifyAttestation against a nonce and reference values, each certificate shown with
// describeCertificate.
import init, * as pq from '../pkg/web/pqhybrid.js';

const $ = (id) => document.getElementById(id);
const hex = (b) => (b ? pq.toHex(b) : '—');
const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
/** A device class: hex, and the text when it is printable ASCII ("acme-sensor-rev2"). */
const classText = (b) => (b.every((c) => c >= 0x20 && c < 0x7f) ? `${hex(b)} "${String.fromCharCode(...b)}"` : hex(b));
const state = { image: null, keyText: null, keyName: '', kemFile: null, plainUrl: null };
/** Whether the package decrypts images (the `hpke` feature, on by default). */
const canDecrypt = typeof pq.decryptFirmware === 'function';

function setupDrop(dropId, inputId, onFile) {
  const drop = $(dropId);
  const input = $(inputId);
  input.addEventListener('change', () => input.files[0] && onFile(input.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files[0]) onFile(e.dataTransfer.files[0]);
  });
}

function row(tbody, name, value, cls) {
  const tr = tbody.insertRow();
  const th = document.createElement('th');
  th.textContent = name;
  tr.appendChild(th);
  const td = tr.insertCell();
  if (value instanceof Node) td.appendChild(value); else td.textContent = String(value);
  if (cls) td.className = cls;
}

function section(tbody, title) {
  const tr = tbody.insertRow();
  tr.className = 'section';
  const th = document.createElement('th');
  th.colSpan = 2;
  th.textContent = title;
  tr.appendChild(th);
}

function code(text) {
  const c = document.createElement('code');
  c.textContent = text;
  return c;
}

/** The trust anchors from the key file: a PEM public key (trusted as active) or a trust store. */
function anchorsFrom(text) {
  if (text.includes('-----BEGIN PUBLIC KEY-----')) {
    const key = pq.decodePublicKeyPem(text);
    return { anchors: [{ keyId: pq.firmwareKeyIdFromPem(text), state: 'active' }], describe: `public key (${key.algorithm})` };
  }
  const entries = pq.parseTrustStore(text);
  return { anchors: entries.map((e) => ({ keyId: e.keyId, state: e.state })), describe: `trust store (${entries.length} anchor${entries.length === 1 ? '' : 's'})` };
}

function showVerdict(kind, title, detail, v = $('verdict')) {
  v.dataset.verdict = kind;
  v.textContent = title;
  if (detail) {
    const s = document.createElement('small');
    s.textContent = detail;
    v.appendChild(s);
  }
}

// ---------------------------------------------------------------------------------------------
// Encrypted images

const unhex = (s) => {
  const h = s.replace(/\s+/g, '');
  if (!h || h.length % 2 || /[^0-9a-f]/i.test(h)) return null;
  return Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
};

/** A KEM private key from PKCS#8 PEM or DER, or from hex with the KEM chosen in the list. */
function kemKeyOf(text, bytes) {
  let key;
  if (text.includes('-----BEGIN')) key = pq.decodePrivateKeyPem(text);
  else if (unhex(text)) return { algorithm: $('kem-alg').value, secretKey: unhex(text), describe: `hex, ${$('kem-alg').value}` };
  else if (bytes) key = pq.decodePrivateKeyDer(bytes);
  else throw Object.assign(new Error('not PKCS#8 PEM and not hex digits'), { code: 'InvalidArgument' });
  if (key.kind !== 'kem') {
    throw Object.assign(new Error(`a ${key.algorithm} key is a signature key, not a KEM key`), { code: 'InvalidArgument' });
  }
  return { algorithm: key.algorithm, secretKey: key.secretKey, describe: `PKCS#8, ${key.algorithm}` };
}

/** The KEM key the user gave: pasted text first, then the file; null if none. */
function kemKey() {
  const pasted = $('kem-key-text').value.trim();
  if (pasted) return kemKeyOf(pasted, null);
  if (state.kemFile) return kemKeyOf(new TextDecoder().decode(state.kemFile.bytes).trim(), state.kemFile.bytes);
  return null;
}

function hideDecryption() {
  $('decrypt-verdict').hidden = true;
  delete $('decrypt-verdict').dataset.code;
  $('download-row').hidden = true;
  if (state.plainUrl) URL.revokeObjectURL(state.plainUrl);
  state.plainUrl = null;
}

/** Decrypts a verified encrypted image with the user's KEM key; shows the verdict and the download. */
function decrypt(policy, bytes, name) {
  const dv = $('decrypt-verdict');
  dv.hidden = false;
  let key;
  try {
    key = kemKey();
  } catch (e) {
    dv.dataset.code = e.code ?? 'Error';
    showVerdict('error', `Cannot decrypt: ${e.code ?? 'error'}`, `the KEM private key: ${e.message}`, dv);
    return null;
  }
  if (!key) {
    dv.dataset.code = 'no-key';
    showVerdict('error', 'ENCRYPTED — no decryption key', 'Give the recipient\'s KEM private key (below) to decrypt the payload.', dv);
    return null;
  }
  try {
    // The page checks the plaintext digest too (opt-in: the chunk tags already authenticate
    // every byte; the digest check costs one more hash pass, cheap here).
    const d = pq.decryptFirmware(policy, bytes, key.algorithm, key.secretKey, { checkPlaintextDigest: true });
    dv.dataset.code = 'decrypted';
    showVerdict('valid', `DECRYPTED — ${d.plaintext.length} bytes`,
      `Every chunk authenticated; the plaintext matches its ${d.digestAlgorithm} digest in the signed record (key: ${key.describe}).`, dv);
    state.plainUrl = URL.createObjectURL(new Blob([d.plaintext], { type: 'application/octet-stream' }));
    const a = $('download');
    a.href = state.plainUrl;
    a.download = `${name.replace(/\.pqfw$/i, '')}.bin`;
    a.textContent = `Download the plaintext (${a.download}, ${d.plaintext.length} bytes)`;
    $('download-row').hidden = false;
    d.plaintext.fill(0);
  } catch (e) {
    dv.dataset.code = e.code ?? 'Error';
    showVerdict('invalid', `NOT DECRYPTED — ${e.code ?? 'error'}`, e.message, dv);
  } finally {
    key.secretKey.fill(0);
  }
  return key;
}

/** The recipient of an encrypted image, and whether it is the key given. */
function recipientCell(e) {
  const cell = document.createElement('span');
  cell.append(code(hex(e.recipientKeyId)));
  try {
    const key = kemKey();
    if (key) {
      const pk = pq.publicKeyFromSecret(key.algorithm, key.secretKey);
      key.secretKey.fill(0);
      cell.append(' ', mark(eq(pq.kemKeyId(key.algorithm, pk), e.recipientKeyId), 'your key', 'not your key'));
    }
  } catch {
    // The decryption verdict says what is wrong with the key.
  }
  return cell;
}

async function verify() {
  const tbody = $('fields').tBodies[0];
  tbody.replaceChildren();
  $('result').hidden = false;
  hideDecryption();
  const v = $('verdict');
  delete v.dataset.code;
  let manifest = null;
  try {
    const bytes = new Uint8Array(await state.image.arrayBuffer());
    // Non-verifying parse first (header only), to show fields even for a rejected image.
    try {
      manifest = pq.inspectFirmware(bytes);
    } catch {
      manifest = null;
    }
    const { anchors, describe } = anchorsFrom(state.keyText);
    const dcInput = $('device-class').value.trim();
    const deviceClass = dcInput || (manifest ? manifest.deviceClass : new Uint8Array(16));
    const policy = new pq.Policy({
      deviceClass,
      trustAnchors: anchors,
      minSecurityVersion: BigInt($('min-sv').value || '0'),
      allowed: $('allowed').value,
      trailerCapacity: $('large').checked ? 1 << 20 : undefined,
      // The page shows and decrypts encrypted images (a bootloader that does not decrypt
      // leaves this out: it must never install ciphertext as code).
      acceptEncrypted: true,
    });
    let result;
    try {
      result = await pq.verifyFirmwareStream(policy, state.image);
      v.dataset.code = 'valid';
      showVerdict('valid', `VALID — ${result.algorithm}${result.encrypted ? ', encrypted' : ''}`, `${state.image.name}: every check passed against the ${describe}${dcInput ? '' : '; device class not checked (taken from the image)'}.`);
      if (result.encrypted && canDecrypt) decrypt(policy, bytes, state.image.name);
    } catch (e) {
      v.dataset.code = e.code ?? 'Error';
      showVerdict('invalid', `INVALID — ${e.code ?? 'error'}`, e.message);
    } finally {
      policy.free();
    }
    fill(tbody, result ?? manifest, !!result, describe, dcInput, manifest);
  } catch (e) {
    v.dataset.code = e.code ?? 'Error';
    showVerdict('error', `Cannot check: ${e.code ?? 'error'}`, e.message);
    if (manifest) fill(tbody, manifest, false, '', '', manifest);
  }
}

function fill(tbody, m, verified, describe, dcInput, inspected) {
  if (!m) return;
  section(tbody, verified ? 'Manifest (verified)' : 'Manifest (as the image claims it — not verified)');
  row(tbody, 'Algorithm', `${m.algorithm} (id ${m.algorithmId})`);
  row(tbody, 'Security version', m.securityVersion.toString());
  row(tbody, 'Version', m.version.text);
  row(tbody, 'Device class', code(hex(m.deviceClass) + (dcInput ? '' : '  (not checked)')));
  row(tbody, 'Signer key id', code(hex(m.signerKeyId)));
  row(tbody, 'Payload', `${m.payloadLen} bytes at offset ${m.headerLen}`);
  row(tbody, 'Payload digest', code(`${m.digestAlgorithm} ${hex(m.payloadDigest)}`));
  row(tbody, 'SBOM digest', m.sbomDigest ? code(`SHA-256 ${hex(m.sbomDigest)}`) : 'none');
  row(tbody, 'Signature block', `${m.trailerLen} bytes`);
  row(tbody, 'Image length', `${m.imageLen} bytes`);
  row(tbody, 'Header', `format ${m.formatVersion}, ${m.headerLen} bytes, flags 0x${m.flags.toString(16).padStart(2, '0')}${m.encrypted ? ' (encrypted payload)' : ''}`);
  if (verified) row(tbody, 'Image id (SHA-256 of the header)', code(hex(m.imageId)));
  const d = verified ? m.delegation : m.signatureBlock?.endorsement;
  if (m.delegated && d) {
    section(tbody, 'Endorsement (delegation)');
    row(tbody, 'Root algorithm', d.rootAlgorithm);
    row(tbody, 'Root key id', code(hex(d.rootKeyId)));
    row(tbody, 'Security versions', `${d.minSecurityVersion} … ${d.maxSecurityVersion}`);
    row(tbody, 'Allowed algorithms', d.allowed.join(', '));
    // The class scope, from the parsed signature block (the same bytes the verifier checked).
    const e = inspected?.signatureBlock?.endorsement;
    if (e) {
      const scope = e.deviceClasses === null ? 'every class (format 1: not scoped)'
        : e.anyClass ? 'every class (endorsed for any class)'
          : e.deviceClasses.map(classText).join(', ');
      row(tbody, 'Device classes', code(scope));
    }
  } else {
    row(tbody, 'Delegation', 'none (signed directly by a trust anchor)');
  }
  const enc = inspected?.encryption;
  if (m.encrypted && enc) {
    section(tbody, verified ? 'Encrypted payload (record verified)' : 'Encrypted payload (as the image claims it — not verified)');
    row(tbody, 'Suite', `${enc.kem}, ${enc.kdf}, ${enc.aead} (key wrap); AES-256-GCM chunks`);
    row(tbody, 'Recipient key id', canDecrypt ? recipientCell(enc) : code(hex(enc.recipientKeyId)));
    row(tbody, 'Chunks', `${enc.chunkCount} × ${enc.chunkSize} bytes (each with a 16-byte tag) after a ${enc.recordLen}-byte record`);
    row(tbody, 'Plaintext', `${enc.plaintextLen} bytes`);
    row(tbody, 'Plaintext digest', code(`${m.digestAlgorithm} ${hex(enc.plaintextDigest)}`));
  }
  if (!verified && m.problem) row(tbody, 'Problem', typeof m.problem === 'string' ? m.problem : `${m.problem.code}: ${m.problem.message}`, 'warn');
  if (describe) row(tbody, 'Trusted', describe);
}

function ready() {
  $('verify').disabled = !(state.image && state.keyText);
  if (!$('verify').disabled) verify();
}

// ---------------------------------------------------------------------------------------------
// Device identity

/** The chain, root first: input prefix, title, what the certificate is. */
const CHAIN = [
  ['root', 'Root certificate', 'the manufacturer CA (trusted)'],
  ['devid', 'DeviceID certificate', 'the device key, issued by the root'],
  ['alias', 'Alias certificate', 'the firmware key, issued by the DeviceID key'],
  ['evidence', 'Evidence', 'issued by the Alias key for the nonce'],
];
const certs = {};
const isoDate = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

function mark(ok, yes, no) {
  const s = document.createElement('span');
  s.className = ok ? 'good' : 'bad';
  s.textContent = ok ? `✓ ${yes}` : `✗ ${no}`;
  return s;
}

/** One certificate of the chain: describeCertificate's fields (or why it does not parse). */
function certItem(i, nonceHex) {
  const [key, title, role] = CHAIN[i];
  const li = document.createElement('li');
  li.dataset.cert = key;
  const h = document.createElement('h4');
  h.textContent = title;
  const small = document.createElement('small');
  small.textContent = `${role} — ${certs[key].name}`;
  h.appendChild(small);
  const table = document.createElement('table');
  const tbody = table.createTBody();
  li.append(h, table);
  let d;
  try {
    d = pq.describeCertificate(certs[key].bytes);
  } catch (e) {
    row(tbody, 'Problem', `${e.code ?? 'error'}: ${e.message}`, 'warn');
    return { li, d: null };
  }
  row(tbody, 'Subject', code(d.subject));
  row(tbody, 'Issuer', code(d.issuer + (d.selfIssued ? '  (self-issued)' : '')));
  row(tbody, 'Serial number', code(d.serial));
  row(tbody, 'Signature algorithm', d.signatureAlgorithm);
  row(tbody, 'Key', d.keyId ? `${d.keyAlgorithm}, id ${d.keyId}` : d.keyAlgorithm);
  row(tbody, 'CA', `${d.isCa ? 'yes' : 'no'}; key usage: ${d.keyUsage.join(', ') || 'none'}`);
  row(tbody, 'Validity', `${isoDate(d.notBefore)} … ${isoDate(d.notAfter)}`);
  if (d.subjectKeyId) row(tbody, 'Subject key id', code(d.subjectKeyId));
  if (d.authorityKeyId) row(tbody, 'Authority key id', code(d.authorityKeyId));
  if (d.ueid) row(tbody, 'UEID (tcg-dice-Ueid)', code(d.ueid));
  const t = d.tcbInfo;
  if (t) {
    row(tbody, 'Firmware (tcg-dice-TcbInfo)', `${t.vendor ?? '—'} ${t.model ?? '—'}, layer ${t.layer ?? '—'}, mode ${t.mode ?? 'unrecognised flags'}`);
    row(tbody, 'Security version', t.svn === null ? '—' : t.svn.toString());
    row(tbody, 'Image id', code(t.imageId ?? '—'));
  }
  if (d.nonce !== null) {
    const cell = document.createElement('span');
    cell.append(code(d.nonce), ' ', mark(d.nonce === nonceHex, 'your nonce', 'not your nonce'));
    row(tbody, 'Nonce (tcg-dice-TcbFreshness)', cell);
  }
  const unknown = d.extensions.filter((x) => x.name === null);
  if (unknown.length) {
    row(tbody, 'Other extensions', unknown.map((x) => `${x.oid}${x.critical ? ' (critical)' : ''}`).join(', '), 'warn');
  }
  return { li, d, tbody };
}

function showChain(nonceHex) {
  const ol = $('chain');
  ol.replaceChildren();
  let prev = null;
  CHAIN.forEach((_, i) => {
    const { li, d, tbody } = certItem(i, nonceHex);
    ol.appendChild(li);
    // Where the names break the chain (display only: the verdict is verifyAttestation's).
    if (i > 0 && d && prev) {
      const [, prevTitle] = CHAIN[i - 1];
      row(tbody, 'Issued by', mark(d.issuer === prev.subject, `the subject of the ${prevTitle}`, `not the subject of the ${prevTitle}`));
    }
    prev = d;
  });
}

function attest() {
  const v = $('id-verdict');
  delete v.dataset.code;
  $('id-result').hidden = false;
  const tbody = $('attestation').tBodies[0];
  tbody.replaceChildren();
  $('attestation').hidden = true;
  const nonceHex = $('nonce').value.trim().toLowerCase();
  const imageId = $('image-id').value.trim();
  try {
    const a = pq.verifyAttestation({
      roots: [certs.root.bytes],
      deviceIdCert: certs.devid.bytes,
      aliasCert: certs.alias.bytes,
      evidence: certs.evidence.bytes,
      nonce: nonceHex,
      imageIds: imageId ? [imageId] : [],
      minSecurityVersion: BigInt($('id-min-sv').value || '0'),
      allowNonNormalMode: $('allow-debug').checked,
      now: new Date(),
    });
    v.dataset.code = 'valid';
    showVerdict('valid', `VALID — ${a.vendor} ${a.model}, device ${a.deviceId}`,
      `${a.algorithm} chain from the root to the evidence for your nonce; firmware security version ${a.securityVersion}` +
        `${imageId ? ', image id as expected' : ' (image id not checked)'}, mode ${a.mode}.`, v);
    row(tbody, 'Algorithm', a.algorithm);
    row(tbody, 'Device id (DeviceID key)', code(a.deviceId));
    row(tbody, 'UEID', code(a.ueid));
    row(tbody, 'Alias key id', code(a.aliasId));
    row(tbody, 'Vendor, model', `${a.vendor}, ${a.model}`);
    row(tbody, 'Security version', a.securityVersion.toString());
    row(tbody, 'DICE layer', String(a.layer));
    row(tbody, 'Image id', code(a.imageId));
    row(tbody, 'Mode', a.mode, a.mode === 'normal' ? 'good' : 'warn');
    $('attestation').hidden = false;
  } catch (e) {
    v.dataset.code = e.code ?? 'Error';
    const usage = e.code === 'InvalidArgument';
    showVerdict(usage ? 'error' : 'invalid', `${usage ? 'Cannot check' : 'REJECTED'} — ${e.code ?? 'error'}`, e.message, v);
  }
  showChain(nonceHex);
}

function identityReady() {
  const loaded = CHAIN.every(([key]) => certs[key]);
  $('attest').disabled = !(loaded && $('nonce').value.trim());
  if (!$('attest').disabled) attest();
}

function setupIdentity() {
  // The package may be built without the `identity` feature.
  if (typeof pq.verifyAttestation !== 'function') return;
  $('identity').hidden = false;
  for (const [key] of CHAIN) {
    setupDrop(`${key}-drop`, `${key}-input`, async (f) => {
      certs[key] = { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
      $(`${key}-name`).textContent = `${f.name} (${f.size} bytes)`;
      $(`${key}-drop`).classList.add('loaded');
      identityReady();
    });
  }
  $('attest').addEventListener('click', attest);
  for (const id of ['nonce', 'image-id', 'id-min-sv', 'allow-debug']) $(id).addEventListener('change', identityReady);
}

await init();
$('version').textContent = pq.version();
setupDrop('image-drop', 'image-input', (f) => {
  state.image = f;
  $('image-name').textContent = `${f.name} (${f.size} bytes)`;
  $('image-drop').classList.add('loaded');
  ready();
});
setupDrop('key-drop', 'key-input', async (f) => {
  state.keyText = await f.text();
  $('key-name').textContent = f.name;
  $('key-drop').classList.add('loaded');
  ready();
});
$('verify').addEventListener('click', verify);
if (canDecrypt) {
  $('decryption').hidden = false;
  for (const kem of pq.hpkeAlgorithms().kems) $('kem-alg').add(new Option(kem, kem, kem === 'X-Wing', kem === 'X-Wing'));
  const rerun = () => state.image && state.keyText && verify();
  setupDrop('kem-key-drop', 'kem-key-input', async (f) => {
    state.kemFile = { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
    $('kem-key-name').textContent = `${f.name} (${f.size} bytes)`;
    $('kem-key-drop').classList.add('loaded');
    rerun();
  });
  for (const id of ['kem-key-text', 'kem-alg']) $(id).addEventListener('change', rerun);
  $('forget-key').addEventListener('click', () => {
    state.kemFile?.bytes.fill(0);
    state.kemFile = null;
    $('kem-key-input').value = '';
    $('kem-key-text').value = '';
    $('kem-key-name').textContent = 'forgotten';
    $('kem-key-drop').classList.remove('loaded');
    rerun();
  });
}
for (const id of ['device-class', 'min-sv', 'allowed', 'large']) $(id).addEventListener('change', () => state.image && state.keyText && verify());
setupIdentity();
document.body.dataset.ready = 'true';
