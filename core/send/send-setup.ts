/**
 * What `preflight` and `send` both derive from the same flags: the profile
 * and its connection options, the draft, the recipients and the plan
 * subject. Both commands go through this one function, so the plan digest a
 * preflight issues a token for is, by construction, the digest the send
 * recomputes from the same flags — and differs as soon as anything differs.
 * The command line and the MCP tools reach it through the same commands
 * (cli/commands/preflight.ts, send.ts); nothing here prints.
 */
import { createHash } from "node:crypto";
import type { DiagnoseOptions } from "../diagnose-options.ts";
import { UsageError } from "../errors.ts";
import type { ReplyRule } from "../knowledge/reply-rule.ts";
import type { MemorySettings, MemoryStore } from "../memory/index.ts";
import { shown } from "../printable.ts";
import { envelopeSender, type ProviderProfile } from "../profile.ts";
import { type ProviderDefinition, providerFor, rulesForTarget } from "../provider.ts";
import { type Draft, makeDraft } from "./draft.ts";
import type { PlanSubject, SendMode } from "./plan.ts";
import { type RecipientScan, recipientsDigest, scanRecipients } from "./recipients.ts";
import { RecipientListError } from "./list-lines.ts";
import { ListSnapshot } from "./list-snapshot.ts";
import type { RunContext } from "../run-context.ts";
import { memoryOf, withProfile } from "../memory/run-memory.ts";
import { resolveCredential } from "../oauth/run-credential.ts";
import type { SessionCredential } from "../oauth/session-credential.ts";
import { mailboxValue, resolverAddress } from "../validate.ts";
import { toOptions } from "../diagnose-flags.ts";
import { draftInputOf, type MessageFlags } from "./draft-input.ts";
import { markTime } from "../run-timing.ts";

/** The flags preflight and send share (by attribute name, as both adapters pass them). */
export interface SendFlags extends MessageFlags {
  profile?: string;
  to?: string[];
  toList?: string;
  from?: string;
  envelopeFrom?: string;
  allowExternal?: true;
  resolver?: string;
  timeout?: number;
}

/** The flags of a send: those of its preflight, and how to confirm and pace it. */
export interface SendCommandFlags extends SendFlags {
  canary?: true;
  /** The plan token from a preflight of exactly this send. */
  confirm?: string;
  /** Parallel connections of a scale send. */
  connections?: number;
  /** Pace of a scale send: `10/s`, `600/min`, `20000/day` or `none`. */
  rate?: string;
}

/** Everything a preflight or send works from. */
export interface SendSetup {
  store: MemoryStore;
  settings: MemorySettings;
  profile: ProviderProfile;
  provider: ProviderDefinition | undefined;
  /** Connection and credentials (secret resolved), without an envelope. */
  options: DiagnoseOptions;
  rules: ReplyRule[];
  draft: Draft;
  envelopeFrom: string;
  mode: SendMode;
  /** The canary's address (canary mode). */
  to?: string;
  /**
   * The list file and its scan (scale mode), and — for a send, not a
   * preflight — the private copy taken in that same pass, which is what the
   * send reads: the caller closes it (closeSetup).
   */
  list?: { file: string; scan: RecipientScan; snapshot?: ListSnapshot };
  subject: PlanSubject;
  resolver: string | undefined;
  /** Redacts every secret resolved so far (the profile's, once unlockSecret ran). */
  redact: (text: string) => string;
  /** An OAuth profile's credential for each new session (set by unlockSecret). */
  credential?: SessionCredential;
}

/**
 * Resolves the profile's secret for this run — only once the gates passed —
 * and registers it with the run's redactor (setup.redact then removes it).
 */
export async function unlockSecret(setup: SendSetup, ctx: RunContext): Promise<void> {
  const auth = setup.options.auth;
  if (!auth || auth.secret !== undefined) return;
  // An OAuth profile: a fresh access token (its token endpoint named first), or the reason there is none.
  const source = await resolveCredential(ctx, auth, setup.profile, setup.provider, true);
  let redact = ctx.protectSecrets([auth.secret]);
  setup.redact = (text) => redact(text);
  if (source) {
    // Each new session of a list send asks again: a token near its end is refreshed, a refused one renewed
    // once — and every new token joins the run's redactor before any session uses it.
    const endpoint = (auth.token as { tokenEndpoint?: string } | undefined)?.tokenEndpoint ?? "(the token endpoint)";
    const { sessionCredential } = await import("../oauth/session-credential.ts");
    setup.credential = sessionCredential(source, endpoint, (token) => (redact = ctx.protectSecrets([token])));
  }
}

