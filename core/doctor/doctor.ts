/**
 * The first minute of "my app can't send", as one use case: read the
 * application's mail settings (or the URL, host, address or domain given),
 * name what they say against themselves before any network, say what will
 * be contacted, sweep the ports of the host (connectivity probes, no
 * credentials), diagnose the best path in full (the settings' own first,
 * then the working alternative; with the password through its reference),
 * and give the one next move in the framework's own terms. The CLI command
 * and the MCP tool both run it, each with its own trust.
 */
import { diagnose } from "../diagnose.ts";
import { type AuthOptions, DEFAULT_DECLARED_SIZE, type DiagnoseOptions } from "../diagnose-options.ts";
import type { DiagnoseIo } from "../io.ts";
import type { ReplyRule } from "../knowledge/reply-rule.ts";
import { type DetectDns, detectProvider } from "../provider-detect.ts";
import { type ProviderDefinition, providerFor, rulesForTarget } from "../provider.ts";
import { EXIT_CODES } from "../report.ts";
import { EXIT_FINDINGS, EXIT_OK } from "../exit.ts";
import { CLOUD_POLICIES, cloudOf } from "./cloud-policies.ts";
import { contradictions } from "./contradictions.ts";
import { profileNameFor, readTarget } from "./doctor-input.ts";
import {
  type ChosenPath,
  DOCTOR_SCHEMA,
  type DoctorMode,
  type DoctorReport,
  type SettingsSummary,
} from "./doctor-report.ts";
import { fromPolicy, hostIsMx, type MxLookup } from "./dns-checks.ts";
import { type Finding, sortFindings } from "./finding.ts";
import { type MailSettings, maskUrlPassword, type ReadPolicy } from "./mail-settings.ts";
import { nextMove } from "./next-move.ts";
import { choosePath, modeOf } from "./path-choice.ts";
import { type PortResult, startSweep, SWEEP_PORTS } from "./sweep.ts";

/** What a run was asked. */
export interface DoctorRequest {
  target: string;
  framework?: string;
  /** Overrides the settings' login. */
  user?: string;
  /** Overrides (or supplies) the password's reference. */
  secretRef?: string;
  /** Overrides the settings' From (the envelope sender with `to`). */
  from?: string;
  /** Recipients to test the envelope with (MAIL FROM/RCPT TO, then RSET: no mail). */
  to: string[];
  /** Ports to sweep (the settings' own is added). */
  ports: readonly number[];
  sweepTimeoutMs: number;
  timeoutMs: number;
  ca?: string;
  /** The file `ca` was read from, for the profile line. */
  caFile?: string;
  servername?: string;
  ehloName?: string;
  /** Read the settings only: no DNS, no connection. */
  offline: boolean;
  profileName?: string;
}

/** What the run may trust, decided by who runs it. */
export interface DoctorTrust {
  /** Environment reads in the settings are resolved (the person's own shell); an agent's run names them only. */
  readEnvironment: boolean;
  /** The file's own password (and environment passwords, with readEnvironment) may be used for an auth probe. */
  useSecrets: boolean;
  /** Why credentials are not used, for the mode line, when they are not. */
  withheld?: string;
}

/** Everything the run touches, injected. */
export interface DoctorDeps {
  io: DiagnoseIo;
  mx: MxLookup;
  detect: DetectDns;
  providers: ReadonlyMap<string, ProviderDefinition>;
  replyRules: readonly ReplyRule[];
  env: Readonly<Record<string, string | undefined>>;
  /** The DMI strings of this machine (cloud detection). */
  dmi: () => string;
  /** Resolves a secret reference at the moment of use (undefined when it points at nothing). */
  resolveSecret: (ref: string) => Promise<string | undefined>;
  progress: (text: string) => void;
  /** Shown as soon as the mode is known, before any network. */
  announce: (report: Pick<DoctorReport, "mode" | "contacts">) => void;
  /** When the fixture stands in for the server: what the mode line says, the name its certificate has, its CA. */
  standIn?: { note: string; servername: string; ca: string };
  /** The resolver named in the contacts. */
  resolverName: string;
}

