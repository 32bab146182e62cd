/**
 * Types for smtpilot plugins, self-contained (copy this one file into a plugin project, or
 * install smtpilot and import from "smtpilot/plugin"):
 *
 *   import type { Plugin } from "smtpilot/plugin";         // erased at run time: works everywhere
 *   import { definePlugin } from "smtpilot/plugin";        // a real import: needs smtpilot installed
 *
 * Kept in step with smtpilot's own types by test/build/plugin-types.test.ts: what smtpilot
 * passes a plugin (the API, the report) offers at least what is declared here, and what a
 * plugin hands to smtpilot (reporters, rules, presets) is accepted as declared here.
 * The guide is docs/plugins.md.
 */

/** The layers of an SMTP submission path, in their default order. */
export type LayerId = "dns" | "tcp" | "greeting" | "tls" | "ehlo" | "auth" | "envelope";

/** What a layer proved: pass, pass with warnings, fail, or did not run. */
export type LayerStatus = "pass" | "warn" | "fail" | "skip";

/** Why a layer failed: a stable code (`tls.cert-expired`), a one-line summary, the cause, the next move. */
export interface Diagnosis {
  code: string;
  summary: string;
  cause: string;
  next: string;
}

/** Something worth knowing about a layer that still passed (`tls.cert-expiring-soon`). */
export interface Warning {
  code: string;
  summary: string;
}

/** One layer's result. `facts` are plain JSON (addresses, protocol, capabilities…); skipped layers carry `facts.reason`. */
export interface LayerResult {
  id: LayerId;
  status: LayerStatus;
  ms: number;
  facts: Record<string, unknown>;
  diagnosis?: Diagnosis;
  warnings: Warning[];
}

/** The outcome: the first failing layer and its code, or pass. */
export interface Verdict {
  status: "pass" | "fail";
  layer?: LayerId;
  code?: string;
}

/** One transcript line: `t` ms since the session started; `C` client, `S` server, `*` an event. Already redacted. */
export interface TranscriptEntry {
  t: number;
  dir: "C" | "S" | "*";
  text: string;
}

/** How the client secures the session. */
export type TlsMode = "auto" | "starttls" | "implicit" | "none";

/** What the run may do: `connectivity-probe` (no credentials, no mail) or `auth-probe` (credentials, no mail). */
export type ProbeMode = "connectivity-probe" | "auth-probe";

/**
 * The diagnosis document (`smtpilot.diagnose/1`), exactly what `--json` prints: secrets are
 * already redacted, server text already made printable. Fields are only ever added.
 */
export interface DiagnoseReport {
  schema: "smtpilot.diagnose/1";
  mode: ProbeMode;
  target: { host: string; port: number; tls: TlsMode };
  layers: LayerResult[];
  verdict: Verdict;
  transcript: TranscriptEntry[];
}

/** Options a reporter may honour. */
export interface RenderOptions {
  /** `--transcript` was given: include `report.transcript`. */
  transcript: boolean;
}

/**
 * A reporter: a pure function of the report, selected with `--reporter NAME`. smtpilot writes
 * the returned text to stdout; `console.*` output goes to stderr. A reporter that throws or
 * returns no string is replaced by the text reporter, with a warning.
 */
export interface Reporter {
  /** Letters, digits, ".", "_" or "-", at most 40; `text` and `json` are reserved. */
  name: string;
  render(report: DiagnoseReport, options: RenderOptions): string;
}

/** Where in the session a reply was received. */
export type ReplyStage = "greeting" | "ehlo" | "helo" | "starttls" | "auth" | "mail" | "rcpt" | "data";

/** The layer each stage belongs to; a rule's diagnosis code starts with it. */
export interface StageLayer {
  greeting: "greeting";
  ehlo: "ehlo";
  helo: "ehlo";
  starttls: "tls";
  auth: "auth";
  mail: "envelope";
  rcpt: "envelope";
  data: "envelope";
}

/**
 * Reply knowledge: when a reply at one of `stages` matches every given pattern, it means
 * `diagnosis`. Patterns are RegExps tested against the reply code as a string (`"550"`), the
 * enhanced status code (`"5.7.1"`) and the reply's text joined on one line; at least one is
 * needed. All stages must belong to one layer, and the diagnosis code is prefixed by that layer.
 */
