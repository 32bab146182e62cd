/**
 * One SMTP conversation over a socket that may be upgraded to TLS midway.
 * It reads replies with a deadline, writes commands, and turns every way a
 * server can misbehave (silence, a close, bytes that are not SMTP) into a
 * typed `SmtpFailure` the layers translate into diagnosis codes.
 */
import type net from "node:net";
import { type ProtocolViolation, ReplyParser } from "./reply-parser.ts";
import type { SmtpReply } from "./reply.ts";
import type { Transcript } from "./transcript.ts";
import { monotonicMs } from "../timing.ts";

/** More queued replies than any exchange of ours can produce. */
const _MAX_QUEUED = 8;

/** How reading a reply can fail. */
export type SmtpFailure =
  | { kind: "timeout"; waitedMs: number; partial: string }
  | { kind: "closed"; midReply: boolean; partial: string }
  | { kind: "protocol"; violation: ProtocolViolation }
  | { kind: "socket"; code: string; message: string };

/** Rejection value of `readReply`: carries the failure, never a raw socket error. */
export class SmtpReadError extends Error {
  readonly failure: SmtpFailure;
  constructor(failure: SmtpFailure) {
    super(`SMTP read failed: ${failure.kind}`);
    this.failure = failure;
  }
}

/**
 * Command lines as they go on the wire, each ended by CRLF; throws
 * `E_SMTP_INJECTION` for a line holding a CR or LF, which would smuggle
 * extra commands (DATA…) onto the wire.
 */
export function commandText(lines: readonly string[]): string {
  let text = "";
  for (const line of lines) {
    assertCommandLine(line);
    text += `${line}\r\n`;
  }
  return text;
}

/**
 * Throws `E_SMTP_INJECTION` when `text` (a command line, or a value put into one) holds a CR, an LF
 * or a NUL (which some servers take as a line's end: RFC 5321 allows none of them in a command).
 */
export function assertCommandLine(text: string): void {
  if (/[\r\n\0]/.test(text)) {
    throw Object.assign(new Error("Refusing to send a command containing CR, LF or NUL"), { code: "E_SMTP_INJECTION" });
  }
}

/** The command lines of `text` (each ended by CRLF), without their line ends. */
export function commandLines(text: string): string[] {
  return text.split("\r\n").slice(0, -1);
}

/** A readReply waiting: how to settle it, and its deadline. */
interface _Waiter {
  resolve(reply: SmtpReply): void;
  reject(err: SmtpReadError): void;
  deadline: number;
  timeoutMs: number;
}

/** The SMTP client's connection: replies in, commands out, transcript kept. */
export class SmtpConnection {
  #socket: net.Socket;
  #parser: ReplyParser;
  #queue: SmtpReply[] = [];
  /** The readReply waiting for a reply, settled by #wake as soon as the connection has its answer. */
  #waiter: _Waiter | undefined;
  /**
   * The deadline timer of readReply, kept from one wait to the next (a
   * pipelined send waits thousands of times a second): re-armed only when a
   * wait needs an earlier deadline, held (ref) only while someone waits.
   */
  #timer: NodeJS.Timeout | undefined;
  #timerDue = Infinity;
  #closed = false;
  #socketError: { code: string; message: string } | undefined;
  #unsolicited: ProtocolViolation | undefined;
  #gotBytes = false;
  #activity: Promise<"bytes" | "closed">;
  #markActivity!: (what: "bytes" | "closed") => void;
  readonly transcript: Transcript;

  constructor(socket: net.Socket, transcript: Transcript) {
    this.transcript = transcript;
    this.#parser = new ReplyParser(transcript.redact);
    this.#activity = new Promise((resolve) => (this.#markActivity = resolve));
    this.#socket = socket;
    this.#attach(socket);
  }

  /** The socket in use (a TLSSocket after an upgrade). */
  get socket(): net.Socket {
    return this.#socket;
  }

  /** True once the server closed or the socket failed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Resolves with "bytes" when the server sends its first byte, or "closed"
   * when it closes first: tells a speak-first SMTP server from a silent port.
   */
  get activity(): Promise<"bytes" | "closed"> {
    return this.#activity;
  }

  /** True once any byte arrived. */
  get gotBytes(): boolean {
    return this.#gotBytes;
  }

  /** Bytes received that do not form a line yet, printable (for sniffing a non-SMTP peer). */
  get pendingText(): string {
    return this.#parser.pendingText;
  }