/** Releases what a setup holds (the list's private copy); safe to call twice. */
export function closeSetup(setup: SendSetup): void {
  setup.list?.snapshot?.close();
}

/**
 * Builds the setup; every problem with the flags is a usage error before any
 * network I/O. With `snapshot` (a send), a list is copied in the pass that
 * scans it, so the send goes to exactly the list its plan digests.
 */
export async function sendSetup(
  flags: SendFlags,
  ctx: RunContext,
  how: { snapshot?: boolean } = {},
): Promise<SendSetup> {
  if (flags.profile === undefined) {
    throw new UsageError("Missing --profile NAME: a send goes through a saved profile (smtpilot profile add)");
  }
  const to = flags.to ?? [];
  if (flags.toList === undefined && to.length === 0) {
    throw new UsageError("Missing recipients: --to ADDRESS for a canary, or --to-list FILE for a scale send");
  }
  const mode: SendMode = flags.toList !== undefined ? "scale" : "canary";
  const store = memoryOf(ctx);
  const [settings, profile] = await Promise.all([store.settings(), store.profile(flags.profile)]);
  markTime("setup-memory");
  const connection = withProfile({ profile: undefined, tls: undefined }, profile, ctx);
  const options = toOptions({ ...connection, tls: (connection.tls ?? "auto") as DiagnoseOptions["tls"] });
  if (flags.timeout !== undefined) options.timeoutMs = flags.timeout;
  if (!options.auth) {
    throw new UsageError(`Profile ${shown(profile.name)} has no credentials: a send needs --user/--secret in it`);
  }
  // The secret is resolved later (unlockSecret), after the gates: a refused send runs no cmd: and reads no file.
  options.auth.secret = undefined;
  const redact = ctx.protectSecrets([]);

  const headerFrom = flags.from ?? profile.from;
  if (headerFrom === undefined) {
    throw new UsageError(
      `Profile ${shown(profile.name)} has no From: give --from or set it with profile add --replace`,
    );
  }
  const draft = makeDraft(draftInputOf(flags, flags.eml === undefined ? headerFrom : undefined));
  const envelopeFrom =
    mailboxValue("--envelope-from", flags.envelopeFrom ?? envelopeSender(profile) ?? draft.from.address).address;
  markTime("setup-draft");
  const registry = await ctx.plugins();
  const provider = providerFor(registry.providers, { provider: profile.provider, host: options.host });
  const rules = rulesForTarget(provider, registry.replyRules, { port: options.port, authenticated: true });

  let recipients: PlanSubject["recipients"];
  let canaryTo: string | undefined;
  let list: SendSetup["list"];
  if (mode === "canary") {
    const addresses = to.map((a) => mailboxValue("--to", a).address);
    canaryTo = addresses[0];
    recipients = { count: addresses.length, digest: recipientsDigest(addresses) };
  } else {
    const file = flags.toList as string;
    ctx.progress("reading the recipient list…");
    const { scan, snapshot } = how.snapshot
      ? await ListSnapshot.take(file, await store.journalFolder())
      : { scan: await scanRecipients(file), snapshot: undefined };
    if (scan.invalidCount > 0 || scan.count === 0) {
      snapshot?.close();
      // A line's text goes back only to a person at the command line: to an agent, the file may be any file.
      if (scan.invalidCount > 0) {
        throw new RecipientListError(file, scan.invalid, scan.invalidCount, ctx.agent ? [] : scan.invalidValues);
      }
      throw new UsageError(`--to-list ${shown(file)} holds no address`);
    }
    list = { file, scan, ...(snapshot ? { snapshot } : {}) };
    recipients = { count: scan.count, digest: scan.digest };
  }
  const subject: PlanSubject = {
    mode,
    profile: {
      name: profile.name,
      host: options.host,
      port: options.port,
      tls: options.tls,
      user: options.auth.user,
      ...(options.servername ? { servername: options.servername } : {}),
      ...(options.ehloName ? { ehloName: options.ehloName } : {}),
      ...(options.auth.mechanism ? { mechanism: options.auth.mechanism } : {}),
      secretRef: options.auth.secretRef,
      ...(options.ca ? { caDigest: createHash("sha256").update(options.ca).digest("hex") } : {}),
    },
    envelopeFrom,
    headerFrom: draft.fromHeader,
    recipients,
    message: { digest: draft.digest, messageId: draft.messageId },
  };
  return {
    store,
    settings,
    profile,
    provider,
    options,
    rules,
    draft,
    envelopeFrom,
    mode,
    ...(canaryTo !== undefined ? { to: canaryTo } : {}),
    ...(list ? { list } : {}),
    subject,
    resolver: flags.resolver === undefined ? undefined : resolverAddress(flags.resolver),
    redact,
  };
}
