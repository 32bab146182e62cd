/**
 * Proposing a provider for an email address from its domain's DNS: RFC 6186
 * SRV records (`_submissions._tcp` for implicit TLS, `_submission._tcp` for
 * STARTTLS) say where the domain wants mail submitted; the MX hosts say who
 * runs its mail (Google, Amazon SES inbound, Microsoft 365…). Each proposal
 * carries the records that support it, so a person can judge before
 * confirming. The patterns come from provider plugins; nothing here is
 * provider-specific. Lookups are injected so tests and `--resolver` work alike.
 */
import dns from "node:dns";
import { domainToASCII } from "node:url";
import { fillHost, type ProviderDefinition } from "./provider.ts";

/** The two lookups detection needs, shaped like `dns.promises`. */
export interface DetectDns {
  resolveSrv(name: string): Promise<{ name: string; port: number; priority: number; weight: number }[]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
}

/** The system's resolver, or the DNS server given with `--resolver IP[:PORT]`. */
export function systemDetectDns(server?: string): DetectDns {
  const resolver = new dns.promises.Resolver({ timeout: 3000, tries: 2 });
  if (server !== undefined) resolver.setServers([server]);
  return { resolveSrv: (n) => resolver.resolveSrv(n), resolveMx: (n) => resolver.resolveMx(n) };
}

/** One proposed profile start. */
export interface ProviderProposal {
  /** A provider plugin's name, or `custom` for an SRV target no plugin knows. */
  provider: string;
  title: string;
  host: string;
  port: number;
  tls: "starttls" | "implicit";
  /** The DNS records behind the proposal, as one line each. */
  evidence: string[];
}

/** What detection found: the domain, the proposals (best first) and every record or failure seen. */
export interface Detection {
  domain: string;
  proposals: ProviderProposal[];
  records: string[];
  /** Lookups that failed for another reason than "no such record" (SERVFAIL, timeout, refused). */
  failed: string[];
}

/** Proposes providers for `domain` (the part after @ of the address). Never throws for DNS failures. */
export async function detectProvider(
  domainInput: string,
  providers: ReadonlyMap<string, ProviderDefinition>,
  lookups: DetectDns,
): Promise<Detection> {
  const domain = domainToASCII(domainInput.toLowerCase().replace(/\.$/, "")) || domainInput;
  const records: string[] = [];
  const failed: string[] = [];
  const proposals: ProviderProposal[] = [];
  const add = (p: ProviderProposal) => {
    const same = proposals.find((x) => x.provider === p.provider && x.host === p.host && x.port === p.port);
    if (same) same.evidence.push(...p.evidence.filter((e) => !same.evidence.includes(e)));
    else proposals.push(p);
  };
  const [submissions, submission, mx] = await Promise.all([
    _lookup(
      () => lookups.resolveSrv(`_submissions._tcp.${domain}`),
      `SRV _submissions._tcp.${domain}`,
      records,
      failed,
    ),
    _lookup(() => lookups.resolveSrv(`_submission._tcp.${domain}`), `SRV _submission._tcp.${domain}`, records, failed),
    _lookup(() => lookups.resolveMx(domain), `MX ${domain}`, records, failed),
  ]);
  // RFC 8314 prefers implicit TLS, so _submissions comes first; within a service, by priority then weight.
  for (
    const [list, tls, service] of [[submissions, "implicit", "_submissions"], [
      submission,
      "starttls",
      "_submission",
    ]] as const
  ) {
    for (const srv of [...list].sort((a, b) => a.priority - b.priority || b.weight - a.weight)) {
      const target = srv.name.toLowerCase().replace(/\.$/, "");
      const line = `SRV ${service}._tcp.${domain} → ${target}:${srv.port} (priority ${srv.priority})`;
      records.push(line);
      if (target === "" || target === ".") continue; // RFC 6186: "." means the service is not offered
      const known = _match(providers, (p) => [...(p.detect?.srv ?? []), ...(p.hosts ?? [])], target);
      add({
        provider: known?.provider.name ?? "custom",
        title: known?.provider.title ?? "a server named by the domain's SRV record",
        host: target,
        port: srv.port,
        tls,
        evidence: [line],
      });
    }
  }
  for (const m of [...mx].sort((a, b) => a.priority - b.priority)) {
    const exchange = m.exchange.toLowerCase().replace(/\.$/, "");
    const line = `MX ${domain} → ${exchange} (preference ${m.priority})`;
    records.push(line);
    const known = _match(providers, (p) => p.detect?.mx ?? [], exchange);
    if (!known) continue;
    const endpoint = known.provider.endpoints[0];
    if (!endpoint || endpoint.tls === "none") continue;
    const host = fillHost(known.provider, endpoint.host, known.groups);
    if (host === undefined) continue;
    add({
      provider: known.provider.name,
      title: known.provider.title,
      host,
      port: endpoint.port,
      tls: endpoint.tls,
      evidence: [line],
    });
  }
  return { domain, proposals, records, failed };
}

function _match(
  providers: ReadonlyMap<string, ProviderDefinition>,
  patterns: (p: ProviderDefinition) => readonly RegExp[],
  host: string,
): { provider: ProviderDefinition; groups: Record<string, string> } | undefined {
  for (const provider of providers.values()) {
    for (const re of patterns(provider)) {
      const m = re.exec(host);
      if (m) return { provider, groups: { ...(m.groups ?? {}) } };
    }
  }
  return undefined;
}

async function _lookup<T>(run: () => Promise<T[]>, what: string, records: string[], failed: string[]): Promise<T[]> {
  try {
    return await run();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    if (code !== "ENODATA" && code !== "ENOTFOUND") {
      records.push(`${what}: lookup failed (${code})`);
      failed.push(`${what} (${code})`);
    }
    return [];
  }
}
