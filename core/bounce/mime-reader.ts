/**
 * A streaming, bounded MIME reader for bounce messages. Lines go in one at a
 * time (from a file, stdin or an mbox splitter); out comes a tree of
 * MimePart. Only what a bounce reader needs is kept: every header block (to
 * a ceiling), and the first bytes of text parts, delivery-status and
 * feedback-report parts and returned headers. Attachments are counted and
 * dropped as they stream past, so a 200 MB bounce costs a few hundred KiB;
 * header fields count against the same per-message budget as bodies, each
 * with the cost of the object that holds it.
 *
 * Broken MIME is read as well as it can be: a missing closing boundary ends
 * with the input, an outer boundary closes inner parts, a multipart without
 * a boundary is read as text, and nesting stops at MAX_DEPTH.
 */
import { type HeaderField, type MimePart, parseContentType } from "./mime-part.ts";

/** Most bytes of one header block kept. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Most bytes of one part's body kept. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Most bytes kept for one whole message, all parts together. */
export const MAX_MESSAGE_KEEP = 2 * 1024 * 1024;
/** Deepest nesting of multiparts and enclosed messages followed. */
export const MAX_DEPTH = 8;
/** Most parts recorded per message. */
export const MAX_PARTS = 512;
/** Most header fields kept per part. */
export const MAX_FIELDS = 1000;
/**
 * What one kept field costs against MAX_MESSAGE_KEEP beyond its bytes: the
 * object holding it. Without it, 52 MB of three-byte fields spread over many
 * parts would stay under every byte limit and still take half a gigabyte.
 */
const _FIELD_COST = 64;

const _STRUCTURAL = new Set(["content-type", "content-transfer-encoding"]);

const _KEPT_TYPES =
  /^(?:text\/|message\/(?:delivery-status|global-delivery-status|feedback-report|disposition-notification|rfc822-headers|global-headers)$)/;

interface _Frame {
  part: MimePart;
  state: "headers" | "body";
  /** Header lines of the current field being unfolded. */
  pendingHeader: string;
  headerBytes: number;
  /** For multipart: its boundary; set once headers are done. */
  boundary?: string;
  /** For multipart: true after the closing boundary (epilogue follows). */
  closed?: boolean;
  keep: boolean;
}

/** Feeds lines of one message; `finish()` returns its root part. */
export class MimeReader {
  readonly #stack: _Frame[] = [];
  readonly #root: MimePart;
  #parts = 1;
  #kept = 0;

  constructor() {
    this.#root = _newPart(0);
    this.#stack.push({ part: this.#root, state: "headers", pendingHeader: "", headerBytes: 0, keep: false });
  }

  /** Adds one line (binary string, no line end). */
  line(line: string): void {
    // A boundary line of any open multipart closes everything inside it.
    if (line.startsWith("--")) {
      for (let i = this.#stack.length - 1; i >= 0; i--) {
        const frame = this.#stack[i]!;
        if (frame.boundary === undefined || frame.closed) continue;
        const b = frame.boundary;
        if (line.startsWith(b, 2)) {
          const rest = line.slice(2 + b.length);
          const isClose = rest.startsWith("--");
          if (rest.trim() !== "" && !isClose) continue;
          this.#unwindTo(i);
          if (isClose) frame.closed = true;
          else this.#openChild(frame);
          return;
        }
      }
    }
    const top = this.#stack[this.#stack.length - 1]!;
    if (top.state === "headers") this.#headerLine(top, line);
    else this.#bodyLine(top, line);
  }

  /** Ends the message and returns the tree. */
  finish(): MimePart {
    this.#unwindTo(0);
    const root = this.#stack[0]!;
    if (root.state === "headers") this.#endHeaders(root);
    return this.#root;
  }

