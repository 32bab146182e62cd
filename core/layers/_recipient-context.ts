/**
 * What a refused recipient means in context. Some servers word a relay
 * refusal as a recipient error (OpenSMTPD: "550 Invalid recipient" for any
 * domain it does not serve when the client is not authenticated), and some
 * refuse a recipient and hang up on the whole session by policy. The reply
 * alone cannot tell; the session can.
 */
import { sameOrg } from "../domain/org-domain.ts";
import type { Diagnosis, Facts } from "../layer.ts";
import { currentCapabilities, type LayerContext } from "./context.ts";

/** Codes whose "check the mailbox" advice is wrong when the refusal is really about relaying. */
const _RECIPIENT_CODES = new Set(["envelope.recipient-unknown", "envelope.recipient-rejected"]);

/** Reply wording of a server that ends the session along with its refusal. */
const _CLOSING = /closing (?:the )?(?:connection|transmission channel|session)|connection (?:will be )?closed/i;

/**
 * How likely a refusal of `recipient` is a relay refusal: "likely" when the
 * session is not authenticated and the recipient's organisational domain is
 * none of the server's (its banner and EHLO names), "possible" when the
 * server named no domain to compare with, undefined otherwise.
 */
export function relayLikelihood(ctx: LayerContext, recipient: string): "likely" | "possible" | undefined {
  if (ctx.options.auth) return undefined;
  const domain = recipient.slice(recipient.lastIndexOf("@") + 1).toLowerCase();
  if (domain.startsWith("[")) return undefined;
  const names = [ctx.state.greetingName, currentCapabilities(ctx)?.domain]
    .filter((n): n is string => typeof n === "string" && /^[a-z0-9-]+(?:\.[a-z0-9-]+)+\.?$/i.test(n));
  if (names.length === 0) return "possible";
  return names.some((n) => sameOrg(n.replace(/\.$/, ""), domain)) ? undefined : "likely";
}

/**
 * The diagnosis of a refused RCPT, sharpened by the session: relaying named as
 * the likely cause, and a server that closed the connection with its refusal.
 */
export function recipientInContext(
  ctx: LayerContext,
  recipient: string,
  replyText: string,
  diagnosis: Diagnosis,
  closed: boolean,
): { diagnosis: Diagnosis; facts: Facts } {
  let d = diagnosis;
  const facts: Facts = {};
  const relay = _RECIPIENT_CODES.has(d.code) ? relayLikelihood(ctx, recipient) : undefined;
  if (relay) {
    const domain = recipient.slice(recipient.lastIndexOf("@") + 1);
    facts.relay = relay;
    d = {
      ...d,
      cause: relay === "likely"
        ? `${domain} is not a domain this server names as its own and this session is not authenticated: the refusal is most likely the server declining to relay, worded as a recipient error (OpenSMTPD says "Invalid recipient" for this).`
        : `This session is not authenticated: if ${domain} is not a domain this server hosts, the refusal is the server declining to relay, worded as a recipient error (OpenSMTPD says "Invalid recipient" for this).`,
      next:
        `Authenticate (--user/--secret over TLS) or send from a host the server relays for; to test a mailbox of this server instead, use a --to in a domain it hosts.`,
    };
  }
  if (closed || _CLOSING.test(replyText)) {
    facts.serverClosed = true;
    d = {
      ...d,
      cause:
        `${d.cause} The server also ended the session with this reply: a policy decision about this client or session (too many refused recipients, an access rule), not only about this address.`,
      next: `${d.next} The server's log names the policy that dropped the session.`,
    };
  }
  return { diagnosis: d, facts };
}
