/**
 * SASL mechanisms for SMTP AUTH (RFC 4954): PLAIN, LOGIN, SCRAM-SHA-256,
 * SCRAM-SHA-1, CRAM-MD5, XOAUTH2 and OAUTHBEARER. Every client line that
 * carries a credential is recorded in the transcript as `<redacted>`; only
 * the command word and mechanism show.
 *
 * Choosing a mechanism: over the verified TLS session every login needs,
 * PLAIN (then LOGIN) works with every password store, because the server
 * checks the password itself however it keeps it. SCRAM and CRAM-MD5 work
 * only when the server keeps the matching SCRAM keys or the plaintext, so
 * they are chosen only when nothing else is offered or when asked for.
 */
import { createHmac } from "node:crypto";
import type { SmtpConnection } from "./connection.ts";
import type { SmtpReply } from "./reply.ts";
import { ScramClient, ScramError } from "./scram.ts";

/** Mechanisms that take a password, in order of preference when none is pinned. */
export const PASSWORD_MECHANISMS = ["PLAIN", "LOGIN", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5"] as const;
/** Mechanisms that take an OAuth 2 access token as the secret. */
export const TOKEN_MECHANISMS = ["XOAUTH2", "OAUTHBEARER"] as const;
/** Every mechanism the client implements (also the values `--auth-mech` accepts). */
export const SUPPORTED_MECHANISMS: readonly string[] = [...PASSWORD_MECHANISMS, ...TOKEN_MECHANISMS];

/** Shown in the transcript in place of any credential. */
export const REDACTED = "<redacted>";

/** What the exchange needs. */
export interface SaslCredentials {
  user: string;
  secret: string;
  host: string;
  port: number;
}

const _b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/**
 * Runs one AUTH exchange and returns the server's final reply (235 on
 * success). Read failures propagate as SmtpReadError.
 */
export async function authenticate(
  conn: SmtpConnection,
  mechanism: string,
  cred: SaslCredentials,
  timeoutMs: number,
): Promise<SmtpReply> {
  const step = (line: string) => conn.command(line, timeoutMs, REDACTED);
  switch (mechanism) {
    case "PLAIN":
      return await conn.command(
        `AUTH PLAIN ${_b64(`\0${cred.user}\0${cred.secret}`)}`,
        timeoutMs,
        `AUTH PLAIN ${REDACTED}`,
      );
    case "LOGIN": {
      let reply = await conn.command("AUTH LOGIN", timeoutMs);
      if (reply.code !== 334) return reply;
      reply = await step(_b64(cred.user));
      if (reply.code !== 334) return reply;
      return await step(_b64(cred.secret));
    }
    case "CRAM-MD5": {
      const reply = await conn.command("AUTH CRAM-MD5", timeoutMs);
      if (reply.code !== 334) return reply;
      const challenge = Buffer.from(reply.lines[0] ?? "", "base64").toString("latin1");
      const digest = createHmac("md5", cred.secret).update(challenge, "latin1").digest("hex");
      return await step(_b64(`${cred.user} ${digest}`));
    }
    case "XOAUTH2":
    case "OAUTHBEARER": {
      const payload = mechanism === "XOAUTH2"
        ? `user=${cred.user}\x01auth=Bearer ${cred.secret}\x01\x01`
        : `n,a=${_gs2Name(cred.user)},\x01host=${cred.host}\x01port=${cred.port}\x01auth=Bearer ${cred.secret}\x01\x01`;
      const reply = await conn.command(
        `AUTH ${mechanism} ${_b64(payload)}`,
        timeoutMs,
        `AUTH ${mechanism} ${REDACTED}`,
      );
      // On failure the server sends a 334 with a JSON error and waits for an empty (XOAUTH2) or ^A (OAUTHBEARER) line.
      if (reply.code !== 334) return reply;
      const final = await conn.command(mechanism === "XOAUTH2" ? "" : "AQ==", timeoutMs);
      return _withOauthError(final, reply);
    }
    case "SCRAM-SHA-256":
    case "SCRAM-SHA-1":
      return await _scram(conn, mechanism, cred, timeoutMs);
    default:
      throw Object.assign(new Error(`Unsupported SASL mechanism: ${mechanism}`), { code: "E_AUTH_MECH_UNSUPPORTED" });
  }
}

/**
 * Picks the mechanism: the pinned one if offered; else PLAIN, then LOGIN;
 * SCRAM-SHA-256, SCRAM-SHA-1 and CRAM-MD5 (which need a matching password
 * store on the server) only when the server offers nothing more general.
 */
export function chooseMechanism(offered: readonly string[], forced: string | undefined): string | undefined {
  if (forced !== undefined) return offered.includes(forced) ? forced : undefined;
  return PASSWORD_MECHANISMS.find((m) => offered.includes(m));
}

/**
 * The other password mechanisms the server offers that could succeed where
 * `used` failed, in preference order: PLAIN and LOGIN hand the server the
 * same password, so one never rescues the other; SCRAM and CRAM-MD5 each
 * depend on how the server stores the password. After a failed login the
 * user may try one of them — once, deliberately. smtpilot never retries a
 * login by itself, because a second failure can lock the account.
 */
export function otherPasswordMechanisms(offered: readonly string[], used: string): string[] {
  const plain = (m: string) => m === "PLAIN" || m === "LOGIN";
  return PASSWORD_MECHANISMS.filter((m) => m !== used && offered.includes(m) && !(plain(m) && plain(used)));
}

/**
 * SCRAM over SMTP AUTH: the client-first message as the initial response,
 * the proof after the server's challenge, then the server's signature is
 * checked before the empty line that completes the exchange. When the client
 * gives up (a hostile or broken server) it cancels with "*" and returns the
 * server's answer with the reason appended as a last line, like an OAuth status.
 */
async function _scram(
  conn: SmtpConnection,
  mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-1",
  cred: SaslCredentials,
  timeoutMs: number,
): Promise<SmtpReply> {
  const client = new ScramClient(mechanism, cred.user, cred.secret);
  const decoded = (r: SmtpReply) => Buffer.from(r.lines[0] ?? "", "base64").toString("utf8");
  const cancel = async (err: unknown): Promise<SmtpReply> => {
    if (!(err instanceof ScramError)) throw err;
    const reply = await conn.command("*", timeoutMs);
    return { ...reply, lines: [...reply.lines, `scram ${err.message}`] };
  };
  let reply = await conn.command(
    `AUTH ${mechanism} ${_b64(client.first())}`,
    timeoutMs,
    `AUTH ${mechanism} ${REDACTED}`,
  );
  if (reply.code !== 334) return reply;
  let final: string;
  try {
    final = client.final(decoded(reply));
  } catch (err) {
    return await cancel(err);
  }
  reply = await conn.command(_b64(final), timeoutMs, REDACTED);
  // Some servers put the signature in a 334 challenge (RFC 4954), answered with an empty line.
  if (reply.code === 334) {
    try {
      client.verify(decoded(reply));
    } catch (err) {
      return await cancel(err);
    }
    return await conn.command("", timeoutMs);
  }
  return reply;
}

/**
 * Keeps the decoded OAuth error (Gmail: {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})
 * visible in the final reply, as a last line `oauth-error {JSON}` with string values only.
 */
function _withOauthError(final: SmtpReply, challenge: SmtpReply): SmtpReply {
  try {
    const json = JSON.parse(Buffer.from(challenge.lines[0] ?? "", "base64").toString("utf8")) as Record<
      string,
      unknown
    >;
    const kept = Object.fromEntries(
      Object.entries(json).filter(([k, v]) => /^[a-z_]{1,20}$/.test(k) && ["string", "number"].includes(typeof v))
        .slice(0, 6).map(([k, v]) => [k, String(v).slice(0, 200)]),
    );
    if (Object.keys(kept).length) return { ...final, lines: [...final.lines, `oauth-error ${JSON.stringify(kept)}`] };
  } catch {
    // Not JSON: nothing to add.
  }
  return final;
}

/** RFC 5801 saslname: "=" and "," in the authorization identity are escaped as =3D and =2C. */
function _gs2Name(user: string): string {
  return user.replace(/=/g, "=3D").replace(/,/g, "=2C");
}
