/**
 * The preflight of a send (`smtpilot preflight`, and the one an interactive
 * send runs before it asks): the gates that can be judged before sending,
 * the diagnosis up to envelope and the alignment table of the setup's
 * profile, sender and sample recipients. A plan token is issued only when
 * all of it passes — and never to an agent —, the dry run is recorded in
 * the send log, and the result is the `smtpilot.plan/1` document. The
 * adapters render it (cli/commands/send-render.ts).
 */
import { alignPolicyOf } from "../align/provider-policy.ts";
import { DNS_TIMEOUT_MS, systemDns } from "../domain/dns.ts";
import { EXIT_FINDINGS, EXIT_GATE, EXIT_OK } from "../exit.ts";
import { systemIo } from "../io.ts";
import { redactDeep } from "../redact.ts";
import { exitCodeOf } from "../report.ts";
import type { RunContext } from "../run-context.ts";
import { PLAN_SCHEMA } from "../schemas.ts";
import { issuePlan, type Plan } from "./plan.ts";
import { storeIssuedPlan } from "./plan-store.ts";
import { PREFLIGHT_MAX_PROBED, type PreflightResult, runPreflight } from "./preflight.ts";
import { readRecipients } from "./recipients.ts";
import { countEarlier, messageKeyOf } from "./delivery-ledger.ts";
import { logStep } from "./send-log.ts";
import { maskAddress } from "../memory/mask.ts";
import { checkSendGates } from "./send-gates.ts";
import { BULK_GATE } from "../deliverability/bulk-rules.ts";
import { bulkReadinessOf } from "./list-readiness.ts";
import { type SendFlags, type SendSetup, sendSetup, unlockSecret } from "./send-setup.ts";

/** What a preflight found and issued. */
export interface PreflightOutcome {
  exitCode: number;
  /** The redacted `smtpilot.plan/1` document. */
  document: unknown;
  /** The setup the flags describe (profile, draft, recipients, plan subject). */
  setup: SendSetup;
  result: PreflightResult;
  /** The plan approved for exactly this send; undefined when a check failed or the caller is an agent. */
  plan: Plan | undefined;
}

/** Runs the preflight the flags describe; a refused gate throws (GateError) before any network I/O. */
export async function preflightSend(flags: SendFlags, ctx: RunContext): Promise<PreflightOutcome> {
  const setup = await sendSetup(flags, ctx);
  await checkSendGates(setup, flags, new Date());
  await unlockSecret(setup, ctx);
  const result = await preflightOf(setup, ctx);
  const now = new Date();
  // An agent never holds a plan token: it would be a way around the person's confirmation.
  // Its send_canary/send_scale call runs this preflight again and asks the person instead.
  const plan = result.passed && !ctx.agent ? issuePlan(setup.subject, now) : undefined;
  if (plan) await storeIssuedPlan(setup.store, plan, now);
  const probed = result.probed.map((p) => ({
    address: maskAddress(p.address),
    status: p.status,
    ...(p.code ? { code: p.code } : {}),
  }));
  const refused = probed.filter((p) => p.status === "refused");
  await logStep(setup.store, {
    kind: "preflight",
    profile: setup.profile.name,
    mode: setup.mode,
    ...(setup.to !== undefined ? { recipient: setup.to } : { recipients: setup.subject.recipients.count }),
    from: setup.draft.from.address,
    messageId: setup.draft.messageId,
    digest: setup.draft.digest,
    ...(setup.list && setup.list.scan.duplicates > 0 ? { duplicates: setup.list.scan.duplicates } : {}),
    state: result.passed ? "passed" : "failed",
    ...(result.failures.length > 0 ? { failures: result.failures } : {}),
    ...(refused.length > 0 ? { refused } : {}),
  }, ctx);
  const document = redactDeep({
    schema: PLAN_SCHEMA,
    mode: "preflight",
    verdict: { status: result.passed ? "pass" : "fail", failures: result.failures },
    plan: plan ?? null,
    ...(ctx.agent && result.passed
      ? {
        confirmation:
          "through send_canary or send_scale: the person confirms in the client; no token is issued to an agent",
      }
      : {}),
    // Who the plan reaches; the recipients tried at RCPT are masked (text and JSON alike).
    recipients: {
      count: setup.subject.recipients.count,
      duplicates: setup.list?.scan.duplicates ?? 0,
      ...(result.earlier !== undefined ? { earlier: result.earlier } : {}),
      probed,
    },
    message: {
      from: setup.draft.fromHeader,
      subject: setup.draft.subject,
      digest: setup.draft.digest,
      messageId: setup.draft.messageId,
    },
    diagnosis: result.diagnosis,
    alignment: result.alignment,
    ...(result.bulk ? { bulk: result.bulk } : {}),
  }, setup.redact);
  const exitCode = result.diagnosis.verdict.status === "fail"
    ? exitCodeOf(result.diagnosis)
    : result.passed
    ? EXIT_OK
    : result.failures.includes(BULK_GATE)
    ? EXIT_GATE
    : EXIT_FINDINGS;
  return { exitCode, document, setup, result, plan };
}

