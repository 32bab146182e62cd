/**
 * Microsoft's bounce layouts, from Microsoft's documentation of non-delivery
 * reports ("What's included in an NDR", the Exchange Online and Exchange
 * Server NDR references): Exchange 2000/2003 ("did not reach the following
 * recipient(s)", a "<host #5.1.1>" code per recipient), Exchange 2007 to
 * 2019 ("Delivery has failed to these recipients or groups", "Diagnostic
 * information for administrators", "#550 5.1.1 RESOLVER.ADR.RecipNotFound
 * ##"), and Exchange Online / Microsoft 365 / Outlook.com ("Your message to
 * … couldn't be delivered", "Remote Server returned '…'").
 */
import { ADDR, type MtaFormat } from "./shapes.ts";

/** Microsoft's layouts, newest first. */
export const MICROSOFT_FORMATS: readonly MtaFormat[] = [
  {
    id: "office365",
    name: "Exchange Online / Microsoft 365 / Outlook.com",
    detect:
      /Your message to .{1,200} couldn't be delivered|^hdr\.x-ms-exchange-message-is-ndr:|\.(?:outlook|protection\.outlook)\.com\b[^\n]*\n?[^\n]*Generating server|^hdr\.from: (?:[^\n]*<)?postmaster@(?:outlook|hotmail|live)\.com/im,
    start:
      /Your message to .{1,200} couldn't be delivered|Diagnostic information for administrators:?|Delivery has failed to these recipients or groups:?/i,
    end: /^\s*Original message headers:|^-{2,}\s*Original message/im,
    recipient: new RegExp(
      String
        .raw`^\s*'?<?(${ADDR})>?'?(?:<mailto:[^>]{1,256}>)?(?:\s+\([^)]{0,256}\))?\s*$|^Your message to (${ADDR}) couldn't be delivered|Remote Server returned '?[^\n]{0,200}?<(${ADDR})>`,
      "gm",
    ),
  },
  {
    id: "exchange2007",
    name: "Exchange 2007 to 2019",
    detect:
      /Delivery has failed to these recipients or groups|Diagnostic information for administrators|^Generating server:|#[45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}[^\n]{0,300}##/m,
    start: /Delivery has failed to these recipients or groups:?|Diagnostic information for administrators:?/i,
    end: /^\s*Original message headers:|^-{2,}\s*Original message/im,
    recipient: new RegExp(
      String.raw`^\s*'?<?(${ADDR})>?'?(?:<mailto:[^>]{1,256}>)?(?:\s+\([^)]{0,256}\))?\s*$`,
      "gm",
    ),
  },
  {
    id: "exchange2003",
    name: "Exchange 2000/2003 and older",
    detect:
      /did not reach the following recipient\(s\)|The following recipient\(s\) (?:cannot|could not) be reached|<[\w.-]{1,253} #[45]\.\d{1,3}\.\d{1,3}(?: [^>]{0,200})?>|^hdr\.x-ms-embedded-report:|^hdr\.x-mimeole: Produced By Microsoft Exchange/im,
    start:
      /did not reach the following recipient\(s\):?|The following recipient\(s\) (?:cannot|could not) be reached:?/i,
    end: /^-{2,}\s*Original message|^Received: /im,
    recipient: new RegExp(
      String.raw`^\s*'?(?:[^'\n]{0,80}'\s+)?<?(${ADDR})>?'?\s+on\s+\d[^\n]{0,60}$|^\s*(${ADDR})\s*$`,
      "gm",
    ),
  },
];
