/**
 * The checks that must pass before a plan is issued: the diagnosis of the
 * profile's server up to `envelope` with the real sender and recipients
 * (MAIL FROM and RCPT TO, then RSET — no DATA), and the identity alignment
 * table (account, envelope sender, header From, DKIM domain, Return-Path)
 * with the provider's identity policy. A failing diagnosis or an alignment
 * error fails the preflight; nothing is then approved or sent.
 *
 * Recipients are probed one sample at a time. The rule for a list: the
 * server must accept some of its first recipients; one it refuses for
 * reasons of its own (no such mailbox, mailbox full, greylisted, needs
 * SMTPUTF8) is named with its code, replaced by the next one on the list
 * (PREFLIGHT_MAX_PROBED at most) and the preflight goes on: the plan keeps
 * it, and the send will see the same refusal at RCPT — before any byte of
 * the message goes to it. A refusal about the sender, the session or the
 * server's policy, or a sample in which no recipient is accepted, fails.
 */
import { type AlignInput, type AlignPolicy, type AlignReport, checkAlignment } from "../align/align.ts";
import { diagnose } from "../diagnose.ts";
import type { DiagnoseOptions } from "../diagnose-options.ts";
import type { DnsClient } from "../domain/dns.ts";
import type { DiagnoseIo } from "../io.ts";
import type { ReplyRule } from "../knowledge/reply-rule.ts";
import type { LayerId } from "../layer.ts";
import type { DiagnoseReport } from "../report.ts";
import type { BulkReadiness } from "../deliverability/bulk-rules.ts";

/** How many recipients of a scale list the preflight wants accepted at RCPT (never all: it is a probe). */
export const PREFLIGHT_SAMPLE = 3;
/** How many of a list's first recipients the preflight may try in all, to find that sample. */
export const PREFLIGHT_MAX_PROBED = 10;
/** Sessions one preflight may open: one, and one more per refused recipient replaced. */
const _MAX_SESSIONS = 4;

/** Refusals that are about the one recipient, not the sender, the session or the server's policy. */
const _RECIPIENT_REFUSALS = new Set([
  "envelope.recipient-unknown",
  "envelope.recipient-rejected",
  "envelope.mailbox-full",
  "envelope.greylisted",
  "envelope.smtputf8-required",
]);

/** What the server said to one probed recipient. */
export interface ProbedRecipient {
  address: string;
  status: "accepted" | "refused";
  /** The refusal's diagnosis code. */
  code?: string;
}

/** What the preflight needs. */
export interface PreflightInput {
  /** Connection and credentials; the envelope is added here. */
  options: DiagnoseOptions;
  rules: readonly ReplyRule[];
  envelopeFrom: string;
  /** Recipients that may be tried at RCPT, in order: the canary, or the first PREFLIGHT_MAX_PROBED of a list. */
  candidates: readonly string[];
  align: AlignInput;
  policy?: AlignPolicy;
  dns: DnsClient;
  io?: DiagnoseIo;
  onProgress?: (layer: LayerId | "alignment") => void;
}

/** The outcome: both reports, and whether a plan may be issued. */
export interface PreflightResult {
  diagnosis: DiagnoseReport;
  /** The alignment report, or why it could not be made (DNS unreachable: a warning, not a failure). */
  alignment: AlignReport | { error: string };
  passed: boolean;
  /** Codes that failed it: the diagnosis verdict's code and alignment error findings. */
  failures: string[];
  /** Every recipient tried at RCPT, in order, and the server's answer. */
  probed: ProbedRecipient[];
  /** A list's recipients by provider and the bulk-sender rules checked (scale mode only). */
  bulk?: BulkReadiness;
  /** Of a list, how many an earlier run of this message already reached (or may have): the send skips them. */
  earlier?: number;
}

/** Runs the diagnosis and the alignment check (in parallel: they share nothing). */
export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const [probe, alignment] = await Promise.all([
    _probe(input),
    checkAlignment(input.align, input.dns, input.policy).catch((err: unknown) => {
      if ((err as { code?: string }).code?.startsWith("E_")) return { error: String((err as Error).message) };
      throw err;
    }),
  ]);
  const { diagnosis, probed } = probe;
  const failures: string[] = [];
  if (diagnosis.verdict.status === "fail") failures.push(diagnosis.verdict.code ?? `${diagnosis.verdict.layer}.failed`);
  if ("findings" in alignment) {
    for (const f of alignment.findings) if (f.severity === "error") failures.push(f.code);
  }
  return { diagnosis, alignment, passed: failures.length === 0, failures, probed };
}

/**
 * The diagnosis up to envelope with a sample of recipients: a recipient
 * refused for itself is set aside and the next candidate takes its place,
 * in a new session, until a sample passes, none is left or the session
 * budget is spent. Returns the last diagnosis and every recipient's answer.
 */
async function _probe(input: PreflightInput): Promise<{ diagnosis: DiagnoseReport; probed: ProbedRecipient[] }> {
  const queue = [...input.candidates];
  let sample = queue.splice(0, PREFLIGHT_SAMPLE);
  const refused: ProbedRecipient[] = [];
  for (let session = 1;; session++) {
    const options: DiagnoseOptions = { ...input.options, from: input.envelopeFrom, to: sample };
    const diagnosis = await diagnose(options, input.io, {
      replyRules: input.rules,
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    const refusals = _recipientRefusals(diagnosis, sample);
    if (refusals.length > 0) refused.push(...refusals);
    const done = diagnosis.verdict.status !== "fail" || refusals.length === 0 || session >= _MAX_SESSIONS;
    const rest = sample.filter((a) => !refusals.some((r) => r.address === a));
    if (!done) {
      rest.push(...queue.splice(0, sample.length - rest.length));
      if (rest.length > 0) {
        sample = rest;
        continue;
      }
    }
    const accepted = diagnosis.verdict.status === "fail" ? [] : sample;
    const order = new Map(input.candidates.map((a, i) => [a, i]));
    const probed = [
      ...accepted.map((address): ProbedRecipient => ({ address, status: "accepted" })),
      ...refused,
    ].sort((a, b) => (order.get(a.address) ?? 0) - (order.get(b.address) ?? 0));
    return { diagnosis, probed };
  }
}

/** The recipients a failed diagnosis shows the server refused for themselves (none when the failure is anything else). */
function _recipientRefusals(diagnosis: DiagnoseReport, sample: readonly string[]): ProbedRecipient[] {
  const code = diagnosis.verdict.status === "fail" ? diagnosis.verdict.code : undefined;
  const layer = diagnosis.layers.find((l) => l.id === "envelope");
  if (code === undefined || layer?.status !== "fail" || !_RECIPIENT_REFUSALS.has(code)) return [];
  const facts = layer.facts as { failedAt?: unknown; relay?: unknown; utf8Addresses?: unknown };
  if (facts.relay !== undefined) return [];
  const named = code === "envelope.smtputf8-required"
    ? (Array.isArray(facts.utf8Addresses) ? facts.utf8Addresses : [])
    : sample.filter((a) => facts.failedAt === `RCPT TO:<${a}>`);
  // A non-ASCII sender fails every recipient alike: that is not about any one of them.
  if (!named.every((a) => sample.includes(a as string))) return [];
  return named.map((address) => ({ address: address as string, status: "refused", code }));
}
