/**
 * `smtpilot domain`: validates every flag before the first lookup, runs the
 * audit over the system's resolver (or `--resolver`), and returns the
 * `smtpilot.domain/1` document and its text rendering; exit 1 when any
 * finding is an error.
 */
import { domainOf } from "../../core/align/align.ts";
import { auditDomain, type DomainReport, hasErrors } from "../../core/domain/audit.ts";
import { DNS_TIMEOUT_MS, systemDns } from "../../core/domain/dns.ts";
import { UsageError } from "../../core/errors.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../../core/exit.ts";
import { readSmallFile } from "../../core/files.ts";
import { shown } from "../../core/printable.ts";
import { renderDomainText } from "../../core/reporters/domain-text.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { resolverAddress } from "../../core/validate.ts";
import {
  domainArgument,
  heloIdentity,
  identityDomain,
  ipArgument,
  onlyChecks,
  policyFetchOption,
  selectorArgument,
  senderIdentity,
} from "./domain-args.ts";
import { batchEntries, runBatch } from "./domain-batch.ts";
import { runRecipient } from "./domain-recipient.ts";

/** The parsed flags of `domain`. */
export interface DomainFlags {
  ip?: string;
  sender?: string;
  helo?: string;
  selector?: string[];
  message?: string;
  fetchPolicy?: true;
  only?: string;
  profile?: string;
  note?: true;
  resolver?: string;
  timeout?: number;
  fromFile?: string;
  concurrency?: number;
  recipient?: true;
  mxPort?: number;
  policyPort?: number;
  ca?: string;
  ehloName?: string;
  json?: true;
}

/** A message file larger than this is not one message. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Runs the command. */
export async function runDomain(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as unknown as DomainFlags;
  const domains = (Array.isArray(input.args[0]) ? input.args[0] : input.args[0] === undefined ? [] : [input.args[0]])
    .map(String);
  if (flags.recipient) return await _recipient(domains, flags, ctx);
  const probeOnly = (["mxPort", "ehloName"] as const).find((k) => flags[k] !== undefined);
  if (probeOnly !== undefined) {
    throw new UsageError(`--${probeOnly === "mxPort" ? "mx-port" : "ehlo-name"} is for the MX probe of --recipient`);
  }
  if (flags.only?.split(",").some((c) => c.trim().toLowerCase() === "dane")) {
    throw new UsageError("DANE is about receiving mail: use --recipient (it checks mx, mta-sts, tls-rpt and dane)");
  }
  if (domains.length > 1 || flags.fromFile !== undefined) return await _batch(domains, flags, ctx);
  const profile = flags.profile === undefined ? undefined : await memoryOf(ctx).profile(flags.profile);
  const given = domains[0];
  const fromProfile = profile ? domainOf(profile.from ?? profile.auth?.user ?? "") : undefined;
  const replay = flags.ip !== undefined && (flags.sender !== undefined || flags.helo !== undefined);
  if (given === undefined && fromProfile === undefined && !replay) {
    throw new UsageError(
      profile
        ? `Profile ${shown(profile.name)} has no From address: give the DOMAIN to audit`
        : "Missing DOMAIN: the sender domain to audit (or --profile NAME, or --ip with --sender/--helo to replay a receiver's SPF check)",
    );
  }
  const ip = flags.ip === undefined ? undefined : ipArgument("--ip", flags.ip);
  const sender = flags.sender === undefined ? undefined : senderIdentity(flags.sender);
  const helo = flags.helo === undefined ? undefined : heloIdentity(flags.helo);
  if ((sender !== undefined || helo !== undefined) && ip === undefined) {
    throw new UsageError("--sender and --helo are used to evaluate SPF for --ip; give --ip too");
  }
  if (sender === "" && helo === undefined && given === undefined && fromProfile === undefined) {
    throw new UsageError('--sender "" is a bounce: check_host() then evaluates the HELO name, so give --helo too');
  }
  // Without DOMAIN, a replayed check is about the domain check_host() evaluates, whatever it looks like.
  const replayed = ip === undefined ? undefined : identityDomain(sender, helo);
  const domain = given !== undefined || fromProfile !== undefined
    ? domainArgument(given ?? fromProfile ?? "")
    : (replayed ?? "").trim().toLowerCase();
  const selectors = (flags.selector ?? []).map(selectorArgument);
  const message = flags.message === undefined
    ? undefined
    : readSmallFile(flags.message, { what: "--message", maxBytes: MAX_MESSAGE_BYTES });
  const only = flags.only === undefined ? undefined : onlyChecks(flags.only);
  const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
  const timeoutMs = flags.timeout ?? DNS_TIMEOUT_MS;
  const report = await auditDomain({
    domain,
    ...(ip !== undefined ? { ip } : {}),
    ...(sender !== undefined ? { sender } : {}),
    ...(helo !== undefined ? { helo } : {}),
    selectors,
    ...(only !== undefined ? { only } : {}),
    ...(message !== undefined ? { message } : {}),
    ...policyFetchOption(flags, timeoutMs),
    ...(profile?.lastCheck?.verdict === "fail" && profile.lastCheck.layer
      ? {
        lastFailure: {
          profile: profile.name,
          layer: profile.lastCheck.layer,
          date: profile.lastCheck.date,
          ...(profile.lastCheck.code ? { code: profile.lastCheck.code } : {}),
        },
      }
      : {}),
    onProgress: (text) => ctx.progress(text),
  }, systemDns(resolver, timeoutMs));
  ctx.progress("");
  if (flags.note) await _note(ctx, report);
  return {
    exitCode: hasErrors(report) ? EXIT_FINDINGS : EXIT_OK,
    document: report,
    text: renderDomainText(report),
  };
}

