/**
 * One entity of a parsed message: its header fields, its media type, its
 * children (multipart parts, or the message a message/rfc822 part carries)
 * and, for the parts a bounce reader needs, the first bytes of its body. The
 * body is kept as a "binary" string (one char per byte) and decoded on
 * demand, so reading never guesses a charset it does not need.
 */

/** A header field with its name in lower case and its value unfolded, still raw bytes. */
export interface HeaderField {
  name: string;
  value: string;
}

/** One MIME entity. */
export interface MimePart {
  headers: HeaderField[];
  /** Media type in lower case ("multipart/report"); text/plain when absent. */
  type: string;
  /** Content-Type parameters, names in lower case (boundary, charset, report-type…). */
  params: Record<string, string>;
  children: MimePart[];
  /** The first bytes of the body (binary string), for the parts worth reading; "" otherwise. */
  body: string;
  /** True when the body was longer than what was kept, or was not kept at all. */
  truncated: boolean;
  /** Body bytes seen, kept or not. */
  bytes: number;
  depth: number;
}

/** The first value of header `name` (lower case), or undefined. */
export function header(part: MimePart, name: string): string | undefined {
  return part.headers.find((h) => h.name === name)?.value;
}

/** Every part below `part` (itself included), depth first, not descending into message/rfc822 unless asked. */
export function* walk(part: MimePart, intoMessages = false): Generator<MimePart> {
  yield part;
  for (const child of part.children) {
    if (!intoMessages && _isMessage(part.type)) continue;
    yield* walk(child, intoMessages);
  }
}

function _isMessage(type: string): boolean {
  return type === "message/rfc822" || type === "message/global" || type === "message/partial";
}

/** Parses a Content-Type value into its type and parameters (quoted strings and RFC 2231 continuations tolerated). */
export function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (value === undefined) return { type: "text/plain", params: {} };
  const [rawType = "", ...rest] = _splitParams(value);
  const type = rawType.trim().toLowerCase().replace(/\s+/g, "");
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase().replace(/\*\d*\*?$/, "");
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined).replace(/\\(.)/g, "$1");
    params[name] = name in params ? params[name] + v : v;
  }
  return { type: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) ? type : "text/plain", params };
}

/** Splits on ";" outside quotes. */
function _splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== "\\") quoted = !quoted;
    if (c === ";" && !quoted) {
      out.push(cur);
      cur = "";
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}
