/**
 * `smtpilot profile add NAME`: a profile from a provider's preset plus what
 * is the user's own (login, secret reference, sender). On a terminal it
 * asks for whatever the flags left open — a secret *reference*, never a
 * secret; in a script every answer is a flag. With `--email` and no
 * `--provider` it proposes a provider from the domain's DNS, with the
 * records as evidence, and saves only what a person confirmed. It never
 * resolves the secret and never connects to the mail server.
 */
import path from "node:path";
import * as v from "valibot";
import { isMailboxProblem, parseMailbox } from "../../core/address.ts";
import { EnvironmentError, UsageError } from "../../core/errors.ts";
import { EXIT_OK, EXIT_USAGE } from "../../core/exit.ts";
import { hasControl, sanitize, shown } from "../../core/printable.ts";
import { contractWarnings, parseProfile, PROFILE_MECHANISMS, ProfileNameSchema } from "../../core/profile.ts";
import { fillHost, type ProviderDefinition, type ProviderEndpoint } from "../../core/provider.ts";
import { type Detection, detectProvider, systemDetectDns } from "../../core/provider-detect.ts";
import { expandPath, isSecretRef } from "../../core/secrets.ts";
import type { CommandInput, CommandResult, RunContext } from "../command-spec.ts";
import { memoryOf } from "../../core/memory/run-memory.ts";
import { literalInReference, refuseLiteralReference } from "../../core/memory/secret-values.ts";
import { approveByPerson } from "../../core/person-approval.ts";
import { writeErr } from "../output.ts";
import { type Asker, referenceDisplay, terminalAsker } from "../prompt.ts";
import { ehloNameValue, hostValue, mailboxValue, readCaFile, resolverAddress } from "../../core/validate.ts";
import { oauthSettingsFromFlags, type ProfileOAuthFlags } from "./profile-add-oauth.ts";
import { describeProfile, providerSummary } from "./profile-render.ts";
import { PROFILE_SCHEMA } from "../../core/schemas.ts";

/** The flags of `profile add`. */
export interface ProfileAddFlags extends ProfileOAuthFlags {
  provider?: string;
  email?: string;
  host?: string;
  port?: number;
  tls?: "auto" | "starttls" | "implicit" | "none";
  servername?: string;
  ca?: string;
  ehloName?: string;
  user?: string;
  secret?: string;
  authMech?: (typeof PROFILE_MECHANISMS)[number];
  from?: string;
  envelopeFrom?: string;
  dkimDomain?: string;
  returnPath?: string;
  notes?: string;
  resolver?: string;
  replace?: true;
}

/** Tests replace the terminal's questions; the CLI never does. */
export const askers: { current: Asker } = { current: terminalAsker };

