/**
 * `smtpilot verify`: turns "accepted" into what really happened. Evidence,
 * strongest first: a bounce naming the message, the canary mailbox over
 * IMAP, a person's statement. The state — delivered-inbox, delivered-spam,
 * bounced, missing — is appended to the send log with its evidence.
 */
import { createHash } from "node:crypto";
import { analyzeMessage, type BounceMessage } from "../../core/bounce/analyze-message.ts";
import { readSources } from "../../core/bounce/read-sources.ts";
import { bounceUpdates } from "../../core/bounce/send-log-link.ts";
import { EnvironmentError, SmtpilotError, UsageError } from "../../core/errors.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../../core/exit.ts";
import { readSmallFile } from "../../core/files.ts";
import type { Canary, SendLogEntry } from "../../core/memory/index.ts";
import { printable, shown } from "../../core/printable.ts";
import { redactDeep } from "../../core/redact.ts";
import { EXIT_CODES } from "../../core/report.ts";
import { findPlacement, type Placement } from "../../core/send/placement.ts";
import { logStep } from "./send-log.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryHome, memoryOf, secretForRun } from "../memory.ts";
import { VERIFY_SCHEMA } from "../../core/schemas.ts";
import path from "node:path";

interface _Flags {
  last?: true;
  placement?: "inbox" | "spam" | "missing";
  note?: string;
  bounce?: string[];
  wait?: number;
  timeout?: number;
}

/** The digest a canary send records to find its canary again (the address itself is masked in the log). */
export function recipientKey(address: string): string {
  return createHash("sha256").update(address.toLowerCase()).digest("hex").slice(0, 16);
}

const _STATE = { inbox: "delivered-inbox", spam: "delivered-spam", missing: "missing" } as const;

/** Runs the command. */
export async function runVerify(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as _Flags;
  const given = input.args[0] as string | undefined;
  if ((given === undefined) === (flags.last === undefined)) {
    throw new UsageError("Name the message: a Message-ID, or --last for the last canary");
  }
  if (flags.note !== undefined && flags.placement === undefined) throw new UsageError("--note goes with --placement");
  const store = memoryOf(ctx);
  const log = await store.sendLog();
  const sent = _sentEntry(log, given);
  const messageId = sent.messageId as string;
  let state: string;
  let evidence: Record<string, unknown>;
  let placement: Placement | undefined;
  const bounced = flags.bounce ? await _bounceEvidence(flags.bounce, messageId) : undefined;
  if (bounced) {
    state = bounced.status === "complained" ? "complained" : bounced.status;
    const { source: file, ...rest } = bounced.evidence;
    evidence = { source: "bounce", file, ...rest };
  } else if (flags.placement !== undefined) {
    state = _STATE[flags.placement];
    evidence = { source: "person", ...(flags.note !== undefined ? { note: flags.note } : {}) };
  } else if (flags.bounce) {
    throw new UsageError(`No bounce in ${flags.bounce.map((b) => shown(b)).join(", ")} names ${shown(messageId)}`);
  } else {
    const canary = await _canaryOf(sent, ctx);
    placement = await _lookInMailbox(canary, messageId, new Date(String(sent.at)), flags, ctx);
    state = placement.placement === "missing" ? "missing" : _STATE[placement.placement];
    evidence = { source: "imap", mailbox: canary.imap?.host, ...placement };
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
  const redact = ctx.protectSecrets([]);
  const document = redactDeep({ schema: VERIFY_SCHEMA, messageId, sent: _sentSummary(sent), state, evidence }, redact);
  const auth = placement?.authResults;
  const lines = [
    `Mode: verification (${evidence.source === "imap" ? "reads the canary mailbox over IMAP, read-only" : "offline"})`,
    `Message ${messageId}, accepted ${String(sent.at).slice(0, 19)}Z${sent.queueId ? ` as ${sent.queueId}` : ""}`,
    `State: ${state}${placement?.folder ? ` (folder ${placement.folder})` : ""}`,
    ...(placement?.placement === "missing" ? [`  searched: ${placement.searched.join(", ")}`] : []),
    ...(auth
      ? [`  receiver's verdicts: spf=${auth.spf ?? "?"} dkim=${auth.dkim ?? "?"} dmarc=${auth.dmarc ?? "?"}`]
      : []),
    ...(bounced
      ? bounced.evidence.recipients.map((r) =>
        `  ${r.address}: ${r.status ?? ""} ${r.reason}${r.hard ? " (hard)" : ""}`
      )
      : []),
    `Recorded in ${store.path("sendLog")}`,
  ];
  // Folder names and headers come from the IMAP server: printed made safe.
  const text = lines.map((l) => printable(l, 600)).join("\n");
  return { exitCode: state === "delivered-inbox" ? EXIT_OK : EXIT_FINDINGS, document, text: `${text}\n` };
}

function _sentEntry(log: readonly SendLogEntry[], messageId: string | undefined): SendLogEntry {
  const sends = log.filter((e) => e.kind === "canary" && e.state === "accepted" && typeof e.messageId === "string");
  const found = messageId === undefined
    ? sends.at(-1)
    : [...sends].reverse().find((e) => e.messageId === messageId.trim() || e.messageId === `<${messageId.trim()}>`);
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
  messageId: string,
  sentAt: Date,
  flags: _Flags,
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
        messageId,
        sentAt,
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
