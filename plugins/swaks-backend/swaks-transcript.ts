/**
 * The report's transcript for a swaks session: what swaks sent and received,
 * its own remarks, and smtpilot's notes about its side connections, in the
 * order they happened. Every line passes the shared line redactor (the
 * secret in every form, AUTH payloads and the SASL responses after a 334)
 * before it is kept, so swaks' base64 AUTH lines never reach the report.
 */
import { LineRedactor, makeRedactor } from "../../core/redact.ts";
import { Transcript, type TranscriptDirection } from "../../core/smtp/transcript.ts";
import type { SwaksEvent } from "./swaks-output.ts";
import { swaksExitStage } from "./swaks-unknown.ts";

/** The transcript of the report, fed by swaks' events and smtpilot's notes. */
export class SwaksTranscript {
  readonly transcript: Transcript;
  readonly #lines: LineRedactor;

  constructor(now: () => number, secret: string | undefined) {
    this.#lines = new LineRedactor({ secrets: [secret] });
    this.transcript = new Transcript(now, (text) => this.#lines.line(text));
  }

  /** Records one swaks event (the peer certificate's PEM and the guard's load line are left out). */
  event(e: SwaksEvent, run: number): void {
    const tag = run > 1 ? `swaks (session ${run})` : "swaks";
    const add = (dir: TranscriptDirection, text: string) => this.transcript.add(dir, text);
    switch (e.kind) {
      case "server":
        return add("S", e.line);
      case "client":
        return add("C", e.line);
      case "trying":
        return add("*", `${tag}: trying ${e.target}`);
      case "connected":
        return add("*", `${tag}: connected`);
      case "connect-error":
        return add("*", `${tag}: could not connect: ${e.reason}`);
      case "tls-started":
        return add("*", `${tag}: TLS started, ${e.protocol} ${e.cipher}`);
      case "tls-failed":
        return add("*", `${tag}: TLS failed (${e.reason})`);
      case "peer-dn":
        return add("*", `${tag}: server certificate ${e.dn}`);
      case "peer-cert":
        return;
      case "timeout":
        return add("*", `${tag}: no complete reply within its ${e.seconds} s timeout`);
      case "lost":
        return add("*", `${tag}: the server closed the connection`);
      case "guard":
        if (e.text === "guard loaded") return;
        return add("*", `${tag}: smtpilot's guard: ${e.text}`);
      case "info":
      case "error":
        return add("*", `${tag}: ${e.text}`);
      case "exit":
        return add("*", `${tag} exited with ${e.code ?? e.signal} (${swaksExitStage(e.code, e.signal)})`);
    }
  }

  /** A note of smtpilot's (side connections, decisions). */
  note(text: string): void {
    this.transcript.add("*", text);
  }
}

/**
 * The transcript handed to smtpilot's own layer code while it reads swaks'
 * session: its notes (side probes, detections) go to the report, its copies
 * of the C/S lines are dropped (the report has swaks' own).
 */
export class NotesOnly extends Transcript {
  readonly #to: SwaksTranscript;

  /** `secret` is removed from what the layer code shows of replies (as the built-in client does). */
  constructor(now: () => number, to: SwaksTranscript, secret: string | undefined) {
    super(now, makeRedactor([secret]));
    this.#to = to;
  }

  override add(dir: TranscriptDirection, text: string): void {
    if (dir === "*") this.#to.note(text);
  }
}
