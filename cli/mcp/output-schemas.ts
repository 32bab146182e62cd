/**
 * The outputSchema of every tool: the JSON Schema of its command's `--json`
 * document (by the document's version tag), or of the `smtpilot.error/1`
 * document a refused or failed call returns. Each names the fields an
 * agent relies on — required, typed, with their vocabularies — and leaves
 * room for fields added later (documents grow; they never rename).
 * test/mcp/tool-contract.test.ts validates real calls against them.
 */
import { ERROR_SCHEMA } from "../cli-adapter.ts";
import type { CommandSpec } from "../command-spec.ts";
import type { ToolDef } from "./tools.ts";

/** A JSON Schema (the subset written here). */
type Schema = Record<string, unknown>;

/** The document a tool returns when its command prints only text (redact): the text, masked. */
export const TEXT_DOCUMENT_SCHEMA = "smtpilot.redact/1";

const str: Schema = { type: "string" };
const int: Schema = { type: "integer" };
const num: Schema = { type: "number" };
const bool: Schema = { type: "boolean" };
const anyObj: Schema = { type: "object" };
const list = (items: Schema = {}): Schema => ({ type: "array", items });
const oneOf = (...values: string[]): Schema => ({ type: "string", enum: values });
const orNull = (s: Schema): Schema => ({ anyOf: [s, { type: "null" }] });

/** An object with `required` keys among `props` (more keys allowed). */
function obj(props: Record<string, Schema>, required: readonly string[] = Object.keys(props)): Schema {
  return { type: "object", properties: props, required: [...required] };
}

/** A document: its version tag, then its fields. */
function doc(tag: string, props: Record<string, Schema>, required: readonly string[] = Object.keys(props)): Schema {
  return obj({ schema: { type: "string", const: tag }, ...props }, ["schema", ...required]);
}

const _diagnosis = obj({ code: str, summary: str, cause: str, next: str });
const _layer = obj(
  {
    id: oneOf("dns", "tcp", "greeting", "tls", "ehlo", "auth", "envelope"),
    status: oneOf("pass", "warn", "fail", "skip"),
    ms: num,
    facts: anyObj,
    diagnosis: _diagnosis,
    warnings: list(obj({ code: str, summary: str })),
  },
  ["id", "status", "ms", "facts", "warnings"],
);
const _diagnose = doc("smtpilot.diagnose/1", {
  mode: str,
  target: obj({ host: str, port: int, tls: oneOf("auto", "starttls", "implicit", "none") }),
  layers: list(_layer),
  verdict: obj({ status: oneOf("pass", "fail"), layer: str, code: str, warnings: int }, ["status"]),
  transcript: list(obj({ t: num, dir: str, text: str })),
});
const _summary = obj({ errors: int, warnings: int, info: int });
const _domain = doc("smtpilot.domain/1", {
  mode: str,
  domain: str,
  orgDomain: str,
  findings: list(obj({ code: str, severity: str })),
  checks: list(str),
  summary: _summary,
});
/** What an access token says about itself (decoded locally; never the token). */
const _tokenFacts = obj({ kind: oneOf("jwt", "opaque"), expiresAt: str, scopes: list(str) }, ["kind"]);
const _profile = obj({ name: str, host: str, port: int, tls: str }, ["name", "host", "port", "tls"]);

