/**
 * Realistic transcripts and logs with a known secret in them, as the tools
 * write them: openssl s_client, Postfix (normal and debug_peer_list
 * verbose), Exim (main log and -d debug), a nodemailer debug log and
 * configuration lines. Real swaks output is captured by the tests themselves.
 */

/** The password every sample leaks, and the account it belongs to. */
export const SAMPLE_SECRET = "Tr0ub4dor&3-sentinel";
export const SAMPLE_USER = "alice@example.com";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const PLAIN = b64(`\0${SAMPLE_USER}\0${SAMPLE_SECRET}`);
const XOAUTH2 = b64(`user=${SAMPLE_USER}\x01auth=Bearer ya29.${SAMPLE_SECRET}\x01\x01`);

/** `openssl s_client -starttls smtp` with AUTH typed by hand. */
export const OPENSSL_SESSION = `CONNECTED(00000003)
depth=1 CN = Example Issuing CA
verify return:1
depth=0 CN = smtp.example.com
verify return:1
---
Certificate chain
 0 s:CN = smtp.example.com
   i:CN = Example Issuing CA
---
SSL handshake has read 4413 bytes and written 418 bytes
Verification: OK
---
250 SMTPUTF8
EHLO client.example
250-smtp.example.com
250-AUTH PLAIN LOGIN XOAUTH2
250 SIZE 35882577
AUTH PLAIN ${PLAIN}
535 5.7.8 Username and Password not accepted
AUTH LOGIN
334 VXNlcm5hbWU6
${b64(SAMPLE_USER)}
334 UGFzc3dvcmQ6
${b64(SAMPLE_SECRET)}
235 2.7.0 Accepted
AUTH XOAUTH2 ${XOAUTH2}
334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==

535-5.7.8 Username and Password not accepted.
QUIT
221 2.0.0 closing connection
`;

/** Postfix mail.log, with smtpd's verbose peer logging (debug_peer_list) for one client. */
export const POSTFIX_LOG =
  `Dec 10 09:14:02 mx1 postfix/submission/smtpd[20411]: connect from client.example.net[198.51.100.23]
Dec 10 09:14:02 mx1 postfix/submission/smtpd[20411]: Anonymous TLS connection established from client.example.net[198.51.100.23]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)
Dec 10 09:14:02 mx1 postfix/submission/smtpd[20411]: < client.example.net[198.51.100.23]: AUTH PLAIN ${PLAIN}
Dec 10 09:14:03 mx1 postfix/submission/smtpd[20411]: > client.example.net[198.51.100.23]: 535 5.7.8 Error: authentication failed: authentication failure
Dec 10 09:14:03 mx1 postfix/submission/smtpd[20411]: warning: client.example.net[198.51.100.23]: SASL PLAIN authentication failed: authentication failure, sasl_username=${SAMPLE_USER}
Dec 10 09:14:04 mx1 postfix/submission/smtpd[20411]: < client.example.net[198.51.100.23]: AUTH LOGIN
Dec 10 09:14:04 mx1 postfix/submission/smtpd[20411]: > client.example.net[198.51.100.23]: 334 VXNlcm5hbWU6
Dec 10 09:14:04 mx1 postfix/submission/smtpd[20411]: < client.example.net[198.51.100.23]: ${b64(SAMPLE_USER)}
Dec 10 09:14:04 mx1 postfix/submission/smtpd[20411]: > client.example.net[198.51.100.23]: 334 UGFzc3dvcmQ6
Dec 10 09:14:04 mx1 postfix/submission/smtpd[20411]: < client.example.net[198.51.100.23]: ${b64(SAMPLE_SECRET)}
Dec 10 09:14:05 mx1 postfix/submission/smtpd[20411]: > client.example.net[198.51.100.23]: 235 2.7.0 Authentication successful
Dec 10 09:14:05 mx1 postfix/submission/smtpd[20411]: 4TzK1x3Qv9z9sWq: client=client.example.net[198.51.100.23], sasl_method=LOGIN, sasl_username=${SAMPLE_USER}
Dec 10 09:14:05 mx1 postfix/cleanup[20415]: 4TzK1x3Qv9z9sWq: message-id=<20241210091405.GA1234@client.example.net>
Dec 10 09:14:05 mx1 postfix/qmgr[1021]: 4TzK1x3Qv9z9sWq: from=<${SAMPLE_USER}>, size=1843, nrcpt=1 (queue active)
Dec 10 09:14:06 mx1 postfix/smtp[20416]: 4TzK1x3Qv9z9sWq: to=<bob@example.org>, relay=mx.example.org[203.0.113.5]:25, delay=1.2, delays=0.1/0/0.6/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 8F2A1C)
Dec 10 09:14:06 mx1 postfix/qmgr[1021]: 4TzK1x3Qv9z9sWq: removed
`;

/** Exim's main log and a stretch of its debug output (-d+auth). */
export const EXIM_LOG =
  `2024-12-10 09:14:05 1tKx2P-000Abc-7Q <= ${SAMPLE_USER} H=client.example.net [198.51.100.23] P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=plain:${SAMPLE_USER} S=1843 id=20241210091405.GA1234@client.example.net
2024-12-10 09:14:06 1tKx2P-000Abc-7Q => bob <bob@example.org> R=dnslookup T=remote_smtp H=mx.example.org [203.0.113.5] X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes C="250 2.0.0 Ok: queued as 8F2A1C"
2024-12-10 09:15:00 plain authenticator failed for client.example.net [198.51.100.23]: 535 Incorrect authentication data (set_id=${SAMPLE_USER})
 20417 SMTP<< AUTH PLAIN ${PLAIN}
 20417 plain authenticator:
 20417   $auth1 = 
 20417   $auth2 = ${SAMPLE_USER}
 20417 SMTP>> 535 Incorrect authentication data
 20417 SMTP<< AUTH LOGIN
 20417 SMTP>> 334 VXNlcm5hbWU6
 20417 SMTP<< ${b64(SAMPLE_USER)}
 20417 SMTP>> 334 UGFzc3dvcmQ6
 20417 SMTP<< ${b64(SAMPLE_SECRET)}
 20417 SMTP>> 235 Authentication succeeded
`;

/** An application's mail settings and a nodemailer debug log, as pasted into tickets. */
export const APP_LOG = `SMTP_URL=smtp://${encodeURIComponent(SAMPLE_USER)}:${
  encodeURIComponent(SAMPLE_SECRET)
}@smtp.example.com:587
smtp_password = "${SAMPLE_SECRET}"
mail.password: ${SAMPLE_SECRET}
{"host":"smtp.example.com","auth":{"user":"${SAMPLE_USER}","pass":"${SAMPLE_SECRET}"}}
aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Authorization: Bearer ya29.a0AfH6SMBx-${SAMPLE_SECRET.replace(/[^A-Za-z0-9]/g, "")}
[2024-12-10 09:14:02] DEBUG [Q3n8] C: AUTH PLAIN ${PLAIN}
[2024-12-10 09:14:03] DEBUG [Q3n8] S: 235 2.7.0 Accepted
secretRef: env:SMTP_PASSWORD
--secret env:SMTP_PASSWORD
`;

/** The secret's own forms that must never survive, beyond what secretForms lists. */
export const SAMPLE_PAYLOADS = [PLAIN, XOAUTH2, b64(SAMPLE_SECRET), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"];
