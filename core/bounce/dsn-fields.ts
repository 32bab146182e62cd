/**
 * Reads the body of a message/delivery-status part (RFC 3464, and RFC 6533's
 * message/global-delivery-status): one block of per-message fields, then one
 * block per recipient. Real reports bend the format: folded fields, missing
 * blank lines between blocks, "Status: 5.1.1 (User unknown)", addresses in
 * angle brackets or without a type, xtext in Original-Recipient. A recipient
 * starts at each Final-Recipient or Original-Recipient that cannot belong to
 * the one before.
 */
import { decodeHeader } from "./decode.ts";

/** One recipient's fields from a delivery-status report. */
export interface DsnRecipient {
  finalRecipient?: string;
  originalRecipient?: string;
  action?: string;
  status?: string;
  /** Diagnostic-Code without its type ("smtp; "), unfolded. */
  diagnostic?: string;
  diagnosticType?: string;
  remoteMta?: string;
  lastAttemptDate?: string;
  /** A parenthesised comment after the Status code, used when there is no Diagnostic-Code. */
  statusComment?: string;
}

/** The whole report. */
export interface DsnReport {
  reportingMta?: string;
  arrivalDate?: string;
  recipients: DsnRecipient[];
}

const _MAX_RECIPIENTS = 1000;

/** Parses a delivery-status body (already decoded text). */
export function parseDeliveryStatus(text: string): DsnReport {
  const report: DsnReport = { recipients: [] };
  for (const block of _blocks(_fields(text))) {
    const starts = block.filter((f) => f.name === "final-recipient" || f.name === "original-recipient");
    if (starts.length === 0) {
      // Per-message fields; a stray recipient field (Exim writes Action before Final-Recipient) waits for its block.
      for (const f of block) {
        if (f.name === "reporting-mta") report.reportingMta = _typed(f.value);
        else if (f.name === "arrival-date") report.arrivalDate = f.value.trim();
      }
      continue;
    }
    // Fields before the first recipient field belong to the first recipient of the block.
    let current: DsnRecipient = {};
    let opened = false;
    for (const f of block) {
      if (f.name === "final-recipient" || f.name === "original-recipient") {
        const key = f.name === "final-recipient" ? "finalRecipient" : "originalRecipient";
        if (opened && (current[key] !== undefined || current.status !== undefined)) {
          report.recipients.push(current);
          current = {};
        }
        opened = true;
        current[key] = _address(f.value, f.name === "original-recipient");
      } else {
        _set(current, f.name, f.value);
      }
    }
    if (report.recipients.length < _MAX_RECIPIENTS) report.recipients.push(current);
    if (report.recipients.length >= _MAX_RECIPIENTS) break;
  }
  return report;
}

function _set(r: DsnRecipient, name: string, value: string): void {
  if (name === "action") r.action = value.trim().toLowerCase().split(/[\s(;]/)[0];
  else if (name === "status") {
    r.status = /[245]\.\d{1,3}\.\d{1,3}/.exec(value)?.[0] ?? value.trim();
    // "Status: 5.1.2 (550 Tried all MXs …)": the comment is the only diagnostic some MTAs give (Haraka).
    const comment = /\(([^()]{3,})\)\s*$/.exec(value)?.[1];
    if (comment) r.statusComment = comment.trim();
  } else if (name === "diagnostic-code") {
    const semi = value.indexOf(";");
    const typed = semi > 0 && semi < 20;
    if (typed) r.diagnosticType = value.slice(0, semi).trim().toLowerCase();
    r.diagnostic = (typed ? value.slice(semi + 1) : value).trim();
  } else if (name === "remote-mta") r.remoteMta = _typed(value);
  else if (name === "last-attempt-date") r.lastAttemptDate = value.trim();
}

/** Groups fields into blocks at blank lines. */
function _blocks(fields: ({ name: string; value: string } | null)[]): { name: string; value: string }[][] {
  const blocks: { name: string; value: string }[][] = [[]];
  for (const f of fields) {
    if (f === null) {
      if (blocks[blocks.length - 1]!.length > 0) blocks.push([]);
    } else {
      blocks[blocks.length - 1]!.push(f);
    }
  }
  return blocks.filter((b) => b.length > 0);
}

/** Header-style fields with folding undone; null marks a blank line (a block boundary). */
function _fields(text: string): ({ name: string; value: string } | null)[] {
  const out: ({ name: string; value: string } | null)[] = [];
  let pending: { name: string; value: string } | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === "") {
      if (pending) out.push(pending);
      pending = undefined;
      out.push(null);
    } else if (/^[ \t]/.test(line) && pending) {
      pending.value += ` ${line.trim()}`;
    } else {
      if (pending) out.push(pending);
      const colon = line.indexOf(":");
      pending = colon > 0
        ? { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) }
        : undefined;
    }
  }
  if (pending) out.push(pending);
  return out.map((f) => (f ? { name: f.name, value: decodeHeader(f.value).trim() } : null));
}

/** The value after "type;" ("dns; mx.example.com" → "mx.example.com"). */
function _typed(value: string): string {
  const semi = value.indexOf(";");
  return (semi >= 0 && semi < 20 ? value.slice(semi + 1) : value).trim();
}

/** An address field's address: type removed, brackets and xtext undone. */
function _address(value: string, xtext: boolean): string {
  const typed = _typed(value);
  let a = /<([^<>\s]+@[^<>\s]+)>/.exec(typed)?.[1] ?? typed.replace(/^<|>$/g, "").trim();
  if (xtext) a = a.replace(/\+([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return a;
}
