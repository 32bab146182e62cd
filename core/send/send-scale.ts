/**
 * The scale send of a confirmed plan: paced by --rate, else the provider's
 * limit, else memory.md's default; journalled per recipient under the
 * memory folder; a progress bar on a terminal; Ctrl-C stops taking new
 * recipients and leaves a journal a rerun resumes from. The send log gets
 * the summary; the adapters render it (cli/commands/send-render.ts).
 */
import path from "node:path";
import { UsageError } from "../errors.ts";
import { EXIT_ENVIRONMENT, EXIT_FINDINGS, EXIT_OK } from "../exit.ts";
import { shown } from "../printable.ts";
import { redactDeep } from "../redact.ts";
import { exitCodeOf } from "../report.ts";
import { planDigest } from "./plan.ts";
import { parseRate } from "./rate-limiter.ts";
import { runScale, type ScaleProgress, type ScaleResult } from "./scale.ts";
import { refuse } from "./gates.ts";
import { withFileLock } from "../memory/atomic-file.ts";
import { snapshotRecipients } from "./recipients.ts";
import { logStep } from "./send-log.ts";
import type { RunContext } from "../run-context.ts";
import { SEND_SCHEMA } from "../schemas.ts";
import type { SendCommandFlags, SendSetup } from "./send-setup.ts";

/** Messages per second for this run, and where that number came from. */
export function rateOf(setup: SendSetup, flags: SendCommandFlags): { perSecond: number; source: string } {
  if (flags.rate !== undefined) {
    const r = parseRate(flags.rate);
    if (r === undefined) {
      throw new UsageError(`Invalid --rate ${shown(flags.rate)}: expected 10/s, 600/min, 20000/day or none`);
    }
    return { perSecond: r, source: "--rate" };
  }
  const limit = setup.provider?.rateLimit;
  const fromProvider = limit?.perSecond ?? (limit?.perMinute !== undefined ? limit.perMinute / 60 : undefined) ??
    (limit?.perDay !== undefined ? limit.perDay / 86_400 : undefined);
  if (fromProvider !== undefined) return { perSecond: fromProvider, source: `provider ${setup.provider?.name}` };
  return { perSecond: setup.settings.safety.sendRatePerMinute / 60, source: "memory.md sendRatePerMinute" };
}

/** What a scale send did: the `smtpilot.send/1` document, its exit code, and what a rendering needs. */
export interface ScaleSent {
  exitCode: number;
  /** The redacted `smtpilot.send/1` document. */
  document: unknown;
  /** `accepted` (every recipient), `partial` (some refused or deferred) or `stopped`. */
  state: "accepted" | "partial" | "stopped";
  /** Counts, codes, the stop and the failed session, as the engine reported them. */
  result: ScaleResult;
  /** Wall time of the send, in seconds. */
  seconds: number;
  /** The journal a rerun resumes from. */
  journalFile: string;
}

/** Sends the list of a confirmed plan. */
export async function sendScale(setup: SendSetup, flags: SendCommandFlags, ctx: RunContext): Promise<ScaleSent> {
  const rate = rateOf(setup, flags);
  const run = `scale-${planDigest(setup.subject).slice(0, 24)}`;
  const journalFile = path.join(await setup.store.journalFolder(), `${run}.jsonl`);
  // One run of a plan at a time: two at once would each read the journal before the other wrote.
  try {
    return await withFileLock(journalFile, () => _send(setup, flags, ctx, rate, journalFile, run), 500);
  } catch (err) {
    if ((err as { code?: string }).code === "E_MEMORY_LOCKED") {
      refuse("gate.run-in-progress", "Another smtpilot is sending this plan right now; wait for it to end");
    }
    throw err;
  }
}

async function _send(
  setup: SendSetup,
  flags: SendCommandFlags,
  ctx: RunContext,
  rate: { perSecond: number; source: string },
  journalFile: string,
  run: string,
): Promise<ScaleSent> {
  const list = setup.list as NonNullable<SendSetup["list"]>;
  // The send reads a private snapshot of the list, checked against the confirmed plan.
  const snapshot = path.join(path.dirname(journalFile), `${run}.list`);
  const now = await snapshotRecipients(list.file, snapshot);
  if (now.digest !== setup.subject.recipients.digest || now.count !== setup.subject.recipients.count) {
    refuse("gate.plan-changed", `--to-list ${list.file} changed after it was confirmed`);
  }
  const abort = new AbortController();
  const started = Date.now();
  const bar = (p: ScaleProgress) => {
    const done = p.skipped + p.accepted + p.rejected + p.deferred;
    const width = 24;
    const filled = Math.round((done / Math.max(1, p.total)) * width);
    ctx.progress(
      `[${"#".repeat(filled)}${
        ".".repeat(width - filled)
      }] ${done}/${p.total} accepted ${p.accepted} refused ${p.rejected} deferred ${p.deferred}`,
    );
  };
  const running = runScale({
    options: setup.options,
    rules: setup.rules,
    redact: setup.redact,
    draft: setup.draft,
    envelopeFrom: setup.envelopeFrom,
    listFile: snapshot,
    count: now.count,
    journalFile,
    connections: flags.connections ?? 1,
    ratePerSecond: rate.perSecond,
    onProgress: bar,
    signal: abort.signal,
  });
  // Ctrl-C: stop taking recipients; what is in flight finishes and is journalled before the exit.
  const unregister = ctx.onCleanup(async () => {
    abort.abort();
    await running.catch(() => undefined);
  });
  const result = await running.finally(unregister);
  ctx.progress("");
  const seconds = (Date.now() - started) / 1000;
  const state = result.stopped ? "stopped" : result.rejected + result.deferred > 0 ? "partial" : "accepted";
  await logStep(setup.store, {
    kind: "scale",
    profile: setup.profile.name,
    from: setup.draft.from.address,
    digest: setup.draft.digest,
    messageId: setup.draft.messageId,
    recipients: list.scan.count,
    accepted: result.accepted,
    rejected: result.rejected,
    deferred: result.deferred,
    skipped: result.skipped,
    unknown: result.unknown.length,
    journal: path.relative(setup.store.home, journalFile),
    state,
    ...(result.stopped
      ? { stoppedBy: result.stopped.reason, ...(result.stopped.code ? { code: result.stopped.code } : {}) }
      : {}),
  }, ctx);
  const document = redactDeep({
    schema: SEND_SCHEMA,
    mode: "scale",
    state,
    profile: setup.profile.name,
    messageId: setup.draft.messageId,
    rate: { perSecond: Number.isFinite(rate.perSecond) ? rate.perSecond : null, source: rate.source },
    total: result.total,
    skipped: result.skipped,
    accepted: result.accepted,
    rejected: result.rejected,
    deferred: result.deferred,
    unknown: result.unknown,
    codes: result.codes,
    journal: journalFile,
    seconds,
    ...(result.stopped ? { stopped: result.stopped } : {}),
    ...(result.failedSession ? { diagnosis: result.failedSession } : {}),
  }, setup.redact);
  const exitCode = result.failedSession
    ? exitCodeOf(result.failedSession)
    : result.stopped?.reason === "journal-unwritable"
    ? EXIT_ENVIRONMENT // the disk, not the list: free space and rerun
    : state === "accepted"
    ? EXIT_OK
    : EXIT_FINDINGS;
  return { exitCode, document, state, result, seconds, journalFile };
}
