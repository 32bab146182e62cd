/**
 * `smtpilot doctor`: checks the flags, decides what the run may trust (the
 * person's own shell reads the environment and uses the settings' password
 * through its reference; an agent's run does neither), runs the doctor use
 * case (core/doctor/doctor.ts) against the network or the fixture, and
 * renders the document — the mode line shown before any network.
 */
import path from "node:path";
import { type DoctorDeps, type DoctorTrust, runDoctor } from "../../core/doctor/doctor.ts";
import { readDmi } from "../../core/doctor/cloud-policies.ts";
import { renderDoctorMode, renderDoctorText } from "../../core/doctor/render-text.ts";
import { UsageError } from "../../core/errors.ts";
import { systemIo } from "../../core/io.ts";
import { memoryHome } from "../../core/memory/run-memory.ts";
import { systemDetectDns } from "../../core/provider-detect.ts";
import { redactDeep } from "../../core/redact.ts";
import { parseSecretRef, resolveSecret } from "../../core/secrets.ts";
import { ehloNameValue, hostValue, mailboxValue, readCaFile, resolverAddress } from "../../core/validate.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";

/** The parsed flags. */
interface DoctorFlags {
  framework?: string;
  offline?: true;
  user?: string;
  secret?: string;
  from?: string;
  to?: string[];
  port?: number[];
  sweepTimeout?: number;
  timeout?: number;
  ca?: string;
  servername?: string;
  ehloName?: string;
  resolver?: string;
  name?: string;
  fixture?: true;
  portBase?: number;
}

/** Runs the command. */
export async function runDoctorCommand(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const target = String(input.args[0] ?? "");
  const flags = input.options as DoctorFlags;
  // Every usage error before anything is read or contacted; a secret reference is never echoed.
  if (flags.secret !== undefined) parseSecretRef(flags.secret);
  if (flags.portBase !== undefined && !flags.fixture) throw new UsageError("--port-base goes with --fixture");
  if (flags.fixture && flags.resolver !== undefined) {
    throw new UsageError("--fixture answers DNS itself; drop --resolver");
  }
  if (flags.name !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(flags.name)) {
    throw new UsageError("Invalid --name: use kebab-case, e.g. shop or work-relay");
  }
  const to = (flags.to ?? []).map((a) => mailboxValue("--to", a).address);
  const from = flags.from === undefined ? undefined : mailboxValue("--from", flags.from).address;
  const ca = flags.ca === undefined ? undefined : readCaFile(flags.ca);
  const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
  const request = {
    target,
    ...(flags.framework ? { framework: flags.framework } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.secret !== undefined ? { secretRef: flags.secret } : {}),
    ...(from !== undefined ? { from } : {}),
    to,
    ports: flags.port ?? [],
    sweepTimeoutMs: flags.sweepTimeout ?? 3000,
    timeoutMs: flags.timeout ?? 10_000,
    ...(ca !== undefined && flags.ca !== undefined ? { ca, caFile: path.resolve(flags.ca) } : {}),
    ...(flags.servername ? { servername: hostValue("--servername", flags.servername) } : {}),
    ...(flags.ehloName ? { ehloName: ehloNameValue(flags.ehloName) } : {}),
    offline: flags.offline === true,
    ...(flags.name ? { profileName: flags.name } : {}),
  };
  // An agent names no secret and reads no environment: a file's host with the server's environment
  // (or a password the agent could not see) would otherwise go wherever the agent points.
  const trust: DoctorTrust = ctx.agent
    ? { readEnvironment: false, useSecrets: false, withheld: "credentials are not used in an agent's run" }
    : { readEnvironment: true, useSecrets: true };
  // The fixture (its certificates take a moment) starts while the plugins load; its cleanup is
  // registered the moment it runs, so a failure of the other leaves nothing listening.
  let unregister = () => {};
  const [standIn, registry] = await Promise.all([
    flags.fixture && !request.offline
      ? import("./doctor-fixture.ts").then((m) => m.startDoctorStandIn(flags.portBase)).then((s) => {
        unregister = ctx.onCleanup(s.close);
        return s;
      })
      : undefined,
    ctx.plugins(),
  ]);
  let announced = false;
  const deps: DoctorDeps = {
    io: standIn?.io ?? systemIo(resolver),
    mx: standIn?.mx ?? systemDetectDns(resolver),
    detect: standIn?.detect ?? systemDetectDns(resolver),
    providers: registry.providers,
    replyRules: registry.replyRules,
    env: process.env,
    dmi: () => readDmi(),
    resolveSecret: async (ref) => {
      const value = await resolveSecret(parseSecretRef(ref), {
        memoryHome: memoryHome(ctx),
        interactive: ctx.interactive,
        protect: (v) => void ctx.protectSecrets([v]),
        purpose: "the SMTP password",
      });
      return value;
    },
    progress: (text) => ctx.progress(text),
    announce: (report) => {
      // The mode line, before any network: on a terminal or a pipe, first thing printed.
      if (ctx.json || request.offline) return;
      announced = true;
      ctx.emit({ text: renderDoctorMode(report) });
    },
    ...(standIn ? { standIn: standIn.standIn } : {}),
    resolverName: standIn ? "the fixture's zone" : resolver ? `the DNS server ${resolver}` : "the system resolver",
  };
  try {
    const report = await runDoctor(request, trust, deps);
    ctx.progress("");
    const redact = ctx.protectSecrets([]);
    const document = redactDeep(report, redact);
    return {
      exitCode: report.verdict.exitCode,
      document,
      text: renderDoctorText(document, { withMode: !announced }),
    };
  } finally {
    unregister();
    await standIn?.close();
  }
}
