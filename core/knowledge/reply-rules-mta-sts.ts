/**
 * Replies a sending MTA writes when the recipient's MTA-STS policy stops a
 * delivery — Exchange Online's wording above all, the sender most users
 * meet it from (Microsoft Learn, "Enhancing mail flow with MTA-STS"):
 *
 *   451 4.4.8 / 550 5.4.8  MX hosts of 'contoso.com' failed MTA-STS validation.
 *   451 4.7.5 / 550 5.7.5  Remote certificate failed MTA-STS validation. Reason: RemoteCertificateNameMismatch
 *
 * The 4.x.x forms are still being retried, the 5.x.x ones were given up.
 * They are not refusals by the recipient's server: the sender refused to
 * hand the message over, because of how the recipient domain publishes its
 * MX hosts, policy or certificates — so the next move is to look at that
 * domain's side (`smtpilot domain D --recipient --fetch-policy`). Patterns
 * run on untrusted text: bounded gaps, no nested quantifiers.
 */
import type { ReplyRule } from "./reply-rule.ts";

const _NEXT =
  "This is the recipient domain's configuration, not your message or account: run `smtpilot domain <recipient domain> --recipient --fetch-policy` to see which MX fails MTA-STS and why, and tell that domain's postmaster (their TLS-RPT address gets the same failures).";

/** The MTA-STS rules; they match at the STARTTLS stage, where the sender's TLS to the MX failed. */
export const mtaStsReplyRules = (): readonly ReplyRule[] => [
  {
    id: "core.mta-sts-mx-hosts-failed",
    stages: ["starttls"],
    code: /^[45]/,
    enhanced: /^[45]\.4\.8$/,
    text: /MX hosts? of .{0,260}?failed MTA-STS validation|\bMTA-?STS\b/i,
    diagnosis: {
      code: "tls.mta-sts-mx-failed",
      title: "Recipient's MX hosts failed MTA-STS validation",
      cause:
        "The sending server (Exchange Online words it this way) enforces the recipient domain's MTA-STS policy and found no MX host it may deliver to: the MX hosts are not listed in the policy's mx: lines, or none offered STARTTLS with a valid certificate. 4.4.8: it keeps retrying; 5.4.8: it gave up.",
      next: _NEXT,
    },
  },
  {
    id: "core.mta-sts-certificate-failed",
    stages: ["starttls"],
    code: /^[45]/,
    enhanced: /^[45]\.7\.5$/,
    text: /certificate failed MTA-STS validation|\bMTA-?STS\b/i,
    diagnosis: {
      code: "tls.mta-sts-cert-invalid",
      title: "Recipient's MX certificate failed MTA-STS validation",
      cause:
        "The sending server enforces the recipient domain's MTA-STS policy and the MX's certificate did not pass: RemoteCertificateNameMismatch — it does not name the MX host; RemoteCertificateChainErrors — it is expired, self-signed or from an untrusted CA; RemoteCertificateNotAvailable — no certificate at all (no STARTTLS). 4.7.5: still retried; 5.7.5: given up.",
      next: _NEXT,
    },
  },
];
