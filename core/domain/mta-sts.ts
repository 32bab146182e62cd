/**
 * MTA-STS (RFC 8461): the `_mta-sts.<domain>` TXT record (`v=STSv1; id=…`)
 * and, only when asked (`--fetch-policy`), the policy file over HTTPS with
 * normal certificate verification and no redirects — then every MX host must
 * match one of the policy's `mx:` patterns, or senders that enforce the
 * policy cannot deliver.
 */
import { type DnsClient, recordsOf } from "./dns.ts";
import { type Finding, finding } from "./finding.ts";
import { parseTagList } from "./tag-list.ts";

/** What a policy fetch returned: the HTTP status, the Content-Type header (if any) and the body. */
export interface FetchedPolicy {
  status: number;
  contentType?: string;
  body: string;
}

/** Fetches a policy URL; resolves to the HTTP answer, rejects on network or TLS failure. */
export type PolicyFetcher = (url: string) => Promise<FetchedPolicy>;

/** A parsed policy file. */
export interface StsPolicy {
  mode?: string;
  mx: string[];
  maxAge?: number;
  problems: string[];
}

/** Parses a policy file (`key: value` lines, RFC 8461 §3.2). */
export function parseStsPolicy(text: string): StsPolicy {
  const policy: StsPolicy = { mx: [], problems: [] };
  let version: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const m = /^([A-Za-z0-9_]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) {
      policy.problems.push(`${JSON.stringify(line.slice(0, 60))} is not key: value`);
      continue;
    }
    const [, key = "", value = ""] = m;
    if (key === "version") version = value;
    else if (key === "mode") policy.mode = value;
    else if (key === "mx") policy.mx.push(value.toLowerCase());
    else if (key === "max_age") policy.maxAge = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  }
  if (version !== "STSv1") policy.problems.push("version: STSv1 is missing");
  if (!["enforce", "testing", "none"].includes(policy.mode ?? "")) {
    policy.problems.push("mode: must be enforce, testing or none");
  }
  if (policy.maxAge === undefined || Number.isNaN(policy.maxAge) || policy.maxAge > 31557600) {
    policy.problems.push("max_age: must be a number of seconds up to 31557600");
  }
  if (policy.mode !== "none" && policy.mx.length === 0) policy.problems.push("no mx: line");
  return policy;
}

/** True when an MX host matches a policy pattern (`mail.example.com` or `*.example.com`, one label). */
export function mxMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  const p = pattern.toLowerCase().replace(/\.$/, "");
  if (p.startsWith("*.")) {
    const rest = h.slice(h.indexOf(".") + 1);
    return h.includes(".") && rest === p.slice(2);
  }
  return h === p;
}

/** What the MTA-STS check found: findings, and the policy senders would apply (fetched, text/plain, valid). */
export interface MtaStsAudit {
  findings: Finding[];
  policy?: StsPolicy;
  /** True when the TXT record is published (a policy exists, whether or not it was fetched). */
  published: boolean;
}

/** Audits MTA-STS for `domain`; `mxHosts` are the domain's MX hosts. */
export async function auditMtaSts(
  dns: DnsClient,
  domain: string,
  mxHosts: readonly string[],
  fetcher?: PolicyFetcher,
): Promise<MtaStsAudit> {
  let applied: StsPolicy | undefined;
  const findings = await _audit(dns, domain, mxHosts, fetcher, (p) => (applied = p));
  const published = !findings.some((f) =>
    ["mta-sts.none", "mta-sts.multiple-records", "mta-sts.syntax", "domain.dns-error"].includes(f.code)
  );
  return { findings, published, ...(applied ? { policy: applied } : {}) };
}

async function _audit(
  dns: DnsClient,
  domain: string,
  mxHosts: readonly string[],
  fetcher: PolicyFetcher | undefined,
  apply: (policy: StsPolicy) => void,
): Promise<Finding[]> {
  const name = `_mta-sts.${domain}`;
  const answer = await dns.query(name, "TXT");
  if (answer.status === "error") return [finding("domain.dns-error", `The lookup of ${name} failed (${answer.code})`)];
  const texts = recordsOf(answer).map((t) => t.join("")).filter((t) => /^v=STSv1\s*(;|$)/.test(t));
  if (texts.length === 0) {
    return [
      finding("mta-sts.none", `${domain} publishes no MTA-STS record`, [`${name}: no TXT record starts with v=STSv1`]),
    ];
  }
  const evidence = texts.map((t) => `${name} TXT ${JSON.stringify(t)}`);
  if (texts.length > 1) {
    return [finding("mta-sts.multiple-records", `${name} has ${texts.length} MTA-STS records`, evidence)];
  }
  const { tags, problems } = parseTagList(texts[0] ?? "");
  if (!/^[A-Za-z0-9]{1,32}$/.test(tags.get("id") ?? "")) problems.push("id= must be 1 to 32 letters or digits");
  if (problems.length > 0) {
    return [finding("mta-sts.syntax", `The MTA-STS record is invalid: ${problems.join("; ")}`, evidence)];
  }
  const url = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  if (!fetcher) {
    return [
      finding(
        "mta-sts.policy-not-fetched",
        `MTA-STS record found; the policy at ${url} was not fetched (--fetch-policy)`,
        evidence,
      ),
    ];
  }
  let fetched: FetchedPolicy;
  try {
    fetched = await fetcher(url);
  } catch (err) {
    return [
      finding(
        "mta-sts.policy-unreachable",
        `The policy at ${url} cannot be fetched: ${(err as Error).message}`,
        evidence,
      ),
    ];
  }
  if (fetched.status !== 200) {
    return [finding("mta-sts.policy-unreachable", `The policy at ${url} answered HTTP ${fetched.status}`, evidence)];
  }
  const policy = parseStsPolicy(fetched.body);
  const policyEvidence = [
    ...evidence,
    `${url}:`,
    ...fetched.body.split(/\r?\n/).filter((l) => l.trim() !== "").slice(0, 20).map((l) => `  ${l}`),
  ];
  const out: Finding[] = [];
  const media = (fetched.contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (media !== "text/plain") {
    // RFC 8461 §3.2: the policy is text/plain; senders that check it (and should) discard anything else.
    out.push(finding(
      "mta-sts.policy-content-type",
      `The policy at ${url} is served as ${
        fetched.contentType ? JSON.stringify(fetched.contentType) : "no Content-Type"
      }, not text/plain: senders discard it`,
      [...policyEvidence, `Content-Type: ${fetched.contentType ?? "(none)"}`],
    ));
  }
  if (policy.problems.length > 0) {
    out.push(
      finding("mta-sts.policy-syntax", `The MTA-STS policy is invalid: ${policy.problems.join("; ")}`, policyEvidence),
    );
  }
  if (policy.mode === "testing") {
    out.push(finding("mta-sts.policy-testing", "The MTA-STS policy is in testing mode", policyEvidence));
  }
  // RFC 8461 §3.3: a policy that cannot be used is, for a sender without a cached one, no policy.
  if (out.length === 0 || out.every((f) => f.code === "mta-sts.policy-testing")) apply(policy);
  const uncovered = mxHosts.filter((h) => !policy.mx.some((p) => mxMatches(h, p)));
  if (policy.mode !== "none" && policy.mx.length > 0 && uncovered.length > 0) {
    out.push(
      finding(
        "mta-sts.mx-mismatch",
        `MX ${uncovered.join(", ")} not covered by the policy's mx: lines`,
        policyEvidence,
      ),
    );
  }
  return out;
}
