/**
 * What the big mailbox providers require of senders, as data: each rule has
 * the provider, whether it binds every sender or only bulk senders (above
 * the provider's daily threshold), the date it took effect and where that
 * comes from. The received canary's checklist says which rules a line is
 * evidence for, and the list preflight checks the bulk rules from DNS and
 * the draft. Where a fact could not be checked against the provider's own
 * page, the rule's `source` says so instead of pretending.
 *
 * Sources were read on 2026-12-07 (RULES_CHECKED).
 */

/** The three providers whose rules are tracked. */
export type MailboxProvider = "gmail" | "yahoo" | "outlook";

/** Display names of the providers. */
export const PROVIDER_TITLES: Readonly<Record<MailboxProvider, string>> = {
  gmail: "Gmail",
  yahoo: "Yahoo",
  outlook: "Outlook.com",
};

/** What a rule asks for, shared across providers (a checklist line and a bulk check name the same requirement). */
export type Requirement =
  | "spf-pass"
  | "dkim-pass"
  | "spf-or-dkim"
  | "dmarc-record"
  | "dmarc-alignment"
  | "one-click-unsubscribe"
  | "tls"
  | "ptr"
  | "rfc5322"
  | "arc-forwarding";

/** One provider rule. */
export interface ProviderRule {
  /** `<provider>.<requirement>`. */
  id: string;
  provider: MailboxProvider;
  requirement: Requirement;
  /** "all": every sender; "bulk": senders above the provider's threshold. */
  scope: "all" | "bulk";
  /** What the provider asks for, in a line. */
  summary: string;
  /** When it took effect (ISO date). */
  since: string;
  /** Where it comes from, and how sure we are. */
  source: string;
}

/** The day the sources below were read. */
export const RULES_CHECKED = "2026-12-07";

/**
 * Messages a day to one provider's personal accounts from which its bulk
 * rules apply: `perDay` and more for Gmail and Yahoo ("5,000 or more"),
 * more than `perDay` for Outlook.com ("more than 5,000"), as each words it.
 */
export const BULK_THRESHOLDS: Readonly<
  Record<MailboxProvider, { perDay: number; inclusive: boolean; source: string }>
> = {
  gmail: {
    perDay: 5000,
    inclusive: true,
    source:
      "Google, Email sender guidelines FAQ (support.google.com/a/answer/14229414): close to 5,000 a day to personal Gmail accounts, counted per primary domain; once a bulk sender, always one",
  },
  yahoo: {
    perDay: 5000,
    inclusive: true,
    source:
      "Yahoo Sender Hub best practices (senders.yahooinc.com): not read here; 5,000 a day as commonly reported since 2024-02",
  },
  outlook: {
    perDay: 5000,
    inclusive: false,
    source:
      "Microsoft, high-volume sender requirements for Outlook.com (announced 2025-04-02, techcommunity.microsoft.com): more than 5,000 a day to Outlook.com, Hotmail.com, Live.com",
  },
};

const _GMAIL = "Google, Email sender guidelines (support.google.com/a/answer/81126) and its FAQ (answer/14229414)";
const _YAHOO =
  "Yahoo Sender Hub best practices (senders.yahooinc.com/best-practices): not read here; as reported by ESPs since 2024-02";
const _OUTLOOK =
  "Microsoft Defender for Office 365 blog, 2025-04-02, and the Outlook.com postmaster page: 550 5.7.515 when missing";

