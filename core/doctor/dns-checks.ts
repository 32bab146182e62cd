/**
 * The checks that need DNS or provider knowledge but no connection to the
 * server: is the host the MX of the sender's domain (a receiving server,
 * not a submission service)? Will the provider let this login send as this
 * From? The MX patterns and identity rules come from the provider plugins.
 */
import { alignPolicyOf } from "../align/provider-policy.ts";
import type { Identity } from "../align/align-codes.ts";
import { type ProviderDefinition, providerFor } from "../provider.ts";
import { fillHost } from "../provider.ts";
import { type Finding, sources } from "./finding.ts";
import type { Framework } from "./framework.ts";
import type { MailSettings } from "./mail-settings.ts";
import { modeOf } from "./path-choice.ts";

/** The one lookup these checks need, shaped like `dns.promises`. */
export interface MxLookup {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
}

const _norm = (h: string) => h.toLowerCase().replace(/\.$/, "");
const _domainOf = (address: string | undefined) =>
  address && address.includes("@") ? _norm(address.slice(address.lastIndexOf("@") + 1)) : undefined;

/**
 * The domains whose MX the host could be: the From's, the login's, and the
 * host's own parent domain. An address literal is nobody's MX.
 */
export function mxDomains(settings: MailSettings): string[] {
  const host = settings.host?.value;
  const parent = host && !/^[\d.:[\]]+$/.test(host) && host.split(".").length > 2
    ? _norm(host.split(".").slice(1).join("."))
    : undefined;
  return [...new Set([_domainOf(settings.from?.value), _domainOf(settings.user?.value), parent])]
    .filter((d): d is string => d !== undefined && d !== "");
}

/** A finding when the host is an MX of one of those domains. */
export async function hostIsMx(
  settings: MailSettings,
  framework: Framework | undefined,
  providers: ReadonlyMap<string, ProviderDefinition>,
  dns: MxLookup,
): Promise<Finding | undefined> {
  const host = settings.host;
  if (!host || host.defaulted) return undefined;
  for (const domain of mxDomains(settings)) {
    let mx: { exchange: string }[];
    try {
      mx = await dns.resolveMx(domain);
    } catch {
      continue;
    }
    if (!mx.some((m) => _norm(m.exchange) === _norm(host.value))) continue;
    const inbound = _inboundOf(providers, _norm(host.value));
    const base = {
      code: "doctor.host-is-mx",
      from: sources(host),
      summary: `${host.key}=${host.value} is the MX of ${domain}: a server that receives mail for ${domain}`,
    };
    if (inbound) {
      // Only what differs: a file already on STARTTLS 587 changes its host alone.
      const change = {
        host: inbound.host,
        ...(settings.port?.value !== inbound.port ? { port: inbound.port } : {}),
        ...(modeOf(settings.tls.value) !== inbound.tls ? { tls: inbound.tls } : {}),
      };
      return {
        ...base,
        severity: "error",
        cause: `${inbound.title}'s inbound servers accept mail for their own domains only and take no logins: ` +
          "an application submitting there gets its mail refused or silently filtered.",
        fix: {
          text: `Submit to ${inbound.title}'s submission service, ${inbound.host} port ${inbound.port}`,
          lines: framework ? framework.lines(change, settings) : [],
        },
      };
    }
    return {
      ...base,
      severity: "warning",
      cause: "On port 25 an MX accepts mail for its own domain and refuses to relay to others (554 Relay access " +
        "denied); submission is port 587 or 465 with a login, on this host only if it offers them (the sweep shows).",
    };
  }
  return undefined;
}

/** The provider whose inbound (MX) host this is, with its submission endpoint. */
function _inboundOf(
  providers: ReadonlyMap<string, ProviderDefinition>,
  host: string,
): { title: string; host: string; port: number; tls: "starttls" | "implicit" } | undefined {
  for (const p of providers.values()) {
    for (const re of p.detect?.mx ?? []) {
      const m = re.exec(host);
      const endpoint = p.endpoints[0];
      if (!m || !endpoint || endpoint.tls === "none") continue;
      const filled = fillHost(p, endpoint.host, { ...(m.groups ?? {}) });
      if (filled) return { title: p.title, host: filled, port: endpoint.port, tls: endpoint.tls };
    }
  }
  return undefined;
}

/**
 * A finding when the provider of the host will not send as the From with
 * this login: Gmail rewrites a From that is not the account or a verified
 * alias, Microsoft 365 refuses one without SendAs, SES needs the address or
 * domain verified.
 */
export function fromPolicy(
  settings: MailSettings,
  providers: ReadonlyMap<string, ProviderDefinition>,
): Finding | undefined {
  const from = settings.from;
  const user = settings.user;
  if (!from || !settings.host) return undefined;
  const provider = providerFor(providers, { host: settings.host.value });
  const policy = provider ? alignPolicyOf(provider) : undefined;
  if (!provider || !policy) return undefined;
  const identity = (role: Identity["role"], value: string): Identity => {
    const domain = _domainOf(value);
    return { role, value, ...(domain ? { domain } : {}) };
  };
  const identities = [identity("header-from", from.value), ...(user ? [identity("auth-user", user.value)] : [])];
  const found = policy.check(identities, { from: from.value, ...(user ? { authUser: user.value } : {}) });
  const fromDomain = _domainOf(from.value);
  const notAccount = found.find((f) => f.code === "align.provider-from-not-account");
  if (notAccount && fromDomain !== _domainOf(user?.value)) {
    return {
      code: "doctor.from-not-allowed",
      severity: "warning",
      summary: `${from.key}=${from.value} is on ${fromDomain}, but the login ${user?.value} is on ${
        _domainOf(user?.value)
      }`,
      cause: `${notAccount.summary}. ${notAccount.evidence.join(" ")}`,
      from: sources(from, user),
      fix: { text: `Send as ${user?.value}, or set up ${from.value} with the provider first`, lines: [] },
    };
  }
  const unverified = found.find((f) => f.code === "align.provider-identity-unverified");
  if (unverified) {
    return {
      code: "doctor.from-needs-verification",
      severity: "info",
      summary: unverified.summary,
      cause: unverified.evidence.join(" "),
      from: sources(from),
    };
  }
  return undefined;
}
