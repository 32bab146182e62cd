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

/**
 * What a text redactor masks besides the secrets it is given: every known
 * form of a credential is always masked; addresses only when asked.
 */
export interface TextRedactionOptions {
  /** Values resolved in the run (secret references): every form of each is removed. */
  secrets?: readonly (string | undefined)[];
  /** Replace the local part of email addresses (`redacted-1@example.com`), keeping the domain. */
  maskAddresses?: boolean;
}

/** What a line redactor masked, by kind, for a summary. */
export type RedactionCounts = Record<"secret" | "auth" | "credential" | "address", number>;

const _MECHS = "PLAIN|LOGIN|XOAUTH2|OAUTHBEARER|CRAM-MD5|CRAM-SHA1|SCRAM-SHA-1(?:-PLUS)?|SCRAM-SHA-256(?:-PLUS)?|" +
  "DIGEST-MD5|NTLM|GSSAPI|EXTERNAL|ANONYMOUS";
/** `AUTH MECH payload`: the payload is the credential (base64 of user and password, or a token). */
const _AUTH_COMMAND = new RegExp(`\\bAUTH([ \\t]+)(${_MECHS})\\b([ \\t=]+([^\\s]+))?`, "i");
/** An EHLO capability line (`250-AUTH PLAIN LOGIN`): a list of mechanisms, not a payload. */
const _AUTH_CAPABILITY = /\b250[ -]AUTH\b/i;
/** A server reply code in a transcript or log line (swaks, openssl, Postfix and Exim debug, smtpilot). */
const _REPLY = /(?:^|[\s:>\]*~-])([2-5]\d\d)(?:[ -]|$)/;
/**
 * A bare SASL response at the end of a line: padded base64 (a length that is
 * a multiple of 4), `=` for an empty one or `*` to cancel, after a space or
 * a transcript arrow — not after `:`, so `host:2525` is not one.
 */
