/**
 * What a provider plugin knows about one email service: its endpoints (the
 * preset a profile starts from), who the user is and what the secret must
 * be, its identity policy and sending rate (for the send workflow), how to
 * recognise it from a domain's DNS (MX and RFC 6186 SRV targets), and its
 * reply knowledge, consulted before everything else when a profile of this
 * provider is used or the host is one of the provider's. The core knows no
 * provider: each is registered by a plugin with `api.addProvider()`.
 */
import type { ReplyRule } from "./knowledge/reply-rule.ts";
import type { DatedFact, ProviderOAuth } from "./oauth/provider-oauth.ts";
import type { TlsMode } from "./diagnose-options.ts";
import { PROFILE_MECHANISMS } from "./profile.ts";
import { shown } from "./printable.ts";

/** One way to reach the provider's submission service. */
export interface ProviderEndpoint {
  /** Host name; may hold `{variable}` placeholders (e.g. `email-smtp.{region}.amazonaws.com`). */
  host: string;
  port: number;
  tls: Exclude<TlsMode, "auto">;
  /** When to pick this one ("implicit TLS, when port 587 is blocked"). */
  note?: string;
}

/** A placeholder in an endpoint host, answered by the user or derived from DNS. */
export interface HostVariable {
  description: string;
  pattern: RegExp;
  example: string;
}

/**
 * Who may appear as sender through this provider — the send workflow's
 * preflight checks From against it. `rule` is the vocabulary:
 * `account-or-alias` (Gmail: the account or a verified "send mail as" alias),
 * `verified-identity` (SES: a verified address or domain),
 * `send-as-permission` (Microsoft 365: the mailbox or one it has SendAs on),
 * `sender-login-map` (a Postfix relay with smtpd_sender_login_maps), `any`.
 */
export interface IdentityPolicy {
  rule: "account-or-alias" | "verified-identity" | "send-as-permission" | "sender-login-map" | "any";
  summary: string;
}

/** The provider's default sending limits; the send workflow paces itself by the tightest. */
export interface RateLimit {
  perSecond?: number;
  perMinute?: number;
  perDay?: number;
  summary: string;
}

/**
 * A reply rule a provider adds. `ports` limits it to some ports;
 * `authenticated` to runs with (true) or without (false) credentials — the
 * same refusal can mean "log in first" to an anonymous client and "a policy
 * blocks you" to one that did.
 */
export type ProviderReplyRule = ReplyRule & { ports?: readonly number[]; authenticated?: boolean };

/** How a domain's DNS points at the provider: MX hosts and SRV targets, as patterns on the host name. */
export interface ProviderDetection {
  /** Patterns on MX host names; named groups fill host variables (`(?<region>…)`). */
  mx?: readonly RegExp[];
  /** Patterns on the target of `_submission(s)._tcp` SRV records. */
  srv?: readonly RegExp[];
}

/** Everything a provider plugin registers about one service. */
export interface ProviderDefinition {
  /** Kebab-case id stored in profiles (`provider: gmail`). */
  name: string;
  title: string;
  /** Endpoints, the preset first. */
  endpoints: readonly ProviderEndpoint[];
  hostVariables?: Readonly<Record<string, HostVariable>>;
  /** What the user name is ("the full Gmail address"); `email` when it is the sender's address. */
  user?: { hint: string; isEmail?: boolean };
  /** What the secret must be ("an app password, not the account password"). */
  secretHint?: string;
  /** A mechanism the provider requires (most leave it to the automatic choice). */
  mechanism?: (typeof PROFILE_MECHANISMS)[number];
  identityPolicy?: IdentityPolicy;
  rateLimit?: RateLimit;
  /** Submission hosts that identify the provider even without a profile (`smtp.gmail.com`). */
  hosts?: readonly RegExp[];
  detect?: ProviderDetection;
  replyRules?: readonly ProviderReplyRule[];
  /** Short facts shown with `profile show` and when adding a profile. */
  facts?: readonly string[];
  /** Facts that change over time, each with its date and source; `retires` ones make `status` warn. */
  dated?: readonly DatedFact[];
  /** The provider's identity platform, for OAuth profiles (core/oauth/). */
  oauth?: ProviderOAuth;
}

