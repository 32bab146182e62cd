/**
 * SPF evaluation: RFC 7208's check_host() for a client IP, a sender (MAIL
 * FROM) and a HELO name, with a trace of every term tried and which one
 * decided. Limits are counted exactly as §4.6.4 counts them: the include,
 * a, mx, ptr and exists mechanisms and the redirect modifier each cost one
 * of 10 DNS-querying terms; more than 2 void lookups (NXDOMAIN or no answer)
 * are a permerror; one mx may look up at most 10 host addresses, one ptr
 * checks at most 10 names. Every lookup goes through the injected DnsClient.
 */
import net from "node:net";
import { type DnsClient, type DnsResult, normalName, recordsOf } from "./dns.ts";
import { ipBytes, macroIp, readableIp, reverseName, samePrefix, unmapIp } from "./ip.ts";
import { checkMacroString, expandMacros, type MacroContext } from "./spf-macro.ts";
import {
  isSpfText,
  isSyntaxError,
  joinTxt,
  parseSpf,
  type Qualifier,
  type SpfMechanism,
  type SpfRecord,
} from "./spf-record.ts";

/** The seven SPF results (RFC 7208 §2.6). */
export type SpfResult = "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror";

/** One step of an evaluation: a record fetched, a term tried, a limit hit. */
export interface SpfTraceEntry {
  /** 0 for the sender's domain, +1 per include/redirect. */
  depth: number;
  domain: string;
  /** The term as written (`include:_spf.example.com`), or `record` / `redirect`. */
  term: string;
  outcome: "match" | "no-match" | "record" | "error" | "result";
  detail?: string;
}

/** What to check: the connecting IP, MAIL FROM (empty for a bounce) and the HELO name. */
export interface SpfCheckInput {
  ip: string;
  sender: string;
  helo: string;
}

/** The evaluation's outcome. */
export interface SpfCheckResult {
  result: SpfResult;
  /** The identity checked: MAIL FROM, or HELO for an empty sender. */
  identity: "mailfrom" | "helo";
  domain: string;
  /** The domain's explanation for a fail (`exp=`), when it has one. */
  explanation?: string;
  /** Why the result is permerror/temperror/none. */
  problem?: string;
  trace: SpfTraceEntry[];
  lookups: number;
  voidLookups: number;
}

/** Options of an evaluation. */
export interface SpfCheckOptions {
  dns: DnsClient;
  /** `%{r}` in explanations: this host's name (default "unknown"). */
  receiver?: string;
  /** Clock for `%{t}` (seconds). */
  now?: () => number;
  /** Explanation used for a fail when the domain gives none (none by default). */
  defaultExplanation?: string;
}

/** The limit of DNS-querying terms, of void lookups, and of names per mx/ptr (§4.6.4). */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;
export const SPF_NAME_LIMIT = 10;

const _RESULT_OF: Record<Qualifier, SpfResult> = { "+": "pass", "-": "fail", "~": "softfail", "?": "neutral" };

class _Abort extends Error {
  readonly result: SpfResult;
  constructor(result: "permerror" | "temperror", message: string) {
    super(message);
    this.result = result;
  }
}

interface _State {
  dns: DnsClient;
  options: SpfCheckOptions;
  ip: string;
  bytes: Uint8Array;
  v6: boolean;
  sender: string;
  local: string;
  senderDomain: string;
  helo: string;
  lookups: number;
  voids: number;
  trace: SpfTraceEntry[];
  validatedNames?: Promise<string[]>;
}

