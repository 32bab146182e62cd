/**
 * What the fenced YAML blocks of the memory files may hold, as valibot
 * schemas: the settings block of memory.md (strict, so a typo is an error
 * naming the field), and the entries of send-log.md and
 * deliverability-notes.md (loose, so the send workflow can record new
 * evidence without a schema change, yet every entry has a time and a kind).
 */
import * as v from "valibot";
import { isMailboxProblem, parseMailbox } from "../address.ts";
import { SecretRefSchema } from "../profile.ts";

const _KEBAB = /^[a-z0-9][a-z0-9-]{0,62}$/;
const _Mailbox = v.pipe(
  v.string(),
  v.check((s) => !isMailboxProblem(parseMailbox(s)), "must be an email address (local@domain)"),
);
const _Iso = v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 timestamp such as 2026-12-01T10:00:00Z"));
const _Domain = v.pipe(
  v.string(),
  v.regex(
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
    "must be a domain name",
  ),
);
const _Positive = (max: number) => v.pipe(v.number("must be a number"), v.minValue(0), v.maxValue(max));

/**
 * How smtpilot logs in to a canary mailbox to find where a message landed
 * (IMAP, used by `verify`): credentials by secret reference only.
 */
export const CanaryImapSchema = v.strictObject({
  host: v.pipe(v.string(), v.minLength(1), v.maxLength(253)),
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), 993),
  tls: v.optional(v.picklist(["implicit", "starttls"], "must be implicit or starttls"), "implicit"),
  user: v.pipe(v.string(), v.minLength(1), v.maxLength(320)),
  secret: SecretRefSchema,
  servername: v.optional(v.string()),
  /** A PEM file of private CA certificates, for a private IMAP server. */
  ca: v.optional(v.string()),
});

/** An approved canary recipient: one mailbox a person controls, the only target of a canary send. */
export const CanarySchema = v.strictObject({
  address: _Mailbox,
  note: v.optional(v.pipe(v.string(), v.maxLength(500))),
  addedAt: v.optional(_Iso),
  imap: v.optional(CanaryImapSchema),
});

/** Safety defaults every send obeys unless a command overrides them within bounds. */
export const SafetySchema = v.strictObject({
  /** A scale send needs a canary of the same profile, From and message in the inbox this recent. */
  canaryFreshnessHours: v.optional(_Positive(24 * 365), 24),
  maxRecipientsPerBatch: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)), 50),
  /** Messages per minute when the provider plugin gives no rate. */
  sendRatePerMinute: v.optional(_Positive(100_000), 20),
  /** Recipients in send-log.md written as b***@example.net. */
  maskRecipientsInLogs: v.optional(v.boolean("must be true or false"), true),
});

/** The settings block of memory.md. */
export const MemorySettingsSchema = v.strictObject({
  version: v.optional(v.literal(1, "must be 1"), 1),
  status: v.optional(v.picklist(["initialised", "active"], "must be initialised or active"), "initialised"),
  /** Providers a person allowed sends through (a profile of another provider is refused by the send gates). */
  approvedProviders: v.optional(v.array(v.pipe(v.string(), v.regex(_KEBAB, "must be a provider name"))), []),
  canaries: v.optional(v.array(CanarySchema), []),
  senderDomains: v.optional(v.array(_Domain), []),
  safety: v.optional(SafetySchema, {}),
  /** Plugin files loaded on every run, as with --plugin; relative paths are relative to the memory folder. */
  plugins: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []),
});

/** The settings of memory.md, defaults filled in. */
export type MemorySettings = v.InferOutput<typeof MemorySettingsSchema>;
/** An approved canary. */
export type Canary = v.InferOutput<typeof CanarySchema>;

/**
 * One entry of send-log.md: when, what kind (dry-run, canary, send,
 * verify, …) and whatever evidence the step has (profile, masked
 * recipient, message id, queue id, the server's reply, placement).
 */
export const SendLogEntrySchema = v.looseObject({
  at: _Iso,
  kind: v.pipe(v.string(), v.regex(_KEBAB, "must be a kebab-case word such as canary or dry-run")),
  profile: v.optional(v.string()),
  messageId: v.optional(v.string()),
  queueId: v.optional(v.string()),
  recipient: v.optional(v.string()),
  reply: v.optional(v.string()),
  state: v.optional(v.string()),
});

/** A send-log entry (extra fields allowed). */
export type SendLogEntry = v.InferOutput<typeof SendLogEntrySchema>;

/** One entry of deliverability-notes.md: a DNS auth finding, spam-folder evidence, a bounce pattern. */
export const NoteEntrySchema = v.looseObject({
  at: _Iso,
  kind: v.pipe(v.string(), v.regex(_KEBAB, "must be a kebab-case word such as dns-auth or bounce-pattern")),
  domain: v.optional(v.string()),
  summary: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});

/** The note kind `verify` writes: what a received canary showed, per profile and sending domain. */
export const CANARY_NOTE_KIND = "canary-verify";

/** A deliverability note (extra fields allowed). */
export type NoteEntry = v.InferOutput<typeof NoteEntrySchema>;
