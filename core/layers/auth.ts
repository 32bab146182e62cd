/**
 * Layer auth (auth probe only): the credentials are accepted. Never sends them
 * without a verified TLS session; picks the pinned mechanism or the most
 * general offered one (core/smtp/sasl.ts), and after a failed login names the
 * other offered password mechanisms in `next` instead of retrying.
 */
import { interpretReply } from "../knowledge/interpret-reply.ts";
import { type Diagnosis, failed, type LayerResult, passed } from "../layer.ts";
import { type SmtpFailure, SmtpReadError } from "../smtp/connection.ts";
import { replyLine } from "../smtp/reply.ts";
import {
  authenticate,
  chooseMechanism,
  otherPasswordMechanisms,
  PASSWORD_MECHANISMS,
  TOKEN_MECHANISMS,
} from "../smtp/sasl.ts";
import { bearerFailure, tokenAsPassword, tokenBeforeSend } from "../oauth/auth-verdict.ts";
import { currentCapabilities, type LayerContext, since } from "./context.ts";
import { readFailureDiagnosis, readFailureFacts } from "./_failure.ts";

/** Runs the auth layer. */
export async function runAuth(ctx: LayerContext, start: number): Promise<LayerResult> {
  const auth = ctx.options.auth;
  const conn = ctx.state.conn;
  const caps = currentCapabilities(ctx);
  if (!auth || !conn || !caps) throw new Error("Auth layer without credentials or session");
  const facts = {
    user: auth.user,
    secretRef: auth.secretRef,
    offered: caps.auth,
    ...(auth.token ? { token: auth.token } : {}),
  };
  if (!ctx.state.tlsVerified) {
    return failed("auth", since(ctx, start), facts, {
      code: "auth.tls-required",
      summary: "Credentials withheld: the connection is not encrypted with a verified certificate",
      cause:
        "smtpilot never sends credentials over an unencrypted or unverified channel, and this session has no verified TLS.",
      next:
        "Use the server's TLS port and mode (--tls starttls on 587, --tls implicit on 465); for a private CA pass --ca FILE.",
    });
  }
  if (auth.failure) return failed("auth", since(ctx, start), facts, auth.failure);
  if (auth.secret === undefined || auth.secret === "") {
    return failed("auth", since(ctx, start), facts, {
      code: "auth.no-secret",
      summary: `The secret ${auth.secretRef} is empty or not set`,
      cause: `The secret reference ${auth.secretRef} resolved to nothing, so there is no password or token to try.`,
      next: `Set it for this run (e.g. export ${
        auth.secretRef.replace(/^env:/, "")
      }=… in your shell or your secret manager) and re-run.`,
    });
  }
  if (caps.auth.length === 0) {
    return failed("auth", since(ctx, start), facts, {
      code: "auth.not-offered",
      summary: "The server offers no AUTH on this connection",
      cause:
        "This server or port does not accept authentication (a relay that authorises by IP, or AUTH is enabled only on another port).",
      next:
        "Use the provider's submission port (587 or 465); if this relay authorises by IP, run a connectivity probe with --from/--to instead.",
    });
  }
  const mechanism = chooseMechanism(caps.auth, auth.mechanism);
  if (!mechanism) {
    const tokenOnly = caps.auth.every((m) => (TOKEN_MECHANISMS as readonly string[]).includes(m));
    return failed("auth", since(ctx, start), { ...facts, requested: auth.mechanism ?? "auto" }, {
      code: "auth.mechanism-unsupported",
      summary: `No usable mechanism: the server offers ${caps.auth.join(" ")}${
        auth.mechanism ? `, not ${auth.mechanism}` : ""
      }`,
      cause: tokenOnly
        ? "The server accepts only OAuth 2 tokens (password authentication is disabled for this account or tenant)."
        : "None of the mechanisms the server offers is one smtpilot can use with this secret.",
      next: tokenOnly
        ? "Obtain an OAuth 2 access token for the account and re-run with --auth-mech XOAUTH2 and the token as the secret."
        : `Re-run with --auth-mech set to one of: ${caps.auth.join(", ")}.`,
    });
  }
  const refused = tokenAsPassword(auth.secret, mechanism, caps.auth);
  if (refused) return failed("auth", since(ctx, start), { ...facts, mechanism }, refused);
  const before = tokenBeforeSend(auth.secret, mechanism, auth.oauth);
  const tokenFacts = before.facts ? { token: { ...before.facts, ...auth.token } } : {};
  if (before.problem) return failed("auth", since(ctx, start), { ...facts, ...tokenFacts, mechanism }, before.problem);
  try {
    const reply = await authenticate(conn, mechanism, {
      user: auth.user,
      secret: auth.secret,
      host: ctx.options.servername ?? ctx.options.host,
      port: ctx.options.port,
    }, ctx.options.timeoutMs);
    const done = { ...facts, ...tokenFacts, mechanism, reply: replyLine(reply) };
    if (reply.code === 235) {
      return passed("auth", since(ctx, start), { ...done, summary: `authenticated as ${auth.user} with ${mechanism}` });
    }
    const bearer = bearerFailure(interpretReply("auth", reply, ctx.rules, ctx.transcript.redact), reply, mechanism);
    const diagnosis = bearer.diagnosis;
    if (bearer.oauthError) Object.assign(done, { oauthError: bearer.oauthError });
    const others = _OTHER_MECHANISM_MAY_HELP.has(diagnosis.code) ? otherPasswordMechanisms(caps.auth, mechanism) : [];
    if (others.length === 0 || !(PASSWORD_MECHANISMS as readonly string[]).includes(mechanism)) {
      return failed("auth", since(ctx, start), done, diagnosis);
    }
    return failed("auth", since(ctx, start), { ...done, otherMechanisms: others }, {
      ...diagnosis,
      next: `${diagnosis.next} The server also offers ${others.join(", ")}: if the account's password is stored ` +
        `for another mechanism, re-run once with --auth-mech ${others[0]} (smtpilot never retries a login by ` +
        "itself: repeated failures can lock the account).",
    });
  } catch (err) {
    if (!(err instanceof SmtpReadError)) throw err;
    return failed(
      "auth",
      since(ctx, start),
      { ...facts, mechanism, ...readFailureFacts(err.failure) },
      _authReadFailure(err.failure, mechanism),
    );
  }
}

/** Failures another password mechanism could turn around (a store that serves only some mechanisms). */
const _OTHER_MECHANISM_MAY_HELP = new Set(["auth.invalid-credentials", "auth.rejected", "auth.mechanism-unsupported"]);

/** Auth servers deliberately answer late after failed logins (Dovecot: 2 s, up to 15 s): say so on a timeout. */
function _authReadFailure(failure: SmtpFailure, mechanism: string): Diagnosis {
  const d = readFailureDiagnosis("auth", failure, `AUTH ${mechanism}`);
  if (failure.kind !== "timeout") return d;
  return {
    ...d,
    cause:
      "The server did not answer AUTH in time; many servers delay their answer on purpose after failed logins from this IP, or their auth backend hangs.",
    next: "Wait a few minutes (no more attempts), then retry once with a longer --timeout (e.g. --timeout 30).",
  };
}
