/**
 * What the received canary shows, read with mailauth (no hand-written
 * parser where it has one): the receiver's Authentication-Results (the
 * topmost field, RFC 8601 §5 — fields below it came with the message and
 * may be forged), each DKIM-Signature's d=, s=, algorithm, signed headers
 * and the key size published in DNS (mailauth's dkimVerify looks the key up
 * through our resolver), the ARC chain, the Received chain, and the header
 * fields RFC 5322 and RFC 8058 care about. Facts only: the checklist
 * (checklist.ts) judges them.
 */
import { getARChain } from "mailauth/lib/arc/index.js";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import headerParser from "mailauth/lib/parse-dkim-headers.js";
import { parseReceived } from "mailauth/lib/parse-received.js";
import type { DnsClient } from "../domain/dns.ts";
import { printable } from "../printable.ts";
import { maskAddress } from "../memory/mask.ts";

/** One method's result in Authentication-Results (`dkim=pass header.d=example.com …`). */
export interface AuthMethodResult {
  method: string;
  result: string;
  /** Properties as `ptype.property` → value (`smtp.mailfrom`, `header.d`, `header.from`, `policy.dmarc`…). */
  props: Record<string, string>;
  comment?: string;
}

/** The receiver's own Authentication-Results (the topmost field). */
export interface ReceiverResults {
  authservId: string;
  results: AuthMethodResult[];
  /** The field as received, shortened and printable. */
  raw: string;
}

/** One DKIM-Signature of the copy as mailauth read and checked it. */
export interface DkimSignatureFacts {
  domain: string;
  selector: string;
  algorithm: string;
  /** Signed header field names, lower case, in h= order. */
  signedHeaders: string[];
  /** RSA modulus size from the key in DNS; undefined when no key was found or it is not RSA. */
  keyBits?: number;
  /** What our own check of the signature on the stored copy says (pass, fail, neutral, policy, temperror…). */
  checkedHere: string;
  /** Why, as mailauth words it. */
  detail?: string;
}

/** One ARC set of the chain. */
export interface ArcSetFacts {
  instance: number;
  /** The sealer's domain (ARC-Seal d=). */
  sealer: string;
  /** cv= of the seal. */
  cv: string;
}

/** The last hop into the receiver, from the topmost SMTP Received field. */
export interface LastHopFacts {
  from?: string;
  /** The comment after `from`: the reverse DNS name and IP the receiver saw (`mail.example.com [192.0.2.1]`). */
  tcpInfo?: string;
  by?: string;
  protocol?: string;
  /** The receiver's TLS wording (`using TLSv1.3 with cipher …`, `version=TLS1_3 …`) when it wrote one. */
  tls?: string;
  date?: string;
  raw: string;
}

/** Everything the checklist reads. */
export interface ReceivedCopy {
  receiver?: ReceiverResults;
  /** How many Authentication-Results fields the copy has (only the topmost is the receiver's). */
  authResultsFields: number;
  dkim: DkimSignatureFacts[];
  arc: ArcSetFacts[];
  lastHop?: LastHopFacts;
  /** Header fields by lower-case name, each occurrence's unfolded value. */
  headers: Record<string, string[]>;
}

/** mailauth's resolver shape (that of dns.promises.resolve), answered from our DNS client. */
export function mailauthResolver(dns: DnsClient) {
  return async (name: string, rrtype: string): Promise<string[][] | string[]> => {
    const type = rrtype.toUpperCase();
    if (type !== "TXT" && type !== "A" && type !== "AAAA" && type !== "MX" && type !== "PTR" && type !== "CNAME") {
      throw Object.assign(new Error(`queryNot ${type}`), { code: "ENOTIMP" });
    }
    const answer = await dns.query(name, type);
    if (answer.status === "ok") {
      return answer.records.map((r) => type === "MX" ? (r as { exchange: string }).exchange : r) as
        | string[][]
        | string[];
    }
    const code = answer.status === "nxdomain" ? "ENOTFOUND" : answer.status === "nodata" ? "ENODATA" : answer.code;
    throw Object.assign(new Error(`${type} ${name}: ${code}`), { code });
  };
}

