/**
 * Amazon SES: email-smtp.<region>.amazonaws.com on 587/2587/25 (STARTTLS) or
 * 465/2465 (implicit TLS), SMTP credentials that are not IAM access keys,
 * verified identities, the sandbox, sending quotas and custom MAIL FROM —
 * consulted first for an ses profile or an SES SMTP host.
 */
import { definePlugin } from "../../core/plugin.ts";
import { regionPattern, SES_FIPS_REGIONS, SES_REGIONS_SOURCE, SES_SMTP_REGIONS } from "./regions.ts";
import { SES_REPLY_RULES } from "./reply-rules.ts";

const _HOST = "email-smtp.{region}.amazonaws.com";

/** The ses provider plugin. */
export default definePlugin({
  name: "ses",
  version: "1.0.0",
  setup(api) {
    api.addProvider({
      name: "ses",
      title: "Amazon SES",
      endpoints: [
        { host: _HOST, port: 587, tls: "starttls" },
        { host: _HOST, port: 465, tls: "implicit", note: "implicit TLS" },
        { host: _HOST, port: 2587, tls: "starttls", note: "when 587 is blocked" },
        { host: _HOST, port: 2465, tls: "implicit", note: "implicit TLS when 465 is blocked" },
        { host: _HOST, port: 25, tls: "starttls", note: "EC2 throttles port 25 by default" },
        { host: "email-smtp-fips.{fips}.amazonaws.com", port: 587, tls: "starttls", note: "FIPS 140 endpoint" },
      ],
      hostVariables: {
        region: {
          description: `the AWS region of the SES account, where the identities are verified (${
            SES_SMTP_REGIONS.join(", ")
          })`,
          pattern: regionPattern(SES_SMTP_REGIONS),
          example: "eu-west-1",
        },
        fips: {
          description: `a region with a FIPS SMTP endpoint (${SES_FIPS_REGIONS.join(", ")})`,
          pattern: regionPattern(SES_FIPS_REGIONS),
          example: "us-east-1",
        },
      },
      user: { hint: "the SMTP user name SES generated (20 characters, starts with AKIA)" },
      secretHint: "the SMTP password SES generated for this region (44 characters) — not the IAM secret access key",
      identityPolicy: {
        rule: "verified-identity",
        summary:
          "From (and the envelope sender) must be a verified address or domain in this region; in the sandbox every recipient must be verified too",
      },
      rateLimit: {
        perSecond: 1,
        perDay: 200,
        summary: "sandbox defaults (1 message a second, 200 a day); production quotas are per account and region",
      },
      hosts: [/^email-smtp(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com$/],
      detect: {
        mx: [/^inbound-smtp\.(?<region>[a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com$/],
        srv: [/^email-smtp\.(?<region>[a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com$/],
      },
      replyRules: SES_REPLY_RULES,
      facts: [
        "email-smtp.REGION.amazonaws.com: 587, 2587 or 25 STARTTLS; 465 or 2465 implicit TLS",
        "SMTP credentials are region-specific and are not IAM access keys: create them in the SES console (SMTP settings)",
        "New accounts are in the sandbox: only verified recipients, 200 messages a day, 1 a second",
        "A custom MAIL FROM domain (MX + SPF on a subdomain) aligns SPF for DMARC",
        "Messages up to 40 MB (after MIME encoding); the IAM user behind the SMTP credentials needs ses:SendRawEmail",
      ],
      dated: [
        {
          text: `SES SMTP endpoints exist in ${SES_SMTP_REGIONS.length} regions; FIPS SMTP endpoints in ${
            SES_FIPS_REGIONS.join(", ")
          }. A region missing here can still be used with --host`,
          ...SES_REGIONS_SOURCE,
        },
        {
          text: "The maximum message size is 40 MB, including images, attachments and MIME encoding",
          asOf: "2026-11-30",
          source: "https://docs.aws.amazon.com/ses/latest/dg/quotas.html",
        },
        {
          text: "SMTP credentials belong to an IAM user that needs the ses:SendRawEmail permission; without it SES " +
            "answers 554 Access denied … not authorized to perform `ses:SendRawEmail'",
          asOf: "2026-11-30",
          source: "https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html",
        },
      ],
    });
  },
});
