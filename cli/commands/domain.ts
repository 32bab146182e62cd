/**
 * `smtpilot domain`: validates every flag before the first lookup, runs the
 * audit over the system's resolver (or `--resolver`), and returns the
 * `smtpilot.domain/1` document and its text rendering; exit 1 when any
 * finding is an error.
 */
import net from "node:net";
import { domainOf } from "../../core/align/align.ts";
import { auditDomain, DOMAIN_CHECKS, type DomainCheck, type DomainReport, hasErrors } from "../../core/domain/audit.ts";
import { DNS_TIMEOUT_MS, systemDns } from "../../core/domain/dns.ts";
import { httpsPolicyFetcher } from "../../core/domain/policy-fetch.ts";
import { UsageError } from "../../core/errors.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../../core/exit.ts";
import { readSmallFile } from "../../core/files.ts";
import { shown } from "../../core/printable.ts";
import { renderDomainText } from "../../core/reporters/domain-text.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { hostValue, mailboxValue, resolverAddress } from "../../core/validate.ts";

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
  json?: true;
}

/** A message file larger than this is not one message. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Runs the command. */
export async function runDomain(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const flags = input.options as unknown as DomainFlags;
  const profile = flags.profile === undefined ? undefined : await memoryOf(ctx).profile(flags.profile);
  const given = input.args[0] === undefined ? undefined : String(input.args[0]);
  const fromProfile = profile ? domainOf(profile.from ?? profile.auth?.user ?? "") : undefined;
  if (given === undefined && fromProfile === undefined) {
    throw new UsageError(
      profile
        ? `Profile ${shown(profile.name)} has no From address: give the DOMAIN to audit`
        : "Missing DOMAIN: the sender domain to audit (or --profile NAME)",
    );
  }
  const domain = domainArgument(given ?? fromProfile ?? "");
  const ip = flags.ip === undefined ? undefined : _ip(flags.ip);
  const sender = flags.sender === undefined ? undefined : _sender(flags.sender);
  const helo = flags.helo === undefined ? undefined : hostValue("--helo", flags.helo);
  if ((sender !== undefined || helo !== undefined) && ip === undefined) {
    throw new UsageError("--sender and --helo are used to evaluate SPF for --ip; give --ip too");
  }
  const selectors = (flags.selector ?? []).map(_selector);
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
    ...(flags.fetchPolicy
      ? { fetchPolicy: (dns) => httpsPolicyFetcher({ dns, timeoutMs: Math.max(timeoutMs, 10_000) }) }
      : {}),
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

/** The DOMAIN argument: a domain name (an internationalised one in ASCII form), not an address or an IP. */
export function domainArgument(value: string): string {
  const v = value.trim();
  if (v.includes("@")) {
    throw new UsageError(`Invalid domain ${shown(value)}: give the domain only (the part after @)`);
  }
  if (net.isIP(v.replace(/^\[|\]$/g, "")) !== 0) {
    throw new UsageError(
      `Invalid domain ${shown(value)}: expected a domain name, not an IP address (use --ip for that)`,
    );
  }
  const ascii = hostValue("domain", v).replace(/\.$/, "").toLowerCase();
  if (!ascii.includes(".")) throw new UsageError(`Invalid domain ${shown(value)}: expected a name such as example.com`);
  return ascii;
}

/** `--only spf,dmarc`: known check names, at least one. */
export function onlyChecks(value: string): DomainCheck[] {
  const names = value.split(",").map((n) => n.trim().toLowerCase()).filter((n) => n !== "");
  const bad = names.find((n) => !(DOMAIN_CHECKS as readonly string[]).includes(n));
  if (bad !== undefined || names.length === 0) {
    throw new UsageError(`Invalid --only ${shown(value)}: expected checks among ${DOMAIN_CHECKS.join(",")}`);
  }
  return [...new Set(names)] as DomainCheck[];
}

function _ip(value: string): string {
  const v = value.trim().replace(/^\[|\]$/g, "");
  if (net.isIP(v) === 0) throw new UsageError(`Invalid --ip ${shown(value)}: expected an IPv4 or IPv6 address`);
  return v;
}

function _sender(value: string): string {
  if (value === "" || value === "<>") return "";
  return mailboxValue("--sender", value.replace(/^<(.*)>$/, "$1")).address;
}

function _selector(value: string): string {
  const v = value.trim();
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(v) || v.length > 200) {
    throw new UsageError(`Invalid --selector ${shown(value)}: expected a DKIM selector such as s1 or selector1`);
  }
  return v.toLowerCase();
}
