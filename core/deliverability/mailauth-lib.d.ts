/**
 * Types for the mailauth modules smtpilot reads directly (mailauth's
 * index.d.ts covers only its main entry): the RFC 8601 / tag-list header
 * parser, the Received field parser, the DKIM verifier and the ARC chain.
 */
declare module "mailauth/lib/parse-dkim-headers.js" {
  /** Parses a header line (`Name: value`) into its tags or Authentication-Results methods. */
  export default function headerParser(line: string | Buffer): { parsed: Record<string, unknown>; original: string };
}

declare module "mailauth/lib/parse-received.js" {
  /** Parses one Received field into its clauses (from, by, with, id, for, tls, timestamp, full). */
  export function parseReceived(line: string | Buffer): Record<string, unknown>;
}

// The DKIM verifier and the ARC chain reader by their own modules: mailauth's main entry loads every
// check it has, BIMI's among them with undici (~0.9 MB of the bundle's 4.8, read and compiled at every
// start of every command).
declare module "mailauth/lib/dkim/verify.js" {
  export { dkimVerify } from "mailauth";
}

declare module "mailauth/lib/arc/index.js" {
  export { getARChain } from "mailauth";
}
