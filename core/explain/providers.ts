/**
 * Telling a provider from the words of its replies, as data: host names and
 * markers each big receiver puts in its rejections (Gmail's "gsmtp", the
 * Microsoft "AS(…)"/"protection.outlook.com" tags, Yahoo's "TSS04"). Used to
 * name the provider in `explain` and to look for its plugin's knowledge.
 */

/** One provider's markers. */
export interface ProviderSignature {
  /** Stable id; also the prefix of the provider plugin's reply rule ids (`gmail.app-password`). */
  id: string;
  name: string;
  text: RegExp;
}

/** Signatures, most specific first. */
export const PROVIDER_SIGNATURES: readonly ProviderSignature[] = [
  {
    id: "gmail",
    name: "Gmail / Google Workspace",
    text: /\bgsmtp\b|support\.google\.com|\bgmail\b|googlemail|google\.com/i,
  },
  {
    id: "m365",
    name: "Microsoft 365 / Outlook.com",
    text:
      /protection\.outlook\.com|outlook\.com|office ?365|hotmail|exchange online|\bAS\(\d{3,}\)|\b(?:RESOLVER|STOREDRV|ROUTING|SMTPSEND)\.[A-Z]|tenantattribution|microsoft/i,
  },
  { id: "yahoo", name: "Yahoo", text: /yahoo|\baol\b|\bTS[S]?0\d\b|postmaster\.yahooinc/i },
  { id: "ses", name: "Amazon SES", text: /amazonses|\bamazon ses\b|email-smtp\.[a-z0-9-]+\.amazonaws\.com/i },
  { id: "icloud", name: "iCloud Mail", text: /icloud\.com|\bme\.com\b|apple\.com/i },
  { id: "sendgrid", name: "SendGrid", text: /sendgrid/i },
  { id: "mailgun", name: "Mailgun", text: /mailgun/i },
  { id: "zoho", name: "Zoho Mail", text: /zoho/i },
  { id: "proofpoint", name: "Proofpoint", text: /pphosted|proofpoint/i },
  { id: "mimecast", name: "Mimecast", text: /mimecast/i },
];

/** The provider the text names, if any. */
export function providerOf(text: string): ProviderSignature | undefined {
  const sample = text.slice(0, 4096);
  return PROVIDER_SIGNATURES.find((p) => sample.search(p.text) !== -1);
}
