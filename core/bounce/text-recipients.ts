/**
 * Reads recipients and their diagnostics out of a bounce's human text with
 * the layouts in mta-formats.ts, and finds the SMTP reply and status codes
 * inside a diagnostic. Pure functions over bounded text.
 */
import {
  GENERIC_RECIPIENT,
  MAX_FORMAT_TEXT,
  MTA_FORMATS,
  type MtaFormat,
  RETURNED_MESSAGE_MARKER,
} from "./mta-formats.ts";

/** One recipient found in text. */
export interface TextRecipient {
  address: string;
  diagnostic: string;
}

const _MAX_DIAGNOSTIC = 2000;
const _MAX_RECIPIENTS = 500;

/**
 * The first layout whose `detect` matches (never `generic`, which needs
 * other evidence). `headers` are the message's own fields as
 * `hdr.<name>: <value>` lines, so a signature in the returned message's
 * copy never passes for the bounce's own.
 */
export function detectFormat(text: string, headers = ""): MtaFormat | undefined {
  const sample = `${headers}\n${text.slice(0, MAX_FORMAT_TEXT)}`;
  return MTA_FORMATS.find((f) => f.id !== "generic" && sample.search(f.detect) !== -1);
}

/** The layout called `id`. */
export function formatById(id: string): MtaFormat | undefined {
  return MTA_FORMATS.find((f) => f.id === id);
}

/**
 * The recipients `format` finds in `text`, in order, each address once (the
 * most telling diagnostic kept). A family's own recipient pattern that finds
 * nothing gives way to the shapes every family shares.
 */
export function recipientsIn(text: string, format: MtaFormat): TextRecipient[] {
  let region = text.slice(0, MAX_FORMAT_TEXT);
  const whole = region;
  if (format.start) {
    const s = format.start.exec(region);
    if (s) region = region.slice(s.index + s[0].length);
  }
  const e = (format.end ?? RETURNED_MESSAGE_MARKER).exec(region);
  if (e) region = region.slice(0, e.index);
  const own = _recipients(region, format.recipient ?? GENERIC_RECIPIENT);
  const found = own.length > 0 || !format.recipient ? own : _recipients(region, GENERIC_RECIPIENT);
  return _withPreface(_withReplies(found, whole), whole, found);
}

/**
 * Layouts that give the reason once, before the list of recipients ("Could
 * not be delivered because of … The following recipients were affected",
 * EZweb's notice, m-FILTER's "server message"): when no recipient's own
 * text carries a reply code, the lines before the first recipient are
 * every recipient's diagnostic too.
 */
function _withPreface(found: TextRecipient[], text: string, _order: TextRecipient[]): TextRecipient[] {
  if (found.length === 0 || found.some((r) => replyIn(r.diagnostic).code !== undefined)) return found;
  const first = Math.min(...found.map((r) => {
    const at = text.toLowerCase().indexOf(r.address.toLowerCase());
    return at < 0 ? text.length : at;
  }));
  const preface = text.slice(Math.max(0, first - 800), first).replace(/\s+/g, " ").trim();
  if (preface === "") return found;
  for (const r of found) r.diagnostic = `${r.diagnostic} ${preface}`.trim().slice(0, _MAX_DIAGNOSTIC);
  return found;
}

/**
 * A recipient listed without its reply (Sendmail lists the addresses, then
 * a transcript) gets the line elsewhere in the report that names it with a
 * reply code: "550 5.1.2 <addr>... Host unknown", "<<< 550 … <addr> …".
 */
function _withReplies(found: TextRecipient[], text: string): TextRecipient[] {
  const end = RETURNED_MESSAGE_MARKER.exec(text);
  const report = end ? text.slice(0, end.index) : text;
  for (const r of found) {
    if (replyIn(r.diagnostic).code !== undefined) continue;
    // Every line that names the address with a reply code or Sendmail's "addr... reason".
    const lower = report.toLowerCase();
    const needle = r.address.toLowerCase();
    for (
      let at = lower.indexOf(needle), n = 0;
      at >= 0 && n < 20;
      at = lower.indexOf(needle, at + needle.length), n++
    ) {
      const lineStart = report.lastIndexOf("\n", at) + 1;
      const lineEnd = report.indexOf("\n", at);
      const line = report.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim();
      if (replyIn(line).code !== undefined || /\.\.\.\s+\S/.test(line)) {
        r.diagnostic = `${r.diagnostic} ${line}`.trim().slice(0, _MAX_DIAGNOSTIC);
        break;
      }
    }
  }
  return found;
}

