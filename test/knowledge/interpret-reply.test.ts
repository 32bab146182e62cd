/**
 * The reply table is judged by real replies: each row is a reply a known MTA
 * or provider sends, and the diagnosis code it must get. Only codes are
 * asserted, so wording can be improved without touching these rows.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { interpretReply, matchRule, STAGE_LAYER } from "../../core/knowledge/interpret-reply.ts";
import { coreReplyRules } from "../../core/knowledge/reply-rules.ts";
import type { ReplyRule, ReplyStage } from "../../core/knowledge/reply-rule.ts";
import { toReply } from "../../core/smtp/reply.ts";

interface Row {
  /** Who sends it, for the test name only. */
  from: string;
  stage: ReplyStage;
  raw: string[];
  code: string;
}

function reply(raw: string[]) {
  const first = raw[0] ?? "";
  return toReply(Number(first.slice(0, 3)), raw);
}

const ROWS: Row[] = [
  // --- greeting -------------------------------------------------------------
  {
    from: "Postfix anvil",
    stage: "greeting",
    raw: ["421 4.7.0 mail.example.com Error: too many connections from 203.0.113.5"],
    code: "greeting.busy",
  },
  {
    from: "Postfix postscreen",
    stage: "greeting",
    raw: ["421 4.3.2 All server ports are busy"],
    code: "greeting.busy",
  },
  {
    from: "Exim",
    stage: "greeting",
    raw: ["421 Too many concurrent SMTP connections from this IP address; please try again later."],
    code: "greeting.busy",
  },
  {
    from: "Exchange",
    stage: "greeting",
    raw: ["421 4.3.2 Service not available, closing transmission channel"],
    code: "greeting.busy",
  },
  { from: "Gmail", stage: "greeting", raw: ["421 4.7.0 Try again later, closing connection."], code: "greeting.busy" },
  {
    from: "Yahoo",
    stage: "greeting",
    raw: [
      "421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
    ],
    code: "greeting.busy",
  },
  { from: "Sendmail", stage: "greeting", raw: ["421 4.3.2 Connection rate limit exceeded."], code: "greeting.busy" },
  {
    from: "Postfix + Spamhaus",
    stage: "greeting",
    raw: [
      "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5",
    ],
    code: "greeting.rejected",
  },
  {
    from: "Yahoo",
    stage: "greeting",
    raw: [
      "553 5.7.1 [BL21] Connections will not be accepted from 203.0.113.5, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes",
    ],
    code: "greeting.rejected",
  },
  {
    from: "AT&T",
    stage: "greeting",
    raw: [
      "553 5.3.0 flpd575 DNSBL:RBL 521< 203.0.113.5 >_is_blocked.For assistance forward this email to abuse_rbl@abuse-att.net",
    ],
    code: "greeting.rejected",
  },
  {
    from: "Comcast",
    stage: "greeting",
    raw: [
      "554 resimta-po-01v.sys.comcast.net resimta-po-01v.sys.comcast.net 203.0.113.5 found on one or more DNSBLs, see http://postmaster.comcast.net/smtp-error-codes.php#BL000001",
    ],
    code: "greeting.rejected",
  },
  {
    from: "Exchange",
    stage: "greeting",
    raw: [
      "554 5.7.1 Your access to this mail system has been rejected due to the sending MTA's poor reputation. If you believe that this failure is in error, please contact the intended recipient's administrator.",
    ],
    code: "greeting.rejected",
  },
  { from: "Postfix", stage: "greeting", raw: ["554 No SMTP service here"], code: "greeting.rejected" },
  {
    from: "Postfix",
    stage: "greeting",
    raw: ["554 5.7.1 <unknown[203.0.113.5]>: Client host rejected: Access denied"],
    code: "greeting.rejected",
  },
  {
    from: "Postfix",
    stage: "greeting",
    raw: ["550 5.7.1 Client host rejected: cannot find your reverse hostname, [203.0.113.5]"],
    code: "greeting.rejected",
  },
  { from: "HTTP server", stage: "greeting", raw: ["250 not a banner"], code: "greeting.unexpected-reply" },
  // --- ehlo / helo ------------------------------------------------------------
  {
    from: "Postfix",
    stage: "ehlo",
    raw: ["504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"],
    code: "ehlo.rejected",
  },
  {
    from: "Postfix",
    stage: "ehlo",
    raw: ["550 5.7.1 <mail.invalid>: Helo command rejected: Host not found"],
    code: "ehlo.rejected",
  },
  { from: "Exim", stage: "ehlo", raw: ["501 Syntactically invalid EHLO argument(s)"], code: "ehlo.rejected" },
  {
    from: "Gmail",
    stage: "ehlo",
    raw: [
      '501-5.5.4 HELO/EHLO argument "local" invalid, closing connection.',
      "501 5.5.4  https://support.google.com/mail/?p=helo a1-20020a170902 - gsmtp",
    ],
    code: "ehlo.rejected",
  },
  { from: "Exchange", stage: "helo", raw: ["501 5.5.4 Invalid domain name"], code: "ehlo.rejected" },
  { from: "Sendmail", stage: "helo", raw: ["501 5.0.0 HELO requires domain address"], code: "ehlo.rejected" },
  {
    from: "Postfix anvil",
    stage: "ehlo",
    raw: ["421 4.7.0 mail.example.com Error: too many connections from 203.0.113.5"],
    code: "ehlo.rejected",
  },
  {
    from: "Postfix (no ESMTP)",
    stage: "ehlo",
    raw: ["502 5.5.2 Error: command not recognized"],
    code: "ehlo.rejected",
  },
  // --- starttls ---------------------------------------------------------------
  {
    from: "Postfix",
    stage: "starttls",
    raw: ["454 4.7.0 TLS not available due to local problem"],
    code: "tls.starttls-failed",
  },
  {
    from: "Exchange",
    stage: "starttls",
    raw: ["554 5.7.3 Unable to initialize security subsystem"],
    code: "tls.starttls-failed",
  },
  { from: "Exim", stage: "starttls", raw: ["454 TLS currently unavailable"], code: "tls.starttls-failed" },
  {
    from: "Postfix",
    stage: "starttls",
    raw: ["502 5.5.1 Error: command not implemented"],
    code: "tls.starttls-failed",
  },
  { from: "Postfix", stage: "starttls", raw: ["503 5.5.1 Error: TLS already active"], code: "tls.starttls-failed" },
  // --- auth ---------------------------------------------------------------------
  {
    from: "Postfix/Dovecot",
    stage: "auth",
    raw: ["535 5.7.8 Error: authentication failed: authentication failure"],
    code: "auth.invalid-credentials",
  },
  {
    from: "Postfix/Cyrus",
    stage: "auth",
    raw: ["535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6"],
    code: "auth.invalid-credentials",
  },
  {
    from: "Gmail",
    stage: "auth",
    raw: [
      "535-5.7.8 Username and Password not accepted. For more information, go to",
      "535 5.7.8  https://support.google.com/mail/?p=BadCredentials d2-20020a05600c - gsmtp",
    ],
    code: "auth.invalid-credentials",
  },
  {
    from: "Exchange Online",
    stage: "auth",
    raw: [
      "535 5.7.3 Authentication unsuccessful [BN0PR04CA0063.namprd04.prod.outlook.com 2024-05-01T10:00:00.000Z 08DC69B0A4F7B9A1]",
    ],
    code: "auth.invalid-credentials",
  },
  { from: "Exim", stage: "auth", raw: ["535 Incorrect authentication data"], code: "auth.invalid-credentials" },
  {
    from: "Amazon SES",
    stage: "auth",
    raw: ["535 Authentication Credentials Invalid"],
    code: "auth.invalid-credentials",
  },
  {
    from: "SendGrid",
    stage: "auth",
    raw: ["535 Authentication failed: Bad username / password"],
    code: "auth.invalid-credentials",
  },
  {
    from: "Microsoft 365",
    stage: "auth",
    raw: [
      "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [LO4P265CA0001.GBRP265.PROD.OUTLOOK.COM]",
    ],
    code: "auth.invalid-credentials",
  },
  {
    from: "Yahoo",
    stage: "auth",
    raw: ["535 5.7.0 (#MBR1212) Incorrect username or password."],
    code: "auth.invalid-credentials",
  },
  {
    from: "Gmail",
    stage: "auth",
    raw: [
      "534-5.7.9 Application-specific password required. Learn more at",
      "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor m5-20020a05 - gsmtp",
    ],
    code: "auth.app-password-required",
  },
  {
    from: "Gmail",
    stage: "auth",
    raw: [
      "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbt>",
      "534-5.7.14 Please log in via your web browser and then try again.",
      "534-5.7.14  Learn more at",
      "534 5.7.14  https://support.google.com/mail/answer/78754 t3-20020a - gsmtp",
    ],
    code: "auth.web-login-required",
  },
  {
    from: "Microsoft 365",
    stage: "auth",
    raw: [
      "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [SN4PR0501CA0054.namprd05.prod.outlook.com]",
    ],
    code: "auth.smtp-auth-disabled",
  },
  {
    from: "Outlook.com",
    stage: "auth",
    raw: [
      "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BL1PR13CA0345.namprd13.prod.outlook.com 2024-09-17T08:00:00.000Z 08DCD6A1]",
    ],
    code: "auth.basic-auth-disabled",
  },
  {
    from: "Microsoft 365",
    stage: "auth",
    raw: [
      "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator. [MN2PR01CA0012.prod.exchangelabs.com]",
    ],
    code: "auth.basic-auth-disabled",
  },
  {
    from: "Microsoft 365 (Basic authentication removed)",
    stage: "auth",
    raw: ["550 5.7.30 Basic authentication is not supported for Client Submission."],
    code: "auth.basic-auth-disabled",
  },
  {
    from: "Microsoft 365",
    stage: "auth",
    raw: [
      "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator. [AM0PR02CA0001.eurprd02.prod.outlook.com]",
    ],
    code: "auth.smtp-auth-disabled",
  },
  {
    from: "Postfix/Gmail",
    stage: "auth",
    raw: ["530 5.7.0 Must issue a STARTTLS command first"],
    code: "auth.tls-required",
  },
  {
    from: "RFC 4954",
    stage: "auth",
    raw: ["538 5.7.11 Encryption required for requested authentication mechanism"],
    code: "auth.tls-required",
  },
  {
    from: "Exchange",
    stage: "auth",
    raw: ["504 5.7.4 Unrecognized authentication type [DM6PR02CA0051.namprd02.prod.outlook.com]"],
    code: "auth.mechanism-unsupported",
  },
  {
    from: "Exchange",
    stage: "auth",
    raw: ["504 5.5.4 Unrecognized authentication type"],
    code: "auth.mechanism-unsupported",
  },
  {
    from: "Postfix/Dovecot",
    stage: "auth",
    raw: ["535 5.7.8 Error: authentication failed: Invalid authentication mechanism"],
    code: "auth.mechanism-unsupported",
  },
  {
    from: "Sendmail",
    stage: "auth",
    raw: ["504 5.3.3 AUTH mechanism CRAM-MD5 not available"],
    code: "auth.mechanism-unsupported",
  },
  {
    from: "Postfix/Exchange",
    stage: "auth",
    raw: ["454 4.7.0 Temporary authentication failure"],
    code: "auth.temporary-failure",
  },
  { from: "Exim", stage: "auth", raw: ["435 Unable to authenticate at present"], code: "auth.temporary-failure" },
  {
    from: "Gmail",
    stage: "auth",
    raw: [
      "454-4.7.0 Too many login attempts, please try again later. Learn more at",
      "454 4.7.0  https://support.google.com/mail/answer/7126229 c4-20020a - gsmtp",
    ],
    code: "auth.rate-limited",
  },
  {
    from: "Yahoo",
    stage: "auth",
    raw: ["535 5.7.0 (#AUTH005) Too many bad auth attempts."],
    code: "auth.rate-limited",
  },
  {
    from: "Dovecot",
    stage: "auth",
    raw: ["535 5.7.8 Error: authentication failed: Your account has been disabled"],
    code: "auth.account-disabled",
  },
  {
    from: "Postfix/Dovecot",
    stage: "auth",
    raw: ["535 5.7.8 Error: authentication failed: Connection lost to authentication server"],
    code: "auth.temporary-failure",
  },
  {
    from: "RFC 4954",
    stage: "auth",
    raw: ["432 4.7.12 A password transition is needed"],
    code: "auth.web-login-required",
  },
  {
    from: "RFC 4954",
    stage: "auth",
    raw: ["534 5.7.9 Authentication mechanism is too weak"],
    code: "auth.mechanism-unsupported",
  },
  {
    from: "Microsoft 365",
    stage: "auth",
    raw: [
      "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.",
    ],
    code: "auth.smtp-auth-disabled",
  },
  {
    from: "RFC 4954",
    stage: "auth",
    raw: ["535 5.7.8 Authentication credentials invalid"],
    code: "auth.invalid-credentials",
  },
  { from: "Postfix", stage: "auth", raw: ["503 5.5.1 Error: authentication not enabled"], code: "auth.not-offered" },
  { from: "Postfix", stage: "auth", raw: ["501 5.5.2 Cannot decode response"], code: "auth.rejected" },
  { from: "confused server", stage: "auth", raw: ["334 VXNlcm5hbWU6"], code: "auth.unexpected-reply" },
  // --- relay / access -------------------------------------------------------------
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["554 5.7.1 <bob@example.org>: Relay access denied"],
    code: "envelope.relay-denied",
  },
  {
    from: "Postfix (defer_unauth_destination)",
    stage: "rcpt",
    raw: ["454 4.7.1 <bob@example.org>: Relay access denied"],
    code: "envelope.relay-denied",
  },
  { from: "Exim", stage: "rcpt", raw: ["550 relay not permitted"], code: "envelope.relay-denied" },
  {
    from: "Exim",
    stage: "rcpt",
    raw: ["550 relay not permitted, authentication required"],
    code: "envelope.relay-denied",
  },
  {
    from: "Exchange",
    stage: "rcpt",
    raw: ["550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain"],
    code: "envelope.relay-denied",
  },
  {
    from: "Microsoft 365",
    stage: "rcpt",
    raw: ["550 5.7.64 TenantAttribution; Relay Access Denied [SN1NAM02FT0123.eop-nam02.prod.protection.outlook.com]"],
    code: "envelope.relay-denied",
  },
  { from: "Exchange 2010", stage: "rcpt", raw: ["550 5.7.1 Unable to relay"], code: "envelope.relay-denied" },
  {
    from: "Sendmail",
    stage: "rcpt",
    raw: ["550 5.7.1 <bob@example.org>... Relaying denied. Proper authentication required."],
    code: "envelope.relay-denied",
  },
  {
    from: "qmail",
    stage: "rcpt",
    raw: ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"],
    code: "envelope.relay-denied",
  },
  {
    from: "Google Workspace SMTP relay",
    stage: "mail",
    raw: [
      "550-5.7.0 Mail relay denied [203.0.113.5]. Invalid credentials for",
      "550-5.7.0 relay for one of the domains in: example.com (as obtained from",
      "550 5.7.0 HELO and MAIL FROM). https://support.google.com/a/answer/6140680#invalidcred - gsmtp",
    ],
    code: "envelope.relay-denied",
  },
  {
    from: "Postfix/Sendmail",
    stage: "mail",
    raw: ["530 5.7.0 Authentication required"],
    code: "envelope.auth-required",
  },
  {
    from: "Microsoft 365",
    stage: "mail",
    raw: ["530 5.7.57 Client not authenticated to send mail. [DM5PR07CA0051.namprd07.prod.outlook.com]"],
    code: "envelope.auth-required",
  },
  {
    from: "Exchange 2013",
    stage: "mail",
    raw: ["530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM"],
    code: "envelope.auth-required",
  },
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["553 5.7.1 <alice@example.com>: Sender address rejected: not logged in"],
    code: "envelope.auth-required",
  },
  {
    from: "Gmail",
    stage: "mail",
    raw: [
      "530-5.7.0 Authentication Required. For more information, go to",
      "530 5.7.0  https://support.google.com/mail/?p=WantAuthError h7-20020a - gsmtp",
    ],
    code: "envelope.auth-required",
  },
  { from: "SendGrid", stage: "mail", raw: ["550 Unauthenticated senders not allowed"], code: "envelope.auth-required" },
  {
    from: "Gmail",
    stage: "mail",
    raw: ["530 5.7.0 Must issue a STARTTLS command first. x6-20020a - gsmtp"],
    code: "envelope.tls-required",
  },
  // --- sender -------------------------------------------------------------------
  {
    from: "Postfix/Zimbra",
    stage: "rcpt",
    raw: ["553 5.7.1 <alice@example.com>: Sender address rejected: not owned by user bob@example.com"],
    code: "envelope.sender-rejected",
  },
  {
    from: "Microsoft 365",
    stage: "data",
    raw: ["550 5.7.60 SMTP; Client does not have permissions to send as this sender"],
    code: "envelope.sender-rejected",
  },
  {
    from: "Sendmail",
    stage: "mail",
    raw: [
      "553 5.1.8 <alice@nonexistent.invalid>... Domain of sender address alice@nonexistent.invalid does not exist",
    ],
    code: "envelope.sender-rejected",
  },
  {
    from: "Exim sender verify",
    stage: "rcpt",
    raw: ["550-Verification failed for <alice@example.invalid>", "550-Unrouteable address", "550 Sender verify failed"],
    code: "envelope.sender-rejected",
  },
  {
    from: "Amazon SES",
    stage: "data",
    raw: [
      "554 Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: alice@example.com",
    ],
    code: "envelope.sender-rejected",
  },
  {
    from: "Amazon SES",
    stage: "mail",
    raw: [
      "554 Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: alice@example.com",
    ],
    code: "envelope.sender-rejected",
  },
  {
    from: "Amazon SES (IAM)",
    stage: "data",
    raw: [
      "554 Access denied: User `arn:aws:iam::123456789012:user/ses-smtp-user' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:us-east-1:123456789012:identity/example.com'",
    ],
    code: "envelope.sender-rejected",
  },
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["450 4.1.8 <alice@nx.example>: Sender address rejected: Domain not found"],
    code: "envelope.sender-rejected",
  },
  {
    from: "Microsoft 365",
    stage: "data",
    raw: [
      "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed to process message due to a permanent exception with message Cannot submit message.",
    ],
    code: "envelope.sender-rejected",
  },
  {
    from: "SendGrid",
    stage: "data",
    raw: [
      "550 The from address does not match a verified Sender Identity. Mail cannot be sent until this error is resolved. Visit https://sendgrid.com/docs/for-developers/sending-email/sender-identity/ to see the Sender Identity requirements",
    ],
    code: "envelope.sender-rejected",
  },
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["550 5.1.0 <alice@example.com>: Sender address rejected: User unknown in virtual mailbox table"],
    code: "envelope.sender-rejected",
  },
  { from: "Postfix", stage: "mail", raw: ["501 5.1.7 Bad sender address syntax"], code: "envelope.sender-rejected" },
  { from: "Postfix", stage: "mail", raw: ["555 5.5.4 Unsupported option: SMTPUTF8"], code: "envelope.sender-rejected" },
  // --- recipient ------------------------------------------------------------------
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Exchange",
    stage: "rcpt",
    raw: ["550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "550-5.1.1 The email account that you tried to reach does not exist. Please try",
      "550-5.1.1 double-checking the recipient's email address for typos or",
      "550-5.1.1 unnecessary spaces. For more information, go to",
      "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser k1-20020a - gsmtp",
    ],
    code: "envelope.recipient-unknown",
  },
  { from: "Exim", stage: "rcpt", raw: ["550 Unrouteable address"], code: "envelope.recipient-unknown" },
  { from: "cPanel Exim", stage: "rcpt", raw: ["550 No Such User Here"], code: "envelope.recipient-unknown" },
  {
    from: "Sendmail",
    stage: "rcpt",
    raw: ["550 5.1.1 <bob@example.com>... User unknown"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Outlook.com",
    stage: "rcpt",
    raw: [
      "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM0PR07MB4227.eurprd07.prod.outlook.com]",
    ],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Barracuda",
    stage: "rcpt",
    raw: ["550 Invalid recipient <bob@example.com>"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Yahoo",
    stage: "rcpt",
    raw: [
      "554 delivery error: dd This user doesn't have a yahoo.com account (bob@yahoo.com) [0] - mta1234.mail.gq1.yahoo.com",
    ],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Yahoo",
    stage: "rcpt",
    raw: [
      "554 delivery error: dd Sorry your message to bob@yahoo.com cannot be delivered. This mailbox is disabled (554.30). - mta1234.mail.bf1.yahoo.com",
    ],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "550-5.2.1 The email account that you tried to reach is disabled. Learn more at",
      "550 5.2.1  https://support.google.com/mail/?p=DisabledUser x1-20020a - gsmtp",
    ],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Microsoft 365 (DBEB)",
    stage: "rcpt",
    raw: [
      "550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [BN8NAM12FT012.eop-nam12.prod.protection.outlook.com]",
    ],
    code: "envelope.recipient-unknown",
  },
  {
    from: "qmail",
    stage: "rcpt",
    raw: ["550 sorry, no mailbox here by that name. (#5.1.1)"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Domino",
    stage: "rcpt",
    raw: ["550 5.0.0 User bob@example.com not listed in Domino Directory"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Zimbra",
    stage: "rcpt",
    raw: ["550 5.1.1 <bob@example.com>: Recipient address rejected: example.com"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["450 4.1.2 <bob@nx.example>: Recipient address rejected: Domain not found"],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "553-5.1.2 We weren't able to find the recipient domain. Please check for any",
      "553-5.1.2 spelling errors, and make sure you didn't enter any spaces,",
      "553 5.1.2 periods, or other punctuation after the recipient's email address. a1si - gsmtp",
    ],
    code: "envelope.recipient-unknown",
  },
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["501 5.1.3 Bad recipient address syntax"],
    code: "envelope.recipient-rejected",
  },
  {
    from: "Postfix",
    stage: "data",
    raw: ["554 5.5.1 Error: no valid recipients"],
    code: "envelope.recipient-rejected",
  },
  {
    from: "Mailgun sandbox",
    stage: "rcpt",
    raw: [
      "421 Domain sandbox123.mailgun.org is not allowed to send: Free accounts are for test purposes only. Please upgrade or add the address to authorized recipients in Account Settings.",
    ],
    code: "envelope.recipient-rejected",
  },
  // --- greylisting ----------------------------------------------------------------
  {
    from: "postgrey",
    stage: "rcpt",
    raw: [
      "450 4.2.0 <bob@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html",
    ],
    code: "envelope.greylisted",
  },
  {
    from: "milter-greylist",
    stage: "rcpt",
    raw: ["451 4.7.1 Greylisting in action, please come back in 00:05:00"],
    code: "envelope.greylisted",
  },
  { from: "Exim", stage: "rcpt", raw: ["451 Greylisted, please try again in 5 minutes"], code: "envelope.greylisted" },
  {
    from: "Exim + greylistd",
    stage: "rcpt",
    raw: [
      "451 203.0.113.5 is not yet authorized to deliver mail from <app@example.org> to <bob@example.com>. Please try later.",
    ],
    code: "envelope.greylisted",
  },
  {
    from: "sqlgrey",
    stage: "rcpt",
    raw: ["450 4.7.1 <bob@example.com>: Recipient address rejected: Greylisted for 5 minutes (added)"],
    code: "envelope.greylisted",
  },
  {
    from: "rspamd greylist module (mailcow)",
    stage: "rcpt",
    raw: ["451 4.7.1 Greylisted, please try again later"],
    code: "envelope.greylisted",
  },
  {
    from: "generic greylister",
    stage: "rcpt",
    raw: ["451 4.7.1 Please try again later (greylisting in effect)"],
    code: "envelope.greylisted",
  },
  {
    from: "Mimecast greylisting",
    stage: "rcpt",
    raw: ["451 Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451"],
    code: "envelope.greylisted",
  },
  // "Try again later" alone says nothing about why: greylisting, a rate limit, a local problem.
  { from: "rspamd soft reject", stage: "rcpt", raw: ["451 4.7.1 Try again later"], code: "envelope.temporary-failure" },
  {
    from: "generic deferral",
    stage: "rcpt",
    raw: ["451 4.7.1 Please try again later"],
    code: "envelope.temporary-failure",
  },
  {
    from: "Exim defer without a message",
    stage: "mail",
    raw: ["451 Temporary local problem - please try again later"],
    code: "envelope.temporary-failure",
  },
  // --- rate limits and quotas -------------------------------------------------------
  {
    from: "Exim ratelimit ACL",
    stage: "rcpt",
    raw: ["451 Sender rate 5.5 / 1h exceeded, try later"],
    code: "envelope.rate-limited",
  },
  {
    from: "Exim specification's ratelimit example",
    stage: "mail",
    raw: ["451 Sorry, too busy. Try again later."],
    code: "envelope.rate-limited",
  },
  {
    from: "Exim specification's per-host ratelimit",
    stage: "rcpt",
    raw: ["451 Sender rate exceeds 100 messages per 1h"],
    code: "envelope.rate-limited",
  },
  {
    from: "Postfix + postfwd rate()",
    stage: "rcpt",
    raw: ["450 4.7.1 <bob@example.com>: Recipient address rejected: sorry, max 100 requests per hour"],
    code: "envelope.rate-limited",
  },
  {
    from: "Postfix + policyd-rate-limit",
    stage: "rcpt",
    raw: ["450 4.7.1 <bob@example.com>: Recipient address rejected: Rate limit reach, retry later"],
    code: "envelope.rate-limited",
  },
  {
    from: "Postfix + policyd (cluebringer) quotas",
    stage: "rcpt",
    raw: ["451 4.7.1 <app@example.org>: Sender address rejected: Policy rejection; Message count quota exceeded"],
    code: "envelope.rate-limited",
  },
  {
    from: "rspamd ratelimit",
    stage: "rcpt",
    raw: ['451 4.7.1 Ratelimit "to_ip_from" exceeded'],
    code: "envelope.rate-limited",
  },
  {
    from: "Exchange Online (5.2.121)",
    stage: "rcpt",
    raw: ["550 5.2.121 Recipient's per hour message receive limit from specific sender exceeded."],
    code: "envelope.rate-limited",
  },
  {
    from: "Exchange Online (5.2.122)",
    stage: "rcpt",
    raw: ["550 5.2.122 Recipient's per hour message receive limit exceeded."],
    code: "envelope.rate-limited",
  },
  {
    from: "Exchange Online recipient rate",
    stage: "rcpt",
    raw: ["550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients"],
    code: "envelope.rate-limited",
  },
  {
    from: "Exchange Server submission rate",
    stage: "mail",
    raw: ["421 4.4.2 Message submission rate for this client has exceeded the configured limit"],
    code: "envelope.rate-limited",
  },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "450-4.2.1 The user you are trying to contact is receiving mail too quickly. Please",
      "450-4.2.1 resend your message at a later time.",
    ],
    code: "envelope.rate-limited",
  },
  {
    from: "Outlook.com",
    stage: "mail",
    raw: [
      "421 RP-001 (BAY004-MC1F12) Unfortunately, some messages from 203.0.113.5 weren't sent. Please try again. We have limits for how many messages can be sent per hour and per day.",
    ],
    code: "envelope.rate-limited",
  },
  {
    from: "Zoho",
    stage: "mail",
    raw: ["550 5.4.6 Unusual sending activity detected. Please try after sometime."],
    code: "envelope.rate-limited",
  },
  {
    from: "Amazon SES",
    stage: "mail",
    raw: ["454 Throttling failure: Maximum sending rate exceeded."],
    code: "envelope.rate-limited",
  },
  {
    from: "Amazon SES",
    stage: "mail",
    raw: ["454 Throttling failure: Daily message quota exceeded."],
    code: "envelope.rate-limited",
  },
  {
    from: "Exchange Online",
    stage: "rcpt",
    raw: [
      "451 4.7.500 Server busy. Please try again later from [203.0.113.5]. (S77714) [DB5EUR03FT012.eop-EUR03.prod.protection.outlook.com]",
    ],
    code: "envelope.rate-limited",
  },
  {
    from: "Microsoft 365",
    stage: "data",
    raw: ["550 5.4.5 Daily user sending quota exceeded. [BL0PR02MB4433.namprd02.prod.outlook.com]"],
    code: "envelope.rate-limited",
  },
  {
    from: "Gmail",
    stage: "data",
    raw: [
      "550-5.4.5 Daily user sending limit exceeded. For more information on Gmail",
      "550-5.4.5 sending limits go to",
      "550 5.4.5  https://support.google.com/a/answer/166852 d9-20020a - gsmtp",
    ],
    code: "envelope.rate-limited",
  },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "421-4.7.28 [203.0.113.5      15] Our system has detected an unusual rate of",
      "421-4.7.28 unsolicited mail originating from your IP address. To protect our",
      "421 4.7.28 users from spam, mail sent from your IP address has been temporarily rate limited.",
    ],
    code: "envelope.rate-limited",
  },
  {
    from: "Postfix anvil",
    stage: "mail",
    raw: ["421 4.7.0 mail.example.com Error: too much mail from 203.0.113.5"],
    code: "envelope.rate-limited",
  },
  { from: "Postfix", stage: "rcpt", raw: ["452 4.5.3 Error: too many recipients"], code: "envelope.rate-limited" },
  {
    from: "Microsoft 365",
    stage: "data",
    raw: [
      "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.",
    ],
    code: "envelope.rate-limited",
  },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "450-4.2.1 The user you are trying to contact is receiving mail at a rate that",
      "450-4.2.1 prevents additional messages from being delivered. Please resend your",
      "450 4.2.1 message at a later time.",
    ],
    code: "envelope.rate-limited",
  },
  // --- size and mailbox ------------------------------------------------------------
  {
    from: "Postfix",
    stage: "data",
    raw: ["552 5.3.4 Message size exceeds fixed limit"],
    code: "envelope.size-exceeded",
  },
  {
    from: "Gmail",
    stage: "data",
    raw: [
      "552-5.2.3 Your message exceeded Google's message size limits. Please visit",
      "552 5.2.3  https://support.google.com/mail/?p=MaxSizeError h2-20020a - gsmtp",
    ],
    code: "envelope.size-exceeded",
  },
  { from: "Exim", stage: "data", raw: ["552 Message size exceeds maximum permitted"], code: "envelope.size-exceeded" },
  {
    from: "Exchange",
    stage: "mail",
    raw: ["552 5.3.4 Message size exceeds fixed maximum message size"],
    code: "envelope.size-exceeded",
  },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "452-4.2.2 The recipient's inbox is out of storage space. Please direct the",
      "452-4.2.2 recipient to",
      "452 4.2.2  https://support.google.com/mail/?p=OverQuotaTemp q8-20020a - gsmtp",
    ],
    code: "envelope.mailbox-full",
  },
  {
    from: "Dovecot LMTP",
    stage: "rcpt",
    raw: ["552 5.2.2 <bob@example.com> Quota exceeded (mailbox for user is full)"],
    code: "envelope.mailbox-full",
  },
  { from: "Exchange", stage: "rcpt", raw: ["552 5.2.2 mailbox full"], code: "envelope.mailbox-full" },
  // --- policy -----------------------------------------------------------------------
  {
    from: "Postfix + Spamhaus",
    stage: "rcpt",
    raw: [
      "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Outlook.com",
    stage: "rcpt",
    raw: [
      "550 5.7.1 Unfortunately, messages from [203.0.113.5] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [AM5EUR03FT012.eop-EUR03.prod.protection.outlook.com]",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Outlook.com",
    stage: "rcpt",
    raw: [
      "550 5.7.606 Access denied, banned sending IP [203.0.113.5]. To request removal from this list please visit https://sender.office.com/ and follow the directions.",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.5]"],
    code: "envelope.policy-rejected",
  },
  {
    from: "Postfix (delayed HELO check)",
    stage: "rcpt",
    raw: ["504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"],
    code: "envelope.policy-rejected",
  },
  {
    from: "Gmail",
    stage: "data",
    raw: [
      "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's",
      "550-5.7.26 DMARC policy. Please contact the administrator of example.com domain if",
      "550 5.7.26 this was a legitimate mail. x1-20020a - gsmtp",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Gmail",
    stage: "data",
    raw: [
      "550-5.7.26 This mail has been blocked because the sender is unauthenticated.",
      "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.",
      "550 5.7.26  https://support.google.com/mail/answer/81126#authentication b2-20020a - gsmtp",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Gmail",
    stage: "data",
    raw: [
      "550-5.7.1 Our system has detected that this message is likely unsolicited mail. To",
      "550 5.7.1 reduce the amount of spam sent to Gmail, this message has been blocked. z3-20020a - gsmtp",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Yahoo",
    stage: "data",
    raw: ["554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes"],
    code: "envelope.policy-rejected",
  },
  {
    from: "Microsoft 365",
    stage: "data",
    raw: [
      "550 5.7.509 Access denied, sending domain [EXAMPLE.COM] does not pass DMARC verification and has a DMARC policy of reject.",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Gmail",
    stage: "data",
    raw: [
      "421-4.7.0 This message is suspicious due to the very low reputation of the",
      "421-4.7.0 sending domain. To best protect our users from spam, the message has",
      "421 4.7.0 been blocked. https://support.google.com/mail/answer/188131 - gsmtp",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Outlook.com",
    stage: "data",
    raw: [
      "554 5.2.0 STOREDRV.Submission.Exception:OutboundSpamException; Failed to process message due to a permanent exception with message WASCL UserAction verdict is not None. Actual verdict is Suspend, ShowTierUpgrade.",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Microsoft 365",
    stage: "mail",
    raw: [
      "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7230)",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Postfix access map",
    stage: "rcpt",
    raw: ["554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied"],
    code: "envelope.policy-rejected",
  },
  {
    from: "Exchange",
    stage: "data",
    raw: ["550 5.7.350 Remote server returned message detected as spam"],
    code: "envelope.policy-rejected",
  },
  { from: "Exim", stage: "rcpt", raw: ["550 Administrative prohibition"], code: "envelope.policy-rejected" },
  {
    from: "Gmail",
    stage: "rcpt",
    raw: [
      "550-5.7.25 [203.0.113.5] The IP address sending this message does not have a",
      "550-5.7.25 PTR record setup, or the corresponding forward DNS entry does not",
      "550 5.7.25 point to the sending IP.",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Amazon SES",
    stage: "data",
    raw: [
      "554 Message rejected: Sending suspended for this account. For more information, please check the inbound message.",
    ],
    code: "envelope.policy-rejected",
  },
  {
    from: "Microsoft 365",
    stage: "mail",
    raw: ["550 5.1.8 Access denied, bad outbound sender. AS(42004)"],
    code: "envelope.policy-rejected",
  },
  // --- temporary ------------------------------------------------------------------
  {
    from: "Postfix",
    stage: "rcpt",
    raw: ["451 4.3.0 <bob@example.com>: Temporary lookup failure"],
    code: "envelope.temporary-failure",
  },
  {
    from: "Postfix",
    stage: "mail",
    raw: ["452 4.3.1 Insufficient system storage"],
    code: "envelope.temporary-failure",
  },
  {
    from: "Exim",
    stage: "rcpt",
    raw: ["451 Temporary local problem - please try again later"],
    code: "envelope.temporary-failure",
  },
  {
    from: "Microsoft 365",
    stage: "data",
    raw: [
      "451 4.7.0 Temporary server error. Please try again later. PRX4 [AM6EUR05FT012.eop-eur05.prod.protection.outlook.com]",
    ],
    code: "envelope.temporary-failure",
  },
  { from: "Amazon SES", stage: "data", raw: ["454 Temporary service failure"], code: "envelope.temporary-failure" },
  {
    from: "Yahoo",
    stage: "data",
    raw: ["451 Message temporarily deferred - [160]"],
    code: "envelope.temporary-failure",
  },
  {
    from: "Amazon SES",
    stage: "data",
    raw: ["554 Transaction failed: Duplicate header 'Subject'."],
    code: "envelope.message-rejected",
  },
  { from: "confused server", stage: "data", raw: ["250 2.0.0 Ok"], code: "envelope.unexpected-reply" },
];

for (const row of ROWS) {
  test(`interpretReply() reports ${row.code} for ${row.from} at ${row.stage}: ${row.raw.join(" | ").slice(0, 70)}`, () => {
    const got = interpretReply(row.stage, reply(row.raw));
    assert.equal(got.code, row.code, `matched rule ${got.rule}`);
  });
}

test("the table covers many real replies", () => {
  assert.ok(ROWS.length >= 60, `only ${ROWS.length} rows`);
});

test("the greeting cause tells a blocklist listing from a generic refusal", () => {
  const listed = interpretReply(
    "greeting",
    reply(["554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org"]),
  );
  const refused = interpretReply("greeting", reply(["554 No SMTP service here"]));
  assert.equal(listed.code, refused.code);
  assert.notEqual(listed.rule, refused.rule);
  assert.notEqual(listed.cause, refused.cause);
});

test("plugin rules are tried before the core table", () => {
  const plugin: ReplyRule = {
    id: "acme.relay",
    stages: ["rcpt"],
    code: /^554$/,
    text: /relay access denied/i,
    diagnosis: { code: "envelope.acme-relay", title: "Acme relay", cause: "Acme.", next: "Acme." },
  };
  const r = reply(["554 5.7.1 <bob@example.org>: Relay access denied"]);
  assert.equal(interpretReply("rcpt", r).code, "envelope.relay-denied");
  const got = interpretReply("rcpt", r, [plugin]);
  assert.equal(got.code, "envelope.acme-relay");
  assert.equal(got.rule, "acme.relay");
  // A plugin rule for another stage must not capture this reply.
  assert.equal(interpretReply("mail", r, [plugin]).rule.startsWith("core."), true);
});

test("a plugin's global regex gives the same answer every time", () => {
  const plugin: ReplyRule = {
    id: "acme.global",
    stages: ["rcpt"],
    text: /relay/gi,
    diagnosis: { code: "envelope.acme-relay", title: "Acme relay", cause: "Acme.", next: "Acme." },
  };
  const r = reply(["554 5.7.1 <bob@example.org>: Relay access denied"]);
  for (let i = 0; i < 3; i++) assert.equal(interpretReply("rcpt", r, [plugin]).rule, "acme.global");
});

test("matchRule finds nothing in an empty table and the first match otherwise", () => {
  const r = reply(["550 5.1.1 <bob@example.com>... User unknown"]);
  assert.equal(matchRule("rcpt", r, []), undefined);
  assert.equal(matchRule("rcpt", r, coreReplyRules())?.diagnosis.code, "envelope.recipient-unknown");
});

test("every rule's diagnosis code is prefixed by the layer owning one of its stages", () => {
  for (const rule of coreReplyRules()) {
    assert.ok(rule.stages.length > 0, `${rule.id} has no stage`);
    const layers = new Set(rule.stages.map((s) => STAGE_LAYER[s]));
    const prefix = rule.diagnosis.code.split(".")[0] ?? "";
    assert.ok(layers.has(prefix as never), `${rule.id}: ${rule.diagnosis.code} not owned by ${[...layers].join(",")}`);
    assert.match(rule.diagnosis.code, /^[a-z]+\.[a-z0-9-]+$/, rule.id);
  }
});

test("rule ids are unique and namespaced", () => {
  const ids = coreReplyRules().map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^core\.[a-z0-9-]+$/);
});

test("every stage and code class gets an answer owned by the stage's layer", () => {
  const stages = Object.keys(STAGE_LAYER) as ReplyStage[];
  for (const stage of stages) {
    for (const code of [200, 220, 250, 334, 354, 421, 450, 454, 499, 500, 535, 554, 599]) {
      const got = interpretReply(stage, toReply(code, [`${code} `]));
      assert.ok(got.code.startsWith(`${STAGE_LAYER[stage]}.`), `${stage} ${code}: ${got.code}`);
      assert.ok(got.summary.length <= 300);
    }
  }
});

test("the summary is the title plus the reply line, trimmed", () => {
  const long = `550 5.1.1 ${"x".repeat(1000)}`;
  const got = interpretReply("rcpt", toReply(550, [long]));
  assert.ok(got.summary.length <= 300);
  assert.ok(got.summary.includes("550 5.1.1 xxx"));
});

// --- ReDoS guards ----------------------------------------------------------------

const STAGES = Object.keys(STAGE_LAYER) as ReplyStage[];
const MAX_TEXT = 64 * 1024;

// Words the rules look for, so generated text keeps almost matching them.
const FRAGMENTS = [
  "relay ",
  "access ",
  "denied",
  "user ",
  "account ",
  "sender address rejected: ",
  "5.7.1 ",
  "too many ",
  "size ",
  "exceed",
  "mailbox ",
  "listed ",
  "greylist",
  "try again later ",
  "mechanism ",
  "not ",
  "password ",
  "does not exist",
  " ",
  "  ",
  "a",
  ".",
  ";",
  "<",
  ">",
  "@",
  "-",
  "#5.1.1",
  "\t",
  "\u00e9",
];

function fill(seed: string, length: number): string {
  if (seed.length === 0 || length === 0) return "";
  return seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
}

function wire(code: number, text: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 2048) chunks.push(text.slice(i, i + 2048));
  if (chunks.length === 0) return [`${code}`];
  return chunks.map((c, i) => `${code}${i < chunks.length - 1 ? "-" : " "}${c}`);
}

test("interpretReply answers any code and any text up to 64 KiB quickly", { timeout: 120_000 }, (t) => {
  const seed = fc.oneof(
    fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 30 }).map((parts) => parts.join("")),
    fc.string({ minLength: 1, maxLength: 256, unit: "binary" }),
  );
  const enhanced = fc.constantFrom("", "5.7.1 ", "4.7.0 ", "5.1.1 ", "5.7.139 ", "4.2.0 ", "2.0.0 ");
  let slowest = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...STAGES),
      fc.integer({ min: 200, max: 599 }),
      enhanced,
      seed,
      fc.integer({ min: 0, max: MAX_TEXT }),
      (stage, code, enh, s, length) => {
        const r = toReply(code, wire(code, enh + fill(s, length)));
        const started = performance.now();
        const got = interpretReply(stage, r);
        slowest = Math.max(slowest, performance.now() - started);
        assert.ok(got.code.startsWith(`${STAGE_LAYER[stage]}.`));
        assert.ok(got.summary.length <= 300);
      },
    ),
    { numRuns: 200 },
  );
  t.diagnostic(`slowest interpretation: ${slowest.toFixed(1)} ms`);
});

test("every core pattern is linear on 64 KiB of near-miss text", { timeout: 120_000 }, (t) => {
  let slowest = 0;
  let slowestId = "";
  for (const rule of coreReplyRules()) {
    for (const re of [rule.code, rule.enhanced, rule.text]) {
      if (re === undefined) continue;
      const words = re.source.match(/[a-z]{2,}/gi) ?? [];
      const inputs = [
        fill("a", MAX_TEXT),
        fill(" ", MAX_TEXT),
        fill(`${words.join(" ")} `, MAX_TEXT),
        fill(`${[...words].reverse().join(" ")} `, MAX_TEXT),
        fill(words.join(""), MAX_TEXT),
        ...words.map((w) => fill(`${w} `, MAX_TEXT)),
      ];
      for (const input of inputs) {
        const started = performance.now();
        input.search(re);
        const ms = performance.now() - started;
        if (ms > slowest) [slowest, slowestId] = [ms, rule.id];
      }
    }
  }
  t.diagnostic(`slowest pattern: ${slowestId} ${slowest.toFixed(1)} ms`);
});
