// mldsa_verify.mjs: independent ML-DSA-65 verifier (noble-post-quantum) for interop tests.
// stdin: one case per line, "pkhex sighex msghex ctxhex" (ctx "-" = empty; msg "-" = empty).
// stdout: "ok" or "bad" per line, in order. Malformed lines print "bad" (reason on stderr).
// Exit status 0 unless stdin cannot be read.
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { answerLines, unhex } from './lines.mjs';

await answerLines('mldsa_verify', (fields) => {
  const [pk, sig, msg] = fields.slice(0, 3).map(unhex);
  const ctx = unhex(fields[3] ?? '-');
  return ml_dsa65.verify(sig, msg, pk, { context: ctx }) ? 'ok' : 'bad';
}, 'bad');