  /**
   * Stops reading from the current socket and hands it out (for a TLS
   * upgrade). Buffered, unread replies at this point would be a STARTTLS
   * injection attempt, so they are discarded by the caller's choice of time.
   */
  detach(): net.Socket {
    this.#socket.removeAllListeners("data");
    this.#socket.removeAllListeners("close");
    this.#socket.removeAllListeners("error");
    // Keep a no-op listener: an error after detach must not crash the process.
    this.#socket.on("error", () => {});
    return this.#socket;
  }

  /** Continues the conversation on an upgraded socket with a fresh parser. */
  attach(socket: net.Socket): void {
    this.#socket = socket;
    this.#parser = new ReplyParser(this.transcript.redact);
    this.#queue = [];
    this.#closed = false;
    this.#unsolicited = undefined;
    this.#attach(socket);
  }

  /** Writes one command line; `shown` is what the transcript records instead (redaction). */
  send(line: string, shown: string = line): void {
    // One command per line, always: a CR or LF here would smuggle extra commands (DATA…) onto the wire.
    assertCommandLine(line);
    // This client never pipelines: a reply already waiting now answers nothing we asked.
    // Taking it as the answer to this command would report a rejection (or a 250) that never happened.
    // Except 421: RFC 5321 §3.8 lets a server announce its shutdown at any time, and that notice
    // is the truthful answer to whatever we send next.
    const stale = this.#queue[0];
    if (stale && stale.code !== 421) this.#markUnsolicited(stale);
    this.transcript.add("C", shown);
    if (!this.#closed) this.#socket.write(`${line}\r\n`);
  }

  /**
   * Writes several command lines in one write (PIPELINING, RFC 2920): their
   * replies are then read in order with readReply. Only for servers that
   * advertise PIPELINING, and only for the commands RFC 2920 allows in a group.
   */
  sendBatch(lines: readonly string[]): void {
    const text = commandText(lines);
    const stale = this.#queue[0];
    if (stale && stale.code !== 421) this.#markUnsolicited(stale);
    this.record("C", lines);
    if (!this.#closed) this.#socket.write(text);
  }

  /** Adds `lines` to the transcript (counted once it is full: transcript.ts recording). */
  record(dir: "C" | "S", lines: readonly string[]): void {
    if (this.transcript.recording) this.#recordLines(dir, lines);
    else this.transcript.drop(lines.length);
  }

  /** record's lines one by one: apart, so the code a send runs thousands of times a second stays small. */
  #recordLines(dir: "C" | "S", lines: readonly string[]): void {
    for (const line of lines) this.transcript.add(dir, line);
  }

  /**
   * Adds the `count` command lines of `text` (commandText's form) to the
   * transcript: split into lines only while it records.
   */
  recordCommands(text: string, count: number): void {
    if (this.transcript.recording) this.#recordLines("C", commandLines(text));
    else this.transcript.drop(count);
  }

  /**
   * Writes bytes that are not a command — a dot-stuffed message after 354 —
   * recording only `shown` in the transcript (never the content).
   */
  sendRaw(bytes: Buffer, shown: string): void {
    if (this.transcript.recording) this.transcript.add("C", shown);
    else this.transcript.drop(1);
    if (!this.#closed) this.#socket.write(bytes);
  }

  /**
   * The next reply when it has already arrived, without waiting (a pipelined
   * sender reads a group's replies this way: they come in one segment);
   * undefined when none is queued yet — then readReply waits for it and
   * reports a closed or failed connection. A reply nobody asked for throws
   * as in readReply.
   */
  takeReply(): SmtpReply | undefined {
    if (this.#unsolicited) throw new SmtpReadError({ kind: "protocol", violation: this.#unsolicited });
    return this.#queue.shift();
  }

  /**
   * Reads the next complete reply, failing after `timeoutMs` without one.
   * One promise a wait, settled from the socket's events (#wake): a
   * pipelined send waits thousands of times a second.
   */
  readReply(timeoutMs: number): Promise<SmtpReply> {
    if (this.#waiter) return Promise.reject(new Error("Concurrent readReply calls on one SMTP connection"));
    const now = monotonicMs();
    const deadline = now + timeoutMs;
    const got = this.#answer(deadline, timeoutMs, now);
    if (got !== undefined) return got instanceof SmtpReadError ? Promise.reject(got) : Promise.resolve(got);
    return new Promise<SmtpReply>((resolve, reject) => {
      this.#waiter = { resolve, reject, deadline, timeoutMs };
      this.#armTimer(deadline, deadline - now);
    });
  }

  /**
   * What a wait with this deadline gets now: the next reply, the error that
   * ends it, or undefined while it must wait on. `now` only when known (the
   * clock is read only when nothing else decides).
   */
  #answer(deadline: number, timeoutMs: number, now?: number): SmtpReply | SmtpReadError | undefined {
    if (this.#unsolicited) return new SmtpReadError({ kind: "protocol", violation: this.#unsolicited });
    const reply = this.#queue.shift();
    if (reply) return reply;
    const v = this.#parser.violation;
    if (v) return new SmtpReadError({ kind: "protocol", violation: v });
    if (this.#socketError) return new SmtpReadError({ kind: "socket", ...this.#socketError });
    if (this.#closed) {
      return new SmtpReadError({ kind: "closed", midReply: this.#parser.midReply, partial: this.#parser.pendingText });
    }
    if (deadline - (now ?? monotonicMs()) <= 0) {
      return new SmtpReadError({ kind: "timeout", waitedMs: Math.round(timeoutMs), partial: this.#parser.pendingText });
    }
    return undefined;
  }

  /** Sends a command and reads its reply. */
  async command(line: string, timeoutMs: number, shown?: string): Promise<SmtpReply> {
    this.send(line, shown);
    return await this.readReply(timeoutMs);
  }

  /** Says QUIT politely if possible and closes the socket without waiting long. */
  async quit(timeoutMs = 1000): Promise<void> {
    if (!this.#closed) {
      try {
        await this.command("QUIT", timeoutMs);
      } catch {
        // A server that does not answer QUIT changes nothing in the verdict.
      }
    }
    this.destroy();
  }

  /** Closes the socket now. */
  destroy(): void {
    this.#closed = true;
    this.#clearTimer();
    this.#socket.destroy();
  }

  /** Makes the deadline timer wake the waiter at `deadline` at the latest (`left` ms from now), and hold the process till then. */
  #armTimer(deadline: number, left: number): void {
    if (this.#timer === undefined || this.#timerDue > deadline) {
      this.#clearTimer();
      this.#timerDue = deadline;
      this.#timer = setTimeout(() => {
        // A timer due before the waiter's deadline (set for an earlier, shorter wait) wakes it to re-arm.
        this.#timer = undefined;
        this.#timerDue = Infinity;
        this.#wake();
      }, left);
    } else {
      this.#timer.ref();
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
  }

  #attach(socket: net.Socket): void {
    socket.on("data", (chunk: Buffer) => {
      if (!this.#gotBytes) {
        this.#gotBytes = true;
        this.#markActivity("bytes");
      }
      for (const reply of this.#parser.push(chunk)) {
        this.record("S", reply.raw);
        this.#queue.push(reply);
      }
      // A flood of replies nobody asked for is a violation; stop buffering them.
      if (this.#queue.length > _MAX_QUEUED && !this.#unsolicited) {
        this.#markUnsolicited(this.#queue[0]);
        this.#queue.length = 0;
        socket.destroy();
      }
      // A violating or endless peer gets no more of our memory: stop reading.
      if (this.#parser.violation) socket.destroy();
      this.#wake();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      this.#socketError = { code: err.code ?? "EUNKNOWN", message: err.message };
      this.#wake();
    });
    socket.on("close", () => {
      if (!this.#closed) this.transcript.add("*", "connection closed");
      this.#closed = true;
      this.#clearTimer(); // a waiter wakes just below and reports the close
      this.#markActivity("closed");
      this.#wake();
    });
  }

  /** Records the first reply nobody asked for; the next read reports it as a protocol violation. */
  #markUnsolicited(reply: SmtpReply | undefined): void {
    this.#unsolicited ??= { kind: "unsolicited-reply", line: reply?.raw[0] ?? "", first: false };
  }

  /** Settles the waiting readReply when the connection now has its answer; else re-arms its deadline. */
  #wake(): void {
    const w = this.#waiter;
    if (w === undefined) return;
    const got = this.#answer(w.deadline, w.timeoutMs);
    if (got === undefined) {
      // Woken early (a timer set for an earlier, shorter wait, or bytes that completed no reply): wait on.
      this.#armTimer(w.deadline, w.deadline - monotonicMs());
      return;
    }
    this.#waiter = undefined;
    this.#timer?.unref();
    if (got instanceof SmtpReadError) w.reject(got);
    else w.resolve(got);
  }
}
