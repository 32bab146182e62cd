/**
 * Finding secret values where only references belong. The memory folder is
 * plain text a person edits, backs up and may sync; a password pasted into
 * it would outlive every redaction. Two kinds of evidence: a field whose
 * name says password/token/secret holding something other than a reference,
 * and any text (a field or the prose) shaped like a credential — a private
 * key, an OAuth or API token, a URL with a password, `password: value`.
 * Findings name the field or line and what it looks like, never the value.
 */
import { isSecretRef } from "../secrets.ts";

/** One secret-looking value: where it is and what it looks like (never the value). */
export interface SecretFinding {
  /** Dotted field path (auth.secret for a profile), or undefined for prose. */
  field?: string;
  /** Path into the data, for line lookups. */
  path: (string | number)[];
  /** What it looks like ("a private key", "a value in a password field"). */
  what: string;
}

/** Field names that hold secrets; their value must be a reference. */
const _SECRET_KEY =
  /^(?:pass(?:word)?|passwd|pwd|secret|client[-_]?secret|token|access[-_]?token|refresh[-_]?token|api[-_]?key|apikey|auth[-_]?key|private[-_]?key|credentials?|smtp[-_]?password|app[-_]?password)$/i;

/** Credential shapes, each with what to call it. Bounded patterns (untrusted text). */
const _SHAPES: readonly [RegExp, string][] = [
  [/-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/, "a private key"],
  [/\bya29\.[A-Za-z0-9_-]{20,}/, "a Google OAuth access token"],
  [/(?:^|[^A-Za-z0-9])1\/\/0[A-Za-z0-9_-]{30,}/, "a Google OAuth refresh token"],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, "a JSON web token"],
  [/\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}/, "a SendGrid API key"],
  [/\bkey-[0-9a-f]{32}\b/, "a Mailgun API key"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}/, "a GitHub token"],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, "a GitLab token"],
  [/\b[rs]k_live_[A-Za-z0-9]{16,}/, "a Stripe secret key"],
  // base64(0x04 ‖ 32-byte HMAC): exactly 44 characters starting with B.
  [/(?<![A-Za-z0-9+/=])B[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=])/, "an Amazon SES SMTP password"],
  [/\baws_secret_access_key\s*[=:]\s*\S/i, "an AWS secret access key"],
  [/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/:@]{1,128}:[^\s/@]{1,256}@/i, "a URL with a password"],
];

/** `password: x` or `token = x` in prose or a free-text field, where x is not a reference or a placeholder. */
const _ASSIGNMENT =
  /\b(?:password|passwd|pwd|passphrase|secret|token|api[-_ ]?key|app[-_ ]?password)\s*[:=]\s*["']?([^\s"'`,;)]{4,})/gi;

/** What a string looks like if it holds a credential, else undefined. */
export function secretShape(text: string): string | undefined {
  if (text.length > 200_000) text = text.slice(0, 200_000);
  for (const [re, what] of _SHAPES) if (re.test(text)) return what;
  for (const m of text.matchAll(_ASSIGNMENT)) {
    const value = m[1] ?? "";
    if (!_placeholder(value)) return "a password or token written after its name";
  }
  return undefined;
}

/** Values that stand for a secret without being one: references, placeholders, redactions. */
function _placeholder(value: string): boolean {
  const v = value.replace(/[.。]+$/, "");
  return isSecretRef(v) || /^(?:env|dotenv|cmd|keyring):/.test(v) ||
    /^(?:<[^>]*>?|\*+|x{3,}|\.{3}|…|\$\{?[A-Z_][A-Z0-9_]*\}?|%[A-Z_]+%?|none|null|redacted|reference|ref)$/i.test(v) ||
    /^(?:REDACTED|<redacted>)$/i.test(v);
}

/** Every secret-looking value in parsed data, with its path. */
export function findSecretValues(data: unknown, path: (string | number)[] = []): SecretFinding[] {
  const found: SecretFinding[] = [];
  const visit = (value: unknown, at: (string | number)[]) => {
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, [...at, i]));
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, [...at, k]);
      return;
    }
    const key = at.at(-1);
    const field = at.length > 0 ? at.join(".") : undefined;
    const base = { path: at, ...(field ? { field } : {}) };
    if (typeof key === "string" && _SECRET_KEY.test(key) && value !== null && value !== undefined && value !== "") {
      if (typeof value !== "string" || !isSecretRef(value)) {
        found.push({ ...base, what: "a value in a field meant for a secret reference" });
        return;
      }
    }
    if (typeof value === "string") {
      const what = /^[a-z]{4}(?: ?[a-z]{4}){3}$/.test(value.trim()) && !/^[a-z]{16}$/.test(value.trim())
        ? "a Google app password"
        : secretShape(value);
      if (what) found.push({ ...base, what });
    }
  };
  visit(data, path);
  return found;
}

/** Secret-looking text in the prose of a Markdown file (outside tagged blocks), with 1-based lines. */
export function findSecretsInProse(text: string, skip: readonly [number, number][]): { line: number; what: string }[] {
  const out: { line: number; what: string }[] = [];
  let offset = 0;
  text.split("\n").forEach((line, i) => {
    const inBlock = skip.some(([s, e]) => offset >= s && offset < e);
    offset += line.length + 1;
    if (inBlock) return;
    const what = secretShape(line);
    if (what) out.push({ line: i + 1, what });
  });
  // A private key spans lines; its header alone is enough evidence, found above.
  return out;
}
