/**
 * EHLO capabilities (RFC 5321 §4.1.1.1): what the server says it supports,
 * parsed once so every layer asks the same questions the same way.
 */
import type { SmtpReply } from "./reply.ts";

/** The parsed EHLO answer. */
export interface Capabilities {
  /** The domain the server named on the first line. */
  domain: string;
  /** Every keyword line, upper-cased keyword then its parameters ("SIZE 10485760"). */
  keywords: string[];
  /** SASL mechanisms from `AUTH` (and the legacy `AUTH=` form), upper-cased. */
  auth: string[];
  /** The SIZE limit in bytes; 0 means "no fixed limit"; undefined when not advertised. */
  size: number | undefined;
}

/** Extensions reported by name in the ehlo layer's facts. */
export const NOTABLE_EXTENSIONS = [
  "STARTTLS",
  "SIZE",
  "PIPELINING",
  "8BITMIME",
  "SMTPUTF8",
  "ENHANCEDSTATUSCODES",
  "CHUNKING",
  "DSN",
  "REQUIRETLS",
  "AUTH",
] as const;

/** Parses the lines of a 250 EHLO reply. */
export function parseCapabilities(reply: SmtpReply): Capabilities {
  const [first = "", ...rest] = reply.lines;
  const keywords: string[] = [];
  const auth = new Set<string>();
  let size: number | undefined;
  for (const line of rest) {
    const [word = "", ...params] = line.trim().split(/\s+/);
    if (word === "") continue;
    const key = word.toUpperCase();
    if (key === "AUTH" || key.startsWith("AUTH=")) {
      const mechs = key.startsWith("AUTH=") ? [key.slice(5), ...params] : params;
      for (const m of mechs) if (m) auth.add(m.toUpperCase());
    }
    if (key === "SIZE") size = Number.parseInt(params[0] ?? "0", 10) || 0;
    keywords.push([key, ...params].join(" "));
  }
  return { domain: first.trim().split(/\s+/)[0] ?? "", keywords, auth: [...auth], size };
}

/** True when the keyword (e.g. "STARTTLS") is advertised. */
export function hasCapability(caps: Capabilities, keyword: string): boolean {
  const k = keyword.toUpperCase();
  return caps.keywords.some((line) => line === k || line.startsWith(`${k} `));
}

/** The notable extensions present, for facts: ["STARTTLS", "SIZE", …]. */
export function notableExtensions(caps: Capabilities): string[] {
  return NOTABLE_EXTENSIONS.filter((k) => hasCapability(caps, k) || (k === "AUTH" && caps.auth.length > 0));
}

/** Extensions present in `b` but not in `a` and the other way round, by keyword. */
export function compareCapabilities(a: Capabilities, b: Capabilities): { added: string[]; removed: string[] } {
  const names = (c: Capabilities) => new Set(c.keywords.map((k) => k.split(" ")[0] ?? k));
  const na = names(a);
  const nb = names(b);
  return { added: [...nb].filter((k) => !na.has(k)), removed: [...na].filter((k) => !nb.has(k)) };
}
