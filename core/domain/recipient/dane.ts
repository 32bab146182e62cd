/**
 * DANE for SMTP (RFC 7672) at one MX host: what a DANE-enforcing MTA
 * concludes from the DNSSEC status of the MX RRset, the host's addresses
 * and its TLSA records at `_25._tcp.<host>`, and whether the chain the host
 * presents matches a usable record — DANE-EE(3) pins the leaf (no name or
 * date checks, §3.1.1), DANE-TA(2) a certificate of the chain the leaf must
 * chain to, with the name and dates checked (§3.1.2); usages 0 and 1 are not
 * usable for SMTP (§3.1.3). DNSSEC status is the validating resolver's word
 * (AD bit, and SERVFAIL turned into data by CD for "bogus"): smtpilot trusts
 * the resolver it is pointed at, as Postfix does, and says so.
 */
import { createHash, type X509Certificate } from "node:crypto";
import type { DnsClient, DnssecResult, TlsaRecord } from "../dns.ts";

/** The DNSSEC status of an answer. */
export type DnssecStatus = "secure" | "insecure" | "bogus" | "error";

/** What a DANE client learns from DNS about one MX host. */
export interface DaneLookup {
  /**
   * `not-applicable`: the MX RRset or the host's addresses are insecure, or a
   * secure denial says it has no TLSA records — DANE does not apply (RFC 7672 §2.2).
   * `defer`: something a DANE client must not deliver through (bogus data, a failed lookup).
   * `unusable`: secure TLSA records, none usable: TLS is mandatory but unauthenticated.
   * `usable`: secure, usable TLSA records: the chain must match one.
   */
  state: "not-applicable" | "defer" | "unusable" | "usable";
  /** Why, in words. */
  reason: string;
  /** `_25._tcp.<host>`. */
  name: string;
  tlsaStatus?: DnssecStatus;
  records: TlsaRecord[];
}

/** The DNSSEC status of an answer as a client reads it. */
export function dnssecStatus(r: DnssecResult<unknown>): DnssecStatus {
  if (r.bogus) return "bogus";
  if (r.status === "error") return "error";
  return r.secure ? "secure" : "insecure";
}

/** True for a TLSA record an SMTP client may use: DANE-TA(2) or DANE-EE(3), a known selector and matching type. */
export function usableTlsa(r: TlsaRecord): boolean {
  return (r.usage === 2 || r.usage === 3) && (r.selector === 0 || r.selector === 1) && r.matchingType <= 2;
}

/** Looks up and classifies the TLSA records of `host`, given the MX RRset's and the addresses' status. */
export async function daneLookup(
  dns: DnsClient,
  host: string,
  port: number,
  mx: DnssecStatus,
  addresses: DnssecStatus,
): Promise<DaneLookup> {
  const name = `_${port}._tcp.${host}`;
  const none = (state: DaneLookup["state"], reason: string): DaneLookup => ({ state, reason, name, records: [] });
  if (mx === "bogus") return none("defer", "the MX records fail DNSSEC validation (bogus)");
  if (mx !== "secure") return none("not-applicable", "the MX records are not DNSSEC-signed (insecure)");
  if (addresses === "bogus") return none("defer", `the addresses of ${host} fail DNSSEC validation (bogus)`);
  if (addresses === "error") return none("defer", `the address lookup of ${host} failed`);
  if (addresses !== "secure") return none("not-applicable", `the addresses of ${host} are not DNSSEC-signed`);
  if (!dns.queryDnssec) return none("not-applicable", "this resolver cannot report DNSSEC status");
  const r = await dns.queryDnssec(name, "TLSA");
  const tlsaStatus = dnssecStatus(r);
  const records = r.status === "ok" ? r.records : [];
  const out = (state: DaneLookup["state"], reason: string): DaneLookup => ({
    state,
    reason,
    name,
    tlsaStatus,
    records,
  });
  if (tlsaStatus === "bogus") return out("defer", `${name} TLSA fails DNSSEC validation (bogus)`);
  if (tlsaStatus === "error") {
    return out("defer", `the TLSA lookup of ${name} failed (${r.status === "error" ? r.code : "error"})`);
  }
  if (tlsaStatus === "insecure") return out("not-applicable", `${name} is not DNSSEC-signed`);
  if (records.length === 0) return out("not-applicable", `${name} has no TLSA records (securely denied)`);
  if (!records.some(usableTlsa)) {
    return out("unusable", `${name} has TLSA records but none usable for SMTP (usage 2 or 3)`);
  }
  return out("usable", `${name} has ${records.filter(usableTlsa).length} usable TLSA record(s)`);
}

/** What matching a presented chain against TLSA records gave. */
export interface TlsaMatch {
  /** The record that authenticated the server, as `usage selector type`. */
  matched?: string;
  /** Why each usable record did not authenticate it. */
  misses: string[];
}

/** Matches `chain` (leaf first) against the usable records; `names` are the reference identifiers (the MX host). */
export function matchTlsa(
  records: readonly TlsaRecord[],
  chain: readonly X509Certificate[],
  names: readonly string[],
  now: Date,
): TlsaMatch {
  const misses: string[] = [];
  const leaf = chain[0];
  if (!leaf) return { misses: ["no certificate was presented"] };
  for (const r of records.filter(usableTlsa)) {
    const label = `${r.usage} ${r.selector} ${r.matchingType}`;
    if (r.usage === 3) {
      if (_associates(r, leaf)) return { matched: label, misses };
      misses.push(`${label}: the server's ${r.selector === 1 ? "public key" : "certificate"} is not the one published`);
      continue;
    }
    const at = chain.findIndex((c) => _associates(r, c));
    if (at === -1) {
      misses.push(`${label}: no certificate of the presented chain is the trust anchor published`);
      continue;
    }
    if (!_chainsTo(chain, at)) {
      misses.push(`${label}: the server's certificate does not chain to the published trust anchor`);
      continue;
    }
    if (!names.some((n) => leaf.checkHost(n, { subject: "default" }) !== undefined)) {
      misses.push(`${label}: the certificate does not name ${names.join(" or ")} (RFC 7672 §3.2.2)`);
      continue;
    }
    if (new Date(leaf.validTo) < now || new Date(leaf.validFrom) > now) {
      misses.push(`${label}: the certificate is outside its validity period (${leaf.validFrom} – ${leaf.validTo})`);
      continue;
    }
    return { matched: label, misses };
  }
  return { misses };
}

/** True when the certificate's full DER (selector 0) or SPKI (1) hashes (type 1, 2) or equals (0) the record's data. */
function _associates(r: TlsaRecord, cert: X509Certificate): boolean {
  const data = r.selector === 0 ? cert.raw : cert.publicKey.export({ type: "spki", format: "der" });
  const digest = r.matchingType === 0
    ? data
    : createHash(r.matchingType === 1 ? "sha256" : "sha512").update(data).digest();
  return Buffer.compare(digest, r.data) === 0;
}

/** True when each certificate from the leaf up to `anchor` is issued and signed by the next. */
function _chainsTo(chain: readonly X509Certificate[], anchor: number): boolean {
  for (let i = 0; i < anchor; i++) {
    const child = chain[i];
    const parent = chain[i + 1];
    if (!child || !parent || !child.checkIssued(parent) || !child.verify(parent.publicKey)) return false;
  }
  return true;
}
