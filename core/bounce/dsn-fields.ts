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
  let current: DsnRecipient | undefined;
  let blankSince = true;
  const fields = _fields(text);
  for (const f of fields) {
    if (f === null) {
      blankSince = true;
      continue;
    }
    const { name, value } = f;
    if (name === "final-recipient" || name === "original-recipient") {
      const key = name === "final-recipient" ? "finalRecipient" : "originalRecipient";
      if (!current || blankSince || current[key] !== undefined || current.action !== undefined) {
        if (report.recipients.length >= _MAX_RECIPIENTS) break;
        current = {};
        report.recipients.push(current);
      }
      current[key] = _address(value, name === "original-recipient");
    } else if (current) {
      if (name === "action") current.action = value.trim().toLowerCase().split(/[\s(;]/)[0];
      else if (name === "status") current.status = /[245]\.\d{1,3}\.\d{1,3}/.exec(value)?.[0] ?? value.trim();
      else if (name === "diagnostic-code") {
        const semi = value.indexOf(";");
        current.diagnosticType = semi > 0 ? value.slice(0, semi).trim().toLowerCase() : undefined;
        current.diagnostic = (semi > 0 && semi < 20 ? value.slice(semi + 1) : value).trim();
      } else if (name === "remote-mta") current.remoteMta = _typed(value);
      else if (name === "last-attempt-date") current.lastAttemptDate = value.trim();
    } else if (name === "reporting-mta") report.reportingMta = _typed(value);
    else if (name === "arrival-date") report.arrivalDate = value.trim();
    blankSince = false;
  }
  return report;
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
  let a = _typed(value).replace(/^<|>$/g, "").trim();
  const bracketed = /<([^<>\s]+@[^<>\s]+)>/.exec(a);
  if (bracketed) a = bracketed[1] ?? a;
  if (xtext) a = a.replace(/\+([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return a;
}
