/**
 * Where a receiver still on RFC 7489 decides differently from RFC 9989 for
 * the same DNS: it looks only at `_dmarc.<domain>` and at the Public Suffix
 * List's organisational domain (no tree walk, no psd=), does not know np=
 * or t=, honours pct= by sampling (the rest gets the next weaker policy),
 * and discards a record without a valid p= unless it has rua=. The audit
 * reports the RFC 9989 answer and, in one finding, each such difference.
 */
import type { DmarcDiscovery } from "./dmarc-discovery.ts";
import type { DmarcPolicy } from "./dmarc-record.ts";
import { type Finding, finding } from "./finding.ts";

/** What an RFC 7489 receiver finds and applies. */
export interface Rfc7489View {
  /** Its organisational domain (Public Suffix List). */
  orgDomain: string;
  /** Where it finds the record (`_dmarc.…`); absent when it finds none. */
  where?: string;
  /** The policy it applies; "ignored" for a record it discards (no valid p=, no rua=). */
  policy?: DmarcPolicy | "ignored";
  /** The share of failing mail it applies the policy to. */
  pct: number;
  /** Each way its decision differs from an RFC 9989 receiver's. */
  differences: string[];
}

/**
 * Works out the RFC 7489 receiver's view and appends `dmarc.rfc7489-differs`
 * to `findings` when it differs; `ours` is the RFC 9989 outcome (absent when
 * no record applies).
 */
export function compare7489(
  found: DmarcDiscovery,
  ours: { policy: DmarcPolicy; exists: boolean } | undefined,
  findings: Finding[],
): Rfc7489View {
  const level = found.policy7489;
  const rec = level?.record;
  const own = level?.domain === found.domain;
  const policy: Rfc7489View["policy"] = rec === undefined
    ? undefined
    : rec.pMissing && rec.rua.length === 0
    ? "ignored"
    : own
    ? rec.p
    : rec.sp ?? rec.p;
  const differences: string[] = [];
  if (found.policy?.name !== level?.name) {
    differences.push(
      `RFC 7489 receivers look only at _dmarc.${found.domain}${
        found.pslOrgDomain !== found.domain ? ` and _dmarc.${found.pslOrgDomain}` : ""
      } (Public Suffix List): they find ${level ? level.name : "no record"}, RFC 9989 receivers ${
        found.policy ? found.policy.name : "none"
      }`,
    );
  }
  if ((ours?.policy ?? undefined) !== (policy === "ignored" ? undefined : policy)) {
    differences.push(
      `RFC 7489 receivers apply ${
        policy === "ignored" ? "nothing (the record has no valid p= and no rua=)" : policy ?? "no policy"
      }, RFC 9989 receivers ${ours?.policy ?? "no policy"}${
        rec?.testing ? " (t=y, which RFC 7489 does not know)" : ""
      }${ours && !ours.exists && found.policy?.record?.np ? " (np= for a domain that does not exist)" : ""}`,
    );
  }
  if (rec && policy !== "ignored" && rec.pct < 100) {
    differences.push(
      `RFC 7489 receivers apply it to ${rec.pct}% of failing mail and a weaker policy to the rest; RFC 9989 receivers ignore pct=`,
    );
  }
  if (found.orgDomain !== found.pslOrgDomain) {
    differences.push(
      `the organisational domain is ${found.orgDomain} by the DNS tree walk, ${found.pslOrgDomain} by the Public Suffix List: relaxed alignment differs`,
    );
  }
  if (differences.length > 0) {
    const policyDiffers = differences.some((d) => d.startsWith("RFC 7489 receivers apply"));
    findings.push(finding(
      "dmarc.rfc7489-differs",
      `Receivers still on RFC 7489 decide differently for ${found.domain}`,
      [...differences, ...(rec ? [`${rec.name} TXT ${JSON.stringify(rec.text)}`] : [])],
      policyDiffers ? {} : { severity: "info" },
    ));
  }
  return {
    orgDomain: found.pslOrgDomain,
    ...(level ? { where: level.name } : {}),
    ...(policy !== undefined ? { policy } : {}),
    pct: rec?.pct ?? 100,
    differences,
  };
}
