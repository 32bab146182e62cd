/**
 * Reading values out of a received copy's header fields for the checklist:
 * addresses and domains, what a receiver's Authentication-Results method
 * names, and the TLS wording of a Received field.
 */
import type { AuthMethodResult } from "./received-copy.ts";

/** The receiver's TLS wording of a hop, or `with ESMTPS` (RFC 3848), or undefined when it names none. */
export function tlsWording(protocol: string, tls: string | undefined, raw: string): string | undefined {
  const wording = /\((using TLS[^)]*|version=TLS[^)]*|[^()]*TLS1_\d[^)]*)\)/i.exec(raw)?.[1];
  if (wording) return wording.slice(0, 160);
  if (tls && /TLS/i.test(tls)) return tls.slice(0, 160);
  // RFC 3848 / RFC 6531: ESMTPS, ESMTPSA, UTF8SMTPS… name a TLS session.
  if (/^(e|utf8)smtps/i.test(protocol) || /^utf8smtps/i.test(protocol)) return `with ${protocol}`;
  return undefined;
}

/** The signing domain a dkim= result names (header.d, else header.i's domain). */
export function dkimDomainOf(r: AuthMethodResult): string {
  const d = r.props["header.d"] ?? r.props["header.i"]?.replace(/^.*@/, "") ?? "";
  return d.toLowerCase();
}

/** The DMARC policy a dmarc= result names (policy.dmarc, or p= in its comment). */
export function dmarcPolicyOf(r: AuthMethodResult): string | undefined {
  const p = r.props["policy.dmarc"] ?? /\bp=([a-z]+)/i.exec(r.comment ?? "")?.[1];
  return p?.toLowerCase();
}

/** One method's result as evidence text (the signature value left out). */
export function methodText(r: AuthMethodResult): string {
  const props = Object.entries(r.props).filter(([k]) => k !== "header.b").map(([k, v]) => `${k}=${v}`);
  return [`${r.method}=${r.result}`, ...(r.comment ? [`(${r.comment})`] : []), ...props].join(" ");
}

/** The addresses of an address header's value (angle-bracketed, else bare). */
export function addressesOf(value: string): string[] {
  const angle = [...value.matchAll(/<([^<>]*)>/g)].map((m) => (m[1] ?? "").trim()).filter(Boolean);
  if (angle.length > 0) return angle;
  return value.split(",").map((s) => s.trim()).filter((s) => s.includes("@"));
}

/** The domain of an address (or a bare domain), lower case; "" when there is none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at === -1
    ? (address.includes(".") ? address.toLowerCase() : "")
    : address.slice(at + 1).toLowerCase().replace(/[>\s]+$/, "");
}