/** Runs check_host() for the sender (or the HELO name when the sender is empty). */
export async function checkSpf(input: SpfCheckInput, options: SpfCheckOptions): Promise<SpfCheckResult> {
  const ip = unmapIp(input.ip.trim());
  const bytes = ipBytes(ip);
  if (!bytes) throw new Error(`Not an IP address: ${input.ip}`);
  const raw = input.sender.trim().replace(/^<(.*)>$/, "$1");
  const identity = raw === "" ? "helo" : "mailfrom";
  const at = raw.lastIndexOf("@");
  const senderDomain = identity === "helo" ? input.helo : at === -1 ? raw : raw.slice(at + 1);
  const local = identity === "mailfrom" && at > 0 ? raw.slice(0, at) : "postmaster";
  const state: _State = {
    dns: options.dns,
    options,
    ip,
    bytes,
    v6: bytes.length === 16,
    sender: `${local}@${senderDomain}`,
    local,
    senderDomain,
    helo: input.helo,
    lookups: 0,
    voids: 0,
    trace: [],
  };
  const domain = normalName(senderDomain);
  const base = { identity, domain, trace: state.trace } as const;
  const malformed = domainProblem(domain);
  if (malformed) {
    return { ...base, result: "none", problem: malformed, lookups: 0, voidLookups: 0 };
  }
  try {
    const r = await _checkHost(state, domain, 0);
    return { ...base, ...r, lookups: state.lookups, voidLookups: state.voids };
  } catch (err) {
    if (!(err instanceof _Abort)) throw err;
    state.trace.push({ depth: 0, domain, term: "result", outcome: "error", detail: err.message });
    return { ...base, result: err.result, problem: err.message, lookups: state.lookups, voidLookups: state.voids };
  }
}

/** Why a name cannot be an SPF domain (§4.3): empty or over-long labels, a single label, an address literal. */
export function domainProblem(domain: string): string | undefined {
  if (domain === "" || net.isIP(domain.replace(/^\[|\]$/g, "").replace(/^ipv6:/i, "")) !== 0) {
    return "not a domain name";
  }
  const labels = domain.replace(/\.$/, "").split(".");
  if (labels.length < 2) return "not a fully qualified domain name";
  if (labels.some((l) => l === "")) return "an empty label";
  if (labels.some((l) => l.length > 63)) return "a label longer than 63 characters";
  if (domain.length > 253) return "longer than 253 characters";
  return undefined;
}

interface _HostResult {
  result: SpfResult;
  explanation?: string;
  problem?: string;
}

async function _checkHost(state: _State, domain: string, depth: number): Promise<_HostResult> {
  const fetched = await fetchSpfRecord(state.dns, domain);
  if (fetched.kind === "error") throw new _Abort("temperror", `TXT lookup of ${domain} failed (${fetched.code})`);
  if (fetched.kind === "none") {
    state.trace.push({ depth, domain, term: "record", outcome: "record", detail: "no SPF record" });
    return { result: "none", problem: `${domain} has no SPF record` };
  }
  if (fetched.kind === "multiple") {
    throw new _Abort("permerror", `${domain} publishes ${fetched.texts.length} SPF records`);
  }
  state.trace.push({ depth, domain, term: "record", outcome: "record", detail: fetched.text });
  const record = parseSpf(fetched.text);
  if (isSyntaxError(record)) {
    throw new _Abort(
      "permerror",
      `syntax error in ${domain}'s record at column ${record.position + 1}: ${record.message}`,
    );
  }
  const macros = _macroContext(state, domain);
  for (const term of record.terms) {
    if (term.kind !== "mechanism") continue;
    const matched = await _mechanism(state, term, domain, depth, macros);
    state.trace.push({ depth, domain, term: term.text, outcome: matched ? "match" : "no-match" });
    if (matched) {
      const result = _RESULT_OF[term.qualifier];
      return result === "fail" ? { result, ...(await _explain(state, record, macros)) } : { result };
    }
  }
  if (record.redirect) {
    _count(state, record.redirect.text);
    const target = normalName(await expandMacros(record.redirect.value, macros, true));
    state.trace.push({ depth, domain, term: record.redirect.text, outcome: "match", detail: target });
    if (domainProblem(target)) throw new _Abort("permerror", `redirect to a malformed domain ${target}`);
    const r = await _checkHost(state, target, depth + 1);
    if (r.result === "none") throw new _Abort("permerror", `redirect target ${target} has no SPF record`);
    return r;
  }
  return { result: "neutral" };
}