/** Runs the doctor. Throws only for usage and environment errors; findings are data. */
export async function runDoctor(request: DoctorRequest, trust: DoctorTrust, deps: DoctorDeps): Promise<DoctorReport> {
  const policy: ReadPolicy = trust.readEnvironment ? { env: deps.env } : {};
  const read = readTarget(request.target, { ...(request.framework ? { framework: request.framework } : {}), policy });
  const { target, framework } = read;
  let settings = read.settings;
  const findings: Finding[] = [...read.findings];
  if (settings) {
    findings.push(...contradictions(settings, framework));
    const from = fromPolicy(_withOverrides(settings, request), deps.providers);
    if (from) findings.push(from);
  }
  const { auth, withheld: fromEnvironment } = _auth(settings, request, trust);
  const withheld = trust.withheld ?? fromEnvironment;
  const mode: DoctorMode = request.offline ? "settings-check" : auth ? "auth-probe" : "connectivity-probe";
  const host = settings?.host?.value;
  const ports = _ports(settings, request);
  const contacts = request.offline ? ["nothing: the settings are read, no DNS query, no connection"] : [
    `DNS (${deps.resolverName})${
      target.kind === "address" || target.kind === "domain"
        ? `: SRV and MX of ${target.domain}`
        : host
        ? `: ${host} and the MX of its domains`
        : ""
    }`,
    `${host ?? "the host the DNS records name"}: ports ${
      ports.join(", ")
    }, one connection each, no credentials (connectivity probes)`,
    auth
      ? `then one auth probe (credentials, no mail) on the best path, as ${auth.user} with ${auth.secretRef}`
      : `then one connectivity probe on the best path${withheld ? ` (${withheld})` : ""}`,
    ...(deps.standIn ? [deps.standIn.note] : []),
  ];
  deps.announce({ mode, contacts });
  const base = {
    schema: DOCTOR_SCHEMA,
    mode,
    contacts,
    input: { kind: target.kind, text: maskUrlPassword(request.target) },
  } as const;
  if (request.offline) {
    return _finish({ ...base, ...(settings ? { settings: _summary(settings, auth?.secretRef) } : {}) }, findings, {
      settings,
      framework,
      profile: _profile(settings, request, auth, deps, trust),
      offline: true,
    });
  }

  if (target.kind === "address" || target.kind === "domain") {
    deps.progress(`looking up SRV and MX records of ${target.domain}…`);
    const detection = await detectProvider(target.domain, deps.providers, deps.detect);
    const best = detection.proposals[0];
    if (!best) {
      findings.push({
        code: "doctor.no-submission-host",
        severity: "error",
        summary: `${target.domain} publishes no submission server, and its MX is no provider smtpilot knows`,
        cause: `Records seen: ${
          detection.records.join("; ") || "none"
        }. An MX receives mail; it is not where an application submits.`,
        from: [],
        fix: { text: "Give the host your provider told you to use: smtpilot doctor HOST:587", lines: [] },
      });
      return _finish(base, findings, { profile: _profile(undefined, request, auth, deps, trust), offline: false });
    }
    settings = {
      framework: "url",
      title: `DNS of ${target.domain} (${best.title})`,
      read: best.evidence.map((e, i) => ({ line: i + 1, key: "dns", shown: e })),
      host: { value: best.host, key: "dns" },
      port: { value: best.port, key: "dns" },
      tls: { value: best.tls, key: "dns" },
      ...(target.kind === "address" ? { user: { value: target.address, key: "address" } } : {}),
      problems: [],
      unresolved: [],
    };
  }
  if (!settings?.host) {
    // Nothing to sweep: the settings (the lines read) and why there is no host are the whole report.
    return _finish({ ...base, ...(settings ? { settings: _summary(settings, auth?.secretRef) } : {}) }, findings, {
      settings,
      framework,
      profile: _profile(settings, request, auth, deps, trust),
      offline: false,
    });
  }
  const mx = await hostIsMx(_withOverrides(settings, request), framework, deps.providers, deps.mx);
  if (mx) findings.push(mx);

  deps.progress(`sweeping ${settings.host.value}: ports ${_ports(settings, request).join(", ")}…`);
  const sweepHost = settings.host.value;
  const tlsName = deps.standIn?.servername ?? request.servername;
  const ca = request.ca ?? deps.standIn?.ca;
  const results = startSweep({
    host: sweepHost,
    ports: _ports(settings, request),
    timeoutMs: request.sweepTimeoutMs,
    ...(ca !== undefined ? { ca } : {}),
    ...(tlsName !== undefined ? { servername: tlsName } : {}),
    ...(request.ehloName !== undefined ? { ehloName: request.ehloName } : {}),
  }, deps.io);
  const own = settings.port ? { port: settings.port.value, tls: modeOf(settings.tls.value) } : undefined;
  const path = await choosePath(sweepHost, own, results);
  deps.progress(`diagnosing ${sweepHost} port ${path.port} (${path.tls})…`);
  const secret = auth ? await deps.resolveSecret(auth.secretRef) : undefined;
  const options: DiagnoseOptions = {
    host: sweepHost,
    port: path.port,
    tls: path.tls,
    to: request.to,
    timeoutMs: request.timeoutMs,
    declaredSize: DEFAULT_DECLARED_SIZE,
    probes: "gentle",
    ...(ca !== undefined ? { ca } : {}),
    ...(tlsName !== undefined ? { servername: tlsName } : {}),
    ...(request.ehloName !== undefined ? { ehloName: request.ehloName } : {}),
    ...(auth ? { auth: { ...auth, secret } } : {}),
    ...(request.to.length > 0 && (request.from ?? settings.from?.value)
      ? { from: request.from ?? settings.from?.value }
      : {}),
  };
  const provider = providerFor(deps.providers, { host: sweepHost });
  const rules = rulesForTarget(provider, deps.replyRules, { port: path.port, authenticated: !!auth });
  const [diagnosis, swept] = await Promise.all([
    diagnose(options, deps.io, { replyRules: rules }),
    Promise.all([...results.values()]),
  ]);
  findings.push(..._networkFindings(swept, deps));
  const ownPath = _ownPathFinding(settings, path, swept, findings);
  if (ownPath) findings.push(ownPath);
  return _finish(
    {
      ...base,
      settings: _summary(settings, auth?.secretRef),
      sweep: { host: sweepHost, timeoutMs: request.sweepTimeoutMs, ports: swept },
      path,
      diagnosis,
    },
    findings,
    { settings, framework, profile: _profile(settings, request, auth, deps, trust), offline: false },
  );
}

