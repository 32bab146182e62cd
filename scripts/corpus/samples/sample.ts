/**
 * What a hand-written sample is: a family's layout (how its bounce is put
 * together, from the vendor's documentation or source, named in `source`)
 * filled with recipients and the replies they got. Each case carries the
 * reason its reply's words mean; the writer (write-samples.ts) turns each
 * message into an .eml file under test/data/bounces/<family>/ and a
 * manifest line per recipient.
 */

/** One recipient of a sample and the reply it got. */
export interface SampleCase {
  address: string;
  /** The remote server's reply, or the words the family's bounce uses. */
  reply: string;
  /** The reason those words mean (Sisimai 5's vocabulary). */
  reason: string;
}

/** A family: its id, where its layout facts come from, and how its bounces look. */
export interface SampleFamily {
  family: string;
  source: string;
  /** Messages to write: each a file name and its recipients. */
  messages: { name: string; cases: SampleCase[] }[];
  /** The whole message (headers and body) for one file. */
  render(cases: SampleCase[], index: number): string;
}

/** A date in the corpus's style, stable per index. */
export function sampleDate(index: number): string {
  const d = new Date(Date.UTC(2026, 10, 2 + (index % 25), 9 + (index % 9), (index * 7) % 60, 0));
  return d.toUTCString().replace("GMT", "+0000");
}

/** Headers of a bounce: who sent it, subject, and the original Message-ID it refers to. */
export function bounceHeaders(
  o: { from: string; subject: string; index: number; extra?: string; type?: string },
): string {
  return [
    "Return-Path: <>",
    `From: ${o.from}`,
    "To: <app@example.org>",
    `Subject: ${o.subject}`,
    `Date: ${sampleDate(o.index)}`,
    `Message-ID: <sample-${o.index}-${o.subject.length}@bounce.example>`,
    "MIME-Version: 1.0",
    ...(o.extra ? [o.extra] : []),
    `Content-Type: ${o.type ?? 'text/plain; charset="us-ascii"'}`,
    "",
  ].join("\n");
}

/** The copy of the returned message's headers most bounces carry. */
export function returnedHeaders(cases: readonly SampleCase[], index: number): string {
  return [
    "Return-Path: <app@example.org>",
    "From: App <app@example.org>",
    `To: ${cases.map((c) => `<${c.address}>`).join(", ")}`,
    "Subject: Your monthly statement",
    `Message-ID: <statement-${index}@example.org>`,
    `Date: ${sampleDate(index)}`,
  ].join("\n");
}

/** An RFC 3464 report around a human text: multipart/report with the delivery-status and the returned headers. */
export function dsnMessage(
  o: { from: string; subject: string; index: number; extra?: string; reportingMta: string },
  human: string,
  cases: readonly SampleCase[],
  status: (c: SampleCase) => string,
): string {
  const b = `report-${o.index}`;
  const blocks = cases.map((c) =>
    [
      `Final-Recipient: rfc822; ${c.address}`,
      "Action: failed",
      `Status: ${status(c)}`,
      `Diagnostic-Code: smtp; ${c.reply}`,
    ].join("\n")
  );
  return bounceHeaders({ ...o, type: `multipart/report; report-type=delivery-status; boundary="${b}"` }) +
    `\n--${b}\nContent-Type: text/plain; charset="us-ascii"\n\n${human}\n\n--${b}\n` +
    `Content-Type: message/delivery-status\n\nReporting-MTA: dns; ${o.reportingMta}\n\n${blocks.join("\n\n")}\n\n` +
    `--${b}\nContent-Type: text/rfc822-headers\n\n${returnedHeaders(cases, o.index)}\n\n--${b}--\n`;
}

/** The enhanced status code a reply carries, or a default. */
export function statusOf(reply: string, fallback = "5.0.0"): string {
  return /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply)?.[1] ?? fallback;
}