/** Every tracked rule. */
export const PROVIDER_RULES: readonly ProviderRule[] = [
  {
    id: "gmail.spf-or-dkim",
    provider: "gmail",
    requirement: "spf-or-dkim",
    scope: "all",
    summary: "SPF or DKIM for every sender",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.spf-pass",
    provider: "gmail",
    requirement: "spf-pass",
    scope: "bulk",
    summary: "SPF passes",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.dkim-pass",
    provider: "gmail",
    requirement: "dkim-pass",
    scope: "bulk",
    summary: "DKIM passes",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.dmarc-record",
    provider: "gmail",
    requirement: "dmarc-record",
    scope: "bulk",
    summary: "a DMARC record for the From domain, p=none or stricter",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.dmarc-alignment",
    provider: "gmail",
    requirement: "dmarc-alignment",
    scope: "bulk",
    summary: "the From domain aligns with the SPF or the DKIM domain",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.one-click-unsubscribe",
    provider: "gmail",
    requirement: "one-click-unsubscribe",
    scope: "bulk",
    summary: "marketing mail has RFC 8058 one-click unsubscribe (List-Unsubscribe https + List-Unsubscribe-Post)",
    since: "2024-06-01",
    source: _GMAIL,
  },
  {
    id: "gmail.tls",
    provider: "gmail",
    requirement: "tls",
    scope: "all",
    summary: "a TLS connection for transmitting email",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.ptr",
    provider: "gmail",
    requirement: "ptr",
    scope: "all",
    summary: "valid forward and reverse DNS (PTR) for the sending IP",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.rfc5322",
    provider: "gmail",
    requirement: "rfc5322",
    scope: "all",
    summary: "messages formatted per RFC 5322 (one From, Date, Message-ID)",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "gmail.arc-forwarding",
    provider: "gmail",
    requirement: "arc-forwarding",
    scope: "all",
    summary: "forwarders and mailing lists add ARC headers",
    since: "2024-02-01",
    source: _GMAIL,
  },
  {
    id: "yahoo.spf-pass",
    provider: "yahoo",
    requirement: "spf-pass",
    scope: "bulk",
    summary: "SPF passes",
    since: "2024-02-01",
    source: _YAHOO,
  },
  {
    id: "yahoo.dkim-pass",
    provider: "yahoo",
    requirement: "dkim-pass",
    scope: "bulk",
    summary: "DKIM passes",
    since: "2024-02-01",
    source: _YAHOO,
  },
  {
    id: "yahoo.dmarc-record",
    provider: "yahoo",
    requirement: "dmarc-record",
    scope: "bulk",
    summary: "a DMARC record, p=none or stricter",
    since: "2024-02-01",
    source: _YAHOO,
  },
  {
    id: "yahoo.dmarc-alignment",
    provider: "yahoo",
    requirement: "dmarc-alignment",
    scope: "bulk",
    summary: "the From domain aligns with the SPF or the DKIM domain",
    since: "2024-02-01",
    source: _YAHOO,
  },
  {
    id: "yahoo.one-click-unsubscribe",
    provider: "yahoo",
    requirement: "one-click-unsubscribe",
    scope: "bulk",
    summary: "RFC 8058 one-click unsubscribe in the headers",
    since: "2024-06-01",
    source: _YAHOO,
  },
  {
    id: "yahoo.ptr",
    provider: "yahoo",
    requirement: "ptr",
    scope: "all",
    summary: "a valid PTR record for the sending IP",
    since: "2024-02-01",
    source: _YAHOO,
  },
  {
    id: "yahoo.rfc5322",
    provider: "yahoo",
    requirement: "rfc5322",
    scope: "all",
    summary: "messages formatted per RFC 5322",
    since: "2024-02-01",
    source: _YAHOO,
  },
  {
    id: "outlook.spf-pass",
    provider: "outlook",
    requirement: "spf-pass",
    scope: "bulk",
    summary: "SPF passes for the sending domain",
    since: "2025-05-05",
    source: _OUTLOOK,
  },
  {
    id: "outlook.dkim-pass",
    provider: "outlook",
    requirement: "dkim-pass",
    scope: "bulk",
    summary: "DKIM passes",
    since: "2025-05-05",
    source: _OUTLOOK,
  },
  {
    id: "outlook.dmarc-record",
    provider: "outlook",
    requirement: "dmarc-record",
    scope: "bulk",
    summary: "a DMARC record, at least p=none",
    since: "2025-05-05",
    source: _OUTLOOK,
  },
  {
    id: "outlook.dmarc-alignment",
    provider: "outlook",
    requirement: "dmarc-alignment",
    scope: "bulk",
    summary: "DMARC aligned with SPF or DKIM (preferably both)",
    since: "2025-05-05",
    source: _OUTLOOK,
  },
];

/** The rules of one requirement (every provider's), optionally only those binding at `scope`. */
export function rulesFor(requirement: Requirement, scope?: "all" | "bulk"): ProviderRule[] {
  return PROVIDER_RULES.filter((r) => r.requirement === requirement && (scope !== "all" || r.scope === "all"));
}

/** The rule with this id (throws on an unknown id: the table is code, not input). */
export function ruleById(id: string): ProviderRule {
  const rule = PROVIDER_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`Unknown provider rule ${id}`);
  return rule;
}