function _recipients(region: string, pattern: RegExp): TextRecipient[] {
  const hits: { address: string; from: number; to: number }[] = [];
  const re = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
  for (const m of region.matchAll(re)) {
    const address = m.slice(1).find((g) => g !== undefined)?.replace(/[.>]+$/, "");
    if (!address || hits.length >= _MAX_RECIPIENTS) continue;
    // The same address again on the line it was found on ("550 Unknown user <addr>") continues that recipient.
    const last = hits[hits.length - 1];
    if (
      last && last.address.toLowerCase() === address.toLowerCase() && !region.slice(last.from, m.index).includes("\n")
    ) {
      continue;
    }
    // A recipient's text starts at the start of its line: words before the address ("Unknown user:") count.
    const lineStart = region.lastIndexOf("\n", m.index) + 1;
    const from = Math.max(lineStart, last ? last.to : 0);
    hits.push({ address, from, to: m.index + m[0].length });
  }
  const others = [...new Set(hits.map((h) => h.address.toLowerCase()))];
  const byAddress = new Map<string, TextRecipient>();
  hits.forEach((h, i) => {
    const next = hits[i + 1] ? region.lastIndexOf("\n", hits[i + 1]!.from) + 1 || hits[i + 1]!.from : region.length;
    const diagnostic = _ownLines(region.slice(h.from, Math.max(next, h.to)), h.address, others)
      .replace(/\s+/g, " ").trim().slice(0, _MAX_DIAGNOSTIC);
    const key = h.address.toLowerCase();
    const seen = byAddress.get(key);
    if (!seen) byAddress.set(key, { address: h.address, diagnostic });
    else if (_score(diagnostic) > _score(seen.diagnostic)) seen.diagnostic = diagnostic;
  });
  return [...byAddress.values()];
}

/** A recipient's text up to the first later line that names another recipient (a transcript's next reply). */
function _ownLines(text: string, address: string, all: readonly string[]): string {
  const own = address.toLowerCase();
  const lines = text.split("\n");
  const kept = [lines[0] ?? ""];
  for (const line of lines.slice(1)) {
    const lower = line.toLowerCase();
    if (all.some((a) => a !== own && lower.includes(a))) break;
    kept.push(line);
  }
  return kept.join("\n");
}

function _score(diagnostic: string): number {
  return (replyIn(diagnostic).code !== undefined ? 10_000 : 0) + Math.min(diagnostic.length, 5000);
}

const _REPLY_MARKED =
  /(?:^|said:|says:|returned|<<<|error:|reply:|response:|response was:|server returned|remote host said:|\btext\b:?|;)\s*['"#]?([245]\d\d)(?:[ -]|$)(?:\s*#?([245]\.\d{1,3}\.\d{1,3})(?![\d.]*\d))?/i;
const _REPLY_WITH_STATUS = /(?:^|[\s'"(>:#])([245]\d\d)[ -]#?([245]\.\d{1,3}\.\d{1,3})(?![\d.]*\d)/;
const _STATUS_ONLY = /(?:^|[^\d.])#?([245]\.\d{1,3}\.\d{1,3})(?![\d.]*\d)/;

/** The SMTP reply code and enhanced status a diagnostic text carries, when it carries them. */
export function replyIn(text: string): { code?: number; status?: string } {
  const sample = text.slice(0, 4096);
  const withStatus = _REPLY_WITH_STATUS.exec(sample);
  const marked = _REPLY_MARKED.exec(sample);
  const m = withStatus && (!marked || withStatus.index <= marked.index) ? withStatus : marked;
  const code = m ? Number(m[1]) : undefined;
  const status = m?.[2] ?? _STATUS_ONLY.exec(sample)?.[1];
  return { ...(code !== undefined ? { code } : {}), ...(status !== undefined ? { status } : {}) };
}

/**
 * A diagnostic as one line: a multi-line reply's repeated "550-5.1.1 "
 * prefixes removed after the first, whitespace collapsed.
 */
export function cleanDiagnostic(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  const lead = /^([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3}) )?/.exec(one);
  if (!lead) return one.slice(0, _MAX_DIAGNOSTIC);
  const code = lead[1]!;
  const repeated = new RegExp(String.raw`\s${code}[ -](?:${(lead[2] ?? "").replace(/\./g, "\\.")}\s)?`, "g");
  const head = `${code} ${lead[2] ? `${lead[2]} ` : ""}`;
  return (head + one.slice(lead[0].length).replace(repeated, " ")).replace(/\s+/g, " ").slice(0, _MAX_DIAGNOSTIC);
}
