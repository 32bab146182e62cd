/**
 * `smtpilot domain D --recipient`: checks the flags of the recipient's side
 * (where to probe, which CAs to trust, whether the MTA-STS policy may be
 * fetched) and runs core/domain/recipient/audit-recipient.ts. The mode is
 * a connectivity probe: DNS, then EHLO/STARTTLS/QUIT to each MX, and HTTPS
 * to `mta-sts.D` only with `--fetch-policy` — the report's first line says
 * which.
 */
import dns from "node:dns";
import net from "node:net";
import { hasErrors } from "../../core/domain/audit.ts";
import { DNS_TIMEOUT_MS, systemDns } from "../../core/domain/dns.ts";
import { parseServer } from "../../core/domain/dns-wire.ts";
import { auditRecipient } from "../../core/domain/recipient/audit-recipient.ts";
import { UsageError } from "../../core/errors.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../../core/exit.ts";
import { renderDomainText } from "../../core/reporters/domain-text.ts";
import type { CommandResult, RunContext } from "../command-spec.ts";
import { ehloNameValue, readCaFile, resolverAddress } from "../../core/validate.ts";
import { policyFetchOption, PROBE_TIMEOUT_MS } from "./domain-args.ts";

/** The flags the recipient check reads. */
export interface RecipientFlags {
  fetchPolicy?: true;
  mxPort?: number;
  policyPort?: number;
  ca?: string;
  ehloName?: string;
  resolver?: string;
  timeout?: number;
  only?: string;
}

/** Runs the recipient check for `domain`. */
export async function runRecipient(domain: string, flags: RecipientFlags, ctx: RunContext): Promise<CommandResult> {
  if (flags.only !== undefined) {
    throw new UsageError("--only selects the checks of a sender audit; --recipient runs mx, mta-sts, tls-rpt and dane");
  }
  const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
  const ca = flags.ca === undefined ? undefined : readCaFile(flags.ca);
  const ehloName = flags.ehloName === undefined ? undefined : ehloNameValue(flags.ehloName);
  const timeoutMs = flags.timeout ?? DNS_TIMEOUT_MS;
  const probeMs = Math.max(timeoutMs, PROBE_TIMEOUT_MS);
  const servers = resolver !== undefined ? [resolver] : dns.getServers();
  const local = servers.length > 0 && servers.every((s) => _loopback(parseServer(s).host));
  const report = await auditRecipient({
    domain,
    port: flags.mxPort ?? 25,
    timeoutMs: probeMs,
    ...(ca !== undefined ? { ca } : {}),
    ...(ehloName !== undefined ? { ehloName } : {}),
    resolver: { local, shown: servers.join(", ") || "(no resolver)" },
    ...policyFetchOption(flags, timeoutMs),
    onProgress: (text) => ctx.progress(text),
  }, systemDns(resolver, timeoutMs));
  return { exitCode: hasErrors(report) ? EXIT_FINDINGS : EXIT_OK, document: report, text: renderDomainText(report) };
}

function _loopback(host: string): boolean {
  return net.isIPv4(host) ? host.startsWith("127.") : host === "::1";
}
