/**
 * How a profile and its provider read for a person (text) and for a program
 * (JSON-safe provider summary: no patterns, no functions).
 */
import type { ProviderProfile } from "../../core/profile.ts";
import type { ProviderDefinition } from "../../core/provider.ts";
import { printable } from "../../core/printable.ts";

/** The provider knowledge a document carries. */
export function providerSummary(p: ProviderDefinition): Record<string, unknown> {
  return {
    name: p.name,
    title: p.title,
    endpoints: p.endpoints,
    ...(p.user ? { user: p.user.hint } : {}),
    ...(p.secretHint ? { secret: p.secretHint } : {}),
    ...(p.identityPolicy ? { identityPolicy: p.identityPolicy } : {}),
    ...(p.rateLimit ? { rateLimit: p.rateLimit } : {}),
    facts: p.facts ?? [],
    replyRules: (p.replyRules ?? []).map((r) => r.id),
  };
}

/** A profile as indented lines, with its provider's facts; provider-profiles.md is edited by hand, so every line is made printable. */
export function describeProfile(p: ProviderProfile, provider: ProviderDefinition | undefined): string[] {
  return _describe(p, provider).map((line) => printable(line, 1000));
}

function _describe(p: ProviderProfile, provider: ProviderDefinition | undefined): string[] {
  const check = p.lastCheck
    ? `${p.lastCheck.verdict.toUpperCase()} on ${p.lastCheck.date}${p.lastCheck.code ? ` (${p.lastCheck.code})` : ""}${
      p.lastCheck.mechanism ? `, mechanism ${p.lastCheck.mechanism}` : ""
    }, up to ${p.lastCheck.upTo}`
    : "never checked";
  return [
    `  provider     ${p.provider ?? "custom"}${provider ? ` (${provider.title})` : ""}`,
    `  server       ${p.host}:${p.port} tls ${p.tls}${p.servername ? `, certificate name ${p.servername}` : ""}`,
    ...(p.ca ? [`  private CA   ${p.ca}`] : []),
    ...(p.ehloName ? [`  EHLO name    ${p.ehloName}`] : []),
    p.auth
      ? `  login        ${p.auth.user}, secret ${p.auth.secret} (resolved only when used)${
        p.auth.mechanism ? `, mechanism ${p.auth.mechanism}` : ""
      }`
      : "  login        none (the server must let this client in by address)",
    ...(p.from ? [`  From         ${p.from}`] : []),
    ...(p.envelopeFrom ? [`  MAIL FROM    ${p.envelopeFrom}`] : []),
    ...(p.dkimDomain ? [`  DKIM domain  ${p.dkimDomain}`] : []),
    ...(p.returnPath ? [`  Return-Path  ${p.returnPath}`] : []),
    ...(p.notes ? [`  notes        ${p.notes}`] : []),
    `  last check   ${check}`,
    ...(provider?.identityPolicy ? [`  senders      ${provider.identityPolicy.summary}`] : []),
    ...(provider?.rateLimit ? [`  rate         ${provider.rateLimit.summary}`] : []),
    ...(provider?.facts ?? []).map((f) => `  - ${f}`),
  ];
}