/** Runs the command. */
export async function runProfileAdd(input: CommandInput, ctx: RunContext): Promise<CommandResult> {
  const name = _name(String(input.args[0] ?? ""));
  const flags = input.options as ProfileAddFlags;
  for (const [flag, value] of [["--user", flags.user], ["--notes", flags.notes]] as const) {
    if (value !== undefined && hasControl(value)) {
      throw new UsageError(`Invalid ${flag}: control characters are not allowed`);
    }
  }
  // Validate what was typed before anything else (never echoing a secret typed as a reference).
  if (flags.secret !== undefined && !isSecretRef(flags.secret)) {
    throw new UsageError(
      "Invalid --secret: expected a reference (env:NAME, dotenv:FILE#KEY, cmd:COMMAND, keyring:NAME or prompt), never the secret itself; the value is not shown",
    );
  }
  if (flags.secret !== undefined) refuseLiteralReference(flags.secret, "of --secret");
  const email = flags.email === undefined ? undefined : mailboxValue("--email", flags.email).address;
  const store = memoryOf(ctx);
  await store.settings(); // no memory folder: exit 3 before any question or lookup
  const registry = await ctx.plugins();
  const ask = ctx.interactive ? askers.current : undefined;

  let detection: Detection | undefined;
  let proposed: { host: string; port: number; tls: "starttls" | "implicit" } | undefined;
  let providerName = flags.provider?.toLowerCase();
  if (providerName === undefined && email !== undefined) {
    const resolver = flags.resolver === undefined ? undefined : resolverAddress(flags.resolver);
    ctx.progress(`looking up SRV and MX records of ${email.split("@")[1]}…`);
    detection = await detectProvider(email.split("@")[1] as string, registry.providers, systemDetectDns(resolver));
    ctx.progress("");
    if (detection.proposals.length === 0 && detection.failed.length > 0) {
      // A resolver that fails is not "no provider": say so, exit 3, so a script can tell the two apart.
      throw new EnvironmentError(
        `DNS lookups for ${detection.domain} failed: ${detection.failed.join(", ")}; nothing could be proposed. ` +
          "Check the resolver (or pass --resolver IP), or name the provider with --provider",
        "E_DNS",
      );
    }
    if (!ask) return _proposalOnly(name, detection);
    const pick = await _confirmProposal(ask, detection);
    providerName = pick.provider;
    if (pick.endpoint) proposed = pick.endpoint;
  }
  if (providerName === undefined) {
    if (!ask) {
      throw new UsageError(
        "Missing --provider (gmail, ses, m365, postfix-relay, custom…) or --email ADDRESS to propose one",
      );
    }
    providerName = await ask.select("Provider", [
      ...[...registry.providers.values()].map((p) => ({ value: p.name, name: `${p.name} — ${p.title}` })),
      { value: "custom", name: "custom — any other SMTP server" },
    ]);
  }
  const provider = providerName === "custom" ? undefined : registry.providers.get(providerName);
  if (providerName !== "custom" && !provider) {
    throw new UsageError(
      `Unknown --provider ${shown(providerName)}: available are ${[...registry.providers.keys(), "custom"].join(", ")}`,
    );
  }

  const oauth = oauthSettingsFromFlags(flags, provider);
  const target = await _target(flags, provider, proposed, ask);
  const auth = await _auth(flags, provider, email, name, ask, oauth !== undefined);
  const from = flags.from !== undefined ? mailboxValue("--from", flags.from).address : email ??
    (provider?.user?.isEmail && auth && !isMailboxProblem(parseMailbox(auth.user)) ? auth.user : undefined) ??
    (ask ? await _optionalMailbox(ask, "Header From this profile sends as (empty: none)") : undefined);
  const ca = flags.ca === undefined ? undefined : (readCaFile(flags.ca), path.resolve(expandPath(flags.ca)));
  const profile = parseProfile({
    name,
    provider: providerName,
    ...target,
    ...(flags.servername ? { servername: hostValue("--servername", flags.servername) } : {}),
    ...(ca ? { ca } : {}),
    ...(flags.ehloName ? { ehloName: ehloNameValue(flags.ehloName) } : {}),
    ...(auth ? { auth } : {}),
    ...(oauth ? { oauth } : {}),
    ...(from ? { from } : {}),
    ...(flags.envelopeFrom ? { envelopeFrom: mailboxValue("--envelope-from", flags.envelopeFrom).address } : {}),
    ...(flags.dkimDomain ? { dkimDomain: hostValue("--dkim-domain", flags.dkimDomain) } : {}),
    ...(flags.returnPath ? { returnPath: mailboxValue("--return-path", flags.returnPath).address } : {}),
    ...(flags.notes ? { notes: flags.notes } : {}),
  });
  if (ctx.agent) {
    // An agent may propose a profile; only the person may let a secret reference go to a host.
    const before = flags.replace ? await store.profile(name).catch(() => undefined) : undefined;
    await approveByPerson(
      ctx,
      `Save profile ${name}? ${JSON.stringify(profile)}` + (before ? `\nIt replaces: ${JSON.stringify(before)}` : ""),
      `profile-add\n${JSON.stringify(profile)}\n${JSON.stringify(before ?? null)}`,
    );
  }
  const action = await store.saveProfile(profile, { replace: flags.replace === true });
  const settings = await store.updateSettings((s) => {
    if (!s.approvedProviders.includes(providerName)) s.approvedProviders.push(providerName);
    const domain = from?.split("@")[1]?.toLowerCase();
    if (domain && !s.senderDomains.includes(domain)) s.senderDomains.push(domain);
  });
  const warnings = contractWarnings(profile);
  const document = {
    schema: PROFILE_SCHEMA,
    action,
    file: store.path("profiles"),
    profile,
    provider: provider ? providerSummary(provider) : null,
    approvedProviders: settings.approvedProviders,
    warnings,
    ...(detection ? { detection } : {}),
  };
  const text = [
    `Profile ${name} ${action} in ${store.path("profiles")}`,
    ...describeProfile(profile, provider),
    ...warnings.map((w) => `Warning: ${w}`),
    oauth
      ? `Next: smtpilot auth login ${name}, then smtpilot profile check ${name}`
      : `Next: smtpilot profile check ${name}`,
  ].join("\n");
  return { exitCode: EXIT_OK, document, text: `${text}\n` };
}

