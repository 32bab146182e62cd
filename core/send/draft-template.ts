/**
 * Composing the same draft for thousands of recipients without running
 * MailComposer thousands of times. Only two headers differ from one
 * recipient to the next — To and Date — and MailComposer writes both
 * verbatim for a plain ASCII address and any date. So the draft is composed
 * once with a sentinel recipient and a sentinel date, and each message is
 * that template with the two header lines replaced: the same bytes
 * MailComposer would produce (tested against it), at a fraction of the cost
 * (a scale send spent most of its CPU in MailComposer's stream pipeline).
 * Anything the template cannot vouch for — several recipients, a non-ASCII
 * or quoted address, a line MailComposer would fold — is composed in full.
 */
import { domainToAsciiOnce } from "../address.ts";

/** Composes a message for these To recipients and this date. */
export type Composer = (to: readonly string[], date?: Date) => Promise<Buffer>;

/** A recipient the template stands in for; `.invalid` never resolves (RFC 2606). */
const _SENTINEL_TO = "smtpilot-template-recipient@template.invalid";
const _SENTINEL_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

/**
 * Addresses MailComposer writes as they are: an ASCII dot-atom local part
 * and a lower-case LDH domain that WHATWG's domainToASCII — which
 * MailComposer applies — leaves unchanged (it would turn `0.0` into
 * `0.0.0.0`), short enough that `To: ` + address is never folded (76).
 */
const _VERBATIM =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const _MAX_ADDRESS = 70;

/** How MailComposer writes a Date header value. */
export function dateHeaderValue(date: Date): string {
  return date.toUTCString().replace(/GMT/, "+0000");
}

/** True when the template's bytes for `address` are MailComposer's. */
export function templateFits(address: string): boolean {
  if (address.length > _MAX_ADDRESS || !_VERBATIM.test(address)) return false;
  const domain = address.slice(address.lastIndexOf("@") + 1);
  return domainToAsciiOnce(domain) === domain;
}

interface _Template {
  /** The message cut around the two header values: [before To, between, after Date] or To/Date swapped. */
  parts: [Buffer, Buffer, Buffer];
  toFirst: boolean;
  /**
   * No line of the message starts with a dot, whatever the recipient and date: the values filled in
   * hold no line end, so a line start is one of the template's own.
   */
  dotFree: boolean;
}

/** Finds `\r\nName: value\r\n` exactly once in the header section; its value's offsets, or undefined. */
function _locate(message: Buffer, headerEnd: number, name: string, value: string): [number, number] | undefined {
  const needle = Buffer.from(`\r\n${name}: ${value}\r\n`, "latin1");
  const at = message.indexOf(needle);
  if (at < 0 || at >= headerEnd) return undefined;
  const again = message.indexOf(needle, at + 1);
  if (again >= 0 && again < headerEnd) return undefined;
  const start = at + 2 + name.length + 2;
  return [start, start + Buffer.byteLength(value, "latin1")];
}

function _cut(message: Buffer): _Template | undefined {
  const headerEnd = message.indexOf("\r\n\r\n");
  if (headerEnd < 0) return undefined;
  const to = _locate(message, headerEnd, "To", _SENTINEL_TO);
  const date = _locate(message, headerEnd, "Date", dateHeaderValue(_SENTINEL_DATE));
  if (!to || !date) return undefined;
  const [first, second] = to[0] < date[0] ? [to, date] : [date, to];
  return {
    parts: [message.subarray(0, first[0]), message.subarray(first[1], second[0]), message.subarray(second[1])],
    toFirst: to[0] < date[0],
    dotFree: message[0] !== 0x2e && message.indexOf("\r\n.") < 0,
  };
}

/** A composer that can also answer without waiting once its template is made. */
export interface TemplateComposer extends Composer {
  /**
   * The bytes for one To recipient at once, when the template is made and
   * fits the address; undefined otherwise (then call the composer itself).
   */
  now(address: string, date?: Date): Buffer | undefined;
  /**
   * now() written into a buffer `room` bytes longer, when no line of the
   * message starts with a dot: the message is its first `length - room`
   * bytes, already as it goes on the wire (nothing to dot-stuff), and the
   * room is the caller's for the final dot and what is pipelined behind it
   * — a scale send then builds each message's write without a second copy.
   */
  nowWithRoom(address: string, room: number, date?: Date): Buffer | undefined;
}

/**
 * Wraps a full composer: one recipient whose address `templateFits` gets the
 * template (made on first use, from one full composition), anything else
 * the full composition. If the template cannot be cut — a future
 * MailComposer writing those headers differently — every message is
 * composed in full, so the bytes are never wrong, only slower.
 */
export function templateComposer(full: Composer): TemplateComposer {
  let template: Promise<_Template | undefined> | undefined;
  /** The template once made (undefined until then, or when it cannot be cut). */
  let made: _Template | undefined;
  // A list send composes thousands of messages a second: the Date value is made once per second.
  let second = NaN;
  let dateValue = "";
  /** The template filled for `address` at `ms` (milliseconds since the epoch), with `room` bytes after it. */
  const fill = (t: _Template, address: string, ms: number, room = 0): Buffer => {
    if (Math.floor(ms / 1000) !== second) {
      second = Math.floor(ms / 1000);
      dateValue = dateHeaderValue(new Date(ms));
    }
    // Both values are ASCII (templateFits, toUTCString): one byte a character, written in place.
    const a = t.toFirst ? address : dateValue;
    const b = t.toFirst ? dateValue : address;
    const [p0, p1, p2] = t.parts;
    const out = Buffer.allocUnsafe(p0.length + a.length + p1.length + b.length + p2.length + room);
    let at = p0.copy(out, 0);
    at += out.write(a, at, "latin1");
    at += p1.copy(out, at);
    at += out.write(b, at, "latin1");
    p2.copy(out, at);
    return out;
  };
  const compose = async (to: readonly string[], date = new Date()) => {
    const address = to.length === 1 ? to[0] : undefined;
    if (address === undefined || !templateFits(address)) return await full(to, date);
    template ??= full([_SENTINEL_TO], _SENTINEL_DATE).then((message) => (made = _cut(message)));
    const t = await template;
    return t ? fill(t, address, date.getTime()) : await full(to, date);
  };
  // A list send asks for thousands a second: the time is taken as a number, not a Date each.
  return Object.assign(compose, {
    now: (address: string, date?: Date) =>
      made !== undefined && templateFits(address) ? fill(made, address, date?.getTime() ?? Date.now()) : undefined,
    nowWithRoom: (address: string, room: number, date?: Date) =>
      made?.dotFree && templateFits(address) ? fill(made, address, date?.getTime() ?? Date.now(), room) : undefined,
  });
}
