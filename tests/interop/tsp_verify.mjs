// tsp_verify.mjs: independent RFC 3161 token verifier for cctsa's interop tests. It shares no
// code with the C verifier: CMS structure from @peculiar/asn1-cms, certificates from
// @peculiar/asn1-x509, ML-DSA-65 from @noble/post-quantum, ECDSA and hashes from node:crypto.
// Checks: response status, SignedData version 3, eContentType TSTInfo, message imprint against
// the data, for every SignerInfo (and the compat profile's ML-DSA-65 countersignature, RFC 5652
// 11.4, in the ECDSA SignerInfo's unsigned attribute id-countersignature): signer certificate by
// issuer+serial, digest algorithm, contentType and messageDigest attributes (a countersignature:
// no contentType, messageDigest over the countersigned signature value), ESSCertIDv2 hash and
// issuerSerial, the signature, EKU timeStamping, signature of the TSA certificate by a given root,
// and that the signer shape matches the profile of the policy OID (no stripped signer): the
// development-default policies, or those given with --policy PROFILE=OID.
//
// usage: node tsp_verify.mjs TOKEN --data FILE --ca ROOT.pem [--ca ...] [--policy PROFILE=OID ...] [--tamper STRIDE]
// prints one JSON line: {"ok":true,"ecdsa":1,"mldsa":0,"profile":"classic"} or {"ok":false,"error":...}
// With --tamper STRIDE: flips one bit in every STRIDE-th byte of TOKEN (stride 1 = every byte),
// verifies each variant and prints {"positions":N,"accepted":[...offsets accepted...]}.
import { AsnConvert } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData, SignerInfo } from '@peculiar/asn1-cms';
import { Certificate, ExtendedKeyUsage } from '@peculiar/asn1-x509';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import * as asn1js from 'asn1js';
import { createHash, createPublicKey, verify as nodeVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

const OID = {
  signedData: '1.2.840.113549.1.7.2', tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3', messageDigest: '1.2.840.113549.1.9.4',
  signingCertV2: '1.2.840.113549.1.9.16.2.47', ecdsaSha384: '1.2.840.10045.4.3.3',
  mldsa65: '2.16.840.1.101.3.4.3.18', ecPublicKey: '1.2.840.10045.2.1', timeStamping: '1.3.6.1.5.5.7.3.8',
  eku: '2.5.29.37', countersignature: '1.2.840.113549.1.9.6',
};
// Development-default policy OIDs (src/tsp/tsp_profile.h); --policy replaces them.
const DEV_ARC = '1.3.6.1.4.1.32473.3161';
const PROFILES = { [`${DEV_ARC}.1`]: 'classic', [`${DEV_ARC}.2`]: 'pq', [`${DEV_ARC}.3`]: 'hybrid', [`${DEV_ARC}.4`]: 'compat' };
const HASHES = {
  '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.8': 'sha3-256', '2.16.840.1.101.3.4.2.9': 'sha3-384', '2.16.840.1.101.3.4.2.10': 'sha3-512',
};

const fail = (msg) => { throw new Error(msg); };
const u8 = (b) => new Uint8Array(b instanceof ArrayBuffer ? b : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const eq = (a, b) => Buffer.compare(Buffer.from(u8(a)), Buffer.from(u8(b))) === 0;
const digest = (name, data) => new Uint8Array(createHash(name).update(data).digest());

function ber(bytes) {
  const r = asn1js.fromBER(u8(bytes));
  if (r.offset === -1 || r.offset !== u8(bytes).byteLength) fail('not exactly one BER element');
  return r.result;
}
const raw = (block) => new Uint8Array(block.valueBeforeDecodeView);
// Dotted OID from an asn1js ObjectIdentifier block, with BigInt arcs (asn1js prints arcs beyond
// 2^53 in hex braces).
function oidOf(block) {
  const v = new Uint8Array(block.valueBlock.valueBeforeDecodeView ?? []);
  const bytes = v.length ? v : raw(block).subarray(2);
  const arcs = [];
  let acc = 0n;
  for (const b of bytes) {
    acc = (acc << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) { arcs.push(acc); acc = 0n; }
  }
  const first = arcs.shift();
  const top = first < 40n ? 0n : first < 80n ? 1n : 2n;
  return [top, first - 40n * top, ...arcs].join('.');
}
// Unsigned attributes of a SignerInfo as [{type, values: [raw bytes]}], read with asn1js.
function unsignedAttrs(siBytes) {
  const ua = ber(siBytes).valueBlock.value.find(isCtx(1));
  if (!ua) return [];
  return ua.valueBlock.value.map((a) => ({ type: oidOf(a.valueBlock.value[0]), values: a.valueBlock.value[1].valueBlock.value.map(raw) }));
}

// TimeStampResp or bare ContentInfo -> ContentInfo bytes.
function tokenBytes(input) {
  const top = ber(input);
  const first = top.valueBlock.value[0];
  if (first instanceof asn1js.ObjectIdentifier) return input;
  const status = first.valueBlock.value[0].valueBlock.valueDec;
  if (status !== 0 && status !== 1) fail(`TSA status ${status}`);
  if (top.valueBlock.value.length !== 2) fail('granted response without a token');
  return raw(top.valueBlock.value[1]);
}

// Original bytes of parts the schema parser re-creates (asn1js keeps valueBeforeDecode):
// the certificates and SignerInfos of SignedData, and a SignerInfo's [0] signedAttrs.
function isCtx(n) { return (b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === n; }
function rawParts(token) {
  const fields = ber(token).valueBlock.value[1].valueBlock.value[0].valueBlock.value;
  const set = fields.find(isCtx(0));
  return { certs: set ? set.valueBlock.value.map(raw) : [], signerInfos: fields[fields.length - 1].valueBlock.value.map(raw) };
}
const rawSignedAttrs = (siBytes) => raw(ber(siBytes).valueBlock.value.find(isCtx(0)) ?? fail('no signedAttrs'));

function parseTstInfo(bytes) {
  const top = ber(bytes);
  if (!eq(top.toBER(false), bytes)) fail('TSTInfo is not DER');
  const s = top.valueBlock.value;
  if (s[0].valueBlock.valueDec !== 1) fail('TSTInfo version');
  const imprint = s[2].valueBlock.value;
  return {
    policy: oidOf(s[1]),
    hashOid: imprint[0].valueBlock.value[0].valueBlock.toString(),
    hashed: new Uint8Array(imprint[1].valueBlock.valueHexView),
  };
}

function certInfo(der) {
  const cert = parseDer(der, Certificate);
  const tbs = cert.tbsCertificate;
  return {
    der, cert,
    issuer: new Uint8Array(AsnConvert.serialize(tbs.issuer)),
    subject: new Uint8Array(AsnConvert.serialize(tbs.subject)),
    serial: new Uint8Array(tbs.serialNumber),
    keyAlg: tbs.subjectPublicKeyInfo.algorithm.algorithm,
    spki: new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    pub: new Uint8Array(tbs.subjectPublicKeyInfo.subjectPublicKey),
    tbsRaw: new Uint8Array(cert.tbsCertificateRaw),
    sigAlg: cert.signatureAlgorithm.algorithm,
    sig: new Uint8Array(cert.signatureValue),
  };
}

function verifySig(alg, keyAlg, spki, pub, msg, sig) {
  if (alg === OID.ecdsaSha384 && keyAlg === OID.ecPublicKey) {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    return nodeVerify('sha384', msg, { key, dsaEncoding: 'der' }, sig);
  }
  if (alg === OID.mldsa65 && keyAlg === OID.mldsa65) return ml_dsa65.verify(sig, msg, pub);
  return false;
}

function checkEss(value, c) {
  const ess = ber(value).valueBlock.value[0].valueBlock.value[0].valueBlock.value;
  let i = 0;
  let hash = 'sha256';
  if (ess[0] instanceof asn1js.Sequence) hash = HASHES[ess[i++].valueBlock.value[0].valueBlock.toString()] ?? fail('ESS hash');
  const certHash = new Uint8Array(ess[i++].valueBlock.valueHexView);
  if (!eq(certHash, digest(hash, c.der))) fail('ESSCertIDv2 certHash mismatch');
  if (i < ess.length) {
    const is = ess[i].valueBlock.value;
    const dn = raw(is[0].valueBlock.value[0].valueBlock.value[0]);
    if (!eq(dn, c.issuer) || !eq(is[1].valueBlock.valueHexView, c.serial)) fail('ESSCertIDv2 issuerSerial mismatch');
  }
}

// content is what messageDigest covers: the eContent, or for a countersignature (countersig true)
// the countersigned signature value, and then contentType must be absent (RFC 5652 11.4).
function verifySignerInfo(siBytes, content, eType, certs, roots, countersig = false) {
  const si = parseDer(siBytes, SignerInfo);
  const sid = si.sid.issuerAndSerialNumber ?? fail('sid is not issuerAndSerialNumber');
  if (si.version !== 1) fail('SignerInfo version');
  const issuer = new Uint8Array(AsnConvert.serialize(sid.issuer));
  const c = certs.find((x) => eq(x.issuer, issuer) && eq(x.serial, new Uint8Array(sid.serialNumber)))
    ?? fail('signer certificate not in token');
  const isEc = c.keyAlg === OID.ecPublicKey;
  const wantDigest = isEc ? 'sha384' : 'sha512';
  if (HASHES[si.digestAlgorithm.algorithm] !== wantDigest || si.digestAlgorithm.parameters) fail('digestAlgorithm');
  if (si.signatureAlgorithm.parameters) fail('signature parameters present');
  const attrs = si.signedAttrs ?? fail('no signedAttrs');
  const seen = new Set();
  for (const a of attrs) {
    if (seen.has(a.attrType)) fail(`attribute ${a.attrType} repeated`);
    seen.add(a.attrType);
    if (a.attrValues.length !== 1) fail('attribute with several values');
    const v = new Uint8Array(a.attrValues[0]);
    if (a.attrType === OID.contentType) {
      if (countersig) fail('countersignature with a contentType attribute');
      if (ber(v).valueBlock.toString() !== OID.tstInfo || eType !== OID.tstInfo) fail('contentType');
    } else if (a.attrType === OID.messageDigest) {
      if (!eq(ber(v).valueBlock.valueHexView, digest(wantDigest, content))) fail('messageDigest mismatch');
    } else if (a.attrType === OID.signingCertV2) {
      checkEss(v, c);
    }
  }
  const required = countersig ? [OID.messageDigest, OID.signingCertV2] : [OID.contentType, OID.messageDigest, OID.signingCertV2];
  for (const t of required) if (!seen.has(t)) fail(`missing ${t}`);
  const tbs = rawSignedAttrs(siBytes).slice();
  tbs[0] = 0x31;
  if (!verifySig(si.signatureAlgorithm.algorithm, c.keyAlg, c.spki, c.pub, tbs, new Uint8Array(si.signature.buffer)))
    fail(`${isEc ? 'ECDSA' : 'ML-DSA'} signature invalid`);
  const ekuExt = c.cert.tbsCertificate.extensions?.find((e) => e.extnID === OID.eku) ?? fail('no EKU');
  const eku = AsnConvert.parse(ekuExt.extnValue, ExtendedKeyUsage);
  if (!ekuExt.critical || eku.length !== 1 || eku[0] !== OID.timeStamping) fail('EKU is not critical timeStamping only');
  const root = roots.find((r) => eq(r.subject, c.issuer)) ?? fail('issuer is not a given root');
  if (!verifySig(c.sigAlg, root.keyAlg, root.spki, root.pub, c.tbsRaw, c.sig)) fail('TSA certificate not signed by the root');
  return { kind: isEc ? 'ecdsa' : 'mldsa', signature: new Uint8Array(si.signature.buffer) };
}

// DER check by round trip: the schema's re-encoding must reproduce the input exactly (catches
// wrong universal tags, non-minimal encodings and anything else the BER parser tolerates).
function parseDer(bytes, type) {
  const value = AsnConvert.parse(bytes, type);
  if (!eq(AsnConvert.serialize(value), bytes)) fail(`${type.name} is not DER`);
  return value;
}

export function verifyToken(input, data, roots) {
  const token = tokenBytes(input);
  const ci = parseDer(token, ContentInfo);
  if (ci.contentType !== OID.signedData) fail('not SignedData');
  const sd = parseDer(new Uint8Array(ci.content), SignedData);
  if (sd.version !== 3) fail('SignedData version');
  const eType = sd.encapContentInfo.eContentType;
  const eContent = new Uint8Array(sd.encapContentInfo.eContent?.single?.buffer ?? fail('no eContent'));
  const tst = parseTstInfo(eContent);
  const hash = HASHES[tst.hashOid] ?? fail('imprint hash unsupported');
  if (!eq(tst.hashed, digest(hash, data))) fail('message imprint does not match the data');
  const parts = rawParts(token);
  const certs = parts.certs.map(certInfo);
  const count = { ecdsa: 0, mldsa: 0 };
  const shape = [];
  if (parts.signerInfos.length !== sd.signerInfos.length) fail('signerInfos');
  for (const siBytes of parts.signerInfos) {
    const { kind, signature } = verifySignerInfo(siBytes, eContent, eType, certs, roots);
    count[kind]++;
    const cs = unsignedAttrs(siBytes).filter((a) => a.type === OID.countersignature);
    if (cs.length > 1 || cs.some((a) => a.values.length !== 1)) fail('countersignature attribute malformed');
    if (cs.length) {
      if (kind !== 'ecdsa') fail('countersignature on a non-ECDSA signer');
      const csiBytes = cs[0].values[0];
      if (unsignedAttrs(csiBytes).length) fail('countersignature with unsigned attributes');
      if (verifySignerInfo(csiBytes, signature, eType, certs, roots, true).kind !== 'mldsa') fail('countersignature is not ML-DSA');
      count.mldsa++;
      shape.push('compat');
    } else {
      shape.push(kind);
    }
  }
  const want = { classic: 'ecdsa', pq: 'mldsa', compat: 'compat', hybrid: 'ecdsa,mldsa' }[PROFILES[tst.policy]];
  const digests = sd.digestAlgorithms.map((a) => HASHES[a.algorithm]).sort().join(',');
  const used = [...new Set(shape.map((k) => (k === 'mldsa' ? 'sha512' : 'sha384')))].sort().join(',');
  if (digests !== used) fail('digestAlgorithms do not match the signers');
  if (want && shape.slice().sort().join(',') !== want) fail(`signers do not match policy ${PROFILES[tst.policy]}`);
  return { ok: true, ...count, profile: PROFILES[tst.policy] ?? tst.policy };
}

function main(argv) {
  const args = { ca: [], policies: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') args.data = argv[++i];
    else if (argv[i] === '--ca') args.ca.push(argv[++i]);
    else if (argv[i] === '--tamper') args.tamper = Number(argv[++i]);
    else if (argv[i] === '--policy') args.policies.push(argv[++i] ?? '');
    else args.token = argv[i];
  }
  if (!args.token || !args.data || !args.ca.length) {
    process.stderr.write('usage: node tsp_verify.mjs TOKEN --data FILE --ca ROOT.pem [--policy PROFILE=OID] [--tamper STRIDE]\n');
    process.exit(2);
  }
  if (args.policies.length) {
    for (const k of Object.keys(PROFILES)) delete PROFILES[k];
    for (const p of args.policies) {
      const [name, oid] = p.split('=');
      if (!['classic', 'pq', 'hybrid', 'compat'].includes(name) || !/^[0-2](\.(0|[1-9][0-9]*))+$/.test(oid ?? '')) {
        process.stderr.write(`tsp_verify.mjs: --policy takes PROFILE=OID, got '${p}'\n`);
        process.exit(2);
      }
      PROFILES[oid] = name;
    }
  }
  const roots = args.ca.map((p) => certInfo(new Uint8Array(new X509Certificate(readFileSync(p)).raw)));
  const token = new Uint8Array(readFileSync(args.token));
  const data = readFileSync(args.data);
  const attempt = (t) => {
    try { return verifyToken(t, data, roots); } catch (e) {
      if (process.env.TSP_VERIFY_DEBUG) process.stderr.write(`${e.stack}\n`);
      return { ok: false, error: e.message };
    }
  };
  if (!args.tamper) {
    const r = attempt(token);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(r.ok ? 0 : 1);
  }
  const accepted = [];
  let positions = 0;
  for (let i = 0; i < token.length; i += args.tamper) {
    const t = token.slice();
    t[i] ^= 0x01;
    positions++;
    if (attempt(t).ok) accepted.push(i);
  }
  process.stdout.write(`${JSON.stringify({ positions, accepted })}\n`);
}

main(process.argv.slice(2));
