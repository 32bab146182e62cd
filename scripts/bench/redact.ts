// Benchmark: how fast the redactor masks hostile lines, next to the anchor of a real mail log of
// the same size, in the same run. Before the rewrite, `'a.' * 32000` took 10 s for one line and
// 1.3 MB took 220 s (time growing with the square of the line); now every line is linear, so each
// ratio should stay a small constant whatever BENCH_MB is. Prints a table; asserts nothing (the
// tests count work instead: test/redact/hostile-input.test.ts).
// Run: npm run bench:redact   (BENCH_MB=N sets the size of each input, default 4)
import { LineRedactor } from "../../core/redact.ts";
import { RedactStream } from "../../core/redact/redact-stream.ts";
import { POSTFIX_LOG, SAMPLE_SECRET } from "../../test/redact/samples.ts";

const size = Number(process.env.BENCH_MB ?? 4) * 1024 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Milliseconds to mask `text` as lines (split on LF), best of three. */
function time(text: string): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const r = new LineRedactor({ secrets: [SAMPLE_SECRET], maskAddresses: true });
    const t = performance.now();
    for (const line of text.split("\n")) r.line(line);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** Milliseconds to stream `text` through `smtpilot redact`'s reader in 64 KiB chunks. */
function timeStream(text: string): number {
  const bytes = Buffer.from(text);
  const s = new RedactStream({ secrets: [SAMPLE_SECRET], maskAddresses: true });
  const t = performance.now();
  for (let i = 0; i < bytes.length; i += 65_536) s.write(bytes.subarray(i, i + 65_536));
  s.end();
  return performance.now() - t;
}

const anchor = time(fill(POSTFIX_LOG));
const cases: [string, string][] = [
  ["a. repeated, one line", fill("a.")],
  ["a. repeated, 64 KiB lines", fill(`${"a.".repeat(32_767)}\n`)],
  ['password=" repeated', fill('password="')],
  ["schemes x:// repeated", fill("x://")],
  ["a@ repeated", fill("a@")],
  ['"password": repeated', fill('"password":')],
  ["AUTH repeated", fill("AUTH ")],
  ["%4 repeated", fill("%4")],
  ["near misses of the secret", fill(SAMPLE_SECRET.slice(0, -1))],
];
const mb = (size / 1024 / 1024).toFixed(1);
console.log(`anchor: ${mb} MB of Postfix log, masked line by line: ${anchor.toFixed(0)} ms`);
console.log("");
console.log(`input (each ${mb} MB)`.padEnd(36) + "ms".padStart(10) + "ratio to anchor".padStart(18));
for (const [name, text] of cases) {
  const ms = time(text);
  console.log(`${name.padEnd(36)}${ms.toFixed(0).padStart(10)}${(ms / anchor).toFixed(2).padStart(18)}`);
}
const streamed = timeStream(fill("a.password=x "));
console.log(
  `${"one line streamed in windows".padEnd(36)}${streamed.toFixed(0).padStart(10)}${
    (streamed / anchor).toFixed(2).padStart(18)
  }`,
);