/** Settings with the command line's --user and --from over them. */
function _withOverrides(settings: MailSettings, request: DoctorRequest): MailSettings {
  return {
    ...settings,
    ...(request.user ? { user: { value: request.user, key: "--user" } } : {}),
    ...(request.from ? { from: { value: request.from, key: "--from" } } : {}),
  };
}

/**
 * The credentials of the final diagnosis, when there are some and the run may use them; and,
 * when the settings' password is read from the environment and not named with --secret, why it
 * is not used.
 */
function _auth(
  settings: MailSettings | undefined,
  request: DoctorRequest,
  trust: DoctorTrust,
): { auth?: Omit<AuthOptions, "secret">; withheld?: string } {
  const user = request.user ?? settings?.user?.value;
  const fromSettings = settings?.secret?.present ? settings.secret.ref : undefined;
  // A password the file reads from this shell's environment is never sent on the file's word alone:
  // the file names both the variable and the host, so a settings file from someone else could name
  // any secret of this shell (AWS_SECRET_ACCESS_KEY) and its own server. The person names it with
  // --secret env:NAME (the mode line and the report say so); the file's own literal, or a reference
  // to it (dotenv:, settings:), is the file's own secret and goes to the file's own host.
  const fromEnvironment = fromSettings?.startsWith("env:") === true;
  const usable = fromSettings && trust.useSecrets && !fromEnvironment ? fromSettings : undefined;
  const secretRef = request.secretRef ?? usable;
  const withheld = fromEnvironment && request.secretRef === undefined && trust.useSecrets
    ? `the password is read from $${
      fromSettings.slice(4)
    } in this environment: log in with it only by naming it, --secret ${fromSettings}`
    : undefined;
  return { ...(user && secretRef ? { auth: { user, secretRef } } : {}), ...(withheld ? { withheld } : {}) };
}

