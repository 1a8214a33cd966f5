"""Interop check of pqhybrid's device-identity documents with pyca/cryptography.

Run by `xtask/src/interop.rs` (the `identity-interop` step) with the Python of its virtual
environment (target/pyenv), which has the pinned pyca/cryptography. Standard library and
pyca/cryptography only: nothing here uses pqhybrid, so every check is independent of it.

    identity_interop.py kat JSON...   parse every certificate and CSR of the known-answer files
                                      (kat-vectors/pqhybrid/identity/<alg>.json, with
                                      derivation.json beside them) and check them against
                                      docs/identity.md; verify the signatures pyca can (ML-DSA)
    identity_interop.py make DIR      generate ML-DSA-65 keys with pyca and write a device's
                                      documents into DIR: a CSR that follows the profile, one
                                      whose subject names another key, a self-signed
                                      certificate, an Alias certificate (UEID, TcbInfo) signed
                                      by the DeviceID key and an evidence (TcbFreshness) signed
                                      by the Alias key, and pyca-manifest.json (ids, nonce,
                                      FWID, svn) for interop.rs
    identity_interop.py issued DIR    check DIR/device_id.crt, which `pqhybrid identity issue`
                                      wrote from the pyca CSR with the CA of DIR/ca, and verify
                                      its signature and the CA's with pyca

Every mode prints one line per document with what it checked, and exits 1 if any check failed
(after checking everything). `kat` ends with the line
`pyca: N documents parsed, M signatures verified, K not verifiable (composite algorithms)`.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import sys

import cryptography
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import mldsa
from cryptography.x509.oid import ExtensionOID, NameOID

# docs/identity.md, "Derivation" (Open DICE "Salt").
ID_SALT = bytes.fromhex(
    "dbdbaebc8020da9ff0dd5a24c83aa5a54286dfc263031e329b4da148430659fe"
    "62cdb5b7e1e00fc680306711eb444af77209359496fcff1db9520ba51c7b29ea"
)
OID_TCB_INFO = x509.ObjectIdentifier("2.23.133.5.4.1")
OID_UEID = x509.ObjectIdentifier("2.23.133.5.4.4")
OID_TCB_FRESHNESS = x509.ObjectIdentifier("2.23.133.5.4.11")
OID_SHA256 = bytes.fromhex("0609608648016503040201")  # DER of id-sha256
ML_DSA_65 = "2.16.840.1.101.3.4.3.18"
# The algorithms pyca/cryptography 50 verifies (pure ML-DSA, RFC 9881).
PYCA_VERIFIES = {
    "2.16.840.1.101.3.4.3.17": "ML-DSA-44",
    ML_DSA_65: "ML-DSA-65",
    "2.16.840.1.101.3.4.3.19": "ML-DSA-87",
}
UTC = datetime.timezone.utc
NOT_BEFORE = datetime.datetime(2018, 3, 22, 23, 59, 59, tzinfo=UTC)
NOT_AFTER = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
# DiceTcbInfo flags (OperationalFlags, DER named bits) of the four modes.
FLAGS = {b"\x00": "Normal", b"\x07\x80": "NotConfigured", b"\x05\x20": "Recovery", b"\x04\x10": "Debug"}


# ---------------------------------------------------------------------------------------------
# Derivation and DER helpers (independent of pqhybrid: hmac, hashlib)


def hkdf_sha512(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 HKDF-SHA-512, extract then expand."""
    prk = hmac.new(salt, ikm, hashlib.sha512).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha512).digest()
        okm += block
        counter += 1
    return okm[:length]


def dice_id(data: bytes) -> bytes:
    """ID(x) = KDF(20, x, ID_SALT, "ID") with the top bit cleared (docs/identity.md)."""
    out = bytearray(hkdf_sha512(data, ID_SALT, b"ID", 20))
    out[0] &= 0x7F
    return bytes(out)


def der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + der_len(len(content)) + content


def der_items(data: bytes) -> list[tuple[int, bytes]]:
    """The (tag, content) of each TLV of `data`, which they must cover exactly (DER lengths:
    minimal, definite). Raises ValueError otherwise."""
    items, i = [], 0
    while i < len(data):
        if i + 2 > len(data):
            raise ValueError("truncated TLV")
        tag, first = data[i], data[i + 1]
        i += 2
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 4 or i + count > len(data):
                raise ValueError("bad length")
            length = int.from_bytes(data[i : i + count], "big")
            if length < 0x80 or data[i] == 0:
                raise ValueError("non-minimal length")
            i += count
        if i + length > len(data):
            raise ValueError("truncated content")
        items.append((tag, data[i : i + length]))
        i += length
    return items


