/**
 * The received canary's checklist: one line per thing the big mailbox
 * providers check, each with its status, the evidence from the stored copy
 * (the receiver's own words where it wrote them) and the requirements it
 * proves or misses — and from those, per provider, which of its rules this
 * path meets. Judged from ReceivedCopy facts only; no network.
 */
import { orgDomain } from "../domain/org-domain.ts";
import { printable } from "../printable.ts";
import { type OneClick, readOneClick } from "./one-click.ts";
import { type MailboxProvider, PROVIDER_RULES, type Requirement } from "./provider-rules.ts";
import type { ReceivedCopy } from "./received-copy.ts";
import { CHECKLIST_CODES, type ChecklistCode } from "./checklist-codes.ts";
import { addressesOf, dkimDomainOf, dmarcPolicyOf, domainOf, methodText, tlsWording } from "./copy-values.ts";

export { CHECKLIST_CODES, type ChecklistCode };

/** A line's verdict: `none` when the copy holds no evidence either way. */
export type LineStatus = "pass" | "warn" | "fail" | "none";

/** One checklist line. */
export interface ChecklistLine {
  /** Stable code (`canary.spf`, …; CHECKLIST_CODES). */
  code: string;
  status: LineStatus;
  /** What was found, in a line. */
  summary: string;
  /** Header text and facts the verdict rests on. */
  evidence: string[];
  /** Requirements this line is evidence for. */
  requirements: Requirement[];
}

/** Per provider: the rules this path met, missed, or the copy could not tell. */
export interface ProviderVerdict {
  provider: MailboxProvider;
  met: string[];
  missed: string[];
  unknown: string[];
}

/** The whole checklist. */
export interface Checklist {
  lines: ChecklistLine[];
  providers: ProviderVerdict[];
}

/** DKIM signatures of one copy given a canary.dkim-key line each (the rest are not judged). */
export const MAX_SIGNATURES_SHOWN = 5;
const _MAX_EVIDENCE = 8;

/** What the checklist needs besides the copy. */
export interface ChecklistContext {
  folder: "inbox" | "spam";
  folderName?: string;
}

