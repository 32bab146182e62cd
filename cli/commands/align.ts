/**
 * `smtpilot align`: validates the identities, looks up the From domain's
 * DMARC record and returns the `smtpilot.align/1` document and its table.
 */
import { checkAlignment } from "../../core/align/align.ts";
import { renderAlignText } from "../../core/align/align-text.ts";
import { alignPolicyOf } from "../../core/align/provider-policy.ts";
import { DNS_TIMEOUT_MS, systemDns } from "../../core/domain/dns.ts";
import { UsageError } from "../../core/errors.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../../core/exit.ts";
import { hasControl } from "../../core/printable.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { mailboxValue, resolverAddress } from "../../core/validate.ts";
import { domainArgument } from "./domain-args.ts";

/** The parsed flags of `align`. */
export interface AlignFlags {
  from?: string;
  envelopeFrom?: string;
  authUser?: string;
  dkimDomain?: string;
  returnPath?: string;
  resolver?: string;
  timeout?: number;
  profile?: string;
}

/** Runs the command. */
export async function runAlign(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const given = input.options as unknown as AlignFlags;
  const profile = given.profile === undefined ? undefined : await memoryOf(ctx).profile(given.profile);
  // A profile's identities fill what the command line leaves out.
  const flags: AlignFlags = profile
    ? {
      ...given,
      from: given.from ?? profile.from,
      envelopeFrom: given.envelopeFrom ?? profile.envelopeFrom ?? profile.from,
      authUser: given.authUser ?? profile.auth?.user,
      dkimDomain: given.dkimDomain ?? profile.dkimDomain,
      returnPath: given.returnPath ?? profile.returnPath,
    }
    : given;
  if (flags.from === undefined) throw new UsageError("Missing --from: the header From address to check");
  const from = _addr("--from", flags.from);
  const envelopeFrom = flags.envelopeFrom === undefined ? undefined : _addr("--envelope-from", flags.envelopeFrom);
  const returnPath = flags.returnPath === undefined ? undefined : _addr("--return-path", flags.returnPath);
  const dkimDomain = flags.dkimDomain === undefined ? undefined : domainArgument(flags.dkimDomain);
  if (flags.authUser !== undefined && (flags.authUser.trim() === "" || hasControl(flags.authUser))) {
    throw new UsageError("Invalid --auth-user: empty, or holds control characters");
  }
  const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
  const provider = profile?.provider ? (await ctx.plugins()).providers.get(profile.provider) : undefined;
  const policy = provider ? alignPolicyOf(provider) : undefined;
  ctx.progress("looking up DMARC…");
  const report = await checkAlignment(
    {
      from,
      ...(envelopeFrom !== undefined ? { envelopeFrom } : {}),
      ...(returnPath !== undefined ? { returnPath } : {}),
      ...(dkimDomain !== undefined ? { dkimDomain } : {}),
      ...(flags.authUser !== undefined ? { authUser: flags.authUser.trim() } : {}),
    },
    systemDns(resolver, flags.timeout ?? DNS_TIMEOUT_MS),
    policy,
  );
  ctx.progress("");
  return {
    exitCode: report.summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK,
    document: report,
    text: renderAlignText(report),
  };
}

/** An address as typed, angle brackets allowed (as in a log line). */
function _addr(flag: string, value: string): string {
  return mailboxValue(flag, value.trim().replace(/^<(.*)>$/, "$1")).address;
}
