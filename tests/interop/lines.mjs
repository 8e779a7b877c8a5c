// lines.mjs: the line protocol shared by the interop scripts: hex fields ("-" = empty) in,
// one answer line per input line out; a malformed line answers `onError` (reason on stderr).
import { createInterface } from 'node:readline';

export function unhex(s) {
  if (s === '-') return new Uint8Array(0);
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error('malformed hex');
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export const hex = (b) => Buffer.from(b).toString('hex');

// Calls handle(fields) for each non-empty stdin line (3 or 4 whitespace-separated fields) and
// writes its return value as one line.
export async function answerLines(name, handle, onError) {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    try {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 3 || fields.length > 4) throw new Error(`expected 3-4 fields, got ${fields.length}`);
      process.stdout.write(`${handle(fields)}\n`);
    } catch (e) {
      process.stderr.write(`${name}: line ${lineNo}: ${e.message}\n`);
      process.stdout.write(`${onError}\n`);
    }
  }
}
