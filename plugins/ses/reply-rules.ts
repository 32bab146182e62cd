/**
 * What Amazon SES's SMTP interface replies mean: its wording is short and
 * mostly without enhanced codes ("535 Authentication Credentials Invalid",
 * "454 Throttling failure: …", "554 Message rejected: Email address is not
 * verified…"), so the rules match the text.
 */
import type { ProviderReplyRule } from "../../core/provider.ts";

/** SES's reply knowledge, most specific first. */
export const SES_REPLY_RULES: readonly ProviderReplyRule[] = [
  {
    id: "ses.send-raw-email-denied",
    stages: ["mail", "rcpt", "data"],
    text: /not authorized to perform\W{0,3}ses:SendRawEmail|Access denied/i,
    diagnosis: {
      code: "envelope.permission-denied",
      title: "The IAM user behind the SMTP credentials may not send",
      cause:
        "554 Access denied … not authorized to perform ses:SendRawEmail: the SMTP credentials belong to an IAM user whose policy lacks ses:SendRawEmail for this identity (or a policy condition — the From address, a region — denies it).",
      next:
        "Attach a policy allowing ses:SendRawEmail on the identity (arn:aws:ses:REGION:ACCOUNT:identity/DOMAIN) to the IAM user the reply names; the SES console's SMTP-credential user gets AmazonSesSendingAccess.",
    },
  },
  {
    id: "ses.auth-tempfail",
    stages: ["auth"],
    code: /^454$/,
    text: /Temporary (?:authentication|service) failure|authentication\/service failure/i,
    diagnosis: {
      code: "auth.temporary-failure",
      title: "SES could not check the credentials just now",
      cause:
        "454 Temporary authentication/service failure: SES's authentication service failed for this attempt; the credentials may be fine.",
      next:
        "Retry once after a pause (with back-off, not in a loop); if it persists, check the AWS Health Dashboard for SES in this region.",
    },
  },
  {
    id: "ses.too-large",
    stages: ["mail", "data"],
    text: /Message (?:length|size) (?:is more than|exceeds)|message too large/i,
    diagnosis: {
      code: "envelope.size-exceeded",
      title: "The message is larger than SES accepts",
      cause: "SES accepts messages up to 40 MB including attachments and MIME (base64) encoding.",
      next: "Shrink attachments (base64 adds a third) or link to large files instead.",
    },
  },
  {
    id: "ses.credentials-invalid",
    stages: ["auth"],
    code: /^535$/,
    text: /Authentication Credentials Invalid/i,
    diagnosis: {
      code: "auth.invalid-credentials",
      title: "SES refused the SMTP credentials",
      cause:
        "SMTP credentials are not IAM access keys: an AKIA… user name with the IAM secret access key as password always fails, because SES wants the SMTP password derived for its region (44 characters). Credentials made for another region fail the same way.",
      next:
        "Create SMTP credentials in the SES console for this region (SMTP settings → Create SMTP credentials), or derive the SMTP password from the secret key with AWS's published algorithm; put it behind the secret reference.",
    },
  },
  {
    id: "ses.not-verified",
    stages: ["mail", "rcpt", "data"],
    text: /Email address is not verified|identities failed the check/i,
    diagnosis: {
      code: "envelope.identity-not-verified",
      title: "SES has not verified an address used here",
      cause:
        "SES sends only from verified identities; in the sandbox, recipients must be verified too. The reply names the identities that failed and the region.",
      next:
        "Verify the From address or its domain in the SES console for this region; while in the sandbox also verify each recipient, or request production access.",
    },
  },
  {
    id: "ses.daily-quota",
    stages: ["mail", "rcpt", "data"],
    text: /Daily message quota exceeded/i,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "SES daily sending quota reached",
      cause: "The account sent its 24-hour quota (200 in the sandbox).",
      next: "Wait for the rolling window, or request a higher sending quota in the SES console (Service quotas).",
    },
  },
  {
    id: "ses.max-rate",
    stages: ["mail", "rcpt", "data"],
    text: /Maximum sending rate exceeded|Throttling failure/i,
    diagnosis: {
      code: "envelope.rate-limited",
      title: "SES is throttling the sending rate",
      cause: "More messages per second than the account's maximum send rate (1 a second in the sandbox).",
      next: "Send slower (the send workflow paces itself by the profile's rate) or request a higher rate.",
    },
  },
  {
    id: "ses.sending-paused",
    stages: ["mail", "rcpt", "data"],
    text: /sending (?:is )?paused|account (?:is )?(?:paused|suspended)/i,
    diagnosis: {
      code: "envelope.policy-rejected",
      title: "SES paused sending for this account or configuration set",
      cause: "SES stops sending when bounce or complaint rates are too high, or an administrator paused it.",
      next: "Read the reputation page in the SES console, fix the list hygiene that caused it, then ask AWS to resume.",
    },
  },
  {
    id: "ses.mail-from-domain",
    stages: ["mail", "rcpt", "data"],
    text: /MAIL FROM domain|custom MAIL FROM/i,
    diagnosis: {
      code: "envelope.sender-rejected",
      title: "SES refused the MAIL FROM domain",
      cause: "The envelope sender's domain is not the identity's verified custom MAIL FROM domain.",
      next:
        "Use the custom MAIL FROM domain configured for the identity (its MX points at feedback-smtp.REGION.amazonses.com and its SPF includes amazonses.com), or leave the envelope sender to SES.",
    },
  },
];
