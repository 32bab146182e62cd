/**
 * `smtpilot redact`: streams a file or stdin line by line through the shared
 * line redactor (core/redact.ts) and writes each batch as soon as it is
 * masked, so a log of any size needs only a line (at most 64 KiB) and one
 * line of AUTH state in memory.
 */
import { once } from "node:events";
import fs from "node:fs";
import type { Readable } from "node:stream";
import { LineSplitter } from "../../core/bounce/line-splitter.ts";
import { EnvironmentError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import { LineRedactor } from "../../core/redact.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { secretForRun } from "../../core/memory/run-memory.ts";

/** Output is written in batches of about this many characters. */
const _BATCH = 64 * 1024;

/** Runs the command. */
export async function runRedact(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const file = input.args[0] as string | undefined;
  const flags = input.options as { maskAddresses?: true; secret?: string[] };
  const secrets: string[] = [];
  // Each value is registered with the run's redactor as it resolves: stderr never shows it either.
  for (const ref of flags.secret ?? []) secrets.push(await secretForRun(ref, ctx, "a value to mask"));
  const redactor = new LineRedactor({ secrets, maskAddresses: flags.maskAddresses === true });
  let batch = "";
  const splitter = new LineSplitter((line) => {
    batch += `${redactor.line(_decode(line))}\n`;
    if (batch.length >= _BATCH) {
      ctx.emit({ text: batch });
      batch = "";
    }
  });
  for await (const chunk of _source(file)) {
    splitter.push(chunk as Buffer);
    // Read no faster than the reader of stdout takes the output: memory stays bounded on a pipe too.
    if (process.stdout.writableNeedDrain) await once(process.stdout, "drain");
  }
  splitter.end();
  if (batch !== "") ctx.emit({ text: batch });
  return { exitCode: 0 };
}

/** The input: stdin for none or `-`, else a regular file (anything else is exit 3 with the reason). */
function _source(file: string | undefined): Readable {
  if (file === undefined || file === "-") return process.stdin;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "EUNKNOWN";
    throw new EnvironmentError(`Cannot read ${shown(file)}: ${code === "ENOENT" ? "no such file" : code}`, "E_READ");
  }
  if (!stat.isFile()) throw new EnvironmentError(`Cannot read ${shown(file)}: not a regular file`, "E_READ");
  const stream = fs.createReadStream(file);
  return stream;
}

/** A line's bytes as UTF-8 text when they are valid UTF-8 (logs usually are), else one character per byte. */
function _decode(line: string): string {
  if (!/[\u0080-\uffff]/.test(line)) return line;
  const bytes = Buffer.from(line, "latin1");
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) ? text : line;
}