/** The SPF record of a name: none, exactly one, several (permerror), or a lookup failure. */
export type FetchedSpf =
  | { kind: "none"; nxdomain: boolean }
  | { kind: "one"; text: string }
  | { kind: "multiple"; texts: string[] }
  | { kind: "error"; code: string };

/** Looks up a name's TXT records and selects the `v=spf1` ones (§4.5). */
export async function fetchSpfRecord(dns: DnsClient, domain: string): Promise<FetchedSpf> {
  const answer = await dns.query(domain, "TXT");
  if (answer.status === "error") return { kind: "error", code: answer.code };
  const texts = recordsOf(answer).map(joinTxt).filter(isSpfText);
  if (texts.length === 0) return { kind: "none", nxdomain: answer.status === "nxdomain" };
  if (texts.length > 1) return { kind: "multiple", texts };
  return { kind: "one", text: texts[0] ?? "" };
}

function _count(state: _State, term: string): void {
  state.lookups++;
  if (state.lookups > SPF_LOOKUP_LIMIT) {
    throw new _Abort("permerror", `more than ${SPF_LOOKUP_LIMIT} DNS-querying terms (at ${term})`);
  }
}

/** Records an answer's voidness and turns a failure into temperror. */
function _answer<T>(state: _State, result: DnsResult<T>, what: string, countVoid = true): T[] {
  if (result.status === "error") throw new _Abort("temperror", `${what} failed (${result.code})`);
  if (result.status !== "ok" && countVoid) {
    state.voids++;
    if (state.voids > SPF_VOID_LIMIT) {
      throw new _Abort("permerror", `more than ${SPF_VOID_LIMIT} void lookups (at ${what})`);
    }
  }
  return recordsOf(result);
}

async function _target(term: SpfMechanism, domain: string, macros: MacroContext): Promise<string> {
  return term.domainSpec === undefined ? domain : normalName(await expandMacros(term.domainSpec, macros, true));
}

async function _mechanism(
  state: _State,
  term: SpfMechanism,
  domain: string,
  depth: number,
  macros: MacroContext,
): Promise<boolean> {
  switch (term.name) {
    case "all":
      return true;
    case "ip4":
    case "ip6": {
      const net = ipBytes(term.ip ?? "");
      if (!net || net.length !== state.bytes.length) return false;
      return samePrefix(state.bytes, net, (term.name === "ip4" ? term.cidr4 : term.cidr6) ?? net.length * 8);
    }
    case "include": {
      _count(state, term.text);
      const target = await _target(term, domain, macros);
      if (domainProblem(target)) throw new _Abort("permerror", `include of a malformed domain ${target}`);
      const r = await _checkHost(state, target, depth + 1);
      if (r.result === "pass") return true;
      if (r.result === "temperror") throw new _Abort("temperror", r.problem ?? `include:${target} temperror`);
      if (r.result === "permerror" || r.result === "none") {
        throw new _Abort("permerror", r.problem ?? `include:${target} has no SPF record`);
      }
      return false;
    }
    case "a": {
      _count(state, term.text);
      const target = await _target(term, domain, macros);
      if (domainProblem(target)) return false;
      return _addressMatch(state, await _addresses(state, target, true), term);
    }
    case "mx": {
      _count(state, term.text);
      const target = await _target(term, domain, macros);
      if (domainProblem(target)) return false;
      const mx = _answer(state, await state.dns.query(target, "MX"), `MX lookup of ${target}`);
      const hosts = mx.map((r) => normalName(r.exchange)).filter((h) => h !== "");
      if (hosts.length > SPF_NAME_LIMIT) {
        throw new _Abort(
          "permerror",
          `${target} has ${hosts.length} MX hosts; an mx mechanism may look up ${SPF_NAME_LIMIT}`,
        );
      }
      const lists = await Promise.all(hosts.map((h) => _addresses(state, h, false)));
      return lists.some((list) => _addressMatch(state, list, term));
    }
    case "ptr": {
      _count(state, term.text);
      const target = await _target(term, domain, macros);
      const names = await _validatedNames(state);
      return names.some((n) => n === target || n.endsWith(`.${target}`));
    }
    case "exists": {
      _count(state, term.text);
      const target = await _target(term, domain, macros);
      if (domainProblem(target)) return false;
      return _answer(state, await state.dns.query(target, "A"), `A lookup of ${target}`).length > 0;
    }
  }
}