/** The ports to sweep: the settings' own first, then the requested ones. */
function _ports(settings: MailSettings | undefined, request: DoctorRequest): number[] {
  const own = settings?.port?.value;
  return [...new Set([...(own ? [own] : []), ...(request.ports.length ? request.ports : SWEEP_PORTS)])];
}

/** What the network showed besides the diagnosis: port 25 blocked here, nothing answering at all. */
function _networkFindings(swept: readonly PortResult[], deps: DoctorDeps): Finding[] {
  const out: Finding[] = [];
  const answered = swept.filter((r) => ["smtp", "tls", "greets-then-closes"].includes(r.class));
  const p25 = swept.find((r) => r.port === 25);
  if (p25?.class === "filtered" && answered.some((r) => r.port !== 25)) {
    const cloud = cloudOf(deps.dmi());
    out.push({
      code: "doctor.port-25-blocked",
      severity: "warning",
      summary: `Port 25 is filtered while port ${answered[0]?.port} answers: this network blocks outbound port 25`,
      cause: cloud
        ? `This machine looks like ${cloud.title} (its firmware says so): ${cloud.port25}.`
        : "Cloud providers and many ISPs drop outbound SMTP on port 25 to stop spam from their networks.",
      from: [{ key: "port 25" }],
      fix: {
        text: cloud ? `Do not use port 25 from here: ${cloud.instead}` : "Submit on 587 or 465, never 25",
        lines: [],
      },
      sources: (cloud ? [cloud] : CLOUD_POLICIES).map((c) => ({
        title: c.title,
        url: c.source.url,
        asOf: c.source.asOf,
      })),
    });
  }
  if (answered.length === 0 && swept.length > 0 && !swept.every((r) => r.class === "no-address")) {
    out.push({
      code: "doctor.no-port-answers",
      severity: "error",
      summary: `No swept port answers SMTP: ${swept.map((r) => `${r.port} ${r.class}`).join(", ")}`,
      cause: swept.every((r) => r.class === "filtered")
        ? "Every port is filtered: this network (or a firewall in front of the host) drops outbound SMTP."
        : "Nothing on this host speaks SMTP on the usual ports.",
      from: [],
    });
  }
  return out;
}

/**
 * A finding when the settings' own path is not the one that works: its port
 * answers another TLS mode (and no contradiction said so already), or it
 * does not answer and another port does.
 */
function _ownPathFinding(
  settings: MailSettings,
  path: ChosenPath,
  swept: readonly PortResult[],
  findings: readonly Finding[],
): Finding | undefined {
  if (path.why === "settings" || !settings.port) return undefined;
  const own = swept.find((r) => r.port === settings.port?.value);
  const said = findings.some((f) => /^doctor\.(?:implicit-tls-on|starttls-on|tls-flags|no-tls)/.test(f.code));
  if (path.why === "corrected" && said) return undefined;
  const port = settings.port;
  return {
    code: "doctor.own-path-fails",
    severity: "error",
    summary: path.why === "corrected"
      ? `Port ${port.value} speaks ${path.tls === "implicit" ? "implicit TLS" : "STARTTLS"}, not what ${
        settings.tls.defaulted ? "the framework uses by default" : settings.tls.key
      } says`
      : `Port ${port.value} does not work from here (${own?.summary ?? "not swept"}); port ${path.port} does`,
    cause: "The application connects where its settings say; the sweep shows that path fails from this machine.",
    from: [{ key: port.key, ...(port.line !== undefined ? { line: port.line } : {}) }],
  };
}

