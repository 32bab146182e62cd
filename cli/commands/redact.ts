/**
 * `smtpilot redact`: streams a file or stdin through the shared line
 * redactor (core/redact/redact-stream.ts) and writes each batch as soon as it
 * is masked, so a log of any size needs only a window of a line (lines up to
 * 1 MiB whole, longer ones in overlapping windows, never cut in two) and one
 * line of AUTH state in memory.
 */
import { once } from "node:events";
import fs from "node:fs";
import type { Readable } from "node:stream";
import { EnvironmentError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import { RedactStream } from "../../core/redact/redact-stream.ts";
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
  const stream = new RedactStream({ secrets, maskAddresses: flags.maskAddresses === true });
  let batch = "";
  for await (const chunk of _source(file)) {
    batch += stream.write(chunk as Buffer);
    if (batch.length >= _BATCH) {
      ctx.emit({ text: batch, raw: true });
      batch = "";
    }
    // Read no faster than the reader of stdout takes the output: memory stays bounded on a pipe too.
    if (process.stdout.writableNeedDrain) await once(process.stdout, "drain");
  }
  batch += stream.end();
  if (batch !== "") ctx.emit({ text: batch, raw: true });
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
