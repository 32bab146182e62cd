/**
 * A provider plugin declares its identity rule as data (`identityPolicy:
 * {rule, summary}` in core/provider.ts); this turns the rule into the checks
 * alignment runs for a profile of that provider: who may appear in From,
 * and whether the provider rewrites the envelope sender.
 */
import type { ProviderDefinition } from "../provider.ts";
import type { AlignFinding, AlignPolicy, Identity } from "./align.ts";

/** The alignment policy of a provider, or undefined when it declares none (or `any`). */
export function alignPolicyOf(provider: ProviderDefinition): AlignPolicy | undefined {
  const declared = provider.identityPolicy;
  if (!declared || declared.rule === "any") return undefined;
  return {
    provider: provider.name,
    check(identities: readonly Identity[]): AlignFinding[] {
      const from = identities.find((i) => i.role === "header-from");
      const auth = identities.find((i) => i.role === "auth-user");
      const envelope = identities.find((i) => i.role === "envelope-from");
      const same = (a?: Identity, b?: Identity) => !!a && !!b && a.value.toLowerCase() === b.value.toLowerCase();
      const out: AlignFinding[] = [];
      const evidence = [`${provider.title}: ${declared.summary}`];
      if (declared.rule === "account-or-alias" || declared.rule === "send-as-permission") {
        if (from && auth?.domain && !same(from, auth)) {
          out.push({
            code: "align.provider-from-not-account",
            severity: "warning",
            summary: `${provider.title} sends as ${from.value} only if it is ${
              declared.rule === "account-or-alias" ? "a verified alias of" : "a mailbox with SendAs granted to"
            } ${auth.value}`,
            evidence,
          });
        }
        if (declared.rule === "account-or-alias" && envelope && auth?.domain && !same(envelope, auth)) {
          out.push({
            code: "align.provider-envelope-rewritten",
            severity: "info",
            summary: `${provider.title} sets the envelope sender to ${auth.value}, not ${envelope.value}`,
            evidence,
          });
        }
      } else if (from) {
        out.push({
          code: "align.provider-identity-unverified",
          severity: "info",
          summary: declared.rule === "verified-identity"
            ? `${provider.title} sends as ${from.value} only if that address or ${from.domain} is verified`
            : `${provider.title} sends as ${from.value} only if the login is mapped to it`,
          evidence,
        });
      }
      return out;
    },
  };
}
