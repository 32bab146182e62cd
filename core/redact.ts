/**
 * Removes a secret from any text before it leaves the process: the raw value,
 * its URL-encoded, hex and base64 forms. Base64 of a secret embedded in a
 * larger payload (AUTH PLAIN, XOAUTH2) depends on the byte offset modulo 3, so
 * the stable middle of each of the three alignments is searched for too.
 */

/** Replacement text for a removed secret. */
export const REDACTION = "<redacted>";

/** Shorter base64 fragments would match innocent text (the raw secret is always redacted, whatever its length). */
const _MIN_FRAGMENT = 4;

/** Every form of `secret` that could appear in output. */
export function secretForms(secret: string): string[] {
  if (secret.length === 0) return [];
  const bytes = Buffer.from(secret, "utf8");
  // JSON.stringify escapes quotes and backslashes: a rendered document holds that form, not the raw one.
  const forms = new Set<string>([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    bytes.toString("base64"),
    // A server (or a debug line) may echo what it received as hex.
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
  ]);
  for (let align = 0; align < 3; align++) {
    const padded = Buffer.concat([Buffer.alloc(align), bytes]);
    const b64 = padded.toString("base64").replace(/=+$/, "");
    // Drop characters that mix in bytes before the secret (prefix) or after it (last partial group).
    const head = Math.ceil((align * 8) / 6);
    const fullBits = Math.floor((padded.length * 8) / 6);
    const middle = b64.slice(head, fullBits);
    if (middle.length >= _MIN_FRAGMENT) forms.add(middle);
  }
  return [...forms].filter((f) => f.length >= Math.min(_MIN_FRAGMENT, secret.length)).sort((a, b) =>
    b.length - a.length
  );
}

/** A function that redacts every form of every given secret from a string, in one pass. */
export function makeRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = [...new Set(secrets.flatMap((s) => (s ? secretForms(s) : [])))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  // The marker must not itself contain a form (a one-letter secret), or a second pass would mangle it.
  const marker = [REDACTION, "***", "[hidden]", "\u2588"].find((m) => !forms.some((f) => m.includes(f))) ?? "";
  const pattern = new RegExp(forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text) => text.replace(pattern, marker);
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
