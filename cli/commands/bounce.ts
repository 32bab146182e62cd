/**
 * `smtpilot bounce`: streams every source and analyses each message as it
 * ends. On the command line each entry is printed as soon as it is read —
 * text or the `smtpilot.bounce/1` JSON document, piece by piece — so a
 * million-message mbox or Maildir runs in bounded memory, at the pace of
 * whoever reads stdout, with a progress line on a terminal. The MCP server
 * gets the document built in memory (capped at MAX_MESSAGES). Exit 3 when a
 * source could not be read, after reporting the rest.
 */
import { once } from "node:events";
import { analyzeMessage, type BounceMessage } from "../../core/bounce/analyze-message.ts";
import {
  bounceDocument,
  BounceTally,
  jsonClosing,
  jsonMessage,
  jsonOpening,
  renderBounceText,
  renderHeadText,
  renderMessageText,
  renderTailText,
} from "../../core/bounce/bounce-document.ts";
import { MAX_MESSAGES, type ReadProgress, readSources, type SourceError } from "../../core/bounce/read-sources.ts";
import { UsageError } from "../../core/errors.ts";
import { EXIT_ENVIRONMENT, EXIT_OK } from "../../core/exit.ts";
import { redactDeep } from "../../core/redact.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { writeOut } from "../output.ts";

/** Runs the command. */
export async function runBounce(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  let sources = (input.args[0] as string[] | undefined) ?? [];
  const explain = (input.options as { explain?: boolean }).explain === true;
  if (sources.length === 0) {
    if (process.stdin.isTTY) throw new UsageError("Name bounce files, an mbox or a Maildir folder, or - to read stdin");
    sources = ["-"];
  }
  if (sources.filter((s) => s === "-").length > 1) throw new UsageError("stdin (-) can be read only once");
  const redact = ctx.protectSecrets([]);
  const errors: SourceError[] = [];
  const analyze = (root: Parameters<typeof analyzeMessage>[0], source: string): BounceMessage | undefined => {
    try {
      return redactDeep(analyzeMessage(root, source), redact);
    } catch (err) {
      // A message the analysis cannot handle is that message's error, never the run's.
      errors.push({
        source,
        code: "bounce.unparsable",
        message: `Cannot analyse ${source}: ${(err as Error).message}`,
      });
      return undefined;
    }
  };
  const exitCode = () => (errors.some((e) => e.code !== "bounce.unparsable") ? EXIT_ENVIRONMENT : EXIT_OK);

  if (ctx.agent) {
    const messages: BounceMessage[] = [];
    await readSources(
      sources,
      (root, source) => {
        const m = analyze(root, source);
        if (m) messages.push(m);
      },
      (e) => errors.push(e),
      { maxMessages: MAX_MESSAGES },
    );
    const document = redactDeep(bounceDocument(messages, errors), redact);
    return { exitCode: exitCode(), document, text: renderBounceText(document, explain) };
  }

  const tally = new BounceTally();
  const progress = _progressLine(ctx);
  // JSON pieces are escaped as they are built (jsonSafe) and written as they are; text goes through terminalSafe.
  writeOut(ctx.json ? jsonOpening() : renderHeadText(), ctx.json);
  await readSources(
    sources,
    (root, source) => {
      const m = analyze(root, source);
      if (!m) return;
      writeOut(ctx.json ? jsonMessage(m, tally.summary.messages === 0) : renderMessageText(m, explain), ctx.json);
      tally.add(m);
    },
    (e) => errors.push(redactDeep(e, redact)),
    {
      maxMessages: Infinity,
      onProgress: progress,
      // Read no faster than stdout is taken: memory stays bounded behind a slow pipe.
      pause: () => (process.stdout.writableNeedDrain ? once(process.stdout, "drain").then(() => {}) : undefined),
    },
  );
  ctx.progress("");
  for (let i = 0; i < errors.length; i++) tally.addError();
  writeOut(
    ctx.json ? jsonClosing(errors, tally.summary, tally.summary.messages > 0) : renderTailText(errors, tally.summary),
  );
  return { exitCode: exitCode() };
}

/** A progress line at most every 200 ms: messages, rate, and a bar for a file of known size. */
function _progressLine(ctx: RunContext): (p: ReadProgress) => void {
  const started = performance.now();
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 200) return;
    last = now;
    const rate = Math.round(p.messages / Math.max((now - started) / 1000, 0.001));
    let bar = "";
    if (p.totalBytes) {
      const share = Math.min(1, p.bytes / p.totalBytes);
      const filled = Math.round(share * 20);
      bar = ` [${"#".repeat(filled)}${"-".repeat(20 - filled)}] ${Math.round(share * 100)} %`;
    }
    ctx.progress(`${p.messages} messages read (${rate}/s)${bar}`);
  };
}
