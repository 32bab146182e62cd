/**
 * A socket made of swaks' transcript. smtpilot's own layer code (greeting,
 * EHLO, AUTH, envelope from core/layers) runs on it unchanged: each command
 * it writes is matched with the command swaks sent at that point, and the
 * server's reply that swaks printed is what it reads. So the diagnosis codes,
 * facts and advice come from the same code as the built-in client's, fed
 * with what swaks observed.
 *
 * When smtpilot's code would send something swaks did not (another command,
 * a fallback swaks does not make), the wire records the divergence and
 * closes: what followed is something swaks cannot tell, and the session
 * reports that layer as unknown instead of guessing. Payloads of AUTH
 * exchanges are never compared (nor kept): swaks prints a hidden password.
 */
import { Duplex } from "node:stream";
import type { SwaksEvent } from "./swaks-output.ts";
import type { SwaksRun } from "./swaks-run.ts";

/** What smtpilot's code wanted to send, and what swaks had sent instead (verbs only, never payloads). */
export interface Divergence {
  smtpilot: string;
  swaks: string;
}

/** How swaks' TLS went, as it printed it. */
export type SwaksTls =
  | { outcome: "started"; protocol: string; cipher: string; pem?: string; armed?: string }
  | { outcome: "failed"; reason: string; armed?: string }
  /** swaks did not get to TLS (or did not say): `reason` is its last error line, if any. */
  | { outcome: "none"; reason?: string };

const _TLS_EVENTS = new Set<SwaksEvent["kind"]>(["tls-started", "tls-failed", "peer-dn", "peer-cert"]);
/** How long the courtesy RSET waits for swaks to finish its own QUIT. */
const _COURTESY_MS = 2000;

/** A Duplex that replays one swaks run to smtpilot's SMTP connection. */
export class SwaksWire extends Duplex {
  /** Set when smtpilot's code wanted to send what swaks did not. */
  divergence: Divergence | undefined;
  /**
   * Why the wire closed: the server hung up (`lost`, swaks said so), swaks
   * ended (`exit`: what the server did next is unknown), a courtesy QUIT, or
   * a divergence.
   */
  endedBy: "lost" | "exit" | "quit" | "divergence" | undefined;
  readonly #run: SwaksRun;
  #cursor: number;
  #partial = "";
  readonly #writes: string[] = [];
  #ended = false;
  #auth = false;
  #courtesy = false;
  readonly #off: () => void;