/** The recipient's side of one domain: the sender-only flags are refused. */
async function _recipient(domains: string[], flags: DomainFlags, ctx: RunContext): Promise<CommandResult> {
  if (domains.length !== 1 || flags.fromFile !== undefined) {
    throw new UsageError("--recipient checks one domain: give exactly one DOMAIN");
  }
  const sender = (["ip", "sender", "helo", "selector", "message", "profile", "note"] as const)
    .find((k) => flags[k] !== undefined);
  if (sender !== undefined) throw new UsageError(`--${sender} is for a sender audit, not --recipient`);
  return await runRecipient(domainArgument(domains[0] ?? ""), flags, ctx);
}

/** Many domains: the flags that name one domain or message are refused, the rest apply to each. */
async function _batch(domains: string[], flags: DomainFlags, ctx: RunContext): Promise<CommandResult> {
  const single = (["profile", "message", "note", "sender", "helo"] as const).find((k) => flags[k] !== undefined);
  if (single !== undefined) {
    throw new UsageError(
      `--${single} is about one domain; a batch takes the same --ip, --selector, --only for every domain (a --from-file JSON line carries its own sender and helo)`,
    );
  }
  const ip = flags.ip === undefined ? undefined : ipArgument("--ip", flags.ip);
  const selectors = (flags.selector ?? []).map(selectorArgument);
  const only = flags.only === undefined ? undefined : onlyChecks(flags.only);
  const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
  const timeoutMs = flags.timeout ?? DNS_TIMEOUT_MS;
  const entries = await batchEntries(domains, flags.fromFile, ip, process.stdin, ctx.agent);
  return await runBatch(
    entries,
    {
      selectors,
      ...(only !== undefined ? { only } : {}),
      ...policyFetchOption(flags, timeoutMs),
    },
    systemDns(resolver, timeoutMs),
    flags.concurrency,
    ctx,
  );
}

/** Appends the audit's summary to deliverability-notes.md (kind dns-auth). */
async function _note(ctx: RunContext, report: DomainReport): Promise<void> {
  const { errors, warnings } = report.summary;
  const codes = report.findings.filter((f) => f.severity !== "info").map((f) => f.code);
  const summary = `${errors} error(s), ${warnings} warning(s)${
    codes.length ? `: ${[...new Set(codes)].join(", ")}` : ""
  }`;
  await memoryOf(ctx).appendNote({
    kind: "dns-auth",
    domain: report.domain,
    summary: summary.length > 1900 ? `${summary.slice(0, 1900)}…` : summary,
    ...(report.spf ? { spf: report.spf.result } : {}),
  });
}
