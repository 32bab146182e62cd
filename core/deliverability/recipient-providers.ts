/**
 * Who a list reaches: its recipient domains counted by mailbox provider,
 * told by each domain's MX (asked once per domain per run: a cached
 * resolver, a bounded number at a time). The providers' bulk rules are
 * about their *personal* accounts, and the MX tells those apart from the
 * business services on the same machines: Gmail's consumer MX
 * (gmail-smtp-in.l.google.com) is not Google Workspace's (aspmx.l.google.com),
 * Outlook.com's (*.olc.protection.outlook.com) is not Microsoft 365's
 * (*.mail.protection.outlook.com); Yahoo and AOL share yahoodns.net.
 */
import { cachedDns, type DnsClient } from "../domain/dns.ts";
import type { MailboxProvider } from "./provider-rules.ts";

/** Where a domain's mail goes: one of the three providers' personal services, a business service, or other. */
export type RecipientService = MailboxProvider | "google-workspace" | "microsoft-365" | "other" | "unknown";

/** Display names (the counts line). */
export const SERVICE_TITLES: Readonly<Record<RecipientService, string>> = {
  gmail: "Gmail",
  yahoo: "Yahoo",
  outlook: "Outlook.com",
  "google-workspace": "Google Workspace",
  "microsoft-365": "Microsoft 365",
  other: "other",
  unknown: "MX not known",
};

/** MX host patterns, most specific first. */
const _MX: readonly [RegExp, RecipientService][] = [
  [/(^|\.)gmail-smtp-in\.l\.google\.com$/, "gmail"],
  [/(^|\.)aspmx\.l\.google\.com$|^aspmx\d*\.googlemail\.com$|^smtp\.google\.com$/, "google-workspace"],
  [/\.olc\.protection\.outlook\.com$/, "outlook"],
  [/\.mail\.protection\.outlook\.com$/, "microsoft-365"],
  [/(^|\.)yahoodns\.net$/, "yahoo"],
];

/** Distinct domains looked up at most (the most frequent first); the rest count as unknown. */
export const MAX_MX_LOOKUPS = 2000;
/** MX lookups in flight at once. */
const _PARALLEL = 16;

/** The counts of one list. */
export interface ProviderCounts {
  /** Recipients per service. */
  recipients: Partial<Record<RecipientService, number>>;
  /** Distinct domains, and how many were looked up. */
  domains: number;
  lookedUp: number;
}

/** The service an MX host name belongs to. */
export function serviceOfMx(host: string): RecipientService {
  const name = host.toLowerCase().replace(/\.$/, "");
  return _MX.find(([pattern]) => pattern.test(name))?.[1] ?? "other";
}

/** Counts `domains` (domain → recipients) by provider through their MX records. */
export async function countByProvider(domains: ReadonlyMap<string, number>, inner: DnsClient): Promise<ProviderCounts> {
  const dns = cachedDns(inner);
  const order = [...domains.entries()].sort((a, b) => b[1] - a[1]);
  const looked = order.slice(0, MAX_MX_LOOKUPS);
  const recipients: Partial<Record<RecipientService, number>> = {};
  const add = (s: RecipientService, n: number) => (recipients[s] = (recipients[s] ?? 0) + n);
  let next = 0;
  const worker = async () => {
    while (next < looked.length) {
      const [domain, n] = looked[next++] as [string, number];
      add(await _serviceOf(dns, domain), n);
    }
  };
  await Promise.all(Array.from({ length: Math.min(_PARALLEL, looked.length) }, worker));
  for (const [, n] of order.slice(MAX_MX_LOOKUPS)) add("unknown", n);
  return { recipients, domains: order.length, lookedUp: looked.length };
}

async function _serviceOf(dns: DnsClient, domain: string): Promise<RecipientService> {
  const answer = await dns.query(domain, "MX");
  if (answer.status === "error") return "unknown";
  if (answer.status !== "ok") return "other";
  // The best (lowest preference) MX decides; the others are its backups.
  const best = [...answer.records].sort((a, b) => a.priority - b.priority)[0];
  return best ? serviceOfMx(best.exchange) : "other";
}

/** "3 120 Gmail, 410 Outlook.com, 1 200 other": the largest first. */
export function countsLine(counts: ProviderCounts): string {
  return Object.entries(counts.recipients)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([service, n]) => `${_grouped(n ?? 0)} ${SERVICE_TITLES[service as RecipientService]}`)
    .join(", ");
}

function _grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}
