// mldsa_sign.mjs: independent ML-DSA-65 signer (noble-post-quantum), the reverse interop direction.
// stdin: one case per line, "seedhex msghex ctxhex [rnd]": seed is the 32-byte KeyGen seed xi;
// msg/ctx "-" = empty; rnd is 32 bytes hex, "det" (rnd = 0^32, the default) or "hedged" (random).
// stdout: "pkhex sighex" per line ("error" if the line is malformed, reason on stderr).
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { answerLines, hex, unhex } from './lines.mjs';

await answerLines('mldsa_sign', (fields) => {
  const seed = unhex(fields[0]);
  if (seed.length !== 32) throw new Error('seed must be 32 bytes');
  const msg = unhex(fields[1]);
  const ctx = unhex(fields[2]);
  const rnd = fields[3] ?? 'det';
  const opts = { context: ctx };
  if (rnd === 'det') opts.extraEntropy = false;
  else if (rnd !== 'hedged') opts.extraEntropy = unhex(rnd);
  const { publicKey, secretKey } = ml_dsa65.keygen(seed);
  return `${hex(publicKey)} ${hex(ml_dsa65.sign(msg, secretKey, opts))}`;
}, 'error');
