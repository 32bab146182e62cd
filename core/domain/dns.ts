/**
 * The DNS an audit performs, as one injected interface: `query(name, type)`
 * for TXT, MX, A, AAAA, PTR, CNAME and TLSA, answering with the records or
 * with what went wrong (NXDOMAIN, no data, a failure). SPF counts "void
 * lookups" and maps failures to temperror, so the answer keeps those apart
 * instead of throwing one kind of error for all. `queryDnssec` adds what a
 * DANE client needs: whether the validating resolver vouched for the answer
 * (secure) or refused it because it failed validation (bogus). Tests pass
 * a fake zone; the command passes `systemDns()` (the system's resolvers or
 * `--resolver IP[:PORT]`, spoken to by dns-wire.ts), wrapped in
 * `cachedDns()` so no query is made twice in a run.
 */
import dns from "node:dns";
import type dnsPacket from "dns-packet";
import { DnsWireError, exchange, parseServer, type WireAnswer } from "./dns-wire.ts";

/** Record types an audit asks for. */
export type RrType = "TXT" | "MX" | "A" | "AAAA" | "PTR" | "CNAME" | "TLSA";

/** One TLSA record (RFC 6698): certificate usage, selector, matching type and the association data. */
export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: Buffer;
}

/** One MX record. */
export interface MxRecord {
  priority: number;
  exchange: string;
}

/** The records of each type: TXT keeps its character-strings apart (they are joined without spaces by the reader). */
export interface RecordOf {
  TXT: string[];
  MX: MxRecord;
  A: string;
  AAAA: string;
  PTR: string;
  CNAME: string;
  TLSA: TlsaRecord;
}

/**
 * What one query returned: `ok` with at least one record, `nxdomain` (the
 * name does not exist), `nodata` (it exists but has no record of the type),
 * or `error` (timeout, SERVFAIL, refused: a temporary failure).
 */
export type DnsResult<T> =
  | { status: "ok"; records: T[] }
  | { status: "nxdomain" }
  | { status: "nodata" }
  | { status: "error"; code: string };

/**
 * An answer with its DNSSEC status as the validating resolver reported it:
 * `secure` when it set the AD bit, `bogus` when it refused the answer
 * (SERVFAIL) but gave it with checking disabled — validation failed, which
 * a DANE client must treat as an attack, not as an outage (RFC 7672 §2.1.1).
 */
export type DnssecResult<T> = DnsResult<T> & { secure: boolean; bogus?: boolean };

/** The resolver every domain check uses. */
export interface DnsClient {
  query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>>;
  /** The same question asked for DNSSEC status; absent on clients that cannot tell. */
  queryDnssec?<T extends RrType>(name: string, type: T): Promise<DnssecResult<RecordOf[T]>>;
}

/** One query as it was made, for the report and the "no query twice" proof. */
export interface QueryLogEntry {
  name: string;
  type: RrType;
  status: DnsResult<unknown>["status"];
  /** The failure code when status is "error" (ETIMEOUT, ESERVFAIL, ECONNREFUSED…). */
  code?: string;
  ms: number;
  /** Asked for its DNSSEC status (the AD bit). */
  dnssec?: boolean;
}

/** A DnsClient that remembers every answer of the run, with the log of the queries actually made. */
export interface CachedDns extends DnsClient {
  /** Queries that reached the underlying client, in the order they were made. */
  readonly log: readonly QueryLogEntry[];
  /** The same cache with a log of its own: the queries asked through the view that reached the client. */
  view(): CachedDns;
}

/** The cache key of a query: names compare case-insensitively and without the root dot. */
export function queryKey(name: string, type: RrType): string {
  return `${type} ${normalName(name)}`;
}

/** A name as DNS compares it: lower case, no trailing dot. */
export function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/**
 * Wraps a client so each (name, type) is asked once per run: concurrent
 * askers share the same pending answer, later askers get the stored one.
 */
export function cachedDns(
  inner: DnsClient,
  now: () => number = () => performance.now(),
  options: { dnssec?: boolean } = {},
): CachedDns {
  return _cache(inner, now, new Map(), [[]], options.dnssec === true && inner.queryDnssec !== undefined);
}

/**
 * One cache, many logs: `view()` gives an audit of a batch the shared
 * answers and a log of its own (the queries it sent), while the root log
 * keeps every query of the run. With `dnssec`, every question is asked for
 * its DNSSEC status (the recipient check needs it for most answers), so no
 * name is asked twice, once with and once without the AD bit.
 */
