/**
 * Verifying a message's DKIM-Signature (RFC 6376 §3.4, §3.7, §6; RFC 8463
 * for Ed25519): simple and relaxed canonicalization of headers and body,
 * `l=`, the `h=` list taken from the bottom up, the body hash, then the
 * signature against the key published in DNS. Files saved on Unix have bare
 * LF line ends; they are read as CRLF, the form the message was signed in.
 */
import { createHash, verify } from "node:crypto";
import type { DnsClient } from "./dns.ts";
import { fetchDkimKey } from "./dkim-key.ts";
import { parseTagList } from "./tag-list.ts";

/** One header field as it appears in the message. */
export interface HeaderField {
  name: string;
  /** The whole field, folding kept, without the final CRLF. */
  raw: string;
}

/** A DKIM-Signature's tags that verification needs. */
export interface DkimSignature {
  raw: HeaderField;
  domain: string;
  selector: string;
  algorithm: string;
  headerCanon: "simple" | "relaxed";
  bodyCanon: "simple" | "relaxed";
  signedHeaders: string[];
  bodyHash: string;
  signature: string;
  length?: number;
  problems: string[];
}

/** The outcome of verifying one signature. */
export interface DkimVerification {
  signature: DkimSignature;
  result: "pass" | "fail" | "body-hash-mismatch" | "no-key" | "temperror" | "permerror";
  detail: string;
}

/** Splits a message into header fields and body (CRLF line ends). */
export function splitMessage(message: Buffer | string): { headers: HeaderField[]; body: string } {
  const text = (typeof message === "string" ? message : message.toString("latin1")).replace(/\r?\n/g, "\r\n");
  const end = text.indexOf("\r\n\r\n");
  const head = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? "" : text.slice(end + 4);
  const headers: HeaderField[] = [];
  for (const line of head.split("\r\n")) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1];
      if (last) last.raw += `\r\n${line}`;
    } else if (line.includes(":")) {
      headers.push({ name: line.slice(0, line.indexOf(":")).trim(), raw: line });
    }
  }
  return { headers, body };
}

/** The DKIM-Signature fields of a message, parsed. */
export function dkimSignatures(headers: readonly HeaderField[]): DkimSignature[] {
  return headers.filter((h) => h.name.toLowerCase() === "dkim-signature").map((h) => {
    const value = h.raw.slice(h.raw.indexOf(":") + 1).replace(/\r\n[ \t]/g, " ");
    const { tags, problems } = parseTagList(value);
    const [hc = "simple", bc = "simple"] = (tags.get("c") ?? "simple/simple").toLowerCase().split("/");
    const canon = (c: string) => (c === "relaxed" ? "relaxed" : "simple") as "simple" | "relaxed";
    for (const t of ["d", "s", "a", "b", "bh", "h"]) if (!tags.get(t)) problems.push(`the ${t}= tag is missing`);
    const l = tags.get("l");
    return {
      raw: h,
      domain: (tags.get("d") ?? "").toLowerCase(),
      selector: tags.get("s") ?? "",
      algorithm: (tags.get("a") ?? "").toLowerCase(),
      headerCanon: canon(hc),
      bodyCanon: canon(bc),
      signedHeaders: (tags.get("h") ?? "").split(":").map((x) => x.trim().toLowerCase()).filter((x) => x !== ""),
      bodyHash: (tags.get("bh") ?? "").replace(/\s+/g, ""),
      signature: (tags.get("b") ?? "").replace(/\s+/g, ""),
      ...(l !== undefined && /^\d+$/.test(l) ? { length: Number(l) } : {}),
      problems,
    };
  });
}

/** The body in canonical form (§3.4.3, §3.4.4). */
export function canonicalBody(body: string, canon: "simple" | "relaxed"): string {
  if (canon === "simple") {
    const trimmed = body.replace(/(\r\n)*$/, "");
    return `${trimmed}\r\n`;
  }
  const lines = body.split("\r\n").map((l) => l.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  const joined = lines.join("\r\n").replace(/(\r\n)*$/, "");
  return joined === "" ? "" : `${joined}\r\n`;
}

/** One header field in canonical form, without the final CRLF (§3.4.1, §3.4.2). */
export function canonicalHeader(field: HeaderField, canon: "simple" | "relaxed"): string {
  if (canon === "simple") return field.raw;
  const colon = field.raw.indexOf(":");
  const name = field.raw.slice(0, colon).trim().toLowerCase();
  const value = field.raw.slice(colon + 1).replace(/\r\n/g, "").replace(/[ \t]+/g, " ").trim();
  return `${name}:${value}`;
}

/** Verifies one signature against the key its d= and s= name. */
export async function verifyDkim(
  dns: DnsClient,
  headers: readonly HeaderField[],
  body: string,
  sig: DkimSignature,
): Promise<DkimVerification> {
  const out = (result: DkimVerification["result"], detail: string) => ({ signature: sig, result, detail });
  if (sig.problems.length > 0) return out("permerror", sig.problems.join("; "));
  const hash = sig.algorithm.endsWith("sha1") ? "sha1" : sig.algorithm.endsWith("sha256") ? "sha256" : undefined;
  if (!hash || !/^(rsa|ed25519)-/.test(sig.algorithm)) return out("permerror", `unknown algorithm a=${sig.algorithm}`);
  let canonBody = canonicalBody(body, sig.bodyCanon);
  if (sig.length !== undefined) canonBody = canonBody.slice(0, sig.length);
  const bh = createHash(hash).update(Buffer.from(canonBody, "latin1")).digest("base64");
  if (bh !== sig.bodyHash) return out("body-hash-mismatch", "the body hash (bh=) does not match the body");
  const key = await fetchDkimKey(dns, sig.domain, sig.selector);
  if (key === undefined) return out("no-key", `no key at ${sig.selector}._domainkey.${sig.domain}`);
  if ("error" in key) return out("temperror", `the key lookup failed (${key.error})`);
  if (!key.publicKey) return out("permerror", key.revoked ? "the key is revoked" : key.problems.join("; "));
  if (key.hashes !== undefined && !key.hashes.includes(hash)) {
    return out("fail", `the key's h=${key.hashes.join(":")} does not allow ${hash}`);
  }
  const data = Buffer.from(_signedData(headers, sig), "latin1");
  const signature = Buffer.from(sig.signature, "base64");
  let ok: boolean;
  try {
    ok = sig.algorithm.startsWith("ed25519")
      ? verify(null, createHash("sha256").update(data).digest(), key.publicKey, signature)
      : verify(hash, data, key.publicKey, signature);
  } catch (err) {
    return out("permerror", `the signature cannot be checked (${(err as Error).message})`);
  }
  return ok ? out("pass", `signature by ${sig.domain} verifies`) : out("fail", "the signature does not verify");
}

/** The headers in h= order (each name taken from the bottom up), then the signature field without its b= value. */
function _signedData(headers: readonly HeaderField[], sig: DkimSignature): string {
  const used = new Set<HeaderField>();
  let data = "";
  for (const name of sig.signedHeaders) {
    const field = [...headers].reverse().find((h) => h.name.toLowerCase() === name && !used.has(h));
    if (!field) continue;
    used.add(field);
    data += `${canonicalHeader(field, sig.headerCanon)}\r\n`;
  }
  // Only the b= tag is emptied: in bh= the b is followed by h, never by = or space.
  const stripped = { ...sig.raw, raw: sig.raw.raw.replace(/(^|[;:]\s*)(b\s*=)[^;]*/, "$1$2") };
  return data + canonicalHeader(stripped, sig.headerCanon);
}
