/**
 * Finding secret values where only references belong. The memory folder is
 * plain text a person edits, backs up and may sync; a password pasted into
 * it would outlive every redaction. Two kinds of evidence: a field whose
 * name says password/token/secret holding something other than a reference,
 * and any text (a field or the prose) shaped like a credential — a private
 * key, an OAuth or API token, an AWS secret access key, a Google app
 * password (with or without its spaces), a URL with a password,
 * `password: value` — and a `cmd:` reference that holds its secret itself
 * (`cmd:echo PASSWORD`). Findings name the field or line and what it looks
 * like, never the value.
 */
import path from "node:path";
import { SmtpilotError } from "../errors.ts";
import { EXIT_USAGE } from "../exit.ts";
import { isSecretRef, splitCommand } from "../secrets.ts";

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

/**
 * Credential shapes, each with what to call it and a test every match must pass (a word it holds, a
 * run of base64 it needs) — cheap, so that the patterns run, and V8 compiles them, only for text that
 * could hold one: every value and prose line of the memory folder is checked at every command.
 * Bounded patterns (untrusted text).
 */
const _SHAPES: readonly [RegExp, string, (text: string) => boolean][] = [
  [/-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY-----/, "a private key", (t) => t.includes("PRIVATE KEY-----")],
  [/\bya29\.[A-Za-z0-9_-]{20,}/, "a Google OAuth access token", (t) => t.includes("ya29.")],
  [/(?:^|[^A-Za-z0-9])1\/\/0[A-Za-z0-9_-]{30,}/, "a Google OAuth refresh token", (t) => t.includes("1//0")],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, "a JSON web token", (t) => t.includes("eyJ")],
  [/\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}/, "a SendGrid API key", (t) => t.includes("SG.")],
  [/\bkey-[0-9a-f]{32}\b/, "a Mailgun API key", (t) => t.includes("key-")],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token", (t) => t.includes("xox")],
  [
    /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}/,
    "a GitHub token",
    (t) => t.includes("_") && (t.includes("gh") || t.includes("github_pat_")),
  ],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, "a GitLab token", (t) => t.includes("glpat-")],
  [/\b[rs]k_live_[A-Za-z0-9]{16,}/, "a Stripe secret key", (t) => t.includes("k_live_")],
  // base64(0x04 ‖ 32-byte HMAC): exactly 44 characters starting with B.
  [/(?<![A-Za-z0-9+/=])B[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/=])/, "an Amazon SES SMTP password", (t) => _hasRun(t, 44)],
  [/\baws_secret_access_key\s*[=:]\s*\S/i, "an AWS secret access key", (t) => t.length >= 23],
  // base64 of 30 random bytes: 40 characters; mixed case and a digit (never hex, a hash), never a path.
  [
    /(?<![A-Za-z0-9+/=])(?=[A-Za-z0-9+/]{0,39}[A-Z])(?=[A-Za-z0-9+/]{0,39}[a-z])(?=[A-Za-z0-9+/]{0,39}[0-9])[A-Za-z0-9+][A-Za-z0-9+/]{39}(?![A-Za-z0-9+/=])/,
    "an AWS secret access key",
    (t) => _hasRun(t, 40),
  ],
  [/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/:@]{1,128}:[^\s/@]{1,256}@/i, "a URL with a password", (t) => t.includes("://")],
];

/** Whether `text` holds `n` characters in a row of the base64 alphabet (A-Z, a-z, 0-9, +, /). */
function _hasRun(text: string, n: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b64 = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    run = b64 ? run + 1 : 0;
    if (run >= n) return true;
  }
  return false;
}