  constructor(run: SwaksRun, cursor: number) {
    super({ allowHalfOpen: false });
    this.#run = run;
    this.#cursor = cursor;
    this.#off = run.onEvent(() => this.#pump());
    queueMicrotask(() => this.#pump());
  }

  /** Index of the next swaks event this wire will look at. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Looks like a net.Socket to the code that asks. */
  get localAddress(): string | undefined {
    return undefined;
  }

  override _read(): void {}

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#partial += typeof chunk === "string" ? chunk : chunk.toString("latin1");
    let nl: number;
    while ((nl = this.#partial.indexOf("\r\n")) !== -1) {
      this.#writes.push(this.#partial.slice(0, nl));
      this.#partial = this.#partial.slice(nl + 2);
    }
    // Bytes that are not a command line (a TLS ClientHello) are nothing swaks could have sent.
    if (this.#partial.length > 0 && /[^\x20-\x7e]/.test(this.#partial)) this.#diverge("(binary data)", "(a command)");
    callback();
    this.#pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#off();
    callback(error);
  }

  /**
   * Moves past swaks' TLS start (the STARTTLS command and its reply, or the
   * implicit handshake) and returns how it went. Waits for swaks to say so,
   * at most `ms`.
   */
  async consumeTls(ms: number): Promise<SwaksTls> {
    const run = this.#run;
    const decided = await run.waitFor((e) => e.kind === "tls-started" || e.kind === "tls-failed", ms, this.#cursor);
    if (decided?.kind === "tls-started") {
      // The certificate follows the "started" line; it is printed before any post-TLS command.
      await run.waitFor((e) => e.kind === "client" || e.kind === "server" || e.kind === "peer-cert", ms, this.#cursor);
    }
    const events = run.events;
    let last = this.#cursor - 1;
    let armed: string | undefined;
    let pem: string | undefined;
    for (let i = this.#cursor; i < events.length; i++) {
      const e = events[i] as SwaksEvent;
      if (e.kind === "guard" && e.text.startsWith("the certificate must be valid for ")) armed = e.text.slice(34);
      if (_TLS_EVENTS.has(e.kind)) last = i;
      if (e.kind === "peer-cert") pem = e.pem;
      // Stop at the first line of the session after TLS.
      if ((e.kind === "client" || e.kind === "server") && e.tls) break;
    }
    if (!decided) {
      const error = events.slice(this.#cursor).reverse().find((e) => e.kind === "error");
      return { outcome: "none", ...(error?.kind === "error" ? { reason: error.text } : {}) };
    }
    this.#cursor = last + 1;
    this.#pump();
    if (decided.kind === "tls-failed") {
      return { outcome: "failed", reason: decided.reason, ...(armed ? { armed } : {}) };
    }
    if (decided.kind !== "tls-started") return { outcome: "none" };
    return {
      outcome: "started",
      protocol: decided.protocol,
      cipher: decided.cipher,
      ...(pem ? { pem } : {}),
      ...(armed ? { armed } : {}),
    };
  }

  #pump(): void {
    const events = this.#run.events;
    while (!this.#ended && !this.#courtesy) {
      const e = events[this.#cursor];
      if (e === undefined) return;
      switch (e.kind) {
        case "server":
          this.push(`${e.line}\r\n`);
          if (this.#auth && /^\d{3} /.test(e.line) && !e.line.startsWith("334")) this.#auth = false;
          this.#cursor++;
          break;
        case "client": {
          const ours = this.#writes[0];
          if (ours === undefined) return;
          if (this.#aligned(ours, e.line)) {
            this.#writes.shift();
            this.#cursor++;
            break;
          }
          this.#writes.shift();
          this.#courtesyOr(ours, e.line);
          return;
        }
        case "timeout":
          // swaks gave up waiting for a reply: nothing more comes from this session.
          return;
        case "lost":
          this.#end("lost");
          return;
        case "exit": {
          // swaks is gone: a command of ours now is one it never sent; a read gets the close.
          const ours = this.#writes.shift();
          if (ours !== undefined) this.#courtesyOr(ours, "(nothing more)");
          else this.#end("exit");
          return;
        }
        default:
          if (_TLS_EVENTS.has(e.kind) || (e.kind === "guard" && e.text.startsWith("the certificate"))) return;
          this.#cursor++;
      }
    }
  }

  /** Same command at the same point: verbs and addresses compared; AUTH payloads never. */
  #aligned(ours: string, theirs: string): boolean {
    if (this.#auth) return true;
    const a = ours.toUpperCase();
    const b = theirs.toUpperCase();
    if (a.startsWith("AUTH ")) {
      const same = a.split(" ").slice(0, 2).join(" ") === b.split(" ").slice(0, 2).join(" ");
      this.#auth = same;
      return same;
    }
    const mail = /^(MAIL FROM:<[^>]*>)/;
    if (mail.test(a)) return mail.exec(a)?.[1] === mail.exec(b)?.[1];
    return a === b;
  }

  /**
   * smtpilot's code sent what swaks did not. A QUIT or RSET is the built-in
   * client's courtesy at the end of a step and changes no verdict: answered
   * from what swaks saw (the connection stays, or the server had hung up).
   * Anything else is a divergence.
   */
  #courtesyOr(ours: string, theirs: string): void {
    const verb = ours.split(" ")[0]?.toUpperCase();
    if (verb === "QUIT") return this.#end("quit");
    if (verb !== "RSET") return this.#diverge(ours, theirs);
    this.#courtesy = true;
    void this.#run.waitFor((e) => e.kind === "exit", _COURTESY_MS).then(() => {
      const rest = this.#run.events.slice(this.#cursor);
      if (rest.some((e) => e.kind === "lost")) this.#end("lost");
      else if (!this.#ended) this.push("250 2.0.0 Ok\r\n");
    });
  }

  #diverge(ours: string, theirs: string): void {
    if (this.#ended) return;
    this.divergence ??= { smtpilot: _verb(ours), swaks: _verb(theirs) };
    this.#end("divergence");
  }

  #end(why: NonNullable<SwaksWire["endedBy"]>): void {
    if (this.#ended) return;
    this.#ended = true;
    this.endedBy = why;
    this.push(null);
  }
}

/** The command without its arguments' secrets: the verb (two words for AUTH and MAIL/RCPT). */
function _verb(line: string): string {
  const words = line.split(" ");
  const first = (words[0] ?? "").toUpperCase();
  if (first === "AUTH" || first === "MAIL" || first === "RCPT") return words.slice(0, 2).join(" ").slice(0, 80);
  return line.startsWith("(") ? line : first.slice(0, 40);
}