export interface ReplyRule<S extends ReplyStage = ReplyStage> {
  /** Stable id, `<plugin>.<name>`; ids starting with `core.` are reserved. */
  id: string;
  stages: readonly S[];
  code?: RegExp;
  enhanced?: RegExp;
  text?: RegExp;
  diagnosis: {
    /** `<layer>.<kebab-case>`, e.g. `envelope.rate-limited`. */
    code: `${StageLayer[S]}.${string}`;
    /** Short title; smtpilot appends the server's reply to form the summary. */
    title: string;
    cause: string;
    next: string;
  };
}

/** SASL mechanisms a preset or provider may pin. */
export type Mechanism = "PLAIN" | "LOGIN" | "SCRAM-SHA-256" | "SCRAM-SHA-1" | "CRAM-MD5" | "XOAUTH2" | "OAUTHBEARER";

/** A provider preset: one SMTP submission contract (465 = implicit TLS, 587 = STARTTLS, 25 = relay). */
export interface ProviderPreset {
  /** kebab-case, e.g. `acme-relay`. */
  name: string;
  /** The provider (see addProvider) that knows this service, e.g. `gmail`. */
  provider?: string;
  host: string;
  port: number;
  tls: TlsMode;
  servername?: string;
  ehloName?: string;
  /** A secret *reference* (`env:NAME`, `dotenv:FILE#NAME`, `cmd:COMMAND`, `prompt`), never a secret. */
  auth?: { user: string; secret: string; mechanism?: Mechanism };
  notes?: string;
}

/** One way to reach a provider's submission service. */
export interface ProviderEndpoint {
  /** Host name; may hold `{variable}` placeholders declared in `hostVariables` (`email-smtp.{region}.amazonaws.com`). */
  host: string;
  port: number;
  tls: "starttls" | "implicit" | "none";
  /** When to pick this one ("implicit TLS, when port 587 is blocked"). */
  note?: string;
}

/** A placeholder in an endpoint host, answered by the user or filled from DNS. */
export interface HostVariable {
  description: string;
  pattern: RegExp;
  example: string;
}

/** Who may appear as sender through the provider (checked by the send workflow's preflight). */
export interface IdentityPolicy {
  rule: "account-or-alias" | "verified-identity" | "send-as-permission" | "sender-login-map" | "any";
  summary: string;
}

/** The provider's default sending limits. */
export interface RateLimit {
  perSecond?: number;
  perMinute?: number;
  perDay?: number;
  summary: string;
}

/** A provider's reply rule: `ports` limits it to some ports, `authenticated` to runs with (true) or without (false) credentials. */
export type ProviderReplyRule<S extends ReplyStage = ReplyStage> = ReplyRule<S> & {
  ports?: readonly number[];
  authenticated?: boolean;
};

/** How a domain's DNS points at the provider: patterns on MX hosts and on `_submission(s)._tcp` SRV targets. */
export interface ProviderDetection {
  mx?: readonly RegExp[];
  srv?: readonly RegExp[];
}

/**
 * What a plugin knows about one email service. Its reply rules are consulted before every other
 * rule when a profile of this provider is used or the host matches `hosts`; their ids must start
 * with `<name>.`.
 */
export interface ProviderDefinition {
  /** kebab-case id stored in profiles (`provider: acme`); `custom` is reserved. */
  name: string;
  title: string;
  /** Endpoints, the preset first. */
  endpoints: readonly ProviderEndpoint[];
  hostVariables?: Readonly<Record<string, HostVariable>>;
  /** What the user name is; `isEmail` when it is the sender's address. */
  user?: { hint: string; isEmail?: boolean };
  /** What the secret must be ("an app password, not the account password"). */
  secretHint?: string;
  /** A mechanism the provider requires. */
  mechanism?: Mechanism;
  identityPolicy?: IdentityPolicy;
  rateLimit?: RateLimit;
  /** Submission hosts that identify the provider even without a profile. */
  hosts?: readonly RegExp[];
  detect?: ProviderDetection;
  replyRules?: readonly ProviderReplyRule[];
  /** Short facts shown with the profile. */
  facts?: readonly string[];
}

