/**
 * The recipient's side, MX by MX: would a sending MTA that enforces
 * MTA-STS and DANE deliver to this host, or defer — and why. DANE applies
 * first where it applies at all (RFC 8461 §2: a sender doing both prefers
 * DANE for hosts with secure TLSA records); otherwise an MTA-STS policy in
 * enforce (or testing) mode; otherwise opportunistic TLS, which always
 * delivers. DNS-level reasons to defer (bogus DNSSEC, a failed TLSA lookup)
 * stand even when the host cannot be reached from here; a host that cannot
 * be reached otherwise has an unknown verdict, said as such (outbound port
 * 25 is often blocked where this runs).
 */
import net from "node:net";
import type { DnsClient, MxRecord } from "../dns.ts";
import { normalName } from "../dns.ts";
import type { StsPolicy } from "../mta-sts.ts";
import { type DaneLookup, daneLookup, type DnssecStatus, dnssecStatus, matchTlsa } from "./dane.ts";
import { type MxProbe, probeMx, type ProbeOptions } from "./mx-probe.ts";
import { type StsHostVerdict, stsVerdict } from "./sts-verdict.ts";

/** The most MX hosts probed (senders rarely try more). */
export const MAX_PROBED_HOSTS = 10;

/** The verdict for one MX host. */
export interface MxDelivery {
  host: string;
  priority: number;
  /** The address probed (the first IPv4, else IPv6), and all it has. */
  address?: string;
  addresses: string[];
  dnssec: { mx: DnssecStatus; addresses: DnssecStatus; tlsa?: DnssecStatus };
  probe?: Omit<MxProbe, "certificates">;
  dane: { state: DaneLookup["state"]; reason: string; tlsa: string[]; matched?: string; misses?: string[] };
  mtaSts?: StsHostVerdict;
  /** What decides for this host: DANE, the MTA-STS policy, or plain opportunistic TLS. */
  policy: "dane" | "mta-sts" | "opportunistic";
  verdict: "deliver" | "defer" | "unknown";
  because: string[];
}

/** Options of the recipient check. */
export interface DeliveryOptions extends ProbeOptions {
  /** The port connected to (25 unless a lab says otherwise); TLSA names always use 25, as senders do. */
  port: number;
  now: Date;
}

/** Judges every MX host of `domain` (up to MAX_PROBED_HOSTS), probing them in parallel. */
export async function judgeDelivery(
  dns: DnsClient,
  domain: string,
  policy: StsPolicy | undefined,
  options: DeliveryOptions,
): Promise<{ mxStatus: DnssecStatus; records: MxRecord[]; hosts: MxDelivery[] }> {
  const mxAnswer = dns.queryDnssec
    ? await dns.queryDnssec(domain, "MX")
    : { ...(await dns.query(domain, "MX")), secure: false };
  const mxStatus = dnssecStatus(mxAnswer);
  const records = (mxAnswer.status === "ok" ? mxAnswer.records : [])
    .filter((r) => r.exchange !== "" && r.exchange !== ".")
    .sort((a, b) => a.priority - b.priority);
  const hosts = [...new Map(records.map((r) => [normalName(r.exchange), r.priority])).entries()]
    .slice(0, MAX_PROBED_HOSTS);
  const judged = await Promise.all(
    hosts.map(([host, priority]) => _host(dns, host, priority, mxStatus, policy, options)),
  );
  return { mxStatus, records, hosts: judged };
}

