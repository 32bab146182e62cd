/**
 * The codes of the received canary's checklist lines (checklist.ts), with
 * what each checks: the README's table follows this list
 * (test/docs/readme-bulk.test.ts keeps them equal). Codes are stable: add,
 * never rename.
 */

/** Every line code, with what it checks (the README table follows this list). */
export const CHECKLIST_CODES = {
  "canary.spf": "the receiver's SPF result and the envelope domain it checked",
  "canary.dkim": "the receiver's DKIM results and the signing domains",
  "canary.dmarc": "the receiver's DMARC result, the From domain and its policy",
  "canary.alignment":
    "the From domain aligns with the SPF or a passing DKIM domain (relaxed, by organisational domain)",
  "canary.arc": "the ARC chain a forwarder added, and the receiver's arc= result (only when present)",
  "canary.dkim-key":
    "each DKIM-Signature's d=, s=, algorithm and key size from DNS (under 1024 bits fails, under 2048 warns)",
  "canary.dkim-coverage": "the signature's h= covers From, and List-Unsubscribe and List-Unsubscribe-Post when present",
  "canary.one-click-unsubscribe":
    "RFC 8058: List-Unsubscribe with an https URI and List-Unsubscribe-Post: List-Unsubscribe=One-Click",
  "canary.tls": "the last hop into the receiver used TLS (from its Received field)",
  "canary.ptr": "the receiver saw a reverse DNS name for the sending IP (from its Received field)",
  "canary.return-path": "the Return-Path is there and its domain aligns with From (what SPF alignment needs)",
  "canary.from": "exactly one From with one address (RFC 5322)",
  "canary.message-id": "exactly one Message-ID of the form <left@domain>",
  "canary.date": "exactly one Date that parses and is not far from the time the receiver got the message",
  "canary.folder": "where the mailbox filed it: INBOX passes, spam fails",
} as const;

/** A checklist line code. */
export type ChecklistCode = keyof typeof CHECKLIST_CODES;
