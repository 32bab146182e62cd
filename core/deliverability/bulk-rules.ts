/**
 * The bulk-sender rules before a list goes out: when the list reaches more
 * of a provider's personal accounts than its daily bulk threshold, every
 * rule of that provider is checked — from DNS (the From domain's DMARC
 * record and alignment, the alignment report preflight already made), from
 * the draft (RFC 8058 one-click unsubscribe, RFC 5322 header fields) and
 * from the verified canary of the same profile and message (SPF and DKIM as
 * the receiver judged them, TLS and PTR of the sending path, DKIM coverage
 * of List-Unsubscribe). A rule the evidence shows missed refuses the list
 * (gate.bulk-sender-rules); one nothing shows either way is a warning.
 * Each check names its provider rule with its date and source.
 */
import type { AlignReport } from "../align/align.ts";
import type { Checklist, ChecklistCode } from "./checklist.ts";
import { readOneClick } from "./one-click.ts";
import { BULK_THRESHOLDS, type MailboxProvider, PROVIDER_RULES, type Requirement } from "./provider-rules.ts";
import { countsLine, type ProviderCounts } from "./recipient-providers.ts";

/** The gate code a list that misses a bulk rule is refused with. */
export const BULK_GATE = "gate.bulk-sender-rules";

/** One rule checked. */
export interface BulkCheck {
  rule: string;
  provider: MailboxProvider;
  requirement: Requirement;
  /** pass; fail (refuses the list); unknown (a warning: nothing shows it either way). */
  status: "pass" | "fail" | "unknown";
  /** Where the verdict comes from: dns, draft or canary, with the fact. */
  evidence: string;
  since: string;
  source: string;
}

/** What the bulk check found. */
export interface BulkReadiness {
  counts: ProviderCounts;
  /** "3 120 Gmail, 410 Outlook.com, 1 200 other". */
  countsLine: string;
  /** Per provider: recipients of its personal accounts and its threshold. */
  thresholds: { provider: MailboxProvider; recipients: number; perDay: number; bulk: boolean }[];
  checks: BulkCheck[];
  /** True when a check failed: the list is refused with BULK_GATE. */
  refused: boolean;
}

/** What the checks read. */
export interface BulkInput {
  counts: ProviderCounts;
  /** The composed draft (one recipient's copy). */
  message: Buffer;
  alignment: AlignReport | { error: string };
  /** The checklist of the verified canary of this profile and message, when verify read one. */
  canary?: Checklist;
}

type Verdict = Pick<BulkCheck, "status" | "evidence">;

/** Checks the bulk rules of every provider whose threshold the list passes. */
export function checkBulkRules(input: BulkInput): BulkReadiness {
  const thresholds = (Object.keys(BULK_THRESHOLDS) as MailboxProvider[]).map((provider) => {
    const recipients = input.counts.recipients[provider] ?? 0;
    const { perDay, inclusive } = BULK_THRESHOLDS[provider];
    return { provider, recipients, perDay, bulk: inclusive ? recipients >= perDay : recipients > perDay };
  });
  const verdicts = new Map<Requirement, Verdict>();
  const verdictOf = (r: Requirement) => {
    if (!verdicts.has(r)) verdicts.set(r, _judge(r, input));
    return verdicts.get(r) as Verdict;
  };
  const checks: BulkCheck[] = [];
  for (const t of thresholds.filter((t) => t.bulk)) {
    for (const rule of PROVIDER_RULES.filter((r) => r.provider === t.provider)) {
      if (rule.requirement === "arc-forwarding") continue; // a forwarder's duty, not a direct sender's
      checks.push({
        rule: rule.id,
        provider: rule.provider,
        requirement: rule.requirement,
        ...verdictOf(rule.requirement),
        since: rule.since,
        source: rule.source,
      });
    }
  }
  return {
    counts: input.counts,
    countsLine: countsLine(input.counts),
    thresholds,
    checks,
    refused: checks.some((c) => c.status === "fail"),
  };
}