/** Reads the received copy (its raw source, as the mailbox stores it). */
export async function readReceivedCopy(source: Buffer, dns: DnsClient): Promise<ReceivedCopy> {
  const verified = await dkimVerify(_fewSignatures(source), { resolver: mailauthResolver(dns) });
  const parsed = verified.headers?.parsed ?? [];
  const headers: Record<string, string[]> = {};
  for (const h of parsed) {
    const line = h.line.toString("latin1");
    const value = line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]+/g, " ").trim();
    (headers[h.key] ??= []).push(value);
  }
  const ars = parsed.filter((h) => h.key === "authentication-results");
  const top = ars[0];
  const copy: ReceivedCopy = {
    authResultsFields: ars.length,
    dkim: verified.results.filter((r) => r.signingDomain).map((r) => ({
      domain: String(r.signingDomain).toLowerCase(),
      selector: String(r.selector ?? ""),
      algorithm: String(r.algo ?? ""),
      signedHeaders: (r.signingHeaders?.keys ?? "").split(":").map((k) => k.trim().toLowerCase()).filter(Boolean),
      ...(typeof r.modulusLength === "number" ? { keyBits: r.modulusLength } : {}),
      checkedHere: r.status.result,
      ...(r.status.comment ? { detail: printable(String(r.status.comment), 200) } : {}),
    })),
    arc: _arcSets(parsed),
    headers,
  };
  if (top) copy.receiver = _receiverResults(top.line.toString("latin1"));
  const hop = _lastHop(parsed.filter((h) => h.key === "received").map((h) => h.line));
  if (hop) copy.lastHop = hop;
  return copy;
}

/** Signatures of a copy checked at most (each costs a DNS lookup); those below the first ones are dropped. */
export const MAX_SIGNATURES_CHECKED = 5;

/** The copy with at most MAX_SIGNATURES_CHECKED DKIM-Signature fields (the topmost kept); the rest unchanged. */
function _fewSignatures(source: Buffer): Buffer {
  const text = source.toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  if (end === -1) return source;
  const fields = text.slice(0, end).split(/\r?\n(?![ \t])/);
  let seen = 0;
  const kept = fields.filter((f) => !/^dkim-signature\s*:/i.test(f) || ++seen <= MAX_SIGNATURES_CHECKED);
  if (kept.length === fields.length) return source;
  return Buffer.from(`${kept.join("\r\n")}${text.slice(end)}`, "latin1");
}

function _receiverResults(line: string): ReceiverResults {
  const { parsed } = headerParser(line) as { parsed: Record<string, unknown> };
  const results: AuthMethodResult[] = [];
  for (const [method, entry] of Object.entries(parsed)) {
    if (method === "header" || method === "value") continue;
    for (const e of Array.isArray(entry) ? entry : [entry]) {
      if (!e || typeof e !== "object") continue;
      const { value, comment, ...ptypes } = e as Record<string, unknown>;
      const props: Record<string, string> = {};
      for (const [ptype, values] of Object.entries(ptypes)) {
        if (values && typeof values === "object") {
          for (const [k, v] of Object.entries(values)) props[`${ptype}.${k}`] = String(v);
        }
      }
      results.push({
        method: method.toLowerCase(),
        result: String(value ?? "").toLowerCase(),
        props,
        ...(typeof comment === "string" ? { comment: printable(comment, 200) } : {}),
      });
    }
  }
  return { authservId: String(parsed.value ?? ""), results, raw: printable(line.replace(/\r?\n[ \t]+/g, " "), 600) };
}

function _arcSets(parsed: { key: string; line: Buffer }[]): ArcSetFacts[] {
  if (!parsed.some((h) => h.key === "arc-seal")) return [];
  const chain = getARChain({ parsed }) || [];
  return chain.map((set) => {
    const seal = set["arc-seal"]?.parsed as Record<string, { value?: unknown }> | undefined;
    return { instance: set.i, sealer: String(seal?.d?.value ?? "").toLowerCase(), cv: String(seal?.cv?.value ?? "") };
  });
}

/** The topmost Received field that records an SMTP hop (has a from clause and an SMTP-family protocol). */
function _lastHop(lines: Buffer[]): LastHopFacts | undefined {
  for (const line of lines) {
    const r = parseReceived(line) as unknown as Record<
      string,
      { value?: string; comment?: string } | string | undefined
    >;
    const field = (k: string) => r[k] as { value?: string; comment?: string } | undefined;
    const protocol = field("with")?.value ?? "";
    if (!field("from")?.value || !/smtp/i.test(protocol) || /lmtp/i.test(protocol)) continue;
    const tls = field("tls")?.comment;
    return {
      from: printable(field("from")?.value ?? "", 200),
      ...(field("from")?.comment ? { tcpInfo: printable(field("from")?.comment ?? "", 200) } : {}),
      ...(field("by")?.value ? { by: printable(field("by")?.value ?? "", 200) } : {}),
      protocol: printable(protocol, 40),
      ...(tls ? { tls: printable(tls, 300) } : {}),
      ...(typeof r.timestamp === "string" ? { date: printable(r.timestamp, 80) } : {}),
      // The recipient (the canary) is masked as the send log masks recipients.
      raw: printable(
        String(r.full ?? line.toString("latin1")).replace(
          /\bfor\s+<([^<>\s]+)>/i,
          (_m, a: string) => `for <${maskAddress(a)}>`,
        ),
        600,
      ),
    };
  }
  return undefined;
}
