/**
 * The gate of a canary send's recipient: exactly one, approved, and inside
 * the sender's organisation unless --allow-external. Apart from gates.ts
 * because the organisation check loads the Public Suffix List (tldts): a
 * scale send, which never runs this gate, does not pay for loading it.
 */
import { orgDomain } from "../domain/org-domain.ts";
import type { Canary } from "../memory/index.ts";
import { shown } from "../printable.ts";
import { refuse } from "./gates.ts";

/** A canary send: exactly one recipient, approved, inside the sender's organisation unless allowed. */
export function checkCanaryRecipient(
  recipients: readonly string[],
  canaries: readonly Canary[],
  senderAddress: string,
  allowExternal: boolean,
): Canary {
  if (recipients.length !== 1) {
    refuse("gate.canary-one-recipient", `A canary goes to exactly one recipient, not ${recipients.length}`);
  }
  const to = recipients[0] as string;
  const canary = canaries.find((c) => c.address.toLowerCase() === to.toLowerCase());
  if (!canary) {
    refuse(
      "gate.canary-not-approved",
      `${shown(to)} is not an approved canary; add it with: smtpilot canary add ${to}`,
    );
  }
  const theirs = orgDomain(to.slice(to.lastIndexOf("@") + 1));
  const ours = orgDomain(senderAddress.slice(senderAddress.lastIndexOf("@") + 1));
  if (theirs !== ours && !allowExternal) {
    refuse(
      "gate.canary-external",
      `The canary ${
        shown(to)
      } is outside the sender's organisation (${ours}); pass --allow-external if that is intended`,
    );
  }
  return canary;
}