/** `password: x` or `token = x` in prose or a free-text field, where x is not a reference or a placeholder. */
const _ASSIGNMENT =
  /\b(?:password|passwd|pwd|passphrase|secret|token|api[-_ ]?key|app[-_ ]?password)\s*[:=]\s*["']?([^\s"'`,;)]{4,})/gi;

/**
 * Four groups of four lowercase letters, as Google shows an app password.
 * Four short English words look the same, so it counts only next to a word
 * that names a password, or when at least two groups have no vowel at all —
 * random letters, not words.
 */
const _APP_PASSWORD = /(?<![A-Za-z])([a-z]{4}) ([a-z]{4}) ([a-z]{4}) ([a-z]{4})(?![A-Za-z])/g;
const _PASSWORD_WORD = /\b(?:app[- ]?passwords?|passwords?|passwd|pwd|pass|secret|credentials?|login)\b/i;

function _appPassword(text: string): boolean {
  if (text.length < 19) return false;
  for (const m of text.matchAll(_APP_PASSWORD)) {
    const groups = m.slice(1, 5) as string[];
    if (groups.filter((g) => !/[aeiouy]/.test(g)).length >= 2) return true;
    const before = text.slice(Math.max(0, (m.index ?? 0) - 40), m.index);
    if (_PASSWORD_WORD.test(before)) return true;
  }
  return false;
}

/** What a string looks like if it holds a credential, else undefined. */
export function secretShape(text: string): string | undefined {
  if (text.length > 200_000) text = text.slice(0, 200_000);
  for (const [re, what, may] of _SHAPES) if (may(text) && re.test(text)) return what;
  if (_appPassword(text)) return "a Google app password";
  if (!text.includes(":") && !text.includes("=")) return undefined; // what _ASSIGNMENT needs
  for (const m of text.matchAll(_ASSIGNMENT)) {
    const value = m[1] ?? "";
    if (!_placeholder(value)) return "a password or token written after its name";
  }
  return undefined;
}

/** Values that stand for a secret without being one: references, placeholders, redactions. */
function _placeholder(value: string): boolean {
  // Non-ASCII as escapes (here "。" and "…"): the single binary's CLI asset stays ASCII (scripts/build/sea-bundle.mjs).
  const v = value.replace(/[.\u3002]+$/, "");
  return isSecretRef(v) || /^(?:env|dotenv|cmd|keyring):/.test(v) ||
    /^(?:<[^>]*>?|\*+|x{3,}|\.{3}|\u2026|\$\{?[A-Z_][A-Z0-9_]*\}?|%[A-Z_]+%?|none|null|redacted|reference|ref)$/i.test(
      v,
    ) ||
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
      const literal = literalInReference(value);
      if (literal) {
        found.push({ ...base, what: literal });
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

/**
 * Secret-looking text in the prose of a Markdown file (outside the `skip`
 * ranges, the tagged blocks), with 1-based lines. One pass with the ranges
 * in order: a send log of thousands of blocks is not checked line × block.
 */
export function findSecretsInProse(text: string, skip: readonly [number, number][]): { line: number; what: string }[] {
  const out: { line: number; what: string }[] = [];
  const byStart = (a: readonly [number, number], b: readonly [number, number]) => a[0] - b[0];
  const skips = [...skip].sort(byStart);
  let s = 0;
  for (let at = 0, line = 1;; line++) {
    const nl = text.indexOf("\n", at);
    while (s < skips.length && (skips[s] as [number, number])[1] <= at) s++;
    const inBlock = s < skips.length && (skips[s] as [number, number])[0] <= at;
    if (!inBlock) {
      const what = secretShape(text.slice(at, nl === -1 ? text.length : nl));
      if (what) out.push({ line, what });
    }
    if (nl === -1) break;
    at = nl + 1;
  }
  // A private key spans lines; its header alone is enough evidence, found above.
  return out;
}

/** Programs that print (a part of) their arguments: a `cmd:` running one holds its secret in the reference itself. */
const _PRINTERS = new Set(["echo", "printf", "yes", "expr", "basename", "dirname", "seq", "date"]);
/** Programs that run the rest of their arguments as a command (`env echo S`, `timeout 5 echo S`): looked through. */
const _WRAPPERS = new Set(["env", "nice", "nohup", "command", "exec", "time", "timeout", "stdbuf", "ionice", "setsid"]);

/** Wrapper options written apart from their value (`nice -n 5`, `env -u NAME`, `timeout -s KILL 5`). */
const _OPTION_WITH_VALUE = new Set(["-n", "-u", "-s", "-k", "-c", "-o", "-C"]);

/** The command a wrapper runs: its words after the wrappers, their options and (timeout's) duration. */
function _unwrapped(words: string[]): string[] {
  let i = 0;
  while (i < words.length && _WRAPPERS.has(path.basename(words[i] ?? ""))) {
    i++;
    // Options (with the value of those that take one), env's NAME=value, durations and priorities.
    while (i < words.length && /^-|^[A-Za-z_][A-Za-z0-9_]*=|^[+-]?[0-9.]+[smhd]?$/.test(words[i] ?? "")) {
      i += _OPTION_WITH_VALUE.has(words[i] ?? "") ? 2 : 1;
    }
  }
  return words.slice(i);
}

/** Shells whose `-c SCRIPT` is looked into for the same. */
const _SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh"]);

/**
 * Why the reference `ref` holds the very secret it stands for, or undefined:
 * a `cmd:` that prints its own arguments (`cmd:echo PASSWORD`, also through
 * `sh -c`), or a command with a word shaped like a credential. Such a
 * reference stores the secret in the memory as plainly as the secret itself.
 */
export function literalInReference(ref: string): string | undefined {
  if (!ref.startsWith("cmd:")) return undefined;
  const argv = _unwrapped(splitCommand(ref.slice(4)));
  const prints = (words: string[]) => {
    const run = _unwrapped(words);
    return run.length > 1 && _PRINTERS.has(path.basename(run[0] ?? ""));
  };
  if (prints(argv)) return "a cmd: reference that prints its own arguments (the secret written into the reference)";
  const c = argv.indexOf("-c");
  if (_SHELLS.has(path.basename(argv[0] ?? "")) && c > 0 && prints(splitCommand(argv[c + 1] ?? ""))) {
    return "a cmd: reference whose shell script prints a literal (the secret written into the reference)";
  }
  for (const word of argv.slice(1)) {
    const what = secretShape(word);
    if (what) return `${what} written into a cmd: reference`;
  }
  return undefined;
}

/**
 * A secret reference that holds the secret it stands for
 * (`E_SECRET_IN_REFERENCE`, exit 2): stored, it would put the secret in the
 * memory; used, it shows the secret to anyone who reads the command line.
 * The message never shows the reference.
 */
export class SecretInReferenceError extends SmtpilotError {
  constructor(where: string, what: string) {
    super(
      "E_SECRET_IN_REFERENCE",
      EXIT_USAGE,
      `The secret reference ${where} holds ${what}; the reference is not shown. Keep the secret in a password ` +
        "manager (cmd:pass show NAME), the environment (env:NAME) or a dotenv file outside the memory folder",
    );
  }
}

/** Throws SecretInReferenceError when `ref` holds a literal secret (literalInReference); `where` names it (`of --secret`). */
export function refuseLiteralReference(ref: string, where: string): void {
  const what = literalInReference(ref);
  if (what) throw new SecretInReferenceError(where, what);
}

/**
 * Throws SecretInReferenceError when the text of `ref` contains the secret
 * it just resolved to (`value`) — whatever the command — since redacting
 * the secret would then rewrite the reference itself. A value of under four
 * characters is too short to tell.
 */
export function refuseResolvedInReference(ref: string, value: string, where: string): void {
  if (ref !== "prompt" && value.length >= 4 && ref.includes(value)) {
    throw new SecretInReferenceError(where, "the very secret it resolves to");
  }
}
