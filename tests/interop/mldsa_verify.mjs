// mldsa_verify.mjs: independent ML-DSA-65 verifier (noble-post-quantum) for interop tests.
// stdin: one case per line, "pkhex sighex msghex ctxhex" (ctx "-" = empty; msg "-" = empty).
// stdout: "ok" or "bad" per line, in order. Malformed lines print "bad" (reason on stderr).
// Exit status 0 unless stdin cannot be read.
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { createInterface } from 'node:readline';

function unhex(s) {
  if (s === '-') return new Uint8Array(0);
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error('malformed hex');
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
let lineNo = 0;
for await (const line of rl) {
  lineNo++;
  if (line.trim() === '') continue;
  try {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields.length > 4) throw new Error(`expected 3-4 fields, got ${fields.length}`);
    const [pk, sig, msg] = fields.slice(0, 3).map(unhex);
    const ctx = unhex(fields[3] ?? '-');
    const valid = ml_dsa65.verify(sig, msg, pk, { context: ctx });
    process.stdout.write(valid ? 'ok\n' : 'bad\n');
  } catch (e) {
    process.stderr.write(`mldsa_verify: line ${lineNo}: ${e.message}\n`);
    process.stdout.write('bad\n');
  }
}
