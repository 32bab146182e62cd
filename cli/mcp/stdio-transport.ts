/**
 * The MCP stdio transport with bounds: one JSON-RPC message per line, as the
 * protocol says, but a line longer than MAX_REQUEST_BYTES is skipped (never
 * buffered whole), a message nested deeper than MAX_JSON_DEPTH is never
 * handed to JSON.parse, and a line that is not JSON or not JSON-RPC gets its
 * JSON-RPC error — and the session goes on serving the next line. What it
 * writes is escaped by jsonSafe. (The SDK's
 * StdioServerTransport ends the session on an oversized line and parses
 * whatever depth arrives.)
 */
import process from "node:process";
import { jsonSafe } from "../../core/printable.ts";
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/types.d.ts"
import { ErrorCode, type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/shared/transport.d.ts"
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";

/** Longest line (one JSON-RPC message) the server reads: pasted content is 1 MiB of text at most. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/** Deepest nesting of arrays and objects a message may have (tool inputs need 4). */
export const MAX_JSON_DEPTH = 64;

/** Bytes kept from the start and end of a skipped line, to find the request's id for the error. */
const _EDGE = 512;

const _NL = 0x0a;

/** A JSON-RPC message id as it may appear in the raw text: a number or a short string. */
const _ID = String.raw`(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")`;
/** `{"id": X` or `{"jsonrpc": "2.0", "id": X` at the very start: the top-level id. */
const _HEAD_ID = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${_ID}\s*[,}]`);
/** `, "id": X}` at the very end: the top-level id as the SDK's clients write it (last). */
const _TAIL_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${_ID}\s*\}\s*$`);

/** Reads and writes MCP messages on stdin/stdout, one bounded line each. */
export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #stdin: NodeJS.ReadableStream;
  readonly #stdout: NodeJS.WritableStream;
  readonly #maxBytes: number;
  /** The current line's chunks, while it is within the bound. */
  #parts: Buffer[] = [];
  #size = 0;
  /** Set while skipping a line over the bound: its first and (rolling) last bytes. */
  #skipped?: { head: Buffer; tail: Buffer; size: number };
  #closed = false;

  constructor(
    stdin: NodeJS.ReadableStream = process.stdin,
    stdout: NodeJS.WritableStream = process.stdout,
    maxBytes = MAX_REQUEST_BYTES,
  ) {
    this.#stdin = stdin;
    this.#stdout = stdout;
    this.#maxBytes = maxBytes;
  }

  #onData = (chunk: Buffer | string) => {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let from = 0;
    while (from < buf.length) {
      const nl = buf.indexOf(_NL, from);
      const end = nl === -1 ? buf.length : nl;
      this.#take(buf.subarray(from, end));
      if (nl === -1) break;
      this.#endLine();
      from = nl + 1;
    }
  };

  #onEnd = () => void this.close();
  #onError = (error: Error) => this.onerror?.(error);

  /** Starts reading stdin. */
  start(): Promise<void> {
    this.#stdin.on("data", this.#onData);
    this.#stdin.on("end", this.#onEnd);
    this.#stdin.on("error", this.#onError);
    return Promise.resolve();
  }

  /**
   * Writes one message as one line; resolves once stdout took it. The line
   * goes through jsonSafe, as every --json output does: bidi, C1 and
   * invisible characters in any string (a structured result, a memory file,
   * a log message) are written as \u escapes, so a log or terminal showing
   * the stream cannot be reordered, and the parsed message is unchanged.
   */
  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stdout.write(`${jsonSafe(JSON.stringify(message))}\n`)) resolve();
      else this.#stdout.once("drain", () => resolve());
    });
  }

  /** Stops reading; the session is over. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#stdin.off("data", this.#onData);
    this.#stdin.off("end", this.#onEnd);
    this.#stdin.off("error", this.#onError);
    this.#parts = [];
    this.#skipped = undefined;
    this.onclose?.();
    return Promise.resolve();
  }

  /** Adds bytes of the current line, switching to skipping once it is over the bound. */
  #take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#skipped) {
      const s = this.#skipped;
      s.size += bytes.length;
      s.tail = Buffer.concat([s.tail, bytes]).subarray(-_EDGE);
      return;
    }
    if (this.#size + bytes.length <= this.#maxBytes) {
      this.#parts.push(Buffer.from(bytes)); // a copy: the chunk's memory is the stream's
      this.#size += bytes.length;
      return;
    }
    const all = Buffer.concat([...this.#parts, bytes]);
    this.#skipped = { head: all.subarray(0, _EDGE), tail: all.subarray(-_EDGE), size: all.length };
    this.#parts = [];
    this.#size = 0;
  }

  /** A whole line arrived: refuse it, or hand its message to the server. */
  #endLine(): void {
    if (this.#skipped) {
      const s = this.#skipped;
      this.#skipped = undefined;
      const id = _idFrom(s.head.toString("latin1"), s.tail.toString("latin1"));
      return this.#refuse(
        ErrorCode.InvalidRequest,
        `Request too large: more than ${this.#maxBytes} bytes on one line; nothing was read from it`,
        id,
      );
    }
    const line = Buffer.concat(this.#parts).toString("utf8").replace(/\r$/, "");
    this.#parts = [];
    this.#size = 0;
    if (line.trim() === "") return;
    const deep = _depthOver(line, MAX_JSON_DEPTH);
    if (deep) {
      const id = _idFrom(line.slice(0, _EDGE), line.slice(-_EDGE));
      return this.#refuse(ErrorCode.InvalidRequest, `Request nested deeper than ${MAX_JSON_DEPTH} levels`, id);
    }
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      return this.#refuse(ErrorCode.ParseError, "Parse error: the line is not JSON");
    }
    const parsed = JSONRPCMessageSchema.safeParse(data);
    if (!parsed.success) {
      const id = (data as { id?: unknown } | null)?.id;
      return this.#refuse(
        ErrorCode.InvalidRequest,
        "Invalid request: not a JSON-RPC 2.0 message",
        typeof id === "string" || typeof id === "number" ? id : undefined,
      );
    }
    try {
      this.onmessage?.(parsed.data);
    } catch (err) {
      this.onerror?.(err as Error);
    }
  }

  #refuse(code: number, message: string, id?: string | number): void {
    void this.send({ jsonrpc: "2.0", ...(id !== undefined ? { id } : {}), error: { code, message } } as JSONRPCMessage);
  }
}

/** The top-level id of a message known only by its first and last bytes, if it can be told for sure. */
function _idFrom(head: string, tail: string): string | number | undefined {
  const raw = _HEAD_ID.exec(head)?.[1] ?? _TAIL_ID.exec(tail)?.[1];
  if (raw === undefined) return undefined;
  try {
    const id = JSON.parse(raw) as unknown;
    return typeof id === "number" || typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/** True when arrays and objects nest deeper than `max` (strings skipped); linear, no recursion. */
function _depthOver(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