function _judge(requirement: Requirement, input: BulkInput): Verdict {
  const line = (code: ChecklistCode) => input.canary?.lines.find((l) => l.code === code);
  const fromCanary = (code: ChecklistCode): Verdict | undefined => {
    const l = line(code);
    if (!l || l.status === "none") return undefined;
    return { status: l.status === "fail" ? "fail" : "pass", evidence: `canary: ${l.summary}` };
  };
  const noCanary = (what: string): Verdict => ({
    status: "unknown",
    evidence: `${what}: not known — verify a canary of this message over IMAP (smtpilot verify) to read it`,
  });
  const align = "error" in input.alignment ? undefined : input.alignment;
  switch (requirement) {
    case "spf-pass":
      return fromCanary("canary.spf") ?? noCanary("SPF");
    case "dkim-pass":
      return fromCanary("canary.dkim") ?? noCanary("DKIM");
    case "spf-or-dkim": {
      const spf = fromCanary("canary.spf");
      const dkim = fromCanary("canary.dkim");
      if (spf?.status === "pass" || dkim?.status === "pass") return (spf?.status === "pass" ? spf : dkim) as Verdict;
      return spf ?? dkim ?? noCanary("SPF and DKIM");
    }
    case "tls":
      return fromCanary("canary.tls") ?? noCanary("TLS of the sending path");
    case "ptr":
      return fromCanary("canary.ptr") ?? noCanary("reverse DNS of the sending IP");
    case "dmarc-record":
      if (!align) return { status: "unknown", evidence: `dns: the DMARC lookup failed (${_error(input)})` };
      return align.dmarc.policy
        ? {
          status: "pass",
          evidence: `dns: ${align.dmarc.where ?? `_dmarc.${align.fromDomain}`} p=${align.dmarc.policy}`,
        }
        : { status: "fail", evidence: `dns: no DMARC record for ${align.fromDomain}` };
    case "dmarc-alignment": {
      const seen = fromCanary("canary.alignment");
      if (seen) return seen;
      if (!align) return { status: "unknown", evidence: `dns: the alignment check failed (${_error(input)})` };
      return align.spf.aligned || align.dkim.aligned
        ? {
          status: "pass",
          evidence: `dns: From ${align.fromDomain} aligns with ${align.spf.aligned ? `SPF (${align.spf.domain})` : ""}${
            align.spf.aligned && align.dkim.aligned ? " and " : ""
          }${align.dkim.aligned ? `DKIM (d=${align.dkim.domain})` : ""}`,
        }
        : {
          status: "fail",
          evidence: `dns: From ${align.fromDomain} aligns with neither the envelope (${
            align.spf.domain ?? "?"
          }) nor a DKIM domain (${align.dkim.domain ?? "none set in the profile"})`,
        };
    }
    case "one-click-unsubscribe": {
      const headers = _headers(input.message);
      const oneClick = readOneClick(headers.get("list-unsubscribe") ?? [], headers.get("list-unsubscribe-post") ?? []);
      if (oneClick.problems.length > 0) {
        return {
          status: "fail",
          evidence: `draft: no RFC 8058 one-click unsubscribe (${
            oneClick.problems.join(", ")
          }): add --list-unsubscribe https://…`,
        };
      }
      const coverage = line("canary.dkim-coverage");
      if (coverage?.status === "fail") return { status: "fail", evidence: `canary: ${coverage.summary}` };
      return { status: "pass", evidence: `draft: one-click to ${oneClick.https}` };
    }
    case "rfc5322": {
      const headers = _headers(input.message);
      const problems = ["from", "date", "message-id"].filter((n) => (headers.get(n) ?? []).length !== 1)
        .map((n) => `${(headers.get(n) ?? []).length} ${n}`);
      return problems.length === 0
        ? { status: "pass", evidence: "draft: one From, Date and Message-ID" }
        : { status: "fail", evidence: `draft: ${problems.join(", ")}` };
    }
    default:
      return { status: "unknown", evidence: "not checked before a send" };
  }
}

function _error(input: BulkInput): string {
  return "error" in input.alignment ? input.alignment.error : "";
}

/** The message's header fields by lower-case name (unfolded values). */
function _headers(message: Buffer): Map<string, string[]> {
  const text = message.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const head = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const out = new Map<string, string[]>();
  for (const l of head.split(/\r?\n/)) {
    const i = l.indexOf(":");
    if (i <= 0) continue;
    const name = l.slice(0, i).trim().toLowerCase();
    out.set(name, [...(out.get(name) ?? []), l.slice(i + 1).trim()]);
  }
  return out;
}