async function _host(
  dns: DnsClient,
  host: string,
  priority: number,
  mx: DnssecStatus,
  policy: StsPolicy | undefined,
  options: DeliveryOptions,
): Promise<MxDelivery> {
  const ask = (type: "A" | "AAAA") =>
    dns.queryDnssec ? dns.queryDnssec(host, type) : dns.query(host, type).then((r) => ({ ...r, secure: false }));
  const [a, aaaa] = await Promise.all([ask("A"), ask("AAAA")]);
  const addresses = [a, aaaa].flatMap((r) => (r.status === "ok" ? r.records : []));
  const statuses = [dnssecStatus(a), dnssecStatus(aaaa)];
  const addrStatus: DnssecStatus = statuses.includes("bogus")
    ? "bogus"
    : addresses.length === 0 && statuses.includes("error")
    ? "error"
    : statuses.every((s) => s === "secure" || s === "error") && statuses.includes("secure")
    ? "secure"
    : "insecure";
  // Senders look TLSA up at port 25 whatever port a lab listens on.
  const dane = await daneLookup(dns, host, 25, mx, addrStatus);
  const address = addresses.find((x) => net.isIPv4(x)) ?? addresses[0];
  const probe = address === undefined || dane.state === "defer"
    ? undefined
    : await probeMx(host, address, options.port, options);
  const sts = stsVerdict(policy, host, probe, options.now);
  const base = {
    host,
    priority,
    ...(address !== undefined ? { address } : {}),
    addresses,
    dnssec: { mx, addresses: addrStatus, ...(dane.tlsaStatus ? { tlsa: dane.tlsaStatus } : {}) },
    ...(probe ? { probe: _shown(probe) } : {}),
    ...(sts ? { mtaSts: sts } : {}),
  };
  const tlsa = dane.records.map((r) => `${r.usage} ${r.selector} ${r.matchingType} ${r.data.toString("hex")}`);
  const daneView: MxDelivery["dane"] = { state: dane.state, reason: dane.reason, tlsa };
  const out = (policy: MxDelivery["policy"], verdict: MxDelivery["verdict"], because: string[], d = daneView) => ({
    ...base,
    dane: d,
    policy,
    verdict,
    because,
  });
  if (dane.state === "defer") return out("dane", "defer", [dane.reason]);
  if (address === undefined) return out("opportunistic", "defer", [`${host} has no address`]);
  const unreachable = !probe || (probe.error !== undefined && probe.error.stage !== "handshake");
  if (dane.state === "usable" || dane.state === "unusable") {
    if (unreachable) return out("dane", "unknown", _unreached(probe));
    if (!probe.starttls || !probe.tls) {
      const why = !probe.starttls
        ? `${host} does not offer STARTTLS`
        : `the TLS handshake failed (${probe.error?.message})`;
      return out("dane", "defer", [`${dane.reason}: TLS is required; ${why}`]);
    }
    if (dane.state === "unusable") {
      return out("dane", "deliver", [`${dane.reason}: TLS is used, unauthenticated (RFC 7672 §2.2)`]);
    }
    const m = matchTlsa(dane.records, probe.certificates, [host], options.now);
    const view = { ...daneView, ...(m.matched ? { matched: m.matched } : {}), misses: m.misses };
    return m.matched
      ? out("dane", "deliver", [`the certificate matches TLSA ${m.matched}`], view)
      : out("dane", "defer", m.misses, view);
  }
  if (sts) {
    // Not listed: an enforcing sender never connects, so reachability does not matter.
    if (!sts.ok && !sts.listed) return out("mta-sts", sts.mode === "enforce" ? "defer" : "deliver", _stsWhy(sts));
    if (unreachable) return out("mta-sts", "unknown", _unreached(probe));
    if (sts.ok) return out("mta-sts", "deliver", [`MTA-STS ${sts.mode}: STARTTLS and a valid certificate for ${host}`]);
    return out("mta-sts", sts.mode === "testing" ? "deliver" : "defer", _stsWhy(sts));
  }
  if (unreachable) return out("opportunistic", "unknown", _unreached(probe));
  return out("opportunistic", "deliver", [
    probe.tls
      ? "no DANE or MTA-STS policy applies: TLS is used, its certificate is not checked"
      : "no DANE or MTA-STS policy applies: delivered without TLS",
  ]);
}

function _stsWhy(sts: StsHostVerdict): string[] {
  const lead = sts.mode === "enforce" ? "MTA-STS enforce" : "MTA-STS testing (delivered, reported by TLS-RPT)";
  return sts.failures.map((f) => `${lead}: ${f.detail} (${f.kind})`);
}

function _unreached(probe: MxProbe | undefined): string[] {
  return [
    `could not reach the MX from here (${probe?.error?.stage ?? "connect"}: ${probe?.error?.message ?? "no probe"});` +
    " outbound port 25 is often blocked — the verdict for this host is unknown",
  ];
}

function _shown(probe: MxProbe): Omit<MxProbe, "certificates"> {
  const { certificates: _certificates, ...rest } = probe;
  return rest;
}
