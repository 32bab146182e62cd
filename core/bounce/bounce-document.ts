/**
 * The `smtpilot.bounce/1` document and its text rendering: one entry per
 * message read (in the order read), one error entry per source that could
 * not be read, and counts a script can check at a glance.
 *
 * Both renderings are built piece by piece (`BounceTally`, `jsonOpening`,
 * `jsonMessage`, `jsonClosing`, `renderMessageText`…), so the command can
 * print a million messages as they are read; joined, the pieces are exactly
 * the document `bounceDocument` builds in memory for the MCP server.
 */
import { jsonSafe, sanitize } from "../printable.ts";
import type { BounceKind, BounceMessage } from "./analyze-message.ts";
import type { SourceError } from "./read-sources.ts";
import { BOUNCE_SCHEMA } from "./schema.ts";

export { BOUNCE_SCHEMA };

/** The counts at the end of the document. */
export interface BounceSummary {
  messages: number;
  byKind: Record<BounceKind, number>;
  recipients: number;
  hard: number;
  errors: number;
}

/** The whole document. */
export interface BounceDocument {
  schema: typeof BOUNCE_SCHEMA;
  mode: "offline";
  messages: BounceMessage[];
  errors: SourceError[];
  summary: BounceSummary;
}

/** Counts messages and errors as they stream past. */
export class BounceTally {
  readonly summary: BounceSummary = {
    messages: 0,
    byKind: { dsn: 0, bounce: 0, feedback: 0, autoreply: 0, "not-bounce": 0 },
    recipients: 0,
    hard: 0,
    errors: 0,
  };

  /** Counts one message. */
  add(m: BounceMessage): void {
    const s = this.summary;
    s.messages++;
    s.byKind[m.kind]++;
    s.recipients += m.recipients.length;
    for (const r of m.recipients) if (r.hard) s.hard++;
  }

  /** Counts one unreadable source. */
  addError(): void {
    this.summary.errors++;
  }
}

/** Builds the document in memory (the MCP server's result). */
export function bounceDocument(messages: BounceMessage[], errors: SourceError[]): BounceDocument {
  const tally = new BounceTally();
  for (const m of messages) tally.add(m);
  for (let i = 0; i < errors.length; i++) tally.addError();
  return { schema: BOUNCE_SCHEMA, mode: "offline", messages, errors, summary: tally.summary };
}

/** The JSON text before the first message. */
export function jsonOpening(): string {
  return `{\n  "schema": ${JSON.stringify(BOUNCE_SCHEMA)},\n  "mode": "offline",\n  "messages": [`;
}

/** One message's JSON text, as an element of the messages array (`first` decides the separating comma). */
export function jsonMessage(m: BounceMessage, first: boolean): string {
  // Bidi and invisible characters as \uXXXX escapes: the value is kept, a terminal cannot reorder it.
  return `${first ? "" : ","}\n    ${jsonSafe(JSON.stringify(m, null, 2)).replace(/\n/g, "\n    ")}`;
}

/** The JSON text after the last message: the errors and the summary. */
export function jsonClosing(errors: readonly SourceError[], summary: BounceSummary, anyMessage: boolean): string {
  const indent = (value: unknown) => jsonSafe(JSON.stringify(value, null, 2)).replace(/\n/g, "\n  ");
  return `${anyMessage ? "\n  " : ""}],\n  "errors": ${indent(errors)},\n  "summary": ${indent(summary)}\n}\n`;
}

/** The text report's first line: the mode. */
export function renderHeadText(): string {
  return "smtpilot bounce: offline (no network)\n";
}

/** One message's block of the text report; `explain` adds why each reason was given. */
export function renderMessageText(m: BounceMessage, explain = false): string {
  const how = m.format ? ` (${m.format}${m.forwarded ? ", forwarded" : ""})` : "";
  const out = [
    "",
    `${m.source}: ${m.kind}${how}${m.originalMessageId ? `  original ${m.originalMessageId}` : ""}`,
  ];
  for (const r of m.recipients) {
    const codes = [r.replyCode, r.status].filter((x) => x !== null).join(" ");
    const flags = [r.permanent ? "permanent" : "temporary", r.hard ? "hard" : "soft"].join(", ");
    out.push(`  ${r.address}  ${r.reason}  ${r.action ?? "-"}${codes ? `  ${codes}` : ""}  (${flags})`);
    if (r.diagnostic) out.push(`    ${r.diagnostic.length > 300 ? `${r.diagnostic.slice(0, 299)}…` : r.diagnostic}`);
    if (explain) {
      out.push(
        `    why: rule ${r.reasonRule} at stage ${r.stage ?? "unknown"}${
          r.remoteMta ? `, reported by ${r.remoteMta}` : ""
        }`,
      );
      out.push(`    evidence: ${r.evidence.length > 300 ? `${r.evidence.slice(0, 299)}…` : r.evidence}`);
    }
    out.push(`    next (${r.recommended}): ${r.next}`);
  }
  // Every line through sanitize: the fields come from the message, and advice may come from plugins.
  return `${out.map(sanitize).join("\n")}\n`;
}

/** The text report's closing lines: unreadable sources, then the counts. */
export function renderTailText(errors: readonly SourceError[], s: BounceSummary): string {
  const out: string[] = [];
  for (const e of errors) out.push("", `${e.source}: error ${e.code}: ${e.message}`);
  out.push(
    "",
    `${s.messages} message${s.messages === 1 ? "" : "s"}, ${s.recipients} recipient${
      s.recipients === 1 ? "" : "s"
    } (${s.hard} hard)` + (s.errors > 0 ? `, ${s.errors} unreadable` : ""),
  );
  return `${out.map(sanitize).join("\n")}\n`;
}

/** The whole text report of a document built in memory. */
export function renderBounceText(doc: BounceDocument, explain = false): string {
  return renderHeadText() + doc.messages.map((m) => renderMessageText(m, explain)).join("") +
    renderTailText(doc.errors, doc.summary);
}
