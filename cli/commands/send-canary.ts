/**
 * The canary: one message to the one approved recipient, over a session the
 * diagnosis engine opened and proved, recorded in the send log as accepted
 * (or refused) with its queue id and Message-ID — never as delivered.
 */
import { randomBytes } from "node:crypto";
import { isMailboxProblem, parseMailbox } from "../../core/address.ts";
import { diagnose } from "../../core/diagnose.ts";
import { EXIT_CODES } from "../../core/report.ts";
import { exitCodeOf } from "../../core/report.ts";
import { systemIo } from "../../core/io.ts";
import { redactDeep } from "../../core/redact.ts";
import { runTransaction, type TransactionOutcome } from "../../core/send/transaction.ts";
import { logStep } from "./send-log.ts";
import type { CommandResult, RunContext } from "../command-spec.ts";
import { canaryKeyOf } from "./send-gates.ts";
import { diagnosisLines } from "./send-render.ts";
import { recipientKey } from "./verify.ts";
import type { SendSetup } from "./send-setup.ts";
import { SEND_SCHEMA } from "../../core/schemas.ts";

/** Sends the canary of a confirmed plan. */
export async function sendCanary(setup: SendSetup, ctx: RunContext): Promise<CommandResult> {
  const to = setup.to as string;
  const rcpt = parseMailbox(to);
  const message = await setup.draft.compose([to]);
  let outcome: TransactionOutcome | undefined;
  let server = "";
  const report = await diagnose(setup.options, systemIo(), {
    replyRules: setup.rules,
    onProgress: (layer) => ctx.progress(`opening the session: ${layer}…`),
    onSession: async (s) => {
      server = s.server;
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
    sendId: randomBytes(8).toString("hex"),
    profile: key.profile,
    host: key.host,
    port: key.port,
    user: key.user,
    recipient: to,
    recipientKey: recipientKey(to),
    from: key.from,
    envelopeFrom: key.envelopeFrom,
    digest: key.messageDigest,
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
  const text = outcome?.accepted
    ? `Accepted by ${server || setup.options.host}, queued as ${
      outcome.queueId ?? "(no id in the reply)"
    } — not yet delivered.\n  ${outcome.reply}\n  Message-ID ${setup.draft.messageId}\nNext: smtpilot verify --last (or smtpilot verify ${setup.draft.messageId} --placement inbox|spam|missing)\n`
    : outcome
    ? `Refused: ${outcome.recipients[0]?.diagnosis?.summary ?? outcome.reply}\n  code: ${code}\n  cause: ${
      outcome.recipients[0]?.diagnosis?.cause ?? outcome.diagnosis?.cause ?? ""
    }\n  next:  ${outcome.recipients[0]?.diagnosis?.next ?? outcome.diagnosis?.next ?? ""}\n`
    : `${diagnosisLines(report).join("\n")}\nNothing was sent.\n`;
  const exitCode = outcome?.accepted ? 0 : outcome ? EXIT_CODES.envelope : exitCodeOf(report);
  return { exitCode, document, text: `Mode: canary send (one live message to an approved recipient)\n${text}` };
}
