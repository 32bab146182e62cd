/**
 * Reads swaks' transcript: every line swaks prints starts with a
 * four-character hint that says who spoke (`<-  ` server, ` -> ` client,
 * `~` once TLS is on, `*` when swaks judged it an error, `=== ` information,
 * `*** ` a program error). This turns one line into a typed event; nothing
 * here trusts the text beyond its prefix.
 */

/** One thing swaks reported, in the order it printed them. */
export type SwaksEvent =
  /** A line the server sent (`<-`, `<~`, `<**`, `<~*`). `tls` when it came over TLS. */
  | { kind: "server"; line: string; tls: boolean }
  /** A line swaks sent (`->`, `~>`, `**>`, `*~>`); AUTH payloads are swaks' (hidden-password) versions. */
  | { kind: "client"; line: string; tls: boolean }
  | { kind: "trying"; target: string }
  | { kind: "connected" }
  /** `Error connecting to …` with the socket library's reason on the next line. */
  | { kind: "connect-error"; reason: string }
  | { kind: "tls-started"; protocol: string; cipher: string }
  | { kind: "tls-failed"; reason: string }
  | { kind: "peer-dn"; dn: string }
  /** The peer certificate swaks printed (`--tls-get-peer-cert`), PEM. */
  | { kind: "peer-cert"; pem: string }
  /** swaks waited its whole --timeout for a complete reply. */
  | { kind: "timeout"; seconds: number }
  /** The server closed the connection while swaks expected more. */
  | { kind: "lost" }
  /** smtpilot's guard module: loaded, or armed with the name the certificate must match. */
  | { kind: "guard"; text: string }
  | { kind: "info"; text: string }
  | { kind: "error"; text: string }
  | { kind: "exit"; code: number | null; signal: string | null };

const _TIMEOUT = /^Timeout \((\d+) secs\) waiting for server response$/;

/**
 * Parses swaks' output line by line. Keeps the small state the format needs:
 * a PEM block spans lines, and a connection error's reason is on the line
 * after it.
 */
export class SwaksOutputParser {
  #pem: string[] | undefined;
  #connectError = false;

  /** The events one printed line stands for (usually one, none inside a PEM block). */
  push(raw: string): SwaksEvent[] {
    // swaks prompts "Password: " without a newline; the next line starts after it.
    const line = raw.replace(/^(?:Password: |Username: )+/, "");
    const hint = line.slice(0, 4);
    const text = line.slice(4);
    if (this.#pem) {
      if (hint !== "=== ") {
        this.#pem = undefined;
      } else {
        this.#pem.push(text);
        if (text !== "-----END CERTIFICATE-----") return [];
        const pem = this.#pem.join("\n");
        this.#pem = undefined;
        return [{ kind: "peer-cert", pem }];
      }
    }
    if (this.#connectError && hint === "*** ") {
      this.#connectError = false;
      return [{ kind: "connect-error", reason: text.trim() }];
    }
    this.#connectError = false;
    switch (hint) {
      case "<-  ":
      case "<~  ":
      case "<** ":
      case "<~* ": {
        const m = _TIMEOUT.exec(text);
        if (m) return [{ kind: "timeout", seconds: Number(m[1]) }];
        return [{ kind: "server", line: text, tls: hint[1] === "~" }];
      }
      case " -> ":
      case " ~> ":
      case "**> ":
      case "*~> ":
        return [{ kind: "client", line: text, tls: hint.includes("~") }];
      case "=== ":
        return this.#info(text);
      case "*** ":
        return this.#error(text);
      default:
        return line.trim() === "" ? [] : [{ kind: "info", text: line }];
    }
  }

  #info(text: string): SwaksEvent[] {
    if (text === "-----BEGIN CERTIFICATE-----") {
      this.#pem = [text];
      return [];
    }
    if (text.startsWith("smtpilot: ")) return [{ kind: "guard", text: text.slice(10) }];
    const trying = /^Trying (.+)\.\.\.$/.exec(text);
    if (trying) return [{ kind: "trying", target: trying[1] ?? "" }];
    if (/^Connected to .*\.$/.test(text)) return [{ kind: "connected" }];
    // "TLS started with cipher TLSv1.3:TLS_AES_256_GCM_SHA384:256"
    const started = /^TLS started with cipher ([^:]+):([^:]+)(?::\d+)?$/.exec(text);
    if (started) return [{ kind: "tls-started", protocol: started[1] ?? "", cipher: started[2] ?? "" }];
    const dn = /^TLS peer DN="(.*)"$/.exec(text);
    if (dn) return [{ kind: "peer-dn", dn: dn[1] ?? "" }];
    return [{ kind: "info", text }];
  }

  #error(text: string): SwaksEvent[] {
    if (/^Error connecting/.test(text)) {
      this.#connectError = true;
      return [{ kind: "error", text }];
    }
    const tls = /^TLS startup failed \((.*)\)$/.exec(text);
    if (tls) return [{ kind: "tls-failed", reason: tls[1] ?? "" }];
    if (/closed connection unexpectedly/.test(text)) return [{ kind: "lost" }];
    return [{ kind: "error", text }];
  }
}

/**
 * The errno code a socket library's connect message stands for (Perl's
 * IO::Socket says "Connection refused", "Connection timed out"…), or
 * undefined for a message smtpilot does not know: the tcp layer then says
 * it cannot tell instead of guessing.
 */
export function connectErrorCode(reason: string): string | undefined {
  const table: [RegExp, string][] = [
    [/Connection refused/i, "ECONNREFUSED"],
    [/timed? ?out/i, "ETIMEDOUT"],
    [/No route to host/i, "EHOSTUNREACH"],
    [/Network is unreachable/i, "ENETUNREACH"],
    [/Cannot assign requested address/i, "EADDRNOTAVAIL"],
    [/Network is down/i, "ENETDOWN"],
    [/Host is down/i, "EHOSTDOWN"],
  ];
  return table.find(([pattern]) => pattern.test(reason))?.[1];
}

/**
 * The short OpenSSL reason in swaks' TLS failure text, upper-cased like
 * Node's codes: "connect(): error:0A000086:SSL routines::certificate verify
 * failed" → "CERTIFICATE_VERIFY_FAILED".
 */
export function tlsFailureCode(reason: string): string {
  const m = /error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:)]+)/.exec(reason);
  const text = (m?.[1] ?? reason).trim();
  return text.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_|_$/g, "") || "UNKNOWN";
}