async function _addresses(state: _State, host: string, countVoid: boolean): Promise<Uint8Array[]> {
  const type = state.v6 ? "AAAA" : "A";
  const answer = _answer(state, await state.dns.query(host, type), `${type} lookup of ${host}`, countVoid);
  return answer.map((a) => ipBytes(a)).filter((b): b is Uint8Array => b !== undefined);
}

function _addressMatch(state: _State, addresses: Uint8Array[], term: SpfMechanism): boolean {
  const prefix = state.v6 ? term.cidr6 ?? 128 : term.cidr4 ?? 32;
  return addresses.some((a) => samePrefix(state.bytes, a, prefix));
}

/**
 * The client's validated host names (§5.5): PTR names (at most 10) whose
 * own addresses include the client IP. Lookup errors only drop names.
 */
function _validatedNames(state: _State): Promise<string[]> {
  state.validatedNames ??= (async () => {
    const answer = await state.dns.query(reverseName(state.ip), "PTR");
    if (answer.status === "error") return [];
    if (answer.status !== "ok") {
      _answer(state, answer, `PTR lookup of ${state.ip}`);
      return [];
    }
    const names = answer.records.slice(0, SPF_NAME_LIMIT).map(normalName);
    const type = state.v6 ? "AAAA" : "A";
    const checked = await Promise.all(names.map(async (n) => {
      const r = await state.dns.query(n, type);
      return recordsOf(r).some((a) => {
        const b = ipBytes(a);
        return b !== undefined && samePrefix(b, state.bytes, b.length * 8);
      });
    }));
    return names.filter((_n, i) => checked[i]);
  })();
  return state.validatedNames;
}

function _macroContext(state: _State, domain: string): MacroContext {
  return {
    sender: state.sender,
    local: state.local,
    senderDomain: state.senderDomain,
    domain,
    ip: readableIp(state.ip),
    ipMacro: macroIp(state.ip),
    v: state.v6 ? "ip6" : "in-addr",
    helo: state.helo,
    p: async () => {
      const names = await _validatedNames(state).catch(() => []);
      return names.find((n) => n === domain) ?? names.find((n) => n.endsWith(`.${domain}`)) ?? names[0] ??
        "unknown";
    },
    receiver: state.options.receiver ?? "unknown",
    now: Math.floor((state.options.now?.() ?? Date.now()) / 1000),
  };
}

/** The explanation of a fail (§6.2): any problem fetching or expanding it just means no explanation. */
async function _explain(state: _State, record: SpfRecord, macros: MacroContext): Promise<{ explanation?: string }> {
  const fallback = state.options.defaultExplanation === undefined
    ? {}
    : { explanation: state.options.defaultExplanation };
  if (!record.exp) return fallback;
  try {
    const target = normalName(await expandMacros(record.exp.value, macros, true));
    if (domainProblem(target)) return fallback;
    const answer = await state.dns.query(target, "TXT");
    const texts = recordsOf(answer).map(joinTxt);
    if (texts.length !== 1) return fallback;
    const text = texts[0] ?? "";
    if (checkMacroString(text, true) || /[^\x20-\x7e]/.test(text)) return fallback;
    return { explanation: await expandMacros(text, macros, false) };
  } catch {
    return fallback;
  }
}
