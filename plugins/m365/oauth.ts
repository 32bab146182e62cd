/**
 * Microsoft Entra ID as the identity platform of Exchange Online SMTP AUTH:
 * endpoints, the scopes that work for SMTP (delegated SMTP.Send, app-only
 * SMTP.SendAsApp through .default), what a token must carry, and the dated
 * facts behind them — each with the date its source said so.
 */
import type { DatedFact, ProviderOAuth } from "../../core/oauth/provider-oauth.ts";

const _LEARN_OAUTH =
  "https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth";
/** The Exchange Team's announcement of Basic auth's retirement for SMTP AUTH (updated 2026-01-27; MC786329). */
export const BASIC_AUTH_SOURCE =
  "https://techcommunity.microsoft.com/blog/exchange/exchange-online-to-retire-basic-auth-for-client-submission-smtp-auth/4114750";

/** Facts about SMTP AUTH and OAuth that change, with date and source. */
export const M365_DATED: readonly DatedFact[] = [
  {
    text: "Basic authentication for SMTP AUTH keeps working through December 2026; at the end of December 2026 it is " +
      "disabled by default for existing tenants (an admin can turn it back on), tenants created after that never have " +
      "it, and Microsoft announces the final removal date in the second half of 2027",
    asOf: "2026-01-27",
    source: BASIC_AUTH_SOURCE,
    retires: { date: "2026-12-31", what: "Basic authentication (a password) for SMTP AUTH", applies: "basic-auth" },
  },
  {
    text: "Once Basic authentication is off, a password login gets 550 5.7.30 Basic authentication is not supported " +
      "for Client Submission — on smtp.office365.com and smtp-legacy.office365.com alike",
    asOf: "2025-06-11",
    source: BASIC_AUTH_SOURCE,
  },
  {
    text:
      "OAuth for SMTP AUTH: delegated scope https://outlook.office.com/SMTP.Send (with offline_access for a refresh " +
      "token) through the device or authorization-code flow; app-only: the SMTP.SendAsApp application permission, " +
      "scope https://outlook.office365.com/.default, the app's service principal registered in Exchange Online " +
      "(New-ServicePrincipal) and given the mailbox (Add-MailboxPermission)",
    asOf: "2026-11-30",
    source: _LEARN_OAUTH,
  },
  {
    text: "OAuth does not bypass the SMTP AUTH switch: the mailbox must have SMTP AUTH enabled " +
      "(Set-CASMailbox -SmtpClientAuthenticationDisabled $false) and it must not be off tenant-wide",
    asOf: "2026-11-30",
    source:
      "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission",
  },
  {
    text:
      "Exchange Online limits: 500 recipients per message, 10,000 recipients a day, 30 messages a minute per mailbox",
    asOf: "2026-11-30",
    source:
      "https://learn.microsoft.com/en-us/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits",
  },
  {
    text: 'The device flow needs "Allow public client flows" on the app registration (else AADSTS7000218)',
    asOf: "2026-11-30",
    source: "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code",
  },
];

/** Entra ID for SMTP AUTH. */
export const M365_OAUTH: ProviderOAuth = {
  dialect: "microsoft",
  endpoints: {
    authorization: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
    deviceAuthorization: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode",
    token: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
  },
  flows: ["device", "auth-code", "client-credentials"],
  scopes: {
    delegated: ["https://outlook.office.com/SMTP.Send", "offline_access"],
    appOnly: ["https://outlook.office365.com/.default"],
  },
  expect: {
    audiences: ["https://outlook.office.com", "https://outlook.office365.com", "00000002-0000-0ff1-ce00-000000000000"],
    delegatedScope: "https://outlook.office.com/SMTP.Send",
    appRole: "SMTP.SendAsApp",
  },
  defaultTenant: "organizations",
  facts: M365_DATED,
};
