// The page: picks up an image and a key or trust store, builds a Policy, streams the image
// through the WebAssembly verifier and shows the verdict and every manifest field.
import init, * as pq from '../pkg/web/pqhybrid.js';

const $ = (id) => document.getElementById(id);
const hex = (b) => (b ? pq.toHex(b) : '—');
/** A device class: hex, and the text when it is printable ASCII ("acme-sensor-rev2"). */
const classText = (b) => (b.every((c) => c >= 0x20 && c < 0x7f) ? `${hex(b)} "${String.fromCharCode(...b)}"` : hex(b));
const state = { image: null, keyText: null, keyName: '' };

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

function showVerdict(kind, title, detail) {
  const v = $('verdict');
  v.dataset.verdict = kind;
  v.textContent = title;
  if (detail) {
    const s = document.createElement('small');
    s.textContent = detail;
    v.appendChild(s);
  }
}

async function verify() {
  const tbody = $('fields').tBodies[0];
  tbody.replaceChildren();
  $('result').hidden = false;
  const v = $('verdict');
  delete v.dataset.code;
  let manifest = null;
  try {
    // Non-verifying parse first (header only), to show fields even for a rejected image.
    try {
      manifest = pq.inspectFirmware(new Uint8Array(await state.image.arrayBuffer()));
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
    });
    let result;
    try {
      result = await pq.verifyFirmwareStream(policy, state.image);
      v.dataset.code = 'valid';
      showVerdict('valid', `VALID — ${result.algorithm}`, `${state.image.name}: every check passed against the ${describe}${dcInput ? '' : '; device class not checked (taken from the image)'}.`);
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
  row(tbody, 'Header', `format ${m.formatVersion}, ${m.headerLen} bytes, flags 0x${m.flags.toString(16).padStart(2, '0')}`);
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
  if (!verified && m.problem) row(tbody, 'Problem', typeof m.problem === 'string' ? m.problem : `${m.problem.code}: ${m.problem.message}`, 'warn');
  if (describe) row(tbody, 'Trusted', describe);
}

function ready() {
  $('verify').disabled = !(state.image && state.keyText);
  if (!$('verify').disabled) verify();
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
for (const id of ['device-class', 'min-sv', 'allowed', 'large']) $(id).addEventListener('change', () => state.image && state.keyText && verify());
document.body.dataset.ready = 'true';
