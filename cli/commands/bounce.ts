/**
 * `smtpilot bounce`: streams every source, analyses each message as it
 * ends, and returns one document with an entry per message and an error
 * entry per unreadable source (exit 3 then, after reporting the rest).
 */
import { analyzeMessage, type BounceMessage } from "../../core/bounce/analyze-message.ts";
import { bounceDocument, renderBounceText } from "../../core/bounce/bounce-document.ts";
import { readSources, type SourceError } from "../../core/bounce/read-sources.ts";
import { UsageError } from "../../core/errors.ts";
import { EXIT_ENVIRONMENT, EXIT_OK } from "../../core/exit.ts";
import { redactDeep } from "../../core/redact.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";

/** Runs the command. */
export async function runBounce(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  let sources = (input.args[0] as string[] | undefined) ?? [];
  if (sources.length === 0) {
    if (process.stdin.isTTY) throw new UsageError("Name bounce files, an mbox or a Maildir folder, or - to read stdin");
    sources = ["-"];
  }
  if (sources.filter((s) => s === "-").length > 1) throw new UsageError("stdin (-) can be read only once");
  const messages: BounceMessage[] = [];
  const errors: SourceError[] = [];
  let count = 0;
  await readSources(sources, (root, source) => {
    ctx.progress(`read ${++count} message${count === 1 ? "" : "s"}…`);
    try {
      messages.push(analyzeMessage(root, source));
    } catch (err) {
      // A message the analysis cannot handle is that message's error, never the run's.
      errors.push({
        source,
        code: "bounce.unparsable",
        message: `Cannot analyse ${source}: ${(err as Error).message}`,
      });
    }
  }, (error) => errors.push(error));
  ctx.progress("");
  const redact = ctx.protectSecrets([]);
  const document = redactDeep(bounceDocument(messages, errors), redact);
  const unreadable = errors.some((e) => e.code !== "bounce.unparsable");
  return { exitCode: unreadable ? EXIT_ENVIRONMENT : EXIT_OK, document, text: renderBounceText(document) };
}
