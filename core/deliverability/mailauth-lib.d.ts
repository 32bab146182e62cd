/**
 * Types for the two mailauth modules smtpilot reads directly (mailauth's
 * index.d.ts covers only its main entry): the RFC 8601 / tag-list header
 * parser and the Received field parser.
 */
declare module "mailauth/lib/parse-dkim-headers.js" {
  /** Parses a header line (`Name: value`) into its tags or Authentication-Results methods. */
  export default function headerParser(line: string | Buffer): { parsed: Record<string, unknown>; original: string };
}

declare module "mailauth/lib/parse-received.js" {
  /** Parses one Received field into its clauses (from, by, with, id, for, tls, timestamp, full). */
  export function parseReceived(line: string | Buffer): Record<string, unknown>;
}