const _SASL_RESPONSE =
  /(^|[\s>])((?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|=|\*)\s*$/;
/** What an AUTH command's initial response looks like (base64, or `=` for an empty one). */
const _B64_PAYLOAD = /^(?:[A-Za-z0-9+/]+={0,2}|=)$/;
/** Lines after a `334` that may still be SASL responses; past this the state is dropped. */
const _AUTH_WINDOW = 6;

const _KEY = "(?:[A-Za-z][A-Za-z0-9]*[_.-])*(?:pass(?:word|wd|phrase)?|pwd|secret(?:[_-]?access[_-]?key|[_-]?key)?|" +
  "(?:access|refresh|id|auth|api|bearer)?[_-]?token|api[_-]?key|client[_-]?secret|auth[_-]?pass(?:word)?|" +
  "secretaccesskey)";
/**
 * `password=…`, `pass: …`, `smtp_pass = '…'`, `aws_secret_access_key=…` (not
 * `secretRef:`, which names a reference). An `&` ends the value only where a
 * URL query goes on (`&user=`): a password may well contain one.
 */
const _KEY_VALUE = new RegExp(
  `(^|[^A-Za-z0-9_])(${_KEY})(\\s*[=:]\\s*)("[^"]*"|'[^']*'|(?!===)(?:[^\\s,;&"'<>]|&(?![A-Za-z0-9_.-]+=))+)`,
  "gi",
);
/** `"password": "…"` in JSON. */
const _JSON_VALUE = new RegExp(`("${_KEY}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi");
/** Command-line flags that carry a password (swaks `-ap`, `--auth-password`, `--password`). */
const _FLAG_VALUE = /(^|\s)(--auth-password|-ap|--password|--pass)(=|\s+)(?!"\$|\$)("[^"]*"|'[^']*'|\S+)/gi;
/** `Bearer <token>`, `Authorization: Basic <b64>`. */
const _BEARER = /\b(Bearer|Basic)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/g;
/** A URL with a password: `smtp://user:pass@host`. */
const _URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*):([^\s@/]+)@/gi;
/** An AWS access key id; a 40-character secret key on the same line is masked with it. */
const _AWS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;
const _AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** An address; `=` is left out of the local part, so `sasl_username=alice@example.com` keeps its key. */
const _ADDRESS =
  /(?<![A-Za-z0-9.!#$%&'*+/?^_`{|}~-])[A-Za-z0-9!#$%&'*+/?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/?^_`{|}~-]+)*@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}|\[[0-9A-Fa-f:.]+\])/g;

/**
 * Masks credentials in transcripts and logs one line at a time (swaks,
 * openssl s_client, Postfix and Exim logs and debug output, smtpilot's own
 * reports): the given secrets in every form, AUTH payloads and the SASL
 * responses after a `334` (one line of state carries an AUTH exchange across
 * lines), `password=`-style values, bearer tokens, AWS secret keys, passwords
 * in URLs, and with `maskAddresses` the local part of addresses. Memory stays
 * bounded: nothing but that state and the address numbering is kept.
 */
export class LineRedactor {
  readonly counts: RedactionCounts = { secret: 0, auth: 0, credential: 0, address: 0 };
  readonly #secrets: (text: string) => string;
  readonly #maskAddresses: boolean;
  readonly #addresses = new Map<string, number>();
  /** Lines left in which a bare base64 line is a SASL response (0: not inside an AUTH exchange). */
  #auth = 0;

  constructor(options: TextRedactionOptions = {}) {
    this.#secrets = makeRedactor(options.secrets ?? []);
    this.#maskAddresses = options.maskAddresses === true;
  }

  /** One line, without its line end. */
  line(text: string): string {
    // AUTH payloads first, whole: the secret's own forms inside one would leave the rest of it behind.
    const auth = this.#authPayloads(text);
    let out = this.#secrets(auth);
    if (out !== auth) this.counts.secret++;
    out = this.#credentials(out);
    if (this.#maskAddresses) out = this.#addressesIn(out);
    return out;
  }

  #authPayloads(text: string): string {
    if (_AUTH_CAPABILITY.test(text)) return text;
    const command = _AUTH_COMMAND.exec(text);
    if (command) {
      this.#auth = _AUTH_WINDOW;
      const payload = command[4];
      if (payload === undefined || !_B64_PAYLOAD.test(payload)) return text;
      this.counts.auth++;
      const at = command.index + command[0].length - payload.length;
      return `${text.slice(0, at)}${REDACTION}${text.slice(at + payload.length)}`;
    }
    if (this.#auth === 0) return text;
    this.#auth--;
    const reply = _REPLY.exec(text);
    if (reply) {
      // A 334 continues the exchange; any other reply (235, 535…) ends it.
      this.#auth = reply[1] === "334" ? _AUTH_WINDOW : 0;
      return text;
    }
    const response = _SASL_RESPONSE.exec(text);
    if (!response || response[2] === REDACTION) return text;
    this.counts.auth++;
    return `${text.slice(0, response.index + (response[1]?.length ?? 0))}${REDACTION}`;
  }

  #credentials(text: string): string {
    let n = 0;
    const mark = () => (n++, REDACTION);
    let out = text
      .replace(_URL_PASSWORD, (_m, head: string) => `${head}:${mark()}@`)
      .replace(_JSON_VALUE, (_m, head: string) => `${head}"${mark()}"`)
      .replace(_KEY_VALUE, (m, pre: string, key: string, sep: string, value: string) => {
        if (value === REDACTION || value === `"${REDACTION}"` || /^(?:env|dotenv|cmd):|^prompt$/.test(value)) return m;
        return `${pre}${key}${sep}${mark()}`;
      })
      .replace(
        _FLAG_VALUE,
        (m, pre: string, flag: string, sep: string, value: string) =>
          value === REDACTION ? m : `${pre}${flag}${sep}${mark()}`,
      )
      .replace(_BEARER, (_m, kind: string, space: string) => `${kind}${space}${mark()}`);
    if (_AWS_KEY_ID.test(out)) out = out.replace(_AWS_SECRET, mark);
    this.counts.credential += n;
    return out;
  }

  #addressesIn(text: string): string {
    return text.replace(_ADDRESS, (address: string, domain: string) => {
      const key = address.toLowerCase();
      let n = this.#addresses.get(key);
      if (n === undefined) {
        // Numbered in order of appearance: lines stay comparable, nothing about the local part is left.
        n = this.#addresses.size + 1;
        if (this.#addresses.size < 100_000) this.#addresses.set(key, n);
      }
      this.counts.address++;
      return `redacted-${n}@${domain}`;
    });
  }
}

/** A whole text (a transcript, a log excerpt) through a fresh LineRedactor, line ends kept. */
export function redactTranscriptText(text: string, options: TextRedactionOptions = {}): string {
  const redactor = new LineRedactor(options);
  return text.split(/(\r?\n)/).map((part, i) => (i % 2 === 1 ? part : redactor.line(part))).join("");
}
