/**
 * Removes a secret from any text before it leaves the process, in every form
 * it could take: raw, base64 and base64url (also the fragments of it inside a
 * larger payload such as AUTH PLAIN or XOAUTH2, whose base64 depends on the
 * byte offset modulo 3), hex, URL-encoded (`%xx` in either case, `+` for a
 * space) and JSON-escaped (`\"`, `\uXXXX` in either case). The work is done in
 * core/redact/: one linear pass finds every form (secret-matcher.ts); the
 * line redactor adds the rules that need no secret (line-redactor.ts).
 */
import { markerFor } from "./redact/line-redactor.ts";
import { applyMasks, type Mask, mergeMasks } from "./redact/mask.ts";
import { fixedForms, SecretMatcher } from "./redact/secret-matcher.ts";
import { newWork } from "./redact/work.ts";

export { REDACTION } from "./redact/mask.ts";
export {
  type LineLimits,
  LineRedactor,
  type RedactionCounts,
  type TextRedactionOptions,
} from "./redact/line-redactor.ts";
import { LineRedactor, type TextRedactionOptions } from "./redact/line-redactor.ts";

/**
 * The forms of `secret` that must never appear in output, longest first — the
 * list tests search output for. The redactor finds more than these (any mix
 * of escapes); this is the common spelling of each encoder.
 */
export function secretForms(secret: string): string[] {
  if (secret.length === 0) return [];
  const bytes = [...Buffer.from(secret, "utf8")];
  const pct = (b: number) => `%${b.toString(16).padStart(2, "0")}`;
  const u = (s: string) => [...s].map((c) => c.charCodeAt(0).toString(16).padStart(4, "0"));
  const units = Array.from({ length: secret.length }, (_x, i) => secret.charCodeAt(i).toString(16).padStart(4, "0"));
  const jsonAscii = JSON.stringify(secret).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${u(c).join("\\u")}`);
  const forms = new Set<string>([
    ...fixedForms(secret).map((p) => p.text),
    JSON.stringify(secret).slice(1, -1),
    // Python's json.dumps (ensure_ascii) and Go's encoding/json write non-ASCII as \u escapes.
    jsonAscii,
    units.map((x) => `\\u${x}`).join(""),
    units.map((x) => `\\u${x.toUpperCase()}`).join(""),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (x) => x.toLowerCase()),
    bytes.map(pct).join(""),
    bytes.map(pct).join("").toUpperCase(),
  ]);
  return [...forms].filter((f) => f.length >= Math.min(4, secret.length)).sort((a, b) => b.length - a.length);
}

/** A function that redacts every form of every given secret from a string, in one pass. */
export function makeRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const matcher = new SecretMatcher(secrets);
  if (matcher.empty) return (text) => text;
  const marker = markerFor(matcher);
  return (text) => {
    const masks: Mask[] = [];
    matcher.find(text, newWork(), masks);
    return masks.length === 0 ? text : applyMasks(text, 0, text.length, mergeMasks(masks), () => marker);
  };
}

/** Secrets shorter than this also match ordinary words; the CLI warns that output may be masked. */
export const SHORT_SECRET = 6;

/** Fields of the report whose values are vocabulary, not data: never redacted, so the schema holds. */
const _STRUCTURAL = new Set(["schema", "mode", "id", "status", "code", "dir", "layer", "tls"]);

/** A copy of a JSON-like value with every string passed through `redact` (for reports before rendering). */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map((
        [k, v],
      ) => [k, _STRUCTURAL.has(k) && typeof v === "string" ? v : redactDeep(v, redact)]),
    ) as T;
  }
  return value;
}

/** A whole text (a transcript, a log excerpt) through a fresh LineRedactor, line ends kept. */
export function redactTranscriptText(text: string, options: TextRedactionOptions = {}): string {
  const redactor = new LineRedactor(options);
  return text.split(/(\r?\n)/).map((part, i) => (i % 2 === 1 ? part : redactor.line(part))).join("");
}
