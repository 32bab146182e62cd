/**
 * Turning kept bytes into text: Content-Transfer-Encoding (base64,
 * quoted-printable), charsets (whatever TextDecoder knows, UTF-8 with
 * replacement otherwise), RFC 2047 encoded words in headers, and raw 8-bit
 * headers (UTF-8 when valid, else Windows-1252). Nothing here throws on bad
 * input: a broken encoding yields the best text it can.
 */
import { TextDecoder } from "node:util";
import { header, type MimePart } from "./mime-part.ts";

/** Decodes a body kept as a binary string by its transfer encoding. */
export function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  const cte = (encoding ?? "").trim().toLowerCase();
  if (cte === "base64") return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (cte === "quoted-printable") {
    const soft = body.replace(/=[ \t]*\r?\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const c = soft.charCodeAt(i);
      if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.push(c & 0xff);
      }
    }
    return Buffer.from(bytes);
  }
  return Buffer.from(body, "latin1");
}

const _decoders = new Map<string, TextDecoder | null>();

function _decoder(charset: string): TextDecoder | null {
  const key = charset.trim().toLowerCase();
  if (!_decoders.has(key)) {
    let d: TextDecoder | null = null;
    try {
      d = new TextDecoder(key === "" || key === "us-ascii" || key === "ascii" ? "utf-8" : key);
    } catch {
      d = null;
    }
    _decoders.set(key, d);
  }
  return _decoders.get(key) ?? null;
}

const _strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const _cp1252 = new TextDecoder("windows-1252");

/** Decodes bytes in `charset`; unknown charsets and undeclared 8-bit data are tried as UTF-8, then Windows-1252. */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const declared = charset ? _decoder(charset) : null;
  if (declared && charset && !/^(?:us-)?ascii$|^utf-?8$/i.test(charset.trim())) return declared.decode(bytes);
  try {
    return _strictUtf8.decode(bytes);
  } catch {
    return _cp1252.decode(bytes);
  }
}

/** A part's body as text, transfer encoding and charset undone. */
export function partText(part: MimePart): string {
  const bytes = decodeTransfer(part.body, header(part, "content-transfer-encoding"));
  return decodeCharset(bytes, part.params.charset);
}

const _ENCODED_WORD = /=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]{0,2048})\?=/g;

/** Decodes a raw header value: 8-bit bytes, then RFC 2047 encoded words (adjacent words joined). */
export function decodeHeader(raw: string): string {
  const base = /[\x80-\xff]/.test(raw) ? decodeCharset(Buffer.from(raw, "latin1"), undefined) : raw;
  if (!base.includes("=?")) return base;
  return base.replace(/(\?=)\s+(?==\?)/g, "$1").replace(
    _ENCODED_WORD,
    (whole, charset: string, enc: string, text: string) => {
      const cs = charset.split("*")[0] ?? "utf-8";
      const bytes = enc.toLowerCase() === "b"
        ? Buffer.from(text, "base64")
        : decodeTransfer(text.replace(/_/g, " "), "quoted-printable");
      const d = _decoder(cs);
      return d ? d.decode(bytes) : whole;
    },
  );
}

/** The decoded value of header `name` of `part`. */
export function headerText(part: MimePart, name: string): string | undefined {
  const raw = header(part, name);
  return raw === undefined ? undefined : decodeHeader(raw);
}