/** What the profile add line holds. */
function _profile(
  settings: MailSettings | undefined,
  request: DoctorRequest,
  auth: Omit<AuthOptions, "secret"> | undefined,
  deps: DoctorDeps,
  trust: DoctorTrust,
) {
  const host = settings?.host?.value;
  const provider = host ? providerFor(deps.providers, { host })?.name : undefined;
  const user = request.user ?? settings?.user?.value;
  // A run that may not use the settings' password (an agent's, on pasted text) names none: `prompt`
  // asks the person at the terminal when the profile is used.
  const secretRef = auth?.secretRef ?? request.secretRef ?? (trust.useSecrets ? settings?.secret?.ref : "prompt");
  const from = request.from ?? settings?.from?.value;
  return {
    name: request.profileName ?? profileNameFor(settings),
    ...(provider ? { provider } : {}),
    ...(request.caFile ? { ca: request.caFile } : {}),
    ...(request.servername ? { servername: request.servername } : {}),
    ...(request.ehloName ? { ehloName: request.ehloName } : {}),
    ...(user ? { user } : {}),
    ...(secretRef ? { secretRef } : {}),
    ...(from ? { from } : {}),
  };
}

/** The settings as the document shows them. */
function _summary(settings: MailSettings, secretRef: string | undefined): SettingsSummary {
  return {
    framework: settings.framework,
    title: settings.title,
    ...(settings.file ? { file: settings.file } : {}),
    ...(settings.section ? { section: settings.section } : {}),
    lines: settings.read,
    ...(settings.host ? { host: settings.host.value } : {}),
    ...(settings.port ? { port: settings.port.value } : {}),
    tls: settings.tls.value,
    ...(settings.user ? { user: settings.user.value } : {}),
    ...(secretRef ?? settings.secret?.ref ? { secretRef: secretRef ?? settings.secret?.ref } : {}),
    ...(settings.from ? { from: settings.from.value } : {}),
  };
}

/** Findings sorted, the next move and the verdict. */
function _finish(
  partial: Omit<DoctorReport, "findings" | "next" | "verdict">,
  findings: Finding[],
  context: {
    settings?: MailSettings | undefined;
    framework?: Parameters<typeof nextMove>[0]["framework"];
    profile: Parameters<typeof nextMove>[0]["profile"];
    offline: boolean;
  },
): DoctorReport {
  const sorted = sortFindings(findings);
  const next = nextMove({
    ...(context.settings ? { settings: context.settings } : {}),
    ...(context.framework ? { framework: context.framework } : {}),
    findings: sorted,
    ...(partial.path ? { path: partial.path } : {}),
    ...(partial.diagnosis ? { diagnosis: partial.diagnosis } : {}),
    profile: context.profile,
    offline: context.offline,
  });
  const errors = sorted.filter((f) => f.severity === "error");
  const d = partial.diagnosis;
  let verdict: DoctorReport["verdict"];
  if (d?.verdict.status === "fail" && d.verdict.layer) {
    verdict = {
      status: "fail",
      ...(d.verdict.code ? { code: d.verdict.code } : {}),
      exitCode: EXIT_CODES[d.verdict.layer],
    };
  } else if (errors.length > 0 || (partial.path && partial.path.why !== "settings")) {
    verdict = { status: "fail", ...(errors[0] ? { code: errors[0].code } : {}), exitCode: EXIT_FINDINGS };
  } else {
    verdict = { status: "pass", exitCode: EXIT_OK };
  }
  return { ...partial, findings: sorted, next, verdict };
}
