/**
 * The human rendering of an explain document: the mode first, then one
 * block per reply, fields aligned so a reader scans down the left column.
 */
import { sanitize } from "../printable.ts";
import type { ExplainDocument, ExplainedReply } from "./explain-reply.ts";

function _status(r: ExplainedReply): string {
  if (!r.enhanced) return "(none given)";
  const parts = [r.enhanced.class.summary, r.enhanced.subject?.summary, r.enhanced.detail?.summary ?? "not registered"]
    .filter((p) => p !== undefined);
  return `${r.enhanced.code}  ${parts.join(" / ")}`;
}

const _SEVERITY: Record<ExplainedReply["severity"], string> = {
  success: "success (accepted by that server)",
  intermediate: "intermediate (the server waits for more)",
  temporary: "temporary (4xx: retrying later can work)",
  permanent: "permanent (5xx: do not retry as is)",
};

/** Renders the document as text. */
export function renderExplainText(doc: ExplainDocument): string {
  const out = [
    `smtpilot explain: offline (no network), ${doc.replies.length} repl${doc.replies.length === 1 ? "y" : "ies"}`,
  ];
  for (const r of doc.replies) {
    out.push("", sanitize(r.reply));
    out.push(`  code       ${r.code}  ${r.codeMeaning}`);
    out.push(`  status     ${_status(r)}`);
    if (r.enhanced?.detail) out.push(`             ${r.enhanced.detail.description} [${r.enhanced.detail.reference}]`);
    out.push(`  severity   ${_SEVERITY[r.severity]}`);
    out.push(`  reason     ${r.reason}${r.hard ? " (hard: the address is dead)" : ""}`);
    out.push(`  layer      ${r.layer}`);
    out.push(`  stage      ${r.stage}${r.stageNamed ? "" : " (assumed: the input names none)"}`);
    if (r.provider) out.push(`  provider   ${r.provider.name}`);
    if (r.knowledge) {
      out.push(`  knowledge  ${r.knowledge.code}${r.knowledge.specific ? "" : " (generic)"}  [${r.knowledge.rule}]`);
      out.push(`  cause      ${r.knowledge.cause}`);
    }
    out.push(`  next       ${r.next}`);
  }
  out.push("", `Enhanced status codes: IANA registry (updated ${doc.registry.lastUpdated}), ${doc.registry.url}`);
  // Every line through sanitize: plugin-supplied titles and advice reach the terminal too.
  return `${out.map(sanitize).join("\n")}\n`;
}