/** The preflight checks of a setup (also run by an interactive send before it asks). */
export async function preflightOf(setup: SendSetup, ctx: RunContext): Promise<PreflightResult> {
  const candidates: string[] = [];
  if (setup.to !== undefined) candidates.push(setup.to);
  else if (setup.list) {
    // A send's inline preflight probes the recipients of the copy it will send to, not the file as it is now.
    for await (const r of setup.list.snapshot?.recipients() ?? readRecipients(setup.list.file)) {
      candidates.push(r.address);
      if (candidates.length >= PREFLIGHT_MAX_PROBED) break;
    }
  }
  // Before any network I/O: an earlier record that cannot be trusted refuses the preflight (gate.ledger-unreadable).
  const earlier = setup.list ? await _earlier(setup) : undefined;
  const policy = setup.provider ? alignPolicyOf(setup.provider) : undefined;
  // MAIL FROM declares the real size (SIZE=): a server with a smaller limit refuses it here, not after DATA.
  const size = (await setup.draft.compose([candidates[0] ?? setup.envelopeFrom])).length;
  const dns = systemDns(setup.resolver, DNS_TIMEOUT_MS);
  const result = await runPreflight({
    options: { ...setup.options, declaredSize: size },
    rules: setup.rules,
    envelopeFrom: setup.envelopeFrom,
    candidates,
    align: {
      from: setup.draft.from.address,
      envelopeFrom: setup.envelopeFrom,
      ...(setup.options.auth ? { authUser: setup.options.auth.user } : {}),
      ...(setup.profile.dkimDomain ? { dkimDomain: setup.profile.dkimDomain } : {}),
      ...(setup.profile.returnPath ? { returnPath: setup.profile.returnPath } : {}),
    },
    ...(policy ? { policy } : {}),
    dns,
    io: systemIo(),
    onProgress: (layer) => ctx.progress(`preflight: checking ${layer}…`),
  });
  if (earlier !== undefined) result.earlier = earlier;
  if (setup.list) {
    ctx.progress("preflight: counting the list's recipients by provider (MX)…");
    const bulk = await bulkReadinessOf(setup, result.alignment, dns);
    result.bulk = bulk;
    if (bulk.refused) {
      result.failures.push(BULK_GATE);
      result.passed = false;
    }
  }
  ctx.progress("");
  return result;
}

/** How many of the setup's list an earlier run of its message reached (delivery-ledger.ts); 0 with no journal folder. */
async function _earlier(setup: SendSetup): Promise<number> {
  const list = setup.list as NonNullable<SendSetup["list"]>;
  let folder: string;
  try {
    folder = await setup.store.journalFolder({ create: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
  const key = messageKeyOf(setup.draft.digest, setup.envelopeFrom);
  return await countEarlier(folder, key, list.snapshot?.recipients() ?? readRecipients(list.file), list.scan.count);
}
