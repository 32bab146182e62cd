/**
 * The stage of the SMTP session (or of local delivery) at which a recipient
 * failed, read from the words MTAs use to say so:
 *
 * - Postfix: "(in reply to RCPT TO command)", "(in reply to end of DATA
 *   command)", "refused to talk to me", "while receiving the initial server
 *   greeting", "while performing the EHLO handshake";
 * - Exim: "SMTP error from remote mail server after RCPT TO:<…>", "after
 *   MAIL FROM", "after end of data", "after initial connection", "after
 *   pipelined …";
 * - Sendmail, Courier and others that quote the dialogue: ">>> RCPT To:<…>"
 *   followed by "<<< 550 …";
 * - qmail: "Connected to … but sender was rejected", "… but my name was
 *   rejected";
 * - local delivery: a command (|/path), a mailbox file, LMTP, a transport.
 *
 * The stage then decides what a vague reply means: a 5xx after MAIL FROM is
 * the sender refused, after end of data it is the content, at connect it
 * is the client.
 */

/** Where in the path a recipient failed. */
export type SmtpStage = "connect" | "helo" | "mail" | "rcpt" | "data" | "after-data" | "delivery";

/** A stage and the words that gave it away. */
export interface StageFinding {
  stage: SmtpStage;
  evidence: string;
}

// The lead-in words, then command names as MTAs write them: in capitals (Sendmail: "RCPT To"), so
// that "for mail" or "after data" in prose is no stage; "end of data" is lower case in Exim.
const _LEAD = String.raw`(?:>>>|[Aa]fter|[Ii]n reply to|[Ii]n response to|[Ww]hile sending)`;
const _RCPT = String.raw`RCPT(?: [Tt][Oo])?\b`;
const _MAIL = String.raw`MAIL(?: [Ff][Rr][Oo][Mm])?\b`;

/** Ordered: the most specific words first (end of data before DATA, local delivery before the rest). */
const _STAGES: readonly [SmtpStage, RegExp][] = [
  [
    "delivery",
    /\bmail(?:box)? file\b|cannot (?:update|append to|write to) (?:the )?mailbox|command died|command (?:output|time limit)|\bpipe to \||child process of \S{1,64} transport|returned \d{1,3} from command|(?:address|local)_(?:pipe|file|delivery) transport|\bappendfile\b|\bprocmail\b|\bmaildrop\b|delivery to (?:the )?(?:local )?(?:mailbox|file|program|pipe)|\blmtp\b|local delivery|command line usage error/i,
  ],
  [
    "after-data",
    new RegExp(
      String
        .raw`${_LEAD} (?:the )?(?:pipelined )?[Ee]nd of (?:DATA|[Dd]ata)|${_LEAD} (?:the )?message (?:body|content)|>>> \.(?:\s|$)|(?:in reply to|after) BDAT|after (?:the )?(?:message|data) (?:was|had been) (?:sent|transferred)`,
    ),
  ],
  ["data", new RegExp(String.raw`${_LEAD} (?:the )?DATA\b`)],
  [
    "rcpt",
    new RegExp(
      String.raw`${_LEAD} (?:the )?(?:pipelined )?${_RCPT}|\bRCPT TO:?\s?<[^>\s]{0,300}>:?\s{0,4}(?:<<<\s?)?[45]\d\d\b`,
    ),
  ],
  [
    "mail",
    new RegExp(
      String
        .raw`${_LEAD} (?:the )?(?:pipelined )?${_MAIL}|\bMAIL FROM:?\s?<[^>\s]{0,300}>[^\n]{0,40}?:?\s{0,4}(?:<<<\s?)?[45]\d\d\b|but sender was rejected`,
    ),
  ],
  [
    "helo",
    new RegExp(
      String
        .raw`${_LEAD} (?:the )?(?:HELO|EHLO|LHLO)\b|performing the (?:EHLO|HELO|LHLO) handshake|but my name was rejected`,
    ),
  ],
  [
    "connect",
    /refused to talk to me|after (?:the )?initial connection|initial (?:protocol |server )?greeting|\bSMTP greeting\b|\bbanner\b|connect to \S{1,300} (?:failed|refused)|connection (?:refused|timed out)|no route to host|(?:wasn't|was not|not) able to establish an SMTP connection|unable to connect|could not connect|couldn't connect|connection (?:was )?(?:rejected|dropped) (?:by|at) (?:the )?(?:remote|server)/i,
  ],
];

/** The stage a diagnostic's words name, with the words; undefined when they name none. */
export function stageIn(text: string): StageFinding | undefined {
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  for (const [stage, re] of _STAGES) {
    const m = re.exec(sample);
    if (m) return { stage, evidence: m[0].trim() };
  }
  return undefined;
}
