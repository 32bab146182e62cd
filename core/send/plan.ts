/**
 * A send plan and the token that approves exactly it. The plan names what a
 * send would do — mode, profile and server, sender identities, recipients
 * (by count and digest), message (by digest and Message-ID); its digest is
 * the hash of that canonical description. A token is a random capability
 * issued by a successful preflight and stored only as its hash beside the
 * plan digest and an expiry: a made-up token, an expired one, or one issued
 * for any other plan (another recipient, profile or message) approves nothing.
 */
import { createHash, randomBytes } from "node:crypto";

/** Version tag of the preflight document that carries a plan. */
export { PLAN_SCHEMA } from "../schemas.ts";

/** How a send reaches its recipients. */
export type SendMode = "canary" | "scale";

/** Everything a plan binds. Field order is irrelevant: the digest canonicalises. */
export interface PlanSubject {
  mode: SendMode;
  /** The server and how it is trusted and logged in to: a token stops fitting when any of it changes. */
  profile: {
    name: string;
    host: string;
    port: number;
    tls: string;
    user?: string;
    servername?: string;
    ehloName?: string;
    mechanism?: string;
    secretRef?: string;
    /** sha256 of the private CA's PEM, when the profile trusts one. */
    caDigest?: string;
  };
  envelopeFrom: string;
  headerFrom: string;
  recipients: { count: number; digest: string };
  message: { digest: string; messageId: string };
}

/** A plan as shown to the person and printed by `preflight --json`. */
export interface Plan extends PlanSubject {
  /** sha256 of the canonical subject. */
  digest: string;
  /** The approval token (shown once; only its hash is stored). */
  token: string;
  /** ISO date after which the token approves nothing. */
  expiresAt: string;
  /** A short code a person types to confirm on a terminal (derived from the digest). */
  confirmCode: string;
}

/** How long a plan token stays valid by default. */
export const DEFAULT_PLAN_TTL_MS = 30 * 60_000;

/** The digest of a plan subject: sha256 over its canonical JSON (keys sorted at every level). */
export function planDigest(subject: PlanSubject): string {
  return createHash("sha256").update(_canonical(subject)).digest("hex");
}

/** Issues a plan: digest, a fresh token, expiry and the typed confirmation code. */
export function issuePlan(subject: PlanSubject, now: Date, ttlMs = DEFAULT_PLAN_TTL_MS): Plan {
  const digest = planDigest(subject);
  return {
    ...subject,
    digest,
    token: `spt-${_base32(randomBytes(15))}`,
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
    confirmCode: confirmCodeOf(digest),
  };
}

/** The stored form of an issued token: never the token itself. */
export interface TokenRecord {
  tokenHash: string;
  planDigest: string;
  mode: SendMode;
  expiresAt: string;
  issuedAt: string;
  usedAt?: string;
}

/** The record to store for an issued plan. */
export function tokenRecord(plan: Plan, now: Date): TokenRecord {
  return {
    tokenHash: tokenHash(plan.token),
    planDigest: plan.digest,
    mode: plan.mode,
    expiresAt: plan.expiresAt,
    issuedAt: now.toISOString(),
  };
}

/** sha256 of a token, the only form that is stored. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token.trim()).digest("hex");
}

/** Why a token does not approve a plan, or undefined when it does. */
export type TokenProblem = "token-malformed" | "token-unknown" | "token-expired" | "token-used" | "plan-changed";

/** Checks `token` against the stored records for the plan the current flags describe. */
export function checkToken(
  token: string,
  digest: string,
  records: readonly TokenRecord[],
  now: Date,
): TokenProblem | undefined {
  if (!/^spt-[a-z2-7]{24}$/.test(token.trim())) return "token-malformed";
  const record = records.find((r) => r.tokenHash === tokenHash(token));
  if (!record) return "token-unknown";
  if (record.usedAt) return "token-used";
  if (Date.parse(record.expiresAt) <= now.getTime()) return "token-expired";
  if (record.planDigest !== digest) return "plan-changed";
  return undefined;
}

/** Six characters a person types to confirm: readable, derived from the plan digest. */
export function confirmCodeOf(digest: string): string {
  return _base32(Buffer.from(digest.slice(0, 16), "hex")).slice(0, 6).toUpperCase();
}

function _canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(_canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${_canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const _ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function _base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += _ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += _ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
