/**
 * Verification of a canary send (`smtpilot verify`, the `verify` tool): turns
 * "accepted" into what really happened. Evidence, strongest first: a bounce
 * naming the message, the canary mailbox over IMAP, a person's statement.
 * The state — delivered-inbox, delivered-spam, bounced, missing — is
 * appended to the send log with its evidence. The adapters render it
 * (cli/commands/verify.ts).
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { analyzeMessage, type BounceMessage } from "../bounce/analyze-message.ts";
import { readSources } from "../bounce/read-sources.ts";
import { type BounceUpdate, bounceUpdates } from "../bounce/send-log-link.ts";
import { EnvironmentError, GateError, SmtpilotError, UsageError } from "../errors.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../exit.ts";
import { readSmallFile } from "../files.ts";
import type { Canary, SendLogEntry } from "../memory/index.ts";
import type { MemoryStore } from "../memory/store.ts";
import { shown } from "../printable.ts";
import { redactDeep } from "../redact.ts";
import { EXIT_CODES } from "../report.ts";
import { findPlacement, type Placement, type PlacementQuery } from "./placement.ts";
import { logStep, recipientKey } from "./send-log.ts";
import type { RunContext } from "../run-context.ts";
import { memoryHome, memoryOf, secretForRun } from "../memory/run-memory.ts";
import { VERIFY_SCHEMA } from "../schemas.ts";
import { confirmCodeOf } from "./plan.ts";
import { type Checklist } from "../deliverability/checklist.ts";
import { checkReceivedCopy, noteVerified } from "../deliverability/verify-checklist.ts";
import { resolverAddress } from "../validate.ts";

/** How to verify: `--last` or a Message-ID, and which evidence (flags by attribute name). */
export interface VerifyFlags {
  last?: true;
  placement?: "inbox" | "spam" | "missing";
  note?: string;
  bounce?: string[];
  wait?: number;
  timeout?: number;
  /** DNS server for the DKIM key lookups of the checklist. */
  resolver?: string;
}

const _STATE = { inbox: "delivered-inbox", spam: "delivered-spam", missing: "missing" } as const;

/** What verification found, recorded and returns. */
export interface VerifyOutcome {
  exitCode: number;
  /** The redacted `smtpilot.verify/1` document. */
  document: unknown;
  messageId: string;
  /** The send-log entry of the canary send verified. */
  sent: SendLogEntry;
  /** delivered-inbox, delivered-spam, missing, bounced, complained… */
  state: string;
  evidence: Record<string, unknown>;
  /** What the canary mailbox showed (IMAP evidence only). */
  placement: Placement | undefined;
  /** The bounce that names the message (bounce evidence only). */
  bounced: BounceUpdate | undefined;
  /** The send log the state was appended to. */
  logFile: string;
  /** What the received copy proves (IMAP evidence of a found copy only). */
  checklist: Checklist | undefined;
}

