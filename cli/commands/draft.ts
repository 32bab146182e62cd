/**
 * `smtpilot draft`: composes the message offline and shows what a send would
 * carry — the headers, the size, the content digest that plans bind, and the
 * Message-ID that verify will look for.
 */
import fs from "node:fs";
import { EnvironmentError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import { makeDraft } from "../../core/send/draft.ts";
import type { CommandInput, CommandResult } from "../command-spec.ts";
import { mailboxValue } from "../../core/validate.ts";
import { DRAFT_SCHEMA } from "../../core/schemas.ts";
import { draftInputOf, type MessageFlags } from "../../core/send/draft-input.ts";

/** Flags of `smtpilot draft`. */
export interface DraftFlags extends MessageFlags {
  from?: string;
  to?: string[];
  out?: string;
}

/** Runs the command. */
export async function runDraft(input: CommandInput): Promise<CommandResult> {
  const flags = input.options as DraftFlags;
  const mailboxes = (flags.to ?? []).map((a) => mailboxValue("--to", a));
  const to = mailboxes.map((m) => m.address);
  const draft = makeDraft(draftInputOf(flags, flags.from));
  const bytes = await draft.compose(to.length > 0 ? to : ["undisclosed-recipients:;"]);
  if (flags.out !== undefined) {
    try {
      fs.writeFileSync(flags.out, bytes, { mode: 0o644 });
    } catch (err) {
      throw new EnvironmentError(`Cannot write --out ${shown(flags.out)}: ${(err as NodeJS.ErrnoException).code}`);
    }
  }
  const document = {
    schema: DRAFT_SCHEMA,
    mode: "draft",
    from: draft.from.address,
    to,
    subject: draft.subject,
    messageId: draft.messageId,
    digest: draft.digest,
    size: bytes.length,
    smtputf8: draft.from.smtputf8 || mailboxes.some((m) => m.smtputf8),
    headers: draft.headers.map(([name, value]) => ({ name, value })),
    ...(flags.out !== undefined ? { out: flags.out } : {}),
  };
  const text = [
    "Mode: draft (offline: nothing is sent)",
    "",
    ...draft.headers.map(([k, v]) => `  ${k}: ${k === "To" && to.length > 0 ? to.join(", ") : v}`),
    "",
    `Size: ${bytes.length} bytes${to.length === 0 ? " (with a placeholder To)" : ""}`,
    `Digest: sha256:${draft.digest}`,
    `Message-ID: ${draft.messageId}`,
    ...(flags.out !== undefined ? [`Written to: ${flags.out}`] : []),
    "",
    "Next: smtpilot preflight --profile NAME --to ADDRESS with the same message flags.",
  ].join("\n");
  return { exitCode: 0, document, text: `${text}\n` };
}