/** The document schemas, by version tag. */
const _DOCUMENTS: Record<string, Schema> = {
  [ERROR_SCHEMA]: doc(ERROR_SCHEMA, { error: obj({ code: str, exitCode: int, message: str }) }),
  [TEXT_DOCUMENT_SCHEMA]: doc(TEXT_DOCUMENT_SCHEMA, { text: str }),
  "smtpilot.status/1": doc("smtpilot.status/1", {
    home: str,
    files: list(obj({ name: str, exists: bool })),
    memory: anyObj,
    profiles: list(obj({ name: str }, ["name"])),
    sendLogEntries: int,
    warnings: list(obj({ code: str, message: str })),
  }),
  "smtpilot.profiles/1": doc("smtpilot.profiles/1", { file: str, profiles: list(_profile) }),
  "smtpilot.profile/1": doc("smtpilot.profile/1", { file: str, profile: _profile }, ["profile"]),
  "smtpilot.profile-check/1": doc("smtpilot.profile-check/1", {
    profile: str,
    lastCheck: obj({ date: str, verdict: oneOf("pass", "warn", "fail"), upTo: str }),
    report: _diagnose,
  }),
  "smtpilot.canaries/1": doc("smtpilot.canaries/1", { canaries: list(obj({ address: str, addedAt: str })) }),
  "smtpilot.explain/1": doc("smtpilot.explain/1", {
    mode: str,
    replies: list(obj({ reply: str, code: int, severity: str, reason: str, layer: str, next: str })),
  }),
  "smtpilot.bounce/1": doc("smtpilot.bounce/1", {
    mode: str,
    messages: list(obj({ source: str, kind: str, recipients: list(anyObj) })),
    errors: list(obj({ source: str, code: str, message: str })),
    summary: obj({ messages: int, recipients: int, hard: int, errors: int }),
  }),
  "smtpilot.recipes/1": doc("smtpilot.recipes/1", {
    target: obj({ host: str, port: int, tls: str }),
    layers: list(obj({ layer: str, title: str, commands: list(obj({ tool: str, argv: list(str), line: str })) })),
  }),
  "smtpilot.draft/1": doc("smtpilot.draft/1", {
    mode: str,
    from: str,
    to: list(str),
    subject: str,
    messageId: str,
    digest: { type: "string", pattern: "^[0-9a-f]{64}$" },
    size: int,
    headers: list(obj({ name: str, value: str })),
  }),
  "smtpilot.diagnose/1": _diagnose,
  "smtpilot.domain/1": _domain,
  "smtpilot.domain-batch/1": doc("smtpilot.domain-batch/1", { reports: list(_domain), summary: anyObj }),
  "smtpilot.doctor/1": doc("smtpilot.doctor/1", {
    mode: oneOf("settings-check", "connectivity-probe", "auth-probe"),
    contacts: list(str),
    input: obj({ kind: str, text: str }),
    settings: obj({ framework: str, title: str, lines: list(obj({ line: int, key: str, shown: str })) }),
    findings: list(obj({ code: str, severity: oneOf("error", "warning", "info"), summary: str, from: list(anyObj) })),
    sweep: obj({
      host: str,
      ports: list(obj({ port: int, class: str, works: bool, summary: str, ms: num }, ["port", "class", "works"])),
    }),
    path: obj({ host: str, port: int, tls: str, why: oneOf("settings", "corrected", "alternative") }),
    diagnosis: _diagnose,
    next: obj({ text: str, lines: list(obj({ key: str, text: str }, ["key", "text"])), command: str }, [
      "text",
      "lines",
    ]),
    verdict: obj({ status: oneOf("pass", "fail"), code: str, exitCode: int }, ["status", "exitCode"]),
  }, ["mode", "contacts", "input", "findings", "next", "verdict"]),
  "smtpilot.align/1": doc("smtpilot.align/1", {
    mode: str,
    fromDomain: str,
    identities: list(anyObj),
    dmarcCanPass: bool,
    findings: list(obj({ code: str, severity: str })),
    summary: _summary,
  }),
  // auth login, status and logout share one document; `action` tells which, the rest depends on it.
  "smtpilot.auth/1": doc("smtpilot.auth/1", {
    action: oneOf("login", "status", "logout"),
    profile: str,
    state: oneOf("ok", "problem", "failed"),
    stored: str,
    revoked: oneOf("yes", "not-supported", "failed", "nothing-stored"),
    removed: bool,
    token: _tokenFacts,
    problem: _diagnosis,
  }, ["action", "profile"]),
  "smtpilot.plan/1": doc("smtpilot.plan/1", {
    mode: str,
    verdict: obj({ status: oneOf("pass", "fail"), failures: list() }),
    // An agent never receives a plan token: null, or the plan a person's run gets.
    plan: orNull(anyObj),
    message: obj({ from: str, subject: str, digest: str, messageId: str }, ["digest", "messageId"]),
    // A list's recipients by provider and the bulk-sender rules checked (list preflights only).
    bulk: obj({
      counts: obj({ recipients: anyObj, domains: int, lookedUp: int }),
      countsLine: str,
      thresholds: list(obj({ provider: str, recipients: int, perDay: int, bulk: bool })),
      checks: list(obj({
        rule: str,
        provider: oneOf("gmail", "yahoo", "outlook"),
        requirement: str,
        status: oneOf("pass", "fail", "unknown"),
        evidence: str,
        since: str,
        source: str,
      })),
      refused: bool,
    }),
  }, ["mode", "verdict", "plan"]),
  "smtpilot.send/1": doc("smtpilot.send/1", {
    mode: oneOf("canary", "scale"),
    state: str,
    profile: str,
    messageId: str,
  }),
  "smtpilot.verify/1": doc("smtpilot.verify/1", {
    messageId: str,
    sent: anyObj,
    state: str,
    // IMAP evidence of a found copy carries its checklist: a line per check, and per provider its rules.
    evidence: obj({
      source: oneOf("imap", "bounce", "person"),
      checklist: obj({
        lines: list(obj(
          {
            code: str,
            status: oneOf("pass", "warn", "fail", "none"),
            summary: str,
            evidence: list(str),
            requirements: list(str),
          },
        )),
        providers: list(obj({ provider: str, met: list(str), missed: list(str), unknown: list(str) })),
      }),
    }, ["source"]),
  }),
};

/** Other documents a command may return instead of its own (domain with many domains: the batch). */
const _ALSO: Record<string, readonly string[]> = { "smtpilot.domain/1": ["smtpilot.domain-batch/1"] };

/** The version tags of the documents a command's tool returns on success. */
export function documentTags(spec: CommandSpec): string[] {
  const own = spec.json?.schema ?? TEXT_DOCUMENT_SCHEMA;
  return [own, ...(_ALSO[own] ?? [])];
}

/** The JSON Schema of a document, by its version tag (undefined: none written). */
export function documentSchema(tag: string): Schema | undefined {
  return _DOCUMENTS[tag];
}

/**
 * A tool's outputSchema: its document, or the error document — the
 * structured content of every result it returns, refusals included.
 */
export function outputSchema(tool: ToolDef, spec: CommandSpec): Schema {
  const documents = documentTags(spec).map((tag) => {
    const found = _DOCUMENTS[tag];
    if (!found) throw new Error(`No output schema for ${tag} (tool ${tool.name})`);
    return found;
  });
  return { type: "object", anyOf: [...documents, _DOCUMENTS[ERROR_SCHEMA]] };
}