/** Verifies the canary send named by `given` (a Message-ID), or the last one with `--last`. */
export async function verifySend(
  given: string | undefined,
  flags: VerifyFlags,
  ctx: RunContext,
): Promise<VerifyOutcome> {
  if ((given === undefined) === (flags.last === undefined)) {
    throw new UsageError("Name the message: a Message-ID, or --last for the last canary");
  }
  if (flags.note !== undefined && flags.placement === undefined) throw new UsageError("--note goes with --placement");
  const store = memoryOf(ctx);
  const sent = await sentCanaryOf(store, given);
  const messageId = sent.messageId as string;
  let state: string;
  let evidence: Record<string, unknown>;
  let placement: Placement | undefined;
  let checklist: Checklist | undefined;
  let unreadable: string | undefined;
  const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
  const bounced = flags.bounce ? await _bounceEvidence(flags.bounce, messageId) : undefined;
  if (bounced) {
    state = bounced.status === "complained" ? "complained" : bounced.status;
    const { source: file, ...rest } = bounced.evidence;
    evidence = { source: "bounce", file, ...rest };
  } else if (flags.placement !== undefined) {
    await _personStates(sent, flags.placement, ctx);
    state = _STATE[flags.placement];
    evidence = { source: "person", ...(flags.note !== undefined ? { note: flags.note } : {}) };
  } else if (flags.bounce) {
    throw new UsageError(`No bounce in ${flags.bounce.map((b) => shown(b)).join(", ")} names ${shown(messageId)}`);
  } else {
    if (typeof sent.canaryTag !== "string") {
      throw new UsageError(
        "This canary was sent without a per-send tag (by an older smtpilot): a copy found by its Message-ID could be another send's. Send a new canary, or state what you saw with --placement inbox|spam|missing",
      );
    }
    const canary = await _canaryOf(sent, ctx);
    placement = await _lookInMailbox(
      canary,
      {
        messageId,
        tag: sent.canaryTag,
        sentAt: new Date(String(sent.at)),
      },
      flags,
      ctx,
    );
    state = placement.placement === "missing" ? "missing" : _STATE[placement.placement];
    const { source: copy, ...found } = placement;
    if (copy && placement.placement !== "missing") {
      ctx.progress("reading the received copy's authentication…");
      try {
        checklist = await checkReceivedCopy(copy, placement.placement, placement.folder, resolver);
      } catch (err) {
        // The placement stands on its own; a copy the checklist cannot read is said, not fatal.
        unreadable = shown((err as Error).message ?? String(err), 200);
      }
      ctx.progress("");
    }
    evidence = {
      source: "imap",
      mailbox: canary.imap?.host,
      ...found,
      ...(checklist ? { checklist } : {}),
      ...(unreadable !== undefined ? { checklistError: unreadable } : {}),
    };
  }
  await logStep(store, {
    kind: "verify",
    ...(sent.profile ? { profile: sent.profile } : {}),
    messageId,
    ...(sent.queueId ? { queueId: sent.queueId } : {}),
    // The one send this evidence is about: a scale gate accepts only its own canary's.
    ...(typeof sent.sendId === "string" ? { sendId: sent.sendId } : {}),
    state,
    evidence,
  }, ctx);
  if (checklist) await noteVerified(store, sent, state, checklist);
  const redact = ctx.protectSecrets([]);
  const document = redactDeep({ schema: VERIFY_SCHEMA, messageId, sent: _sentSummary(sent), state, evidence }, redact);
  return {
    exitCode: state === "delivered-inbox" ? EXIT_OK : EXIT_FINDINGS,
    document,
    messageId,
    sent,
    state,
    evidence,
    placement,
    bounced,
    logFile: store.path("sendLog"),
    checklist,
  };
}

/**
 * A placement stated by a person needs a person: someone a question can
 * reach (a terminal, or an MCP client that shows its user an elicitation) —
 * never a script or an agent writing `--placement` for them. "inbox" is
 * what unlocks a list send, so the person also types a code bound to this
 * send and this statement.
 */
async function _personStates(sent: SendLogEntry, placement: NonNullable<VerifyFlags["placement"]>, ctx: RunContext) {
  if (!ctx.confirm) {
    throw new GateError(
      "A placement you state needs you at a terminal: run smtpilot verify --placement from one, or let smtpilot verify look in the canary mailbox over IMAP (gate.placement-needs-person); nothing was recorded",
      "gate.placement-needs-person",
    );
  }
  if (placement !== "inbox") return;
  const code = confirmCodeOf(
    createHash("sha256").update(`placement\0${String(sent.sendId ?? sent.at)}\0${placement}`).digest("hex"),
  );
  const typed = await ctx.confirm({
    summary:
      `You state that the canary ${String(sent.messageId)} sent ${String(sent.at).slice(0, 19)}Z through profile ${
        String(sent.profile ?? "?")
      } to ${String(sent.recipient ?? "the canary")} reached the INBOX (not spam, not missing).\n` +
      "That statement is the evidence a list send of this message may rely on.",
    code,
  });
  if (typed?.trim().toUpperCase() !== code) {
    throw new GateError(
      "The confirmation code was not typed (gate.confirmation-declined); nothing was recorded",
      "gate.confirmation-declined",
    );
  }
}

/**
 * The canary send verify is about: the last accepted canary in the send log
 * (with `messageId`, of that Message-ID, given with or without its <>),
 * parsing only the entries that can be it; a UsageError when there is none.
 */
