// mldsa_sign.mjs: independent ML-DSA-65 signer (noble-post-quantum), the reverse interop direction.
// stdin: one case per line, "seedhex msghex ctxhex [rnd]": seed is the 32-byte KeyGen seed xi;
// msg/ctx "-" = empty; rnd is 32 bytes hex, "det" (rnd = 0^32, the default) or "hedged" (random).
// stdout: "pkhex sighex" per line ("error" if the line is malformed, reason on stderr).
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { createInterface } from 'node:readline';

function unhex(s) {
  if (s === '-') return new Uint8Array(0);
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error('malformed hex');
  return Uint8Array.from(Buffer.from(s, 'hex'));
}
const hex = (b) => Buffer.from(b).toString('hex');

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let lineNo = 0;
for await (const line of rl) {
  lineNo++;
  if (line.trim() === '') continue;
  try {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields.length > 4) throw new Error(`expected 3-4 fields, got ${fields.length}`);
    const seed = unhex(fields[0]);
    if (seed.length !== 32) throw new Error('seed must be 32 bytes');
    const msg = unhex(fields[1]);
    const ctx = unhex(fields[2]);
    const rnd = fields[3] ?? 'det';
    let extraEntropy;
    if (rnd === 'det') extraEntropy = false;
    else if (rnd === 'hedged') extraEntropy = undefined;
    else extraEntropy = unhex(rnd);
    const { publicKey, secretKey } = ml_dsa65.keygen(seed);
    const opts = { context: ctx };
    if (extraEntropy !== undefined) opts.extraEntropy = extraEntropy;
    const sig = ml_dsa65.sign(msg, secretKey, opts);
    process.stdout.write(`${hex(publicKey)} ${hex(sig)}\n`);
  } catch (e) {
    process.stderr.write(`mldsa_sign: line ${lineNo}: ${e.message}\n`);
    process.stdout.write('error\n');
  }
}
