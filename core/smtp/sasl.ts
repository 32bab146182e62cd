/**
 * SASL mechanisms for SMTP AUTH (RFC 4954): PLAIN, LOGIN, CRAM-MD5, XOAUTH2
 * and OAUTHBEARER. Every client line that carries a credential is recorded in
 * the transcript as `<redacted>`; only the command word and mechanism show.
 */
import { createHmac } from "node:crypto";
import type { SmtpConnection } from "./connection.ts";
import type { SmtpReply } from "./reply.ts";

/** Mechanisms this client implements, in order of preference for a password. */
export const PASSWORD_MECHANISMS = ["CRAM-MD5", "PLAIN", "LOGIN"] as const;
/** Mechanisms that take an OAuth 2 access token as the secret. */
export const TOKEN_MECHANISMS = ["XOAUTH2", "OAUTHBEARER"] as const;
/** Every mechanism the client implements. */
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
    default:
      throw Object.assign(new Error(`Unsupported SASL mechanism: ${mechanism}`), { code: "E_AUTH_MECH_UNSUPPORTED" });
  }
}

/** Picks the mechanism: the forced one, else the most preferred password mechanism offered. */
export function chooseMechanism(offered: readonly string[], forced: string | undefined): string | undefined {
  if (forced !== undefined) return offered.includes(forced) ? forced : undefined;
  return PASSWORD_MECHANISMS.find((m) => offered.includes(m));
}

/** Keeps the decoded OAuth error status (e.g. "invalid_token") visible in the final reply's text. */
function _withOauthError(final: SmtpReply, challenge: SmtpReply): SmtpReply {
  try {
    const json = JSON.parse(Buffer.from(challenge.lines[0] ?? "", "base64").toString("utf8")) as { status?: unknown };
    if (typeof json.status === "string") return { ...final, lines: [...final.lines, `oauth status ${json.status}`] };
  } catch {
    // Not JSON: nothing to add.
  }
  return final;
}

/** RFC 5801 saslname: "=" and "," in the authorization identity are escaped as =3D and =2C. */
function _gs2Name(user: string): string {
  return user.replace(/=/g, "=3D").replace(/,/g, "=2C");
}