/** Builds the checklist of a received copy. */
export function buildChecklist(copy: ReceivedCopy, context: ChecklistContext): Checklist {
  const h = (name: string) => copy.headers[name] ?? [];
  const fromDomain = domainOf(addressesOf(h("from")[0] ?? "")[0] ?? "");
  const results = copy.receiver?.results ?? [];
  const of = (method: string) => results.filter((r) => r.method === method);
  const lines: ChecklistLine[] = [];
  // Everything quoted comes from the message or the receiver: made printable and bounded once, here.
  const line = (code: ChecklistCode, status: LineStatus, summary: string, evidence: string[], reqs: Requirement[]) =>
    lines.push({
      code,
      status,
      summary: printable(summary, 400),
      evidence: evidence.slice(0, _MAX_EVIDENCE).map((e) => printable(e, 600)),
      requirements: reqs,
    });
  const noAr = copy.receiver ? undefined : "the receiver added no Authentication-Results";

  const spf = of("spf")[0];
  const spfDomain = spf ? domainOf(spf.props["smtp.mailfrom"] ?? spf.props["smtp.helo"] ?? "") : "";
  line(
    "canary.spf",
    spf ? (spf.result === "pass" ? "pass" : "fail") : "none",
    spf ? `spf=${spf.result}${spfDomain ? ` for ${spfDomain}` : ""}` : (noAr ?? "no spf= in the receiver's results"),
    spf ? [methodText(spf)] : [],
    ["spf-pass", "spf-or-dkim"],
  );

  const dkims = of("dkim");
  const dkimPass = dkims.filter((d) => d.result === "pass");
  const dkimDomains = dkimPass.map((d) => dkimDomainOf(d)).filter(Boolean);
  line(
    "canary.dkim",
    dkims.length === 0 ? "none" : dkimPass.length > 0 ? "pass" : "fail",
    dkims.length === 0
      ? (noAr ?? "no dkim= in the receiver's results")
      : dkims.map((d) => `dkim=${d.result}${dkimDomainOf(d) ? ` (d=${dkimDomainOf(d)})` : ""}`).join(", "),
    dkims.map(methodText),
    ["dkim-pass", "spf-or-dkim"],
  );

  const dmarc = of("dmarc")[0];
  const policy = dmarc ? dmarcPolicyOf(dmarc) : undefined;
  line(
    "canary.dmarc",
    !dmarc ? "none" : dmarc.result === "pass" ? "pass" : "fail",
    dmarc
      ? `dmarc=${dmarc.result}${dmarc.props["header.from"] ? ` for ${dmarc.props["header.from"]}` : ""}${
        policy ? ` (p=${policy})` : ""
      }${dmarc.result === "none" ? ": no DMARC record" : ""}`
      : (noAr ?? "no dmarc= in the receiver's results"),
    dmarc ? [methodText(dmarc)] : [],
    ["dmarc-record"],
  );

  const spfAligned = spf?.result === "pass" && !!spfDomain && !!fromDomain &&
    orgDomain(spfDomain) === orgDomain(fromDomain);
  const dkimAligned = dkimDomains.filter((d) => !!fromDomain && orgDomain(d) === orgDomain(fromDomain));
  const knowsAlignment = !!spf || dkims.length > 0;
  line(
    "canary.alignment",
    !fromDomain || !knowsAlignment
      ? "none"
      : spfAligned && dkimAligned.length > 0
      ? "pass"
      : spfAligned || dkimAligned.length > 0
      ? "warn"
      : "fail",
    !fromDomain
      ? "no From domain"
      : !knowsAlignment
      ? "no SPF or DKIM result to align"
      : `From ${fromDomain}: SPF ${spfAligned ? "aligned" : `not aligned (${spfDomain || "none"})`}, DKIM ${
        dkimAligned.length > 0 ? `aligned (d=${dkimAligned[0]})` : `not aligned (${dkimDomains.join(", ") || "none"})`
      }`,
    [`header.from=${fromDomain || "?"}`, `smtp.mailfrom=${spfDomain || "?"}`, `dkim d=${dkimDomains.join(",") || "?"}`],
    ["dmarc-alignment"],
  );

  if (copy.arc.length > 0 || of("arc").length > 0) {
    const arc = of("arc")[0];
    const chain = copy.arc.map((s) => `i=${s.instance} d=${s.sealer} cv=${s.cv}`);
    line(
      "canary.arc",
      !arc ? "none" : arc.result === "pass" ? "pass" : "fail",
      `${arc ? `arc=${arc.result}` : "no arc= in the receiver's results"}; chain ${chain.join(", ") || "unreadable"}`,
      [...(arc ? [methodText(arc)] : []), ...chain],
      ["arc-forwarding"],
    );
  }

  // A copy may carry any number of signatures; the first few are the ones a sender and its receivers add.
  for (const sig of copy.dkim.slice(0, MAX_SIGNATURES_SHOWN)) {
    const bits = sig.keyBits;
    const weakAlgo = /sha1/i.test(sig.algorithm);
    line(
      "canary.dkim-key",
      bits === undefined
        ? (sig.algorithm.startsWith("ed25519") ? "pass" : "none")
        : bits < 1024
        ? "fail"
        : bits < 2048 || weakAlgo
        ? "warn"
        : "pass",
      `d=${sig.domain} s=${sig.selector} a=${sig.algorithm}${bits !== undefined ? ` ${bits}-bit key` : ""}${
        bits === undefined && !sig.algorithm.startsWith("ed25519") ? " (key not found in DNS)" : ""
      }${bits !== undefined && bits < 2048 ? " (RFC 8301: 2048 bits recommended, under 1024 is refused)" : ""}`,
      [`checked here: ${sig.checkedHere}${sig.detail ? ` (${sig.detail})` : ""}`],
      ["dkim-pass"],
    );
  }

  const oneClick = readOneClick(h("list-unsubscribe"), h("list-unsubscribe-post"));
  const sig = _coveringSignature(copy, fromDomain);
  if (sig) {
    const need = [
      "from",
      ...(h("list-unsubscribe").length ? ["list-unsubscribe"] : []),
      ...(h("list-unsubscribe-post").length ? ["list-unsubscribe-post"] : []),
    ];
    const missing = need.filter((n) => !sig.signedHeaders.includes(n));
    line(
      "canary.dkim-coverage",
      missing.length === 0 ? "pass" : "fail",
      missing.length === 0
        ? `d=${sig.domain} signs ${need.join(", ")}`
        : `d=${sig.domain} does not sign ${missing.join(", ")}${
          missing.includes("from") ? "" : ": no unsubscribe button at Gmail"
        }`,
      [`h=${sig.signedHeaders.join(":")}`],
      missing.some((m) => m !== "from") ? ["one-click-unsubscribe"] : ["dkim-pass"],
    );
  } else {
    line("canary.dkim-coverage", "none", "no DKIM-Signature", [], ["dkim-pass"]);
  }
  line(
    "canary.one-click-unsubscribe",
    _oneClickStatus(oneClick, sig?.signedHeaders),
    oneClick.problems.includes("no-header")
      ? "no List-Unsubscribe (bulk and marketing mail need RFC 8058 one-click)"
      : oneClick.problems.length === 0
      ? `one-click to ${oneClick.https}`
      : `not one-click: ${oneClick.problems.join(", ")}`,
    [
      ...h("list-unsubscribe").map((v) => `List-Unsubscribe: ${v}`),
      ...h("list-unsubscribe-post").map((v) => `List-Unsubscribe-Post: ${v}`),
    ],
    ["one-click-unsubscribe"],
  );

  const hop = copy.lastHop;
  const tls = hop ? tlsWording(hop.protocol ?? "", hop.tls, hop.raw) : undefined;
  line(
    "canary.tls",
    !hop ? "none" : tls ? "pass" : "fail",
    !hop
      ? "no SMTP Received field"
      : tls
      ? `TLS into ${hop.by ?? "the receiver"}: ${tls}`
      : `no TLS into ${hop.by ?? "the receiver"} (with ${hop.protocol})`,
    hop ? [hop.raw] : [],
    ["tls"],
  );
  const rdns = hop?.tcpInfo ? /^(\S+?)\.?\s*\[/.exec(hop.tcpInfo)?.[1] : undefined;
  line(
    "canary.ptr",
    !hop?.tcpInfo || rdns === undefined ? "none" : /^unknown$/i.test(rdns) ? "fail" : "pass",
    !hop?.tcpInfo || rdns === undefined
      ? "the receiver did not say which name the sending IP has"
      : /^unknown$/i.test(rdns)
      ? `the sending IP has no verified reverse DNS (${hop.tcpInfo})`
      : `the sending IP resolves to ${rdns}`,
    hop?.tcpInfo ? [hop.tcpInfo] : [],
    ["ptr"],
  );

  const returnPath = h("return-path")[0];
  const rpDomain = domainOf(addressesOf(returnPath ?? "")[0] ?? "");
  const rpAligned = !!rpDomain && !!fromDomain && orgDomain(rpDomain) === orgDomain(fromDomain);
  line(
    "canary.return-path",
    returnPath === undefined ? "none" : !rpDomain ? "warn" : rpAligned ? "pass" : "warn",
    returnPath === undefined
      ? "the receiver kept no Return-Path"
      : !rpDomain
      ? "null Return-Path <>"
      : `Return-Path ${rpDomain} ${rpAligned ? "aligns with" : "does not align with"} From ${fromDomain || "?"}`,
    returnPath !== undefined ? [`Return-Path: ${returnPath}`] : [],
    ["dmarc-alignment"],
  );

  const froms = h("from");
  const fromAddresses = addressesOf(froms[0] ?? "");
  line(
    "canary.from",
    froms.length === 1 && fromAddresses.length === 1 ? "pass" : "fail",
    froms.length !== 1
      ? `${froms.length} From fields`
      : fromAddresses.length !== 1
      ? `${fromAddresses.length} addresses in From`
      : `From ${fromAddresses[0]}`,
    froms.map((f) => `From: ${f}`),
    ["rfc5322"],
  );
  const ids = h("message-id");
  const idOk = ids.length === 1 && /^<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>$/.test(ids[0] ?? "");
  line(
    "canary.message-id",
    idOk ? "pass" : "fail",
    ids.length !== 1
      ? `${ids.length} Message-ID fields`
      : idOk
      ? `Message-ID ${ids[0]}`
      : `malformed Message-ID ${ids[0]}`,
    ids.map((i) => `Message-ID: ${i}`),
    ["rfc5322"],
  );
  const dates = h("date");
  const when = dates.length === 1 ? Date.parse(dates[0] ?? "") : NaN;
  const received = hop?.date ? Date.parse(hop.date) : NaN;
  const skewMin = Number.isNaN(when) || Number.isNaN(received) ? undefined : Math.round((when - received) / 60_000);
  line(
    "canary.date",
    dates.length !== 1 || Number.isNaN(when)
      ? "fail"
      : skewMin !== undefined && Math.abs(skewMin) > 60
      ? "warn"
      : "pass",
    dates.length !== 1
      ? `${dates.length} Date fields`
      : Number.isNaN(when)
      ? `Date does not parse: ${dates[0]}`
      : skewMin === undefined
      ? `Date ${dates[0]}`
      : `Date ${dates[0]} (${skewMin} min from the receiver's clock)`,
    dates.map((d) => `Date: ${d}`),
    ["rfc5322"],
  );
  line(
    "canary.folder",
    context.folder === "inbox" ? "pass" : "fail",
    `filed in ${context.folderName ?? context.folder}`,
    [],
    [],
  );
  return { lines, providers: providerVerdicts(lines) };
}

/** Which provider rules the lines meet: a rule is missed when any line for its requirement fails. */
export function providerVerdicts(lines: readonly ChecklistLine[]): ProviderVerdict[] {
  const by = new Map<MailboxProvider, ProviderVerdict>();
  for (const rule of PROVIDER_RULES) {
    const verdict = by.get(rule.provider) ?? { provider: rule.provider, met: [], missed: [], unknown: [] };
    by.set(rule.provider, verdict);
    const about = lines.filter((l) => l.requirements.includes(rule.requirement));
    // "SPF or DKIM" is met by either line passing; every other requirement by all its lines.
    const status = rule.requirement === "spf-or-dkim"
      ? (about.some((l) => l.status === "pass") ? "pass" : about.some((l) => l.status === "fail") ? "fail" : "none")
      : about.length === 0 || about.every((l) => l.status === "none")
      ? "none"
      : about.some((l) => l.status === "fail")
      ? "fail"
      : "pass";
    (status === "pass" ? verdict.met : status === "fail" ? verdict.missed : verdict.unknown).push(rule.id);
  }
  return [...by.values()];
}

function _oneClickStatus(oneClick: OneClick, signed: readonly string[] | undefined): LineStatus {
  if (oneClick.problems.includes("no-header")) return "warn";
  if (oneClick.problems.length > 0) return "fail";
  if (!signed || !signed.includes("list-unsubscribe") || !signed.includes("list-unsubscribe-post")) return "fail";
  return "pass";
}

/** The signature whose h= matters: an aligned passing one, else any aligned one, else the first. */
function _coveringSignature(copy: ReceivedCopy, fromDomain: string) {
  const aligned = copy.dkim.filter((s) => fromDomain && orgDomain(s.domain) === orgDomain(fromDomain));
  return aligned.find((s) => s.checkedHere === "pass") ?? aligned[0] ?? copy.dkim[0];
}
