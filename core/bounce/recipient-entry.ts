/**
 * Builds one recipient of a bounce entry from what was read about it — a
 * delivery-status block, a line of an MTA's text, a complaint or an
 * auto-reply — and classifies it: the reason with the rule and the evidence
 * that decided it, the stage it failed at, the recommended action.
 */
import { classifyReason, effectiveStatus, type ReasonResult } from "./classify-reason.ts";
import type { DsnRecipient } from "./dsn-fields.ts";
import { type Reason, REASON_INFO, type Recommendation } from "./reasons.ts";
import { type SmtpStage, stageIn } from "./smtp-stage.ts";
import { cleanDiagnostic, replyIn, type TextRecipient } from "./text-recipients.ts";

/** One recipient of a bounce entry. */
export interface BounceRecipient {
  address: string;
  action: string | null;
  status: string | null;
  replyCode: number | null;
  diagnostic: string | null;
  reason: Reason;
  permanent: boolean;
  hard: boolean;
  /** Which rule named the reason: `text:<id>`, `stage:<stage>`, `status:<x.y>`, `code:<n>`, `action:<…>`, `report:arf`… */
  reasonRule: string;
  /** What that rule read: the field and the words, code or value. */
  evidence: string;
  /** Where the recipient failed, when the bounce says: connect, helo, mail, rcpt, data, after-data, delivery. */
  stage: SmtpStage | null;
  /** The one thing to do: suppress, retry, slow-down, fix-sender, fix-dns, fix-content, fix-tls, contact-postmaster, none. */
  recommended: Recommendation;
  next: string;
  originalRecipient?: string;
  /** The DSN's Status when the Diagnostic-Code carried a more precise code (which `status` then holds). */
  reportedStatus?: string;
  remoteMta?: string;
  lastAttemptDate?: string;
}

/**
 * A recipient of a delivery-status report, with what the human part says
 * about the same address; `messageText` is the whole human part, whose
 * stage words count for a report's only recipient.
 */
export function fromDsn(r: DsnRecipient, textual: TextRecipient | undefined, messageText?: string): BounceRecipient {
  const address = r.finalRecipient ?? r.originalRecipient ?? "";
  const rawDiagnostic = r.diagnostic ?? (textual?.diagnostic || undefined) ?? r.statusComment;
  const diagnostic = rawDiagnostic ? cleanDiagnostic(rawDiagnostic) : null;
  const inDiag = diagnostic ? replyIn(diagnostic) : {};
  const status = effectiveStatus(r.status, inDiag.status);
  // A local program's exit status (Sendmail's "X-Unix; 1") is a delivery-stage failure by its type alone.
  const stage = r.diagnosticType === "x-unix"
    ? { stage: "delivery" as const, evidence: `Diagnostic-Code: X-Unix; ${r.diagnostic ?? ""}` }
    : stageIn(diagnostic ?? "") ?? (textual ? stageIn(textual.diagnostic) : undefined) ??
      (messageText ? stageIn(messageText) : undefined);
  const result = classifyReason({
    ...(r.action ? { action: r.action } : {}),
    ...(status ? { status } : {}),
    ...(inDiag.code !== undefined ? { replyCode: inDiag.code } : {}),
    ...(diagnostic ? { text: diagnostic } : {}),
    ...(stage ? { stage: stage.stage } : {}),
  });
  const field = r.diagnostic ? "Diagnostic-Code" : "text";
  return {
    ...makeRecipient(
      address,
      {
        action: r.action ?? null,
        status: status ?? r.status ?? null,
        replyCode: inDiag.code ?? null,
        diagnostic,
        stage: stage?.stage ?? null,
      },
      result,
      _evidence(result, field, status, stage?.evidence),
    ),
    // The report's own Status when the diagnostic's code was more precise and replaced it.
    ...(r.status && status && r.status !== status ? { reportedStatus: r.status } : {}),
    ...(r.originalRecipient && r.originalRecipient.toLowerCase() !== address.toLowerCase()
      ? { originalRecipient: r.originalRecipient }
      : {}),
    ...(r.remoteMta ? { remoteMta: r.remoteMta } : {}),
    ...(r.lastAttemptDate ? { lastAttemptDate: r.lastAttemptDate } : {}),
  };
}

const _STILL_TRYING =
  /\b(?:will (?:keep )?(?:try|retry)|still (?:trying|in the queue|being retried)|not yet been delivered|has been delayed|temporar(?:y|ily) (?:failure|error))\b/i;

/** A recipient found in an MTA's text; `delayed` when the whole message says delivery is still being tried. */
export function fromText(r: TextRecipient, delayed: boolean): BounceRecipient {
  const diagnostic = r.diagnostic === "" ? null : cleanDiagnostic(r.diagnostic);
  const inDiag = diagnostic ? replyIn(diagnostic) : {};
  const temporary = delayed || _STILL_TRYING.test(diagnostic ?? "");
  const action = temporary && (inDiag.code === undefined || inDiag.code < 500) ? "delayed" : "failed";
  const stage = diagnostic ? stageIn(diagnostic) : undefined;
  const result = classifyReason({
    action,
    ...(inDiag.status ? { status: inDiag.status } : {}),
    ...(inDiag.code !== undefined ? { replyCode: inDiag.code } : {}),
    ...(diagnostic ? { text: diagnostic } : {}),
    ...(stage ? { stage: stage.stage } : {}),
  });
  return makeRecipient(
    r.address,
    {
      action,
      status: inDiag.status ?? null,
      replyCode: inDiag.code ?? null,
      diagnostic,
      stage: stage?.stage ?? null,
    },
    result,
    _evidence(result, "text", inDiag.status, stage?.evidence),
  );
}

/** The fields every recipient has, with the reason's next step and action. */
export function makeRecipient(
  address: string,
  read: Pick<BounceRecipient, "action" | "status" | "replyCode" | "diagnostic" | "stage">,
  result: Pick<ReasonResult, "reason" | "permanent" | "hard" | "rule" | "recommended">,
  evidence: string,
): BounceRecipient {
  return {
    address,
    ...read,
    reason: result.reason,
    permanent: result.permanent,
    hard: result.hard,
    reasonRule: result.rule,
    evidence,
    recommended: result.recommended,
    next: REASON_INFO[result.reason].next,
  };
}

/** Names the field a rule read: `Diagnostic-Code: …words…`, `Status: 5.1.1`, `stage rcpt (in reply to RCPT TO)`. */
function _evidence(result: ReasonResult, field: string, status: string | undefined, stageWords?: string): string {
  const [kind] = result.rule.split(":");
  if (kind === "text") return `${field}: ${result.evidence}`;
  if (kind === "stage") return `stage (${stageWords ?? "?"}) with ${field}: ${result.evidence}`;
  if (kind === "status") return `Status: ${status ?? result.evidence.replace(/^status /, "")}`;
  if (kind === "code") return `reply code: ${result.evidence.replace(/^reply code /, "")}`;
  return result.evidence;
}
