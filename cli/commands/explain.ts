/**
 * `smtpilot explain`: collects the replies (arguments, or stdin when there
 * are none or the argument is "-"), explains each with the shared reply
 * knowledge and the loaded plugins' rules, and returns the document and its
 * text rendering.
 */
import { UsageError } from "../../core/errors.ts";
import { explainReplies } from "../../core/explain/explain-reply.ts";
import { type FoundReply, parseReplies } from "../../core/explain/parse-replies.ts";
import { readBounded } from "../../core/explain/read-input.ts";
import { renderExplainText } from "../../core/explain/render-text.ts";
import type { ReplyStage } from "../../core/knowledge/reply-rule.ts";
import { providerFor, rulesForTarget } from "../../core/provider.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";

/** The parsed flags of `explain`. */
export interface ExplainFlags {
  stage?: ReplyStage;
  profile?: string;
  json?: true;
}

/** Runs the command. */
export async function runExplain(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as ExplainFlags;
  const given = (input.args[0] as string[] | undefined) ?? [];
  const fromStdin = given.length === 0 || (given.length === 1 && given[0] === "-");
  if (given.length > 1 && given.includes("-")) {
    throw new UsageError("Give replies as arguments or - for stdin, not both");
  }
  let found: FoundReply[];
  if (fromStdin) {
    if (process.stdin.isTTY) {
      throw new UsageError(
        'Give a reply to explain, e.g. smtpilot explain "550 5.1.1 User unknown", or pipe replies in',
      );
    }
    found = parseReplies(await readBounded(process.stdin));
  } else {
    // Each argument is one reply (possibly several lines); an argument without a code is a mistake to name.
    found = given.flatMap((arg) => parseReplies(arg));
  }
  if (found.length === 0) {
    throw new UsageError(
      'No SMTP reply found in the input: expected a three-digit code such as 550 at the start of a line or after "said:"',
    );
  }
  const registry = await ctx.plugins();
  const redact = ctx.protectSecrets([]);
  // Provider knowledge: the --profile's provider for every reply, else the provider a reply's words name.
  const profile = flags.profile === undefined ? undefined : await memoryOf(ctx).profile(flags.profile);
  const profileProvider = profile
    ? providerFor(registry.providers, { provider: profile.provider, host: profile.host })
    : undefined;
  const providers = new Map(
    [...registry.providers.values()].map((p) => [
      p.name,
      {
        title: p.title,
        rules: p.name === profileProvider?.name && profile
          ? rulesForTarget(p, [], { port: profile.port, authenticated: profile.auth !== undefined })
          : (p.replyRules ?? []).filter((r) => r.ports === undefined && r.authenticated === undefined),
      },
    ]),
  );
  const knowledge = {
    general: registry.replyRules,
    providers,
    ...(profileProvider ? { profileProvider: profileProvider.name } : {}),
  };
  const document = explainReplies(found, knowledge, redact, flags.stage);
  return { exitCode: 0, document, text: renderExplainText(document) };
}