def der_one(data: bytes, tag: int) -> bytes:
    """The content of `data`, a single TLV with `tag`."""
    items = der_items(data)
    if len(items) != 1 or items[0][0] != tag:
        raise ValueError(f"expected one TLV with tag {tag:#04x}")
    return items[0][1]


def decode_tcb_info(value: bytes) -> dict:
    """The fields pqhybrid writes of TCG's DiceTcbInfo (docs/identity.md, "DiceTcbInfo")."""
    fields = der_items(der_one(value, 0x30))
    tags = [t for t, _ in fields]
    if tags != [0x80, 0x81, 0x83, 0x84, 0xA6, 0x87]:
        raise ValueError(f"DiceTcbInfo fields {[hex(t) for t in tags]}, expected [0] [1] [3] [4] [6] [7]")
    f = dict(fields)
    fwids = der_items(f[0xA6])
    if len(fwids) != 1 or fwids[0][0] != 0x30:
        raise ValueError("expected one FWID")
    fwid = der_items(fwids[0][1])
    if len(fwid) != 2 or tlv(*fwid[0]) != OID_SHA256 or fwid[1][0] != 0x04 or len(fwid[1][1]) != 32:
        raise ValueError("FWID is not an SHA-256 digest")
    if f[0x87] not in FLAGS:
        raise ValueError(f"operational flags {f[0x87].hex()} are none of the four modes")
    return {
        "vendor": f[0x80].decode("utf-8"),
        "model": f[0x81].decode("utf-8"),
        "svn": int.from_bytes(f[0x83], "big", signed=True),
        "layer": int.from_bytes(f[0x84], "big", signed=True),
        "fwid": fwid[1][1],
        "mode": FLAGS[f[0x87]],
    }


def encode_tcb_info(vendor: str, model: str, svn: int, layer: int, fwid: bytes) -> bytes:
    """A DiceTcbInfo of pqhybrid's profile, normal mode (svn and layer < 128)."""
    fwids = tlv(0xA6, tlv(0x30, OID_SHA256 + tlv(0x04, fwid)))
    return tlv(
        0x30,
        tlv(0x80, vendor.encode())
        + tlv(0x81, model.encode())
        + tlv(0x83, bytes([svn]))
        + tlv(0x84, bytes([layer]))
        + fwids
        + tlv(0x87, b"\x00"),
    )


def device_name(id_: bytes) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, id_.hex())])


def device_name_der(id_: bytes) -> bytes:
    """docs/identity.md: `30 33 31 31 30 2f 06 03 55 04 05 13 28` ‖ 40 hex digits."""
    return bytes.fromhex("30333131302f06035504051328") + id_.hex().encode()


# ---------------------------------------------------------------------------------------------
# Checking a document


class Report:
    """The checks of one document: `ok` names what held, `fail` what did not."""

    def __init__(self, name: str):
        self.name = name
        self.checked: list[str] = []
        self.failures: list[str] = []

    def check(self, cond: bool, what: str, detail: str = "") -> bool:
        if cond:
            self.checked.append(what)
        else:
            self.failures.append(f"{what}: {detail}" if detail else what)
        return cond

    def line(self) -> str:
        status = "ok" if not self.failures else "FAILED"
        text = f"  {self.name}: {status}: {', '.join(self.checked)}"
        for f in self.failures:
            text += f"\n    FAILED: {f}"
        return text


class Expect:
    """What docs/identity.md says one certificate holds."""

    def __init__(self, kind, alg_oid, subject_id, issuer_id, serial, subject_pk, ca_name=None,
                 ueid=None, tcb=None, nonce=None):
        self.kind = kind  # "root", "deviceId", "alias" or "evidence"
        self.alg_oid = alg_oid
        self.subject_id = subject_id
        self.issuer_id = issuer_id
        self.serial = serial
        self.subject_pk = subject_pk
        self.ca_name = ca_name  # the CA's common name: for names that are the CA's
        self.ueid = ueid
        self.tcb = tcb  # dict of the expected DiceTcbInfo fields
        self.nonce = nonce