  #unwindTo(index: number): void {
    while (this.#stack.length - 1 > index) {
      const frame = this.#stack.pop()!;
      if (frame.state === "headers") this.#endHeaders(frame, false);
    }
  }

  #openChild(parent: _Frame): void {
    if (this.#parts >= MAX_PARTS || parent.part.depth >= MAX_DEPTH) {
      // Too many parts: read the rest of this multipart as ignored body.
      parent.closed = true;
      return;
    }
    const child = _newPart(parent.part.depth + 1);
    if (parent.part.type === "multipart/digest") child.type = "message/rfc822";
    parent.part.children.push(child);
    this.#parts++;
    this.#stack.push({ part: child, state: "headers", pendingHeader: "", headerBytes: 0, keep: false });
  }

  #headerLine(frame: _Frame, line: string): void {
    if (
      line === "" ||
      (frame.headerBytes === 0 && frame.pendingHeader === "" && !/^[\x21-\x39\x3b-\x7e]+:/.test(line) &&
        !/^From /.test(line))
    ) {
      // A blank line ends the header block; so does a first line that is no header (a body without headers).
      const headerless = line !== "";
      this.#endHeaders(frame);
      if (headerless) this.#bodyLine(frame, line);
      return;
    }
    if (/^[ \t]/.test(line)) {
      if (frame.pendingHeader !== "") frame.pendingHeader += ` ${line.trim()}`;
    } else {
      this.#flushHeader(frame);
      frame.pendingHeader = line;
    }
    frame.headerBytes += line.length + 1;
    if (frame.headerBytes > MAX_HEADER_BYTES) frame.pendingHeader = "";
  }

  #flushHeader(frame: _Frame): void {
    const raw = frame.pendingHeader;
    frame.pendingHeader = "";
    if (raw === "" || frame.headerBytes > MAX_HEADER_BYTES) return;
    const colon = raw.indexOf(":");
    if (colon <= 0) return;
    const name = raw.slice(0, colon).trim().toLowerCase();
    const cost = raw.length + _FIELD_COST;
    if (frame.part.headers.length >= MAX_FIELDS || this.#kept + cost > MAX_MESSAGE_KEEP) {
      // Over budget, a part still keeps what its structure needs (one short field each, MAX_PARTS at most).
      if (!_STRUCTURAL.has(name) || frame.part.headers.some((h) => h.name === name)) return;
      frame.part.headers.push({ name, value: raw.slice(colon + 1, colon + 1 + 1024).trim() });
      return;
    }
    this.#kept += cost;
    const field: HeaderField = { name, value: raw.slice(colon + 1).trim() };
    frame.part.headers.push(field);
  }

  #endHeaders(frame: _Frame, bodyFollows = true): void {
    this.#flushHeader(frame);
    frame.state = "body";
    const part = frame.part;
    const ct = part.headers.find((h) => h.name === "content-type")?.value;
    if (ct !== undefined || part.type !== "message/rfc822") {
      const parsed = parseContentType(ct);
      part.type = parsed.type;
      part.params = parsed.params;
    }
    if (part.type.startsWith("multipart/") && part.params.boundary && part.depth < MAX_DEPTH) {
      frame.boundary = part.params.boundary;
    } else if (part.type.startsWith("multipart/")) {
      part.type = "text/plain";
    }
    if (bodyFollows && _isEnclosedMessage(part.type) && part.depth < MAX_DEPTH && this.#parts < MAX_PARTS) {
      const child = _newPart(part.depth + 1);
      part.children.push(child);
      this.#parts++;
      this.#stack.push({ part: child, state: "headers", pendingHeader: "", headerBytes: 0, keep: false });
      return;
    }
    frame.keep = frame.boundary === undefined && _KEPT_TYPES.test(part.type);
  }

  #bodyLine(frame: _Frame, line: string): void {
    const part = frame.part;
    part.bytes += line.length + 1;
    if (!frame.keep) {
      part.truncated = part.truncated || frame.boundary === undefined;
      return;
    }
    if (part.body.length + line.length + 1 > MAX_BODY_BYTES || this.#kept + line.length + 1 > MAX_MESSAGE_KEEP) {
      part.truncated = true;
      return;
    }
    part.body += `${line}\n`;
    this.#kept += line.length + 1;
  }
}

function _isEnclosedMessage(type: string): boolean {
  return type === "message/rfc822" || type === "message/global";
}

function _newPart(depth: number): MimePart {
  return { headers: [], type: "text/plain", params: {}, children: [], body: "", truncated: false, bytes: 0, depth };
}
