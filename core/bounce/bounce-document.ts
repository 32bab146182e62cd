/**
 * The `smtpilot.bounce/1` document and its text rendering: one entry per
 * message read (in the order read), one error entry per source that could
 * not be read, and counts a script can check at a glance.
 */
import { sanitize } from "../printable.ts";
import type { BounceKind, BounceMessage } from "./analyze-message.ts";
import type { SourceError } from "./read-sources.ts";
import { BOUNCE_SCHEMA } from "./schema.ts";

export { BOUNCE_SCHEMA };

/** The whole document. */
export interface BounceDocument {
  schema: typeof BOUNCE_SCHEMA;
  mode: "offline";
  messages: BounceMessage[];
  errors: SourceError[];
  summary: {
    messages: number;
    byKind: Record<BounceKind, number>;
    recipients: number;
    hard: number;
    errors: number;
  };
}

/** Builds the document. */
export function bounceDocument(messages: BounceMessage[], errors: SourceError[]): BounceDocument {
  const byKind: Record<BounceKind, number> = { dsn: 0, bounce: 0, feedback: 0, autoreply: 0, "not-bounce": 0 };
  let recipients = 0;
  let hard = 0;
  for (const m of messages) {
    byKind[m.kind]++;
    recipients += m.recipients.length;
    hard += m.recipients.filter((r) => r.hard).length;
  }
  return {
    schema: BOUNCE_SCHEMA,
    mode: "offline",
    messages,
    errors,
    summary: { messages: messages.length, byKind, recipients, hard, errors: errors.length },
  };
}

/** Renders the document as text: the mode first, then one block per message. */
export function renderBounceText(doc: BounceDocument): string {
  const s = doc.summary;
  const out = [
    `smtpilot bounce: offline (no network), ${s.messages} message${s.messages === 1 ? "" : "s"}, ` +
    `${s.recipients} recipient${s.recipients === 1 ? "" : "s"} (${s.hard} hard)` +
    (s.errors > 0 ? `, ${s.errors} unreadable` : ""),
  ];
  for (const m of doc.messages) {
    const how = m.format ? ` (${m.format}${m.forwarded ? ", forwarded" : ""})` : "";
    out.push(
      "",
      `${sanitize(m.source)}: ${m.kind}${how}${
        m.originalMessageId ? `  original ${sanitize(m.originalMessageId)}` : ""
      }`,
    );
    for (const r of m.recipients) {
      const codes = [r.replyCode, r.status].filter((x) => x !== null).join(" ");
      const flags = [r.permanent ? "permanent" : "temporary", r.hard ? "hard" : ""].filter(Boolean).join(", ");
      out.push(`  ${sanitize(r.address)}  ${r.reason}  ${r.action ?? "-"}${codes ? `  ${codes}` : ""}  (${flags})`);
      if (r.diagnostic) {
        out.push(`    ${sanitize(r.diagnostic.length > 300 ? `${r.diagnostic.slice(0, 299)}…` : r.diagnostic)}`);
      }
      out.push(`    next: ${r.next}`);
    }
  }
  for (const e of doc.errors) out.push("", `${sanitize(e.source)}: error ${e.code}: ${sanitize(e.message)}`);
  // Every line through sanitize: plugin-supplied titles and advice reach the terminal too.
  return `${out.map(sanitize).join("\n")}\n`;
}