EXTENSIONS = {
    "root": [ExtensionOID.AUTHORITY_KEY_IDENTIFIER, ExtensionOID.SUBJECT_KEY_IDENTIFIER,
             ExtensionOID.KEY_USAGE, ExtensionOID.BASIC_CONSTRAINTS],
    "deviceId": [ExtensionOID.AUTHORITY_KEY_IDENTIFIER, ExtensionOID.SUBJECT_KEY_IDENTIFIER,
                 ExtensionOID.KEY_USAGE, ExtensionOID.BASIC_CONSTRAINTS, OID_UEID],
    "alias": [ExtensionOID.AUTHORITY_KEY_IDENTIFIER, ExtensionOID.SUBJECT_KEY_IDENTIFIER,
              ExtensionOID.KEY_USAGE, ExtensionOID.BASIC_CONSTRAINTS, OID_UEID, OID_TCB_INFO],
    "evidence": [ExtensionOID.AUTHORITY_KEY_IDENTIFIER, ExtensionOID.KEY_USAGE,
                 ExtensionOID.BASIC_CONSTRAINTS, OID_TCB_FRESHNESS],
}
CRITICAL = {ExtensionOID.KEY_USAGE, ExtensionOID.BASIC_CONSTRAINTS, OID_TCB_INFO, OID_TCB_FRESHNESS}


def expected_name(id_: bytes, ca_name: str | None) -> x509.Name:
    if ca_name is None:
        return device_name(id_)
    return x509.Name([
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, ca_name)]),
        x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.SERIAL_NUMBER, id_.hex())]),
    ])


def check_name(r: Report, what: str, name: x509.Name, id_: bytes, ca_name: str | None) -> None:
    want = expected_name(id_, ca_name)
    if r.check(name == want, f"{what} {name.rfc4514_string()}", f"expected {want.rfc4514_string()}"):
        if ca_name is None:
            # Byte for byte: serialNumber as a PrintableString (docs/identity.md, "Names").
            r.check(name.public_bytes() == device_name_der(id_), f"{what} DER",
                    name.public_bytes().hex())


