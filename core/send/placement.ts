/**
 * Where a canary landed: logs in to the canary mailbox over IMAP (imapflow)
 * with TLS verified — a private CA is trusted explicitly, never by turning
 * verification off — finds the message by its Message-ID in INBOX and in the
 * Junk/Spam folders (special-use \Junk, else the usual names), and reads the
 * receiver's Authentication-Results (spf, dkim, dmarc). Read-only: nothing is
 * moved, flagged or deleted.
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
}

/** Folder names treated as spam when the server marks no special-use \Junk folder. */
const _SPAM_NAMES = /^(junk|spam|junk e-mail|junk email|bulk mail|\[gmail\]\/spam|inbox[./]junk|inbox[./]spam)$/i;

/** A canary's copy must have arrived after its send; this much clock difference between hosts is forgiven. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * Looks for `messageId` in the canary mailbox: only a copy that arrived
 * after `sentAt` (less CLOCK_SKEW_MS) counts — the same message sent before
 * (the same content carries the same Message-ID) is not this send's
 * evidence. Throws a connection or login error as it is (the caller explains it).
 */
export async function findPlacement(target: ImapTarget, messageId: string, sentAt?: Date): Promise<Placement> {
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
        const uids = await client.search({ header: { "message-id": messageId } }, { uid: true });
        if (!Array.isArray(uids) || uids.length === 0) continue;
        const after = sentAt ? sentAt.getTime() - CLOCK_SKEW_MS : -Infinity;
        let best: { internal: number; headers: string } | undefined;
        for await (
          const msg of client.fetch(uids.join(","), { internalDate: true, headers: ["authentication-results"] }, {
            uid: true,
          })
        ) {
          const internal = msg.internalDate ? new Date(msg.internalDate).getTime() : 0;
          if (internal >= after && (!best || internal > best.internal)) {
            best = { internal, headers: msg.headers ? msg.headers.toString("utf8") : "" };
          }
        }
        if (!best) continue;
        return { placement, folder, searched, authResults: parseAuthResults(best.headers) };
      } finally {
        lock.release();
      }
    }
    return { placement: "missing", searched };
  } finally {
    await client.logout().catch(() => client.close());
  }
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