function _name(value: string): string {
  if (!v.is(ProfileNameSchema, value)) {
    throw new UsageError(`Invalid profile name ${shown(value)}: use kebab-case, e.g. work or ses-eu`);
  }
  return value;
}

async function _optionalMailbox(ask: Asker, message: string): Promise<string | undefined> {
  const answer = (await ask.input(message, {
    validate: (x) => x.trim() === "" || !isMailboxProblem(parseMailbox(x.trim())) || "an address like me@example.com",
  })).trim();
  return answer === "" ? undefined : answer;
}

/** Without a terminal a DNS proposal is shown, never saved: the person confirms with --provider. */
function _proposalOnly(name: string, detection: Detection): CommandResult {
  const lines = detection.proposals.length === 0
    ? [`No provider recognised for ${detection.domain}; records seen:`, ...detection.records.map((r) => `  ${r}`)]
    : [
      `Proposed for ${detection.domain} (nothing saved):`,
      ...detection.proposals.flatMap((p) => [
        `  ${p.provider} — ${p.title}: ${p.host}:${p.port} ${p.tls}`,
        ...p.evidence.map((e) => `      evidence: ${e}`),
      ]),
    ];
  const first = detection.proposals[0];
  lines.push(
    first
      ? `To save it, re-run: smtpilot profile add ${name} --provider ${first.provider} --host ${first.host}` +
        ` --port ${first.port} --tls ${first.tls} …`
      : `Re-run with --provider NAME (or on a terminal, to choose).`,
  );
  return {
    exitCode: EXIT_USAGE,
    document: { schema: PROFILE_SCHEMA, action: "proposed", saved: false, detection },
    text: `${lines.join("\n")}\n`,
  };
}

async function _confirmProposal(
  ask: Asker,
  d: Detection,
): Promise<{ provider: string; endpoint?: { host: string; port: number; tls: "starttls" | "implicit" } }> {
  // DNS records are the zone owner's text: one line each, control and bidi characters replaced.
  writeErr(
    [
      `DNS records of ${d.domain}:`,
      ...(d.records.length ? d.records : ["(none found)"]).map((r) => `  ${sanitize(r)}`),
      "",
    ]
      .join("\n"),
  );
  const choice = await ask.select("Use this provider?", [
    ...d.proposals.map((p, i) => ({
      value: String(i),
      name: sanitize(`${p.provider} — ${p.host}:${p.port} ${p.tls}`),
      description: sanitize(p.evidence.join("; ")),
    })),
    { value: "none", name: "none of these — choose the provider myself" },
  ]);
  const p = d.proposals[Number(choice)];
  if (choice === "none" || !p) {
    return {
      provider: await ask.input("Provider name (gmail, ses, m365, postfix-relay, custom)", { default: "custom" }),
    };
  }
  return { provider: p.provider, endpoint: { host: p.host, port: p.port, tls: p.tls } };
}

/** Host, port and TLS: flags, else a confirmed DNS proposal, else the provider's endpoints, else questions. */
async function _target(
  flags: ProfileAddFlags,
  provider: ProviderDefinition | undefined,
  proposed: { host: string; port: number; tls: "starttls" | "implicit" } | undefined,
  ask: Asker | undefined,
): Promise<{ host: string; port: number; tls: "auto" | "starttls" | "implicit" | "none" }> {
  const endpoints = provider?.endpoints ?? [];
  const endpoint: ProviderEndpoint | undefined = flags.port === undefined
    ? endpoints[0]
    : endpoints.find((e) => e.port === flags.port) ?? endpoints[0];
  let host = flags.host !== undefined ? hostValue("--host", flags.host) : proposed?.host;
  if (host === undefined && provider && endpoint) host = await _fillHost(provider, endpoint.host, ask);
  if (host === undefined) {
    if (!ask) throw new UsageError("Missing --host: the SMTP server of this profile");
    host = hostValue("host", await ask.input("SMTP server host name", { validate: _validHost }));
  }
  let port = flags.port ?? proposed?.port ?? endpoint?.port;
  if (port === undefined) {
    port = ask ? Number(await ask.input("Port", { default: "587", validate: _validPort })) : 587;
  }
  const tls = flags.tls ?? (proposed?.port === port ? proposed.tls : undefined) ??
    endpoints.find((e) => e.port === port)?.tls ?? (port === 465 ? "implicit" : "starttls");
  return { host, port, tls };
}