def check_certificate(name: str, der: bytes, e: Expect) -> tuple[Report, x509.Certificate | None]:
    r = Report(name)
    try:
        cert = x509.load_der_x509_certificate(der)
    except Exception as err:  # noqa: BLE001 - any parse error is the finding
        r.check(False, "load_der_x509_certificate", f"{type(err).__name__}: {err}")
        return r, None
    r.checked.append("parsed")
    r.check(cert.version == x509.Version.v3, "v3", str(cert.version))
    r.check(cert.serial_number == int.from_bytes(e.serial, "big"), f"serial {e.serial.hex()}",
            f"{cert.serial_number:x}")
    r.check(cert.signature_algorithm_oid.dotted_string == e.alg_oid, f"signature {e.alg_oid}",
            cert.signature_algorithm_oid.dotted_string)
    r.check(cert.signature_algorithm_parameters is None, "no parameters")
    r.check(cert.public_key_algorithm_oid.dotted_string == e.alg_oid, "SPKI algorithm",
            cert.public_key_algorithm_oid.dotted_string)
    r.check(tlv(0x03, b"\x00" + e.subject_pk) in cert.tbs_certificate_bytes, "SPKI = subject key")
    check_name(r, "subject", cert.subject, e.subject_id, e.ca_name if e.kind == "root" else None)
    check_name(r, "issuer", cert.issuer, e.issuer_id, e.ca_name if e.kind in ("root", "deviceId") else None)
    r.check(cert.not_valid_before_utc == NOT_BEFORE and cert.not_valid_after_utc == NOT_AFTER,
            "validity 2018-03-22 23:59:59 - 9999-12-31 23:59:59",
            f"{cert.not_valid_before_utc} - {cert.not_valid_after_utc}")

    try:
        exts = list(cert.extensions)
    except Exception as err:  # noqa: BLE001
        r.check(False, "extensions", f"{type(err).__name__}: {err}")
        return r, cert
    want = EXTENSIONS[e.kind]
    r.check([x.oid for x in exts] == want, "extensions in order",
            str([x.oid.dotted_string for x in exts]))
    wrong = [x.oid.dotted_string for x in exts if x.critical != (x.oid in CRITICAL)]
    r.check(not wrong, "criticality", f"wrong for {wrong}")
    by_oid = {x.oid: x.value for x in exts}
    aki = by_oid.get(ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
    r.check(aki is not None and aki.key_identifier == e.issuer_id and aki.authority_cert_issuer is None
            and aki.authority_cert_serial_number is None, "AKI", repr(aki))
    ski = by_oid.get(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
    if e.kind != "evidence":
        r.check(ski is not None and ski.digest == e.subject_id, "SKI", repr(ski))
    ku = by_oid.get(ExtensionOID.KEY_USAGE)
    bc = by_oid.get(ExtensionOID.BASIC_CONSTRAINTS)
    if e.kind == "evidence":
        r.check(ku is not None and ku.digital_signature and not ku.key_cert_sign and not ku.crl_sign,
                "keyUsage digitalSignature", repr(ku))
        r.check(bc is not None and not bc.ca and bc.path_length is None,
                "basicConstraints not a CA", repr(bc))
    else:
        r.check(ku is not None and ku.key_cert_sign and not ku.digital_signature and not ku.crl_sign,
                "keyUsage keyCertSign", repr(ku))
        r.check(bc is not None and bc.ca and bc.path_length is None, "basicConstraints cA", repr(bc))
    if OID_UEID in by_oid:
        raw = by_oid[OID_UEID]
        r.check(isinstance(raw, x509.UnrecognizedExtension)
                and raw.value == tlv(0x30, tlv(0x04, e.ueid)), f"UEID {e.ueid.hex()[:8]}..",
                repr(raw))
    if OID_TCB_INFO in by_oid:
        raw = by_oid[OID_TCB_INFO]
        ok = isinstance(raw, x509.UnrecognizedExtension)
        r.check(ok and e.tcb["fwid"] in raw.value, "TcbInfo holds the image id", repr(raw))
        if ok:
            try:
                got = decode_tcb_info(raw.value)
                r.check(got == e.tcb, "TcbInfo " + ", ".join(
                    f"{k} {v.hex()[:8]}.." if isinstance(v, bytes) else f"{k} {v}" for k, v in got.items()),
                    f"{got} != {e.tcb}")
            except (ValueError, UnicodeDecodeError) as err:
                r.check(False, "TcbInfo decodes", str(err))
    if OID_TCB_FRESHNESS in by_oid:
        raw = by_oid[OID_TCB_FRESHNESS]
        r.check(isinstance(raw, x509.UnrecognizedExtension)
                and raw.value == tlv(0x30, tlv(0x04, e.nonce)), "TcbFreshness nonce", repr(raw))
    return r, cert


def check_csr(name: str, der: bytes, alg_oid: str, subject_id: bytes, pk: bytes) -> tuple[Report, x509.CertificateSigningRequest | None]:
    r = Report(name)
    try:
        csr = x509.load_der_x509_csr(der)
    except Exception as err:  # noqa: BLE001
        r.check(False, "load_der_x509_csr", f"{type(err).__name__}: {err}")
        return r, None
    r.checked.append("parsed")
    info = der_items(der_one(csr.tbs_certrequest_bytes, 0x30))
    r.check(bool(info) and info[0] == (0x02, b"\x00"), "version 0", repr(info[:1]))
    r.check(csr.signature_algorithm_oid.dotted_string == alg_oid, f"signature {alg_oid}",
            csr.signature_algorithm_oid.dotted_string)
    r.check(csr.signature_algorithm_parameters is None, "no parameters")
    check_name(r, "subject", csr.subject, subject_id, None)
    r.check(len(list(csr.attributes)) == 0 and len(csr.extensions) == 0, "no attributes")
    r.check(tlv(0x03, b"\x00" + pk) in csr.tbs_certrequest_bytes, "SPKI = DeviceID key")
    return r, csr


def pyca_key_matches(r: Report, cert_or_csr, pk: bytes) -> None:
    key = cert_or_csr.public_key()
    r.check(key.public_bytes_raw() == pk, f"public key ({type(key).__name__})")


def verify(r: Report, alg_oid: str, how: str, fn) -> str:
    """Runs a pyca signature check: "verified", "unverifiable" (a composite pyca does not
    know) or "failed"."""
    try:
        if fn() is False:
            raise InvalidSignature("is_signature_valid is False")
    except UnsupportedAlgorithm as err:
        if alg_oid in PYCA_VERIFIES:
            r.check(False, f"signature ({how})", f"UnsupportedAlgorithm: {err}")
            return "failed"
        r.checked.append(f"signature not verifiable by pyca ({err})")
        return "unverifiable"
    except (InvalidSignature, ValueError, TypeError) as err:
        r.check(False, f"signature ({how})", f"{type(err).__name__}: {err}")
        return "failed"
    r.checked.append(f"signature verified by pyca ({PYCA_VERIFIES[alg_oid]}, {how})")
    return "verified"


# ---------------------------------------------------------------------------------------------
# kat: the known-answer documents


def kat(paths: list[str]) -> int:
    parsed = verified = unverifiable = failed = 0
    negative_done = False
    for path in paths:
        with open(path) as f:
            kat_file = json.load(f)
        with open(os.path.join(os.path.dirname(path), "derivation.json")) as f:
            derivation = json.load(f)
        alg, oid = kat_file["alg"], kat_file["oid"]
        nonce = bytes.fromhex(derivation["nonce"])
        ca_name = derivation["ca"]["commonName"]
        images = {i["file"]: i for i in derivation["images"]}
        ca_id, ca_pk = bytes.fromhex(kat_file["ca"]["id"]), bytes.fromhex(kat_file["ca"]["publicKey"])
        dev = kat_file["deviceId"]
        dev_id, dev_pk, ueid = bytes.fromhex(dev["id"]), bytes.fromhex(dev["publicKey"]), bytes.fromhex(dev["ueid"])
        print(f"{alg} ({path}):")
        keys = [("CA", ca_id, ca_pk), ("DeviceID", dev_id, dev_pk)] + [
            (f"Alias {a['image']}", bytes.fromhex(a["id"]), bytes.fromhex(a["publicKey"])) for a in kat_file["aliases"]]
        r = Report("key ids")
        for what, id_, pk in keys:
            r.check(dice_id(pk) == id_, f"{what} ID = HKDF-SHA-512(pk, ID_SALT, \"ID\")", dice_id(pk).hex())
        r.check(ueid == b"\x01" + hashlib.sha256(dev_pk).digest(), "UEID = 01 || SHA-256(DeviceID pk)")
        print(r.line())
        failed += len(r.failures)

        docs = []  # (name, DER, Expect, the name of the issuer's document)
        docs.append(("root", bytes.fromhex(kat_file["rootCertificate"]),
                     Expect("root", oid, ca_id, ca_id, ca_id, ca_pk, ca_name), "root"))
        docs.append(("deviceId", bytes.fromhex(kat_file["deviceIdCertificate"]),
                     Expect("deviceId", oid, dev_id, ca_id, dev_id, dev_pk, ca_name, ueid=ueid), "root"))
        for a in kat_file["aliases"]:
            img = images[a["image"]]
            t = img["tcbInfo"]
            tcb = {"vendor": t["vendor"], "model": t["model"], "svn": t["svn"], "layer": t["layer"],
                   "fwid": bytes.fromhex(img["imageId"]), "mode": t["mode"]}
            alias_id, alias_pk = bytes.fromhex(a["id"]), bytes.fromhex(a["publicKey"])
            docs.append((f"alias[{a['image']}]", bytes.fromhex(a["aliasCertificate"]),
                         Expect("alias", oid, alias_id, dev_id, alias_id, alias_pk, ueid=ueid, tcb=tcb), "deviceId"))
            docs.append((f"evidence[{a['image']}]", bytes.fromhex(a["evidence"]),
                         Expect("evidence", oid, alias_id, alias_id, dice_id(nonce), alias_pk, nonce=nonce),
                         f"alias[{a['image']}]"))
        certs = {}
        for name, der, e, issuer in docs:
            r, cert = check_certificate(f"{alg} {name}", der, e)
            if cert is not None:
                parsed += 1
                certs[name] = cert
                issuer_cert = certs.get(issuer)
                if issuer_cert is not None:
                    outcome = verify(r, oid, f"verify_directly_issued_by({issuer})",
                                     lambda c=cert, i=issuer_cert: c.verify_directly_issued_by(i))
                    verified += outcome == "verified"
                    unverifiable += outcome == "unverifiable"
                    if outcome == "verified":
                        pyca_key_matches(r, cert, e.subject_pk)
                        if not negative_done:
                            # The verification is not vacuous: one flipped TBS byte fails.
                            tbs = bytearray(cert.tbs_certificate_bytes)
                            tbs[-1] ^= 1
                            try:
                                issuer_cert.public_key().verify(cert.signature, bytes(tbs))
                                r.check(False, "a tampered TBS is rejected")
                            except InvalidSignature:
                                r.check(True, "a tampered TBS is rejected")
                            negative_done = True
            print(r.line())
            failed += len(r.failures)

        r, csr = check_csr(f"{alg} CSR", bytes.fromhex(kat_file["csr"]), oid, dev_id, dev_pk)
        if csr is not None:
            parsed += 1
            outcome = verify(r, oid, "is_signature_valid", lambda c=csr: c.is_signature_valid)
            verified += outcome == "verified"
            unverifiable += outcome == "unverifiable"
            if outcome == "verified":
                pyca_key_matches(r, csr, dev_pk)
        print(r.line())
        failed += len(r.failures)
    print(f"pyca: {parsed} documents parsed, {verified} signatures verified, "
          f"{unverifiable} not verifiable (composite algorithms)")
    if failed:
        print(f"pyca: {failed} checks FAILED")
        return 1
    return 0


# ---------------------------------------------------------------------------------------------
# make: a device's documents made by pyca, for `pqhybrid identity issue` and `verify`


def make(out: str) -> int:
    os.makedirs(out, exist_ok=True)
    pem = serialization.Encoding.PEM

    def write(name: str, data: bytes) -> None:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    dev_key = mldsa.MLDSA65PrivateKey.generate()
    dev_pk = dev_key.public_key().public_bytes_raw()
    dev_id = dice_id(dev_pk)
    ueid = b"\x01" + hashlib.sha256(dev_pk).digest()

    # The CSR of docs/identity.md ("CSR"): serialNumber=<ID of the key>, no attributes.
    csr = x509.CertificateSigningRequestBuilder().subject_name(device_name(dev_id)).sign(dev_key, None)
    write("pyca-device_id.csr", csr.public_bytes(pem))
    # The same key under another key's name: the CA must refuse it.
    other_id = dice_id(dev_pk + b"other")
    wrong = x509.CertificateSigningRequestBuilder().subject_name(device_name(other_id)).sign(dev_key, None)
    write("pyca-wrong-name.csr", wrong.public_bytes(pem))

    def builder(subject_id, issuer_id, serial, pk_obj, ca: bool, ski: bool):
        b = (x509.CertificateBuilder()
             .subject_name(device_name(subject_id))
             .issuer_name(device_name(issuer_id))
             .serial_number(int.from_bytes(serial, "big"))
             .not_valid_before(NOT_BEFORE)
             .not_valid_after(NOT_AFTER)
             .public_key(pk_obj)
             .add_extension(x509.AuthorityKeyIdentifier(issuer_id, None, None), critical=False))
        if ski:
            b = b.add_extension(x509.SubjectKeyIdentifier(subject_id), critical=False)
        b = b.add_extension(x509.KeyUsage(
            digital_signature=not ca, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        return b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)

    # A self-signed CA certificate of the DeviceID key (the profile of a root, named by ID).
    self_signed = builder(dev_id, dev_id, dev_id, dev_key.public_key(), True, True).sign(dev_key, None)
    write("pyca-self-signed.crt", self_signed.public_bytes(pem))

    # An Alias certificate issued by the DeviceID key, with UEID and TcbInfo.
    alias_key = mldsa.MLDSA65PrivateKey.generate()
    alias_pk = alias_key.public_key().public_bytes_raw()
    alias_id = dice_id(alias_pk)
    fwid = hashlib.sha256(b"pyca interop image").digest()
    svn = 3
    tcb = encode_tcb_info("pyca", "cryptography-" + cryptography.__version__, svn, 1, fwid)
    alias = (builder(alias_id, dev_id, alias_id, alias_key.public_key(), True, True)
             .add_extension(x509.UnrecognizedExtension(OID_UEID, tlv(0x30, tlv(0x04, ueid))), critical=False)
             .add_extension(x509.UnrecognizedExtension(OID_TCB_INFO, tcb), critical=True)
             .sign(dev_key, None))
    write("pyca-alias.crt", alias.public_bytes(pem))

    # The evidence: the Alias key certifying itself with the verifier's nonce.
    nonce = os.urandom(32)
    evidence = (builder(alias_id, alias_id, dice_id(nonce), alias_key.public_key(), False, False)
                .add_extension(x509.UnrecognizedExtension(OID_TCB_FRESHNESS, tlv(0x30, tlv(0x04, nonce))),
                               critical=True)
                .sign(alias_key, None))
    write("pyca-evidence.crt", evidence.public_bytes(pem))

    manifest = {
        "deviceId": dev_id.hex(), "devicePublicKey": dev_pk.hex(), "ueid": ueid.hex(),
        "otherId": other_id.hex(), "aliasId": alias_id.hex(), "nonce": nonce.hex(),
        "fwid": fwid.hex(), "svn": svn,
    }
    write("pyca-manifest.json", json.dumps(manifest, indent=1).encode())

    # Check what was made with the same checks as the known-answer documents.
    failed = 0
    r, _ = check_csr("pyca CSR", csr.public_bytes(serialization.Encoding.DER), ML_DSA_65, dev_id, dev_pk)
    verify(r, ML_DSA_65, "is_signature_valid", lambda: csr.is_signature_valid)
    print(r.line())
    failed += len(r.failures)
    tcb_fields = {"vendor": "pyca", "model": "cryptography-" + cryptography.__version__, "svn": svn,
                  "layer": 1, "fwid": fwid, "mode": "Normal"}
    for name, cert, e, issuer in [
        # A root named by ID, not by a CA name.
        ("pyca self-signed", self_signed, Expect("root", ML_DSA_65, dev_id, dev_id, dev_id, dev_pk), self_signed),
        ("pyca alias", alias, Expect("alias", ML_DSA_65, alias_id, dev_id, alias_id, alias_pk, ueid=ueid, tcb=tcb_fields), self_signed),
        ("pyca evidence", evidence, Expect("evidence", ML_DSA_65, alias_id, alias_id, dice_id(nonce), alias_pk, nonce=nonce), alias),
    ]:
        r, _ = check_certificate(name, cert.public_bytes(serialization.Encoding.DER), e)
        verify(r, ML_DSA_65, "verify_directly_issued_by", lambda c=cert, i=issuer: c.verify_directly_issued_by(i))
        print(r.line())
        failed += len(r.failures)
    print(f"pyca: wrote the CSR of DeviceID {dev_id.hex()}, a CSR naming {other_id.hex()}, a "
          f"self-signed certificate, Alias {alias_id.hex()} and its evidence to {out}")
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# issued: the DeviceID certificate pqhybrid issued from the pyca CSR


def load_pem_cert(path: str) -> x509.Certificate:
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def issued(out: str) -> int:
    with open(os.path.join(out, "pyca-manifest.json")) as f:
        m = json.load(f)
    ca = load_pem_cert(os.path.join(out, "ca", "ca.crt"))
    ca_der = ca.public_bytes(serialization.Encoding.DER)
    ca_pk = ca.public_key().public_bytes_raw()
    ca_id = dice_id(ca_pk)
    ca_name = ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    dev_id, dev_pk = bytes.fromhex(m["deviceId"]), bytes.fromhex(m["devicePublicKey"])
    failed = 0
    r, ca_cert = check_certificate("pqhybrid CA ca.crt", ca_der, Expect("root", ML_DSA_65, ca_id, ca_id, ca_id, ca_pk, ca_name))
    verify(r, ML_DSA_65, "verify_directly_issued_by(itself)", lambda: ca.verify_directly_issued_by(ca))
    print(r.line())
    failed += len(r.failures)
    cert = load_pem_cert(os.path.join(out, "device_id.crt"))
    r, _ = check_certificate(
        "pqhybrid-issued device_id.crt", cert.public_bytes(serialization.Encoding.DER),
        Expect("deviceId", ML_DSA_65, dev_id, ca_id, dev_id, dev_pk, ca_name, ueid=bytes.fromhex(m["ueid"])))
    outcome = verify(r, ML_DSA_65, "verify_directly_issued_by(ca.crt)", lambda: cert.verify_directly_issued_by(ca))
    if outcome == "verified":
        pyca_key_matches(r, cert, dev_pk)
    print(r.line())
    failed += len(r.failures)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    print(f"pyca/cryptography {cryptography.__version__}, Python {sys.version.split()[0]}")
    if len(argv) >= 2 and argv[0] == "kat":
        return kat(argv[1:])
    if len(argv) == 2 and argv[0] == "make":
        return make(argv[1])
    if len(argv) == 2 and argv[0] == "issued":
        return issued(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
