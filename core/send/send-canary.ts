/**
 * The canary: one message to the one approved recipient, over a session the
 * diagnosis engine opened and proved, recorded in the send log as accepted
 * (or refused) with its queue id and Message-ID — never as delivered. The
 * adapters render the outcome (cli/commands/send-render.ts).
 */
import { randomBytes } from "node:crypto";
import { isMailboxProblem, parseMailbox } from "../address.ts";
import { diagnose } from "../diagnose.ts";
import { type DiagnoseReport, EXIT_CODES, exitCodeOf } from "../report.ts";
import { systemIo } from "../io.ts";
import { redactDeep } from "../redact.ts";
import { printable } from "../printable.ts";
import type { RunContext } from "../run-context.ts";
import { SEND_SCHEMA } from "../schemas.ts";
import { runTransaction, type TransactionOutcome } from "./transaction.ts";
import { logStep, recipientKey } from "./send-log.ts";
import { canaryKeyFields } from "./gates.ts";
import { canaryKeyOf } from "./send-gates.ts";
import { CANARY_HEADER } from "./placement.ts";
import type { SendSetup } from "./send-setup.ts";

/** What a canary send did: the `smtpilot.send/1` document, its exit code, and what a rendering needs. */
export interface CanarySent {
  exitCode: number;
  /** The redacted `smtpilot.send/1` document. */
  document: unknown;
  /** `accepted`, the recipient's status when refused, `rejected`, or `failed` (the session never opened). */
  state: string;
  /** The code of a refusal or of the failed layer. */
  code: string | undefined;
  /** The server's name from its greeting ("" when the session failed). */
  server: string;
  /** The transaction, when the session got that far. */
  outcome: TransactionOutcome | undefined;
  /** The diagnosis that opened (or failed to open) the session. */
  report: DiagnoseReport;
}

/** Sends the canary of a confirmed plan. */
export async function sendCanary(setup: SendSetup, ctx: RunContext): Promise<CanarySent> {
  const to = setup.to as string;
  const rcpt = parseMailbox(to);
  // This send's own tag, in a header outside the content digest: verify counts only a copy that
  // carries it, never another send of the same message (same content, same Message-ID).
  const sendId = randomBytes(8).toString("hex");
  const tag = randomBytes(16).toString("hex");
  const message = Buffer.concat([
    Buffer.from(`${CANARY_HEADER}: ${tag}\r\n`, "latin1"),
    await setup.draft.compose([to]),
  ]);
  let outcome: TransactionOutcome | undefined;
  let server = "";
  const report = await diagnose(setup.options, systemIo(), {
    replyRules: setup.rules,
    onProgress: (layer) => ctx.progress(`opening the session: ${layer}…`),
    onSession: async (s) => {
      // The server names itself: printed and logged, so made safe and stripped of any secret it echoes.
      server = setup.redact(printable(s.server, 200));
      ctx.progress("sending the canary…");
      outcome = await runTransaction(
        s.conn,
        s.capabilities,
        {
          envelopeFrom: setup.envelopeFrom,
          recipients: [to],
          message,
          smtputf8: setup.draft.from.smtputf8 || (!isMailboxProblem(rcpt) && rcpt.smtputf8),
          timeoutMs: setup.options.timeoutMs,
        },
        s.rules,
        setup.redact,
      );
    },
  });
  ctx.progress("");
  const state = outcome?.accepted ? "accepted" : outcome ? (outcome.recipients[0]?.status ?? "rejected") : "failed";
  const code = outcome?.accepted ? undefined : outcome?.recipients[0]?.diagnosis?.code ?? outcome?.diagnosis?.code ??
    report.verdict.code;
  const key = canaryKeyOf(setup);
  await logStep(setup.store, {
    kind: "canary",
    // One id per send: verification evidence names it, so it can never be another send's.
    sendId,
    // The CANARY_HEADER value the message carries: IMAP evidence must be a copy with it.
    canaryTag: tag,
    ...canaryKeyFields(key),
    recipient: to,
    recipientKey: recipientKey(to),
    messageId: setup.draft.messageId,
    ...(outcome?.queueId ? { queueId: outcome.queueId } : {}),
    ...(outcome ? { reply: outcome.reply } : {}),
    ...(server ? { server } : {}),
    ...(code ? { code } : {}),
    state,
  }, ctx);
  const document = redactDeep({
    schema: SEND_SCHEMA,
    mode: "canary",
    state,
    profile: setup.profile.name,
    server,
    messageId: setup.draft.messageId,
    queueId: outcome?.queueId ?? null,
    recipients: outcome?.recipients.map((r) => ({
      address: r.address,
      status: r.status,
      reply: r.reply,
      ...(r.diagnosis ? { code: r.diagnosis.code } : {}),
    })) ?? [],
    reply: outcome?.reply ?? null,
    ...(code ? { code } : {}),
    diagnosis: report,
  }, setup.redact);
  const exitCode = outcome?.accepted ? 0 : outcome ? EXIT_CODES.envelope : exitCodeOf(report);
  return { exitCode, document, state, code, server, outcome, report };
}