function _cache(
  inner: DnsClient,
  now: () => number,
  answers: Map<string, Promise<unknown>>,
  logs: QueryLogEntry[][],
  dnssec: boolean,
): CachedDns {
  const ask = <R extends { status: DnsResult<unknown>["status"]; code?: string }>(
    key: string,
    entry: QueryLogEntry,
    run: () => Promise<R>,
    failed: (code: string) => R,
  ): Promise<R> => {
    let pending = answers.get(key) as Promise<R> | undefined;
    if (pending === undefined) {
      const start = now();
      for (const log of logs) log.push(entry);
      pending = run().catch((err) => failed(String((err as NodeJS.ErrnoException)?.code ?? "EFAIL")))
        .then((result) => {
          entry.status = result.status;
          if (result.status === "error" && result.code !== undefined) entry.code = result.code;
          entry.ms = Math.round(now() - start);
          return result;
        });
      answers.set(key, pending);
    }
    return pending;
  };
  return {
    log: logs[logs.length - 1] ?? [],
    view: () => _cache(inner, now, answers, [...logs, []], dnssec),
    query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>> {
      if (dnssec && this.queryDnssec) {
        return this.queryDnssec(name, type).then((r): DnsResult<RecordOf[T]> => {
          if (r.status === "ok") return { status: "ok", records: r.records };
          return r.status === "error" ? { status: "error", code: r.code } : { status: r.status };
        });
      }
      const entry: QueryLogEntry = { name: normalName(name), type, status: "error", ms: 0 };
      return ask(
        queryKey(name, type),
        entry,
        () => inner.query(normalName(name), type),
        (code): DnsResult<RecordOf[T]> => ({ status: "error", code }),
      );
    },
    ...(inner.queryDnssec
      ? {
        queryDnssec<T extends RrType>(name: string, type: T): Promise<DnssecResult<RecordOf[T]>> {
          const entry: QueryLogEntry = { name: normalName(name), type, status: "error", ms: 0, dnssec: true };
          return ask(
            `DNSSEC ${queryKey(name, type)}`,
            entry,
            () => inner.queryDnssec?.(normalName(name), type) ?? Promise.reject(new Error("no DNSSEC")),
            (code): DnssecResult<RecordOf[T]> => ({ status: "error", code, secure: false }),
          );
        },
      }
      : {}),
  };
}

/** Milliseconds one try waits for an answer, and how many tries are made, before a query is a temporary failure. */
export const DNS_TIMEOUT_MS = 2500;
const _TRIES = 2;

/**
 * The system's DNS (the servers in resolv.conf) or one server given as
 * `IP[:PORT]`: one query per call, no search list, no hosts file — what a
 * receiving mail server sees.
 */
export function systemDns(server?: string, timeoutMs = DNS_TIMEOUT_MS): DnsClient {
  const servers = (server !== undefined ? [server] : dns.getServers()).map(parseServer);
  const ask = (name: string, type: RrType, flags: { ad?: boolean; cd?: boolean } = {}) =>
    exchange(servers, name, type, timeoutMs, _TRIES, flags);
  return {
    async query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>> {
      try {
        return _result(name, type, await ask(name, type));
      } catch (err) {
        return { status: "error", code: err instanceof DnsWireError ? err.code : "EFAIL" };
      }
    },
    async queryDnssec<T extends RrType>(name: string, type: T): Promise<DnssecResult<RecordOf[T]>> {
      try {
        const answer = await ask(name, type, { ad: true });
        if (answer.rcode === "SERVFAIL") {
          // A validating resolver answers SERVFAIL for data that fails validation; with checking
          // disabled it hands the data over. Data there means "bogus", nothing there means "down".
          const unchecked = await ask(name, type, { ad: true, cd: true }).catch(() => undefined);
          if (unchecked && (unchecked.rcode === "NOERROR" || unchecked.rcode === "NXDOMAIN")) {
            return { status: "error", code: "EBOGUS", secure: false, bogus: true };
          }
        }
        return { ..._result(name, type, answer), secure: answer.ad };
      } catch (err) {
        return { status: "error", code: err instanceof DnsWireError ? err.code : "EFAIL", secure: false };
      }
    },
  };
}

/** Maps a wire answer to the DnsResult of `type`: records of that type, NXDOMAIN, no data, or the rcode as an error. */
function _result<T extends RrType>(name: string, type: T, answer: WireAnswer): DnsResult<RecordOf[T]> {
  if (answer.rcode === "NXDOMAIN") return { status: "nxdomain" };
  if (answer.rcode !== "NOERROR") return { status: "error", code: `E${answer.rcode}` };
  const owner = normalName(name);
  const records = answer.answers
    .filter((a) => a.type === type && (type !== "CNAME" || normalName(a.name) === owner))
    .map((a) => _record(type, a) as RecordOf[T]);
  return records.length === 0 ? { status: "nodata" } : { status: "ok", records };
}

function _record(type: RrType, a: dnsPacket.Answer): RecordOf[RrType] {
  const data = (a as { data: unknown }).data;
  switch (type) {
    case "TXT":
      return (Array.isArray(data) ? data : [data]).map((d) => Buffer.isBuffer(d) ? d.toString("utf8") : String(d));
    case "MX": {
      const mx = data as { preference: number; exchange: string };
      return { priority: mx.preference, exchange: mx.exchange === "." ? "" : mx.exchange };
    }
    case "TLSA": {
      const t = data as { usage: number; selector: number; matchingType: number; certificate: Buffer };
      return { usage: t.usage, selector: t.selector, matchingType: t.matchingType, data: t.certificate };
    }
    default:
      return String(data);
  }
}

/** The records of an answer, or none for any other outcome. */
export function recordsOf<T>(result: DnsResult<T>): T[] {
  return result.status === "ok" ? result.records : [];
}
