/**
 * The SMTP AUTH account against the message's other identities: submission
 * services (Gmail, Microsoft 365, SES…) rewrite or refuse a From or an
 * envelope sender the account does not own, which no DMARC checker looks at.
 * Organisations are compared by the organisational domains align.ts found.
 */
import { type AlignFinding, alignFinding, type Identity, identityLine } from "./align-codes.ts";

/** Findings about the AUTH account (none when there is no account). */
export function authAccountFindings(identities: readonly Identity[]): AlignFinding[] {
  const auth = identities.find((i) => i.role === "auth-user");
  if (!auth) return [];
  if (!auth.domain) {
    return [alignFinding(
      "align.auth-user-no-domain",
      "info",
      `The account ${auth.value} names no domain: the provider decides which senders it may use`,
      [identityLine(auth)],
    )];
  }
  const out: AlignFinding[] = [];
  const from = identities.find((i) => i.role === "header-from");
  const envelope = identities.find((i) => i.role === "envelope-from");
  if (auth.orgDomain !== from?.orgDomain) {
    out.push(alignFinding(
      "align.auth-from-mismatch",
      "warning",
      `The authenticated account ${auth.value} is in ${auth.orgDomain}, the From in ${from?.orgDomain}: most providers rewrite or refuse a From the account does not own`,
      [identityLine(auth), ...(from ? [identityLine(from)] : [])],
    ));
  }
  if (envelope?.domain && auth.orgDomain !== envelope.orgDomain) {
    out.push(alignFinding(
      "align.auth-envelope-mismatch",
      "warning",
      `The authenticated account ${auth.value} is in ${auth.orgDomain}, the envelope sender in ${envelope.orgDomain}: providers often replace the envelope sender with the account`,
      [identityLine(auth), identityLine(envelope)],
    ));
  }
  return out;
}
