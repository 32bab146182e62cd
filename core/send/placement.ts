/**
 * Where a canary landed: logs in to the canary mailbox over IMAP (imapflow)
 * with TLS verified — a private CA is trusted explicitly, never by turning
 * verification off — finds the message by its Message-ID in INBOX and in the
 * Junk/Spam folders (special-use \Junk, else the usual names), and reads the
 * receiver's Authentication-Results (spf, dkim, dmarc). Read-only: nothing is
 * moved, flagged or deleted.
 *
 * A Message-ID names the content, not one send of it: the same message sent
 * through another profile (or again) carries the same one. So a canary also
 * carries a tag of its own (CANARY_HEADER, random per send, recorded in its
 * send-log entry), and only a copy with that tag is this send's evidence.
 */
import { ImapFlow, type ImapFlowOptions } from "imapflow";
import { printable } from "../printable.ts";

/** How to reach the canary mailbox (the secret already resolved). */
export interface ImapTarget {
  host: string;
  port: number;
  tls: "implicit" | "starttls";
  user: string;
  secret: string;
  servername?: string;
  /** PEM contents of private CA certificates. */
  ca?: string;
  timeoutMs: number;
}

/** The receiver's verdicts from Authentication-Results. */
export interface AuthResults {
  spf?: string;
  dkim?: string;
  dmarc?: string;
  /** The header(s) as received, shortened. */
  raw: string[];
}

/** What the mailbox shows for the message. */
export interface Placement {
  placement: "inbox" | "spam" | "missing";
  folder?: string;
  /** Folders searched, in order. */
  searched: string[];
  authResults?: AuthResults;
  /** The found copy as the mailbox stores it (at most MAX_COPY_BYTES), for the checklist. */
  source?: Buffer;
}

/** The most of a found copy that is fetched: a canary is small; a huge one is read up to this. */
export const MAX_COPY_BYTES = 4 << 20;

/** The header a canary carries its per-send tag in (never part of the content digest a plan binds). */
export const CANARY_HEADER = "X-Smtpilot-Canary";

/** What to look for: the message and its send's own tag. */
export interface PlacementQuery {
  messageId: string;
  /** The value of CANARY_HEADER this send's copy carries. */
  tag: string;
  /** Only a copy that arrived after this (less CLOCK_SKEW_MS) counts. */
  sentAt?: Date;
}

/** Folder names treated as spam when the server marks no special-use \Junk folder. */
const _SPAM_NAMES = /^(junk|spam|junk e-mail|junk email|bulk mail|\[gmail\]\/spam|inbox[./]junk|inbox[./]spam)$/i;

/** A canary's copy must have arrived after its send; this much clock difference between hosts is forgiven. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * Looks for the copy of `query.messageId` that carries `query.tag` in the
 * canary mailbox, INBOX first: only that send's own copy counts — another
 * copy of the same content (another profile's, an earlier send's) is not its
 * evidence, wherever it landed. Throws a connection or login error as it is
 * (the caller explains it).
 */
export async function findPlacement(target: ImapTarget, query: PlacementQuery): Promise<Placement> {
  const { messageId, tag, sentAt } = query;
  const options: ImapFlowOptions = {
    host: target.host,
    port: target.port,
    secure: target.tls === "implicit",
    doSTARTTLS: target.tls === "starttls",
    ...(target.servername ? { servername: target.servername } : {}),
    auth: { user: target.user, pass: target.secret },
    // Verification stays on: a private CA is added to the trusted set, nothing is skipped.
    tls: { rejectUnauthorized: true, ...(target.ca ? { ca: target.ca } : {}), minVersion: "TLSv1.2" },
    logger: false,
    connectionTimeout: target.timeoutMs,
    greetingTimeout: target.timeoutMs,
    socketTimeout: Math.max(target.timeoutMs, 30_000),
    disableAutoIdle: true,
  };
  const client = new ImapFlow(options);
  client.on("error", () => {}); // surfaced by the awaited call instead
  await client.connect();
  try {
    const folders = await client.list();
    const junk = folders.filter((f) => f.specialUse === "\\Junk" || _SPAM_NAMES.test(f.path)).map((f) => f.path);
    const searched: string[] = [];
    const order: [string, "inbox" | "spam"][] = [["INBOX", "inbox"], ...junk.map((j): [string, "spam"] => [j, "spam"])];
    for (const [folder, placement] of order) {
      searched.push(folder);
      const lock = await client.getMailboxLock(folder, { readOnly: true });
      try {
        const uids = await client.search({ header: { "message-id": messageId, [CANARY_HEADER]: tag } }, {
          uid: true,
        });
        if (!Array.isArray(uids) || uids.length === 0) continue;
        const after = sentAt ? sentAt.getTime() - CLOCK_SKEW_MS : -Infinity;
        let best: { internal: number; headers: string; uid: number } | undefined;
        for await (
          const msg of client.fetch(
            uids.join(","),
            { internalDate: true, headers: ["authentication-results", CANARY_HEADER] },
            { uid: true },
          )
        ) {
          const internal = msg.internalDate ? new Date(msg.internalDate).getTime() : 0;
          const headers = msg.headers ? msg.headers.toString("utf8") : "";
          // SEARCH HEADER matches a substring: the tag must be the header's whole value.
          if (!_carries(headers, tag)) continue;
          if (internal >= after && (!best || internal > best.internal)) {
            best = { internal, headers, uid: msg.uid };
          }
        }
        if (!best) continue;
        const full = await client.fetchOne(String(best.uid), { source: { maxLength: MAX_COPY_BYTES } }, { uid: true });
        return {
          placement,
          folder,
          searched,
          authResults: parseAuthResults(best.headers),
          ...(full && full.source ? { source: full.source } : {}),
        };
      } finally {
        lock.release();
      }
    }
    return { placement: "missing", searched };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** True when the header block has CANARY_HEADER with exactly `tag` as its value. */
function _carries(headers: string, tag: string): boolean {
  const name = CANARY_HEADER.toLowerCase();
  return headers.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/).some((line) => {
    const colon = line.indexOf(":");
    return colon > 0 && line.slice(0, colon).trim().toLowerCase() === name && line.slice(colon + 1).trim() === tag;
  });
}

/** Reads spf=, dkim=, dmarc= verdicts from Authentication-Results header text (RFC 8601). */
export function parseAuthResults(headers: string): AuthResults {
  const fields = headers.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)
    .filter((l) => /^authentication-results:/i.test(l))
    .map((l) => l.replace(/^authentication-results:\s*/i, ""));
  const out: AuthResults = { raw: fields.map((f) => printable(f, 500)) };
  // Only the topmost field is the receiving server's own (RFC 8601 §5: it adds its field on top);
  // any field below came with the message and may be forged by the sender.
  const own = fields[0] ?? "";
  for (const method of ["spf", "dkim", "dmarc"] as const) {
    const m = new RegExp(`(?:^|[;\\s])${method}=([a-z]+)`, "i").exec(own);
    if (m?.[1]) out[method] = m[1].toLowerCase();
  }
  return out;
}