export async function sentCanaryOf(store: MemoryStore, messageId: string | undefined): Promise<SendLogEntry> {
  const id = messageId?.trim();
  const match = (e: SendLogEntry) =>
    e.kind === "canary" && e.state === "accepted" && typeof e.messageId === "string" &&
    (id === undefined || e.messageId === id || e.messageId === `<${id}>`);
  // First only the entries whose text holds the ID as typed; an ID the YAML had to escape (a quote, a
  // backslash) is not there verbatim, so a miss looks again through every canary entry.
  const found =
    await store.lastSendLogEntry(match, { kind: "canary", ...(id !== undefined ? { contains: id } : {}) }) ??
      (id !== undefined ? await store.lastSendLogEntry(match, { kind: "canary" }) : undefined);
  if (!found) {
    throw new UsageError(
      messageId === undefined
        ? "The send log has no accepted canary yet (smtpilot send --canary …)"
        : `No accepted canary with Message-ID ${shown(messageId)} in the send log`,
    );
  }
  return found;
}

function _sentSummary(e: SendLogEntry): Record<string, unknown> {
  return { at: e.at, profile: e.profile, recipient: e.recipient, queueId: e.queueId ?? null };
}

async function _canaryOf(sent: SendLogEntry, ctx: RunContext): Promise<Canary> {
  const { canaries } = await memoryOf(ctx).settings();
  const canary = canaries.find((c) => recipientKey(c.address) === sent.recipientKey);
  if (!canary) {
    throw new UsageError(
      "The canary of this send is no longer on the canary list; state what you saw with --placement inbox|spam|missing",
    );
  }
  if (!canary.imap) {
    throw new UsageError(
      `Canary ${canary.address} has no IMAP access: add it (smtpilot canary add ${canary.address} --replace --imap-host …) or state what you saw with --placement inbox|spam|missing`,
    );
  }
  return canary;
}

async function _lookInMailbox(
  canary: Canary,
  query: PlacementQuery,
  flags: VerifyFlags,
  ctx: RunContext,
): Promise<Placement> {
  const imap = canary.imap as NonNullable<Canary["imap"]>;
  const secret = await secretForRun(imap.secret, ctx, `IMAP password for ${imap.user}`);
  const ca = imap.ca === undefined
    ? undefined
    : readSmallFile(path.resolve(memoryHome(ctx), imap.ca), { what: "the canary's IMAP ca", maxBytes: 4 << 20 })
      .toString("utf8");
  const deadline = Date.now() + (flags.wait ?? 20_000);
  for (;;) {
    ctx.progress(`looking for the message in ${imap.host}…`);
    let found: Placement;
    try {
      found = await findPlacement(
        {
          host: imap.host,
          port: imap.port,
          tls: imap.tls,
          user: imap.user,
          secret,
          ...(imap.servername ? { servername: imap.servername } : {}),
          ...(ca ? { ca } : {}),
          timeoutMs: flags.timeout ?? 10_000,
        },
        query,
      );
    } catch (err) {
      throw _imapError(err, imap.host, imap.port);
    }
    if (found.placement !== "missing" || Date.now() >= deadline) {
      ctx.progress("");
      return found;
    }
    await new Promise((r) => setTimeout(r, Math.min(3000, Math.max(0, deadline - Date.now()))));
  }
}

function _imapError(err: unknown, host: string, port: number): SmtpilotError {
  const e = err as { code?: string; authenticationFailed?: boolean; message?: string };
  if (e.authenticationFailed || e.code === "AUTHENTICATIONFAILED") {
    return new SmtpilotError(
      "E_IMAP_AUTH",
      EXIT_CODES.auth,
      `The IMAP login to ${host} was refused: check the canary's --imap-user and --imap-secret`,
    );
  }
  return new EnvironmentError(
    `Cannot check the canary mailbox at ${host}:${port} (${e.code ?? shown(e.message ?? String(err), 120)})`,
    "E_IMAP",
  );
}

async function _bounceEvidence(sources: readonly string[], messageId: string) {
  const messages: BounceMessage[] = [];
  await readSources(sources, (root, source) => messages.push(analyzeMessage(root, source)), () => {});
  return bounceUpdates(messages, { has: (id) => id === messageId })[0];
}