/**
 * Checks a provider definition at registration (so a plugin's mistake fails
 * its setup, not a later run); `checkRule` is the registry's rule checker.
 */
export function checkProvider(input: ProviderDefinition, checkRule: (r: ReplyRule) => ReplyRule): ProviderDefinition {
  const p = input as Partial<ProviderDefinition> | undefined;
  const name = typeof p?.name === "string" ? p.name : "";
  const bad = (why: string) => new Error(`Invalid provider ${shown(name || "(no name)")}: ${why}`);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw bad("name must be kebab-case, e.g. acme-relay");
  if (typeof p?.title !== "string" || p.title.trim() === "") throw bad("needs a title");
  if (!Array.isArray(p.endpoints) || p.endpoints.length === 0) throw bad("needs at least one endpoint");
  for (const e of p.endpoints) {
    const port = (e as Partial<ProviderEndpoint>)?.port;
    if (typeof e?.host !== "string" || !/^[A-Za-z0-9{}._-]{1,253}$/.test(e.host)) {
      throw bad("an endpoint host is not a host name");
    }
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw bad("an endpoint port is not 1-65535");
    }
    if (!["starttls", "implicit", "none"].includes(String(e.tls))) {
      throw bad("an endpoint tls is not starttls, implicit or none");
    }
    for (const m of e.host.matchAll(/\{([a-z]+)\}/g)) {
      if (!p.hostVariables?.[m[1] as string]) {
        throw bad(`the endpoint host uses {${m[1]}} but hostVariables has no ${m[1]}`);
      }
    }
  }
  for (const re of [...(p.hosts ?? []), ...(p.detect?.mx ?? []), ...(p.detect?.srv ?? [])]) {
    if (!(re instanceof RegExp)) throw bad("hosts and detect patterns must be RegExps");
  }
  if (p.mechanism !== undefined && !(PROFILE_MECHANISMS as readonly string[]).includes(p.mechanism)) {
    throw bad(`mechanism must be one of ${PROFILE_MECHANISMS.join(", ")}`);
  }
  for (const r of p.replyRules ?? []) {
    checkRule(r);
    if (!r.id.startsWith(`${name}.`)) throw bad(`reply rule ids must start with "${name}." (got ${shown(r.id)})`);
    if (r.ports !== undefined && !(Array.isArray(r.ports) && r.ports.every((x) => Number.isInteger(x)))) {
      throw bad(`reply rule ${shown(r.id)} has ports that are not whole numbers`);
    }
  }
  return input;
}

/** Fills `{variable}` placeholders of an endpoint host; undefined while one is missing or invalid. */
export function fillHost(
  provider: ProviderDefinition,
  host: string,
  values: Readonly<Record<string, string>>,
): string | undefined {
  let missing = false;
  const filled = host.replace(/\{([a-z]+)\}/g, (_m, name: string) => {
    const value = values[name];
    const spec = provider.hostVariables?.[name];
    if (value === undefined || !spec || !spec.pattern.test(value)) {
      missing = true;
      return "";
    }
    return value.toLowerCase();
  });
  return missing ? undefined : filled;
}

/** The provider a profile or host belongs to: the profile's named provider, else the first whose `hosts` match. */
export function providerFor(
  providers: ReadonlyMap<string, ProviderDefinition>,
  target: { provider?: string; host?: string },
): ProviderDefinition | undefined {
  if (target.provider) return providers.get(target.provider);
  const host = (target.host ?? "").toLowerCase().replace(/\.$/, "");
  return [...providers.values()].find((p) => (p.hosts ?? []).some((re) => re.test(host)));
}

/**
 * The reply rules for a run: the provider's own that fit it (port, with or
 * without credentials) first, then every plugin's general rules. The core
 * table is consulted after all of them by the interpreter.
 */
export function rulesForTarget(
  provider: ProviderDefinition | undefined,
  general: readonly ReplyRule[],
  target: { port: number; authenticated: boolean },
): ReplyRule[] {
  const own = (provider?.replyRules ?? []).filter((r) =>
    (r.ports === undefined || r.ports.includes(target.port)) &&
    (r.authenticated === undefined || r.authenticated === target.authenticated)
  );
  return [...own, ...general];
}