async function _fillHost(
  provider: ProviderDefinition,
  template: string,
  ask: Asker | undefined,
): Promise<string | undefined> {
  const names = [...template.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return template;
  if (!ask) {
    const spec = provider.hostVariables?.[names[0] as string];
    const example = spec ? fillHost(provider, template, { [names[0] as string]: spec.example }) : undefined;
    throw new UsageError(
      `Missing --host: ${provider.name} needs ${
        template === `{${names[0]}}` ? "" : `${template}, with {${names[0]}} `
      }` +
        `${spec?.description ?? names[0]}${example ? ` (e.g. --host ${example})` : ""}`,
    );
  }
  const values: Record<string, string> = {};
  for (const n of names) {
    const spec = provider.hostVariables?.[n];
    values[n] = await ask.input(`${n} — ${spec?.description ?? n}`, {
      ...(spec ? { default: spec.example } : {}),
      validate: (x) => !spec || spec.pattern.test(x) || `expected something like ${spec.example}`,
    });
  }
  return fillHost(provider, template, values);
}

/** User, secret reference and mechanism; none for a relay that lets clients in by address. */
async function _auth(
  flags: ProfileAddFlags,
  provider: ProviderDefinition | undefined,
  email: string | undefined,
  name: string,
  ask: Asker | undefined,
  oauth = false,
): Promise<{ user: string; secret: string; mechanism?: NonNullable<ProfileAddFlags["authMech"]> } | undefined> {
  let user = flags.user ?? (provider?.user?.isEmail ? email : undefined);
  if (oauth) {
    // The refresh token (or app-only client secret) lives in the credential store unless told otherwise.
    if (user === undefined) throw new UsageError("--oauth needs --user: the mailbox the token is for");
    return { user, secret: flags.secret ?? `keyring:smtpilot/${name}`, mechanism: flags.authMech ?? "XOAUTH2" };
  }
  if (user === undefined && ask) {
    user = (await ask.input(`Login${provider?.user ? ` (${provider.user.hint})` : ""}; empty for none`)).trim() ||
      undefined;
  }
  if (user === undefined) {
    if (flags.secret !== undefined) throw new UsageError("--secret needs --user (the login it belongs to)");
    return undefined;
  }
  let secret = flags.secret;
  if (secret === undefined) {
    if (!ask) throw new UsageError(`--user ${shown(user)} needs --secret REF (e.g. --secret env:SMTP_PASSWORD)`);
    if (provider?.secretHint) writeErr(`The secret: ${provider.secretHint}.\n`);
    secret = await ask.input(
      "Secret REFERENCE (env:NAME, dotenv:FILE#KEY, cmd:COMMAND, keyring:NAME or prompt — not the secret)",
      {
        default: `env:SMTP_${name.toUpperCase().replace(/-/g, "_")}_SECRET`,
        validate: (x) =>
          !isSecretRef(x.trim())
            ? "a reference such as env:SMTP_PASSWORD; the secret itself is never stored"
            : literalInReference(x.trim()) === undefined ||
              "this reference holds the secret itself (a command that prints it); reference where it is kept instead",
        display: referenceDisplay,
      },
    );
    secret = secret.trim();
  }
  const mechanism = flags.authMech ?? provider?.mechanism;
  return { user, secret, ...(mechanism ? { mechanism } : {}) };
}

function _validHost(x: string): true | string {
  try {
    hostValue("host", x);
    return true;
  } catch {
    return "a host name or IP address";
  }
}

function _validPort(x: string): true | string {
  return /^\d{1,5}$/.test(x.trim()) && Number(x) >= 1 && Number(x) <= 65535 || "a port from 1 to 65535";
}
