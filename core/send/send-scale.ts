/**
 * The scale send of a confirmed plan: paced by --rate, else the provider's
 * limit, else memory.md's default; journalled per recipient under the
 * memory folder; a progress bar on a terminal; Ctrl-C stops taking new
 * recipients and leaves a journal a rerun resumes from. The send log gets
 * the summary; the adapters render it (cli/commands/send-render.ts).
 */
import path from "node:path";
import { EXIT_ENVIRONMENT, EXIT_FINDINGS, EXIT_OK } from "../exit.ts";
import { redactDeep } from "../redact.ts";
import { exitCodeOf } from "../report.ts";
import { planDigest } from "./plan.ts";
import { etaSeconds, formatDuration, type Pace } from "./send-pace.ts";
import { runScale, type ScaleProgress, type ScaleResult } from "./scale.ts";
import { refuse } from "./gates.ts";
import { DeliveryLedger, messageKeyOf, trustedLedger } from "./delivery-ledger.ts";
import { withFileLock } from "../memory/atomic-file.ts";
import { logStep } from "./send-log.ts";
import type { RunContext } from "../run-context.ts";
import { SEND_SCHEMA } from "../schemas.ts";
import { markTime } from "../run-timing.ts";
import type { SendCommandFlags, SendSetup } from "./send-setup.ts";

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
export async function sendScale(
  setup: SendSetup,
  rate: Pace,
  flags: SendCommandFlags,
  ctx: RunContext,
): Promise<ScaleSent> {
  const run = `scale-${planDigest(setup.subject).slice(0, 24)}`;
  const folder = await setup.store.journalFolder();
  const journalFile = path.join(folder, `${run}.jsonl`);
  const key = messageKeyOf(setup.draft.digest, setup.envelopeFrom);
  const ledger = await trustedLedger(async () => await DeliveryLedger.open(folder, key, { create: true }));
  // One run of a message at a time, whatever its plan: two at once would each read the journal and the
  // ledger before the other wrote, and two lists of one message could both reach the same person.
  try {
    return await withFileLock(
      path.join(folder, `message-${key}`),
      async () => await _send(setup, flags, ctx, rate, journalFile, ledger, run),
      500,
    );
  } catch (err) {
    if ((err as { code?: string }).code === "E_MEMORY_LOCKED") {
      refuse("gate.run-in-progress", "Another smtpilot is sending this message right now; wait for it to end");
    }
    throw err;
  }
}

async function _send(
  setup: SendSetup,
  flags: SendCommandFlags,
  ctx: RunContext,
  rate: Pace,
  journalFile: string,
  ledger: DeliveryLedger,
  run: string,
): Promise<ScaleSent> {
  const list = setup.list as NonNullable<SendSetup["list"]>;
  // The send reads the private copy taken while the plan's digest was computed (list-snapshot.ts):
  // exactly the recipients the confirmation is bound to, whatever happened to the file since.
  const snapshot = list.snapshot;
  if (!snapshot) throw new Error("A scale send needs the setup's copy of the list (sendSetup with snapshot)");
  // Who earlier runs of other plans of this message reached (a record that cannot be trusted refuses
  // here, before any session); then, while the sessions open, this run's own record of its list for
  // the runs after it, on disk before the first reservation (delivery-ledger.ts).
  const earlier = await trustedLedger(() => ledger.earlier(run));
  const marked = ledger.mark(snapshot.batches(), list.scan.count, earlier, run);
  const reached = marked.then((r) => (r.count > 0 ? r.map : undefined));
  // Both awaited below or by the run; a run whose sessions never open never reaches `reached`.
  reached.catch(() => {});
  const abort = new AbortController();
  const started = Date.now();
  const bar = (p: ScaleProgress) => {
    const done = p.skipped + p.earlier + p.accepted + p.rejected + p.deferred;
    const width = 24;
    const filled = Math.round((done / Math.max(1, p.total)) * width);
    const eta = etaSeconds(p.total - done, done - p.skipped - p.earlier, Date.now() - started, rate.perSecond);
    ctx.progress(
      `[${"#".repeat(filled)}${
        ".".repeat(width - filled)
      }] ${done}/${p.total} accepted ${p.accepted} refused ${p.rejected} deferred ${p.deferred}${
        eta === undefined ? "" : `, about ${formatDuration(eta)} left`
      }`,
    );
  };
  const running = runScale({
    options: setup.options,
    rules: setup.rules,
    redact: setup.redact,
    draft: setup.draft,
    envelopeFrom: setup.envelopeFrom,
    recipients: snapshot,
    ...(setup.credential ? { credential: setup.credential } : {}),
    count: list.scan.count,
    journalFile,
    earlier: reached,
    connections: flags.connections ?? 1,
    ratePerSecond: rate.perSecond,
    onProgress: bar,
    signal: abort.signal,
  });
  // Ctrl-C: stop taking recipients; what is in flight finishes and is journalled, then the run
  // ends as any run does — summary printed and logged, lock released — with the signal's exit code.
  let interrupted: number | undefined;
  const unintercept = ctx.onInterrupt?.((exitCode) => {
    interrupted = exitCode;
    abort.abort();
  });
  // A second signal (or a crash) ends the process: the journal still gets what is in flight.
  const unregister = ctx.onCleanup(async () => {
    abort.abort();
    await running.catch(() => undefined);
  });
  const result = await running.finally(() => {
    unregister();
    unintercept?.();
  });
  await marked.catch(() => undefined); // the record is whole (or was never written) before the lock is released
  markTime("send-done");
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
    ...(list.scan.duplicates > 0 ? { duplicates: list.scan.duplicates } : {}),
    accepted: result.accepted,
    rejected: result.rejected,
    deferred: result.deferred,
    skipped: result.skipped,
    ...(result.earlier > 0 ? { earlier: result.earlier } : {}),
    unknown: result.unknown.length,
    journal: path.relative(setup.store.home, journalFile),
    state,
    ...(result.stopped
      ? { stoppedBy: result.stopped.reason, ...(result.stopped.code ? { code: result.stopped.code } : {}) }
      : {}),
  }, ctx);
  markTime("send-logged");
  const document = redactDeep({
    schema: SEND_SCHEMA,
    mode: "scale",
    state,
    profile: setup.profile.name,
    messageId: setup.draft.messageId,
    rate: { perSecond: Number.isFinite(rate.perSecond) ? rate.perSecond : null, source: rate.source },
    total: result.total,
    duplicates: list.scan.duplicates,
    skipped: result.skipped,
    earlier: result.earlier,
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
  const exitCode = interrupted !== undefined
    ? interrupted
    : result.failedSession
    ? exitCodeOf(result.failedSession)
    : result.stopped?.reason === "journal-unwritable"
    ? EXIT_ENVIRONMENT // the disk, not the list: free space and rerun
    : state === "accepted"
    ? EXIT_OK
    : EXIT_FINDINGS;
  return { exitCode, document, state, result, seconds, journalFile };
}
