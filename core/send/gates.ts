/**
 * The safety gates of a live send, as data checks that either pass or throw
 * a GateError (exit 4, nothing sent) with a stable code. Each gate is a
 * separate function so a test can aim at exactly one, and the send command
 * runs all of them before the first byte goes to a server.
 */
import { GateError } from "../errors.ts";
import type { SendLogEntry } from "../memory/index.ts";
import { shown } from "../printable.ts";
import type { TokenProblem } from "./plan.ts";

/** Stable codes of the gates (docs/codes.md's table is generated from it by `npm run docs`). */
export const GATE_CODES = {
  "gate.canary-one-recipient": "a canary send has exactly one recipient",
  "gate.canary-not-approved": "the canary recipient is not on the approved list (smtpilot canary add)",
  "gate.canary-external": "the canary is outside the sender's organisation and --allow-external was not given",
  "gate.provider-not-approved": "the profile's provider is not among memory.md's approvedProviders",
  "gate.no-confirmation": "no confirmation: not a terminal and no --confirm TOKEN",
  "gate.confirmation-declined": "the person did not type the confirmation code",
  "gate.token-malformed": "--confirm is not a plan token (spt-…)",
  "gate.token-unknown": "the token was never issued by a preflight on this machine",
  "gate.token-expired": "the plan token has expired: run preflight again",
  "gate.token-used": "the plan token was already used",
  "gate.plan-changed": "the token was issued for another plan (recipients, profile, sender or message changed)",
  "gate.preflight-failed": "the preflight failed: no plan is issued and nothing may be sent",
  "gate.no-verified-canary":
    "no canary of this profile, From and message reached the inbox within the freshness window",
  "gate.too-many-recipients": "the list is longer than memory.md's maxRecipientsPerBatch",
  "gate.run-in-progress": "another smtpilot is sending this message right now (this plan or another list of it)",
  "gate.ledger-unreadable":
    "an earlier run's record of who received this message (journal/ledger/) is torn, corrupt, edited, made with another key, a link, writable by another user, unreadable, or its journal was deleted",
  "gate.profile-target-override":
    "an agent gave a profile with a secret another host, port, TLS mode, server name, CA or mechanism",
  "gate.file-access-off": "an agent named a file, and smtpilot mcp was started without --files DIR",
  "gate.file-outside-folder": "an agent named a file outside the folders smtpilot mcp was given with --files",
  "gate.placement-needs-person": "a placement stated with verify --placement needs a person at a terminal",
  "gate.bulk-sender-rules":
    "the list reaches more of Gmail's, Yahoo's or Outlook.com's personal accounts than their bulk threshold and misses one of that provider's bulk-sender rules",
} as const;

/** A gate code. */
export type GateCode = keyof typeof GATE_CODES;

/** Throws the gate's refusal. */
export function refuse(code: GateCode, message: string): never {
  throw new GateError(`${message} (${code}); nothing was sent`, code);
}

/** The profile's provider must be approved when memory.md lists approved providers. */
export function checkProviderApproved(provider: string | undefined, approved: readonly string[]): void {
  if (approved.length === 0) return;
  const name = provider ?? "custom";
  if (!approved.includes(name)) {
    refuse(
      "gate.provider-not-approved",
      `Provider ${shown(name)} is not approved in memory.md (${approved.join(", ")})`,
    );
  }
}

/** Turns a token check's answer into the gate refusal. */
export function refuseToken(problem: TokenProblem): never {
  const code = `gate.${problem}` as GateCode;
  refuse(code, GATE_CODES[code].replace(/^./, (c) => c.toUpperCase()));
}

/**
 * What identifies "the same canary" for a scale send: the profile and what
 * it points at (a profile edited to another server or account is another
 * path), the sender identities and the message.
 */
export interface CanaryKey {
  profile: string;
  host: string;
  port: number;
  user: string;
  from: string;
  envelopeFrom: string;
  messageDigest: string;
}

/** The fields a canary's send-log entry records of its key (what verifiedCanary compares). */
export function canaryKeyFields(key: CanaryKey): Pick<
  SendLogEntry,
  "profile" | "host" | "port" | "user" | "from" | "envelopeFrom" | "digest"
> {
  return {
    profile: key.profile,
    host: key.host,
    port: key.port,
    user: key.user,
    from: key.from,
    envelopeFrom: key.envelopeFrom,
    digest: key.messageDigest,
  };
}

/** The fields of a canary's send-log entry that must equal the key. */
function _sameCanary(e: SendLogEntry, key: CanaryKey): boolean {
  return e.kind === "canary" && e.state === "accepted" && typeof e.sendId === "string" && e.profile === key.profile &&
    e.host === key.host && e.port === key.port && e.user === key.user && e.from === key.from &&
    e.envelopeFrom === key.envelopeFrom && e.digest === key.messageDigest;
}

/**
 * The newest verification in the send log that proves a canary of this key
 * reached the inbox, sent within `freshnessHours`, or undefined. Evidence
 * binds to one send: a `verify` entry with state delivered-inbox naming that
 * canary's sendId and made after it. A 250 (accepted) never counts, nor a
 * verification of another send of the same Message-ID.
 */
export function verifiedCanary(
  log: readonly SendLogEntry[],
  key: CanaryKey,
  now: Date,
  freshnessHours: number,
): SendLogEntry | undefined {
  const since = now.getTime() - freshnessHours * 3_600_000;
  const sends = log.filter((e) => _sameCanary(e, key) && Date.parse(e.at) >= since);
  for (const sent of sends.reverse()) {
    const proof = log.find((e) =>
      e.kind === "verify" && e.state === "delivered-inbox" && e.sendId === sent.sendId &&
      Date.parse(e.at) >= Date.parse(sent.at)
    );
    if (proof) return proof;
  }
  return undefined;
}

/** A scale send needs that verified canary. */
export function checkVerifiedCanary(
  log: readonly SendLogEntry[],
  key: CanaryKey,
  now: Date,
  freshnessHours: number,
): SendLogEntry {
  const found = verifiedCanary(log, key, now, freshnessHours);
  if (!found) {
    refuse(
      "gate.no-verified-canary",
      `No canary of profile ${key.profile} from ${key.from} with this message (sha256:${
        key.messageDigest.slice(0, 12)
      }…) was verified in the inbox in the last ${freshnessHours} h: send one with --canary, then smtpilot verify`,
    );
  }
  return found;
}

/** A list longer than the memory's batch limit is refused. */
export function checkBatchSize(count: number, max: number): void {
  if (count > max) {
    refuse(
      "gate.too-many-recipients",
      `The list has ${count} recipients, more than maxRecipientsPerBatch (${max}) in memory.md; raise it there or split the list`,
    );
  }
}
