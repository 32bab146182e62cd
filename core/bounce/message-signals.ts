/**
 * What a message says about itself before its recipients are read: the text
 * a person would read, the returned message's Message-ID, whether headers
 * mark it as a bounce or an auto-reply (RFC 3834), and the addresses headers
 * name when a bounce's text names none. Used by analyze-message.ts.
 */
import { decodeHeader, headerText, partText } from "./decode.ts";
import { header, type MimePart } from "./mime-part.ts";
import { BOUNCE_SIGNALS, RETURNED_MESSAGE_MARKER } from "./mta-formats.ts";
import type { TextRecipient } from "./text-recipients.ts";

/** The text a person would read: the first text/plain outside returned messages, else text/html stripped, else the body. */
export function humanText(parts: readonly MimePart[]): string {
  const plain = parts.filter((p) => p.type === "text/plain" && p.body !== "");
  if (plain.length > 0) return plain.map(partText).join("\n");
  const html = parts.find((p) => p.type === "text/html" && p.body !== "");
  if (html) {
    return partText(html).replace(/<(?:br|\/p|\/div|\/tr|\/li)[^>]{0,40}>/gi, "\n").replace(/<[^>]{0,2000}>/g, "")
      .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }
  return "";
}

/** The returned message's Message-ID: its headers (message/rfc822, text/rfc822-headers), else the copy in the text. */
export function originalMessageId(parts: readonly MimePart[], text: string): string | undefined {
  for (const p of parts) {
    if (p.type === "message/rfc822" || p.type === "message/global") {
      const id = p.children[0] ? header(p.children[0], "message-id") : undefined;
      if (id) return _messageId(id);
    }
    if (
      p.type === "text/rfc822-headers" || p.type === "message/rfc822-headers" || p.type === "message/global-headers"
    ) {
      const m = /^message-id:\s*(<[^>\s]{1,998}>)/im.exec(partText(p));
      if (m) return m[1];
    }
  }
  const marker = RETURNED_MESSAGE_MARKER.exec(text);
  const after = marker ? text.slice(marker.index) : "";
  return /^\s*message-id:\s*(<[^>\s]{1,998}>)/im.exec(after)?.[1];
}

function _messageId(value: string): string | undefined {
  return /<[^>\s]{1,998}>/.exec(value)?.[0] ?? (value.trim() === "" ? undefined : value.trim().slice(0, 998));
}

/**
 * The message's own header fields as `hdr.<name>: <value>` lines (the first
 * 80, values cut at 300 characters), for the layouts' signatures.
 */
export function headerSample(root: MimePart): string {
  return root.headers.slice(0, 80).map((h) => `hdr.${h.name}: ${decodeHeader(h.value).slice(0, 300)}`).join("\n");
}

/** True when headers or the first lines mark the message as a bounce (who sent it, its subject, a null Return-Path). */
export function hasBounceSignals(root: MimePart, text: string): boolean {
  const from = headerText(root, "from") ?? "";
  const subject = headerText(root, "subject") ?? "";
  const returnPath = header(root, "return-path") ?? "";
  return BOUNCE_SIGNALS.from.test(from) || BOUNCE_SIGNALS.subject.test(subject) || /^<>$/.test(returnPath.trim()) ||
    header(root, "x-failed-recipients") !== undefined ||
    /^from:.{0,80}(?:mailer-daemon|mail delivery (?:subsystem|system))/im.test(text.slice(0, 4096));
}

/** The addresses a bounce's headers name (X-Failed-Recipients, else the returned message's To). */
export function headerRecipients(root: MimePart, parts: readonly MimePart[]): TextRecipient[] {
  const failed = header(root, "x-failed-recipients");
  if (failed) {
    return failed.split(",").map((a) => addressIn(a)).filter((a): a is string => a !== undefined)
      .map((address) => ({ address, diagnostic: "" }));
  }
  const returned = parts.find((p) =>
    p.depth > 0 && header(p, "to") !== undefined && header(p, "message-id") !== undefined
  );
  const to = returned ? addressIn(decodeHeader(header(returned, "to") ?? "")) : undefined;
  return to ? [{ address: to, diagnostic: "" }] : [];
}

/** True for an automatic reply (RFC 3834 and the headers and subjects auto-responders use). */
export function isAutoReply(root: MimePart): boolean {
  const auto = (header(root, "auto-submitted") ?? "").toLowerCase();
  if (auto.startsWith("auto-replied")) return true;
  if (header(root, "x-autoreply") !== undefined || header(root, "x-autorespond") !== undefined) return true;
  if (/^auto[_-]?reply$/i.test((header(root, "precedence") ?? "").trim())) return true;
  if (
    (header(root, "x-auto-response-suppress") ?? "") !== "" &&
    /^(?:automatic reply|auto(?:matische)? ?(?:reply|antwort|response))/i.test(headerText(root, "subject") ?? "")
  ) {
    return true;
  }
  const subject = headerText(root, "subject") ?? "";
  // "réponse automatique", "respuesta automática": escaped, the single binary's CLI asset stays ASCII.
  return /^(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|automatische antwort|out of (?:the )?office|r\u00e9ponse automatique|respuesta autom\u00e1tica|abwesenheit|on vacation|vacation(?: reply)?:|away from (?:my|the) office|auto:)/i
    .test(subject.trim());
}

/** The first address in a header value or a line. */
export function addressIn(value: string): string | undefined {
  return /<([^<>\s]+@[^<>\s]+)>/.exec(value)?.[1] ?? /([^\s<>"',;:]+@[A-Za-z0-9.-]+)/.exec(value)?.[1];
}