/** Credentials of an auth probe: the secret is resolved from `secretRef` before the backend runs, and must never be printed. */
export interface ProbeAuth {
  user: string;
  /** The resolved secret; undefined when the reference pointed at nothing (the auth layer then reports auth.no-secret). */
  secret: string | undefined;
  /** Where the secret came from (`env:SMTP_PASSWORD`), for the report. */
  secretRef: string;
  /** A SASL mechanism the user pinned (`--auth-mech`). */
  mechanism?: string;
}

/** What a diagnosis was asked to do, after validation: the same for every backend. */
export interface DiagnoseRequestOptions {
  host: string;
  port: number;
  tls: TlsMode;
  /** Name the certificate must match, and SNI; defaults to `host`. */
  servername?: string;
  /** Trusted private CA certificates (PEM text of `--ca`); when given, only they are trusted. */
  ca?: string;
  ehloName?: string;
  auth?: ProbeAuth;
  from?: string;
  to: string[];
  /** Per-step timeout in milliseconds. */
  timeoutMs: number;
  /** Message size declared with MAIL FROM SIZE= when the server offers SIZE. */
  declaredSize: number;
  /** Side connections allowed to learn what a silent port speaks. */
  probes?: "gentle" | "off";
}

/** The I/O a backend is given: the resolver of the run (`--resolver`), a TCP connector for side connections, a clock. */
export interface ProbeIo {
  resolver: {
    lookup(host: string): Promise<{ address: string; family: 4 | 6 }[]>;
    resolveCname(host: string): Promise<string[]>;
    server?: string;
  };
  /** Opens a TCP connection (a Node `net.Socket`); `signal` is an AbortSignal. */
  connect(address: string, port: number, signal?: unknown): Promise<unknown>;
  clock: { now(): number; date(): Date };
}

/** One diagnosis handed to a probe backend. */
export interface ProbeRequest {
  options: DiagnoseRequestOptions;
  io: ProbeIo;
  /** Reply knowledge (provider and plugin rules), consulted before smtpilot's own table; pass it on, do not edit it. */
  replyRules: readonly {
    id: string;
    stages: readonly ReplyStage[];
    diagnosis: { code: string; title: string; cause: string; next: string };
  }[];
  /** Call as each layer starts (progress display). */
  onProgress?: (layer: LayerId) => void;
  /** The program the user named for this backend (`--swaks PATH`), if any. */
  program?: string;
}

/**
 * A probe backend, selected with `diagnose --backend NAME`: performs the network layers its own
 * way and returns the same `smtpilot.diagnose/1` report (same layer results and codes), so
 * reporters, JSON and exit codes stay the same. `builtin` (smtpilot's own client) is reserved.
 */
export interface ProbeBackend {
  /** Letters, digits, ".", "_" or "-", at most 40. */
  name: string;
  /** One line shown in help and messages. */
  summary: string;
  diagnose(request: ProbeRequest): Promise<DiagnoseReport>;
}

/** What a plugin may register during setup(). Registrations count only if setup() succeeds in time. */
export interface PluginApi {
  /** Adds a reporter; a name another plugin registered first is kept by that plugin (with a warning). */
  addReporter(reporter: Reporter): void;
  /** Adds reply knowledge consulted before smtpilot's own table (validated; a bad rule fails the setup). */
  addReplyRules<S extends ReplyStage>(rules: readonly ReplyRule<S>[]): void;
  /** Adds a provider preset (validated; an invalid one fails the setup). */
  addProviderPreset(preset: ProviderPreset): void;
  /** Adds what the plugin knows about an email service (validated; a mistake fails the setup). */
  addProvider(provider: ProviderDefinition): void;
  /** Adds a probe backend for `diagnose --backend NAME` (validated; a mistake fails the setup). */
  addProbeBackend(backend: ProbeBackend): void;
}

/** A plugin: the default export, the `plugin` export, or `module.exports` of a plugin file. */
export interface Plugin {
  name: string;
  version: string;
  /** Registers capabilities; may be async, and must finish within 5 seconds. */
  setup(api: PluginApi): void | Promise<void>;
}

/** Returns the plugin unchanged: exists so an editor checks the object and completes `api`. */
export declare function definePlugin<P extends Plugin>(plugin: P): P;
