/**
 * The DNS an audit performs, as one injected interface: `query(name, type)`
 * for TXT, MX, A, AAAA, PTR and CNAME, answering with the records or with
 * what went wrong (NXDOMAIN, no data, a failure). SPF counts "void lookups"
 * and maps failures to temperror, so the answer keeps those apart instead of
 * throwing one kind of error for all. Tests pass a fake zone; the command
 * passes `systemDns()` (the system's resolver or `--resolver IP[:PORT]`),
 * wrapped in `cachedDns()` so no query is made twice in a run.
 */
import dns from "node:dns";

/** Record types an audit asks for. */
export type RrType = "TXT" | "MX" | "A" | "AAAA" | "PTR" | "CNAME";

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

/** The resolver every domain check uses. */
export interface DnsClient {
  query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>>;
}

/** One query as it was made, for the report and the "no query twice" proof. */
export interface QueryLogEntry {
  name: string;
  type: RrType;
  status: DnsResult<unknown>["status"];
  /** The failure code when status is "error" (ETIMEOUT, ESERVFAIL, ECONNREFUSED…). */
  code?: string;
  ms: number;
}

/** A DnsClient that remembers every answer of the run, with the log of the queries actually made. */
export interface CachedDns extends DnsClient {
  /** Queries that reached the underlying client, in the order they were made. */
  readonly log: readonly QueryLogEntry[];
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
export function cachedDns(inner: DnsClient, now: () => number = () => performance.now()): CachedDns {
  const answers = new Map<string, Promise<DnsResult<unknown>>>();
  const log: QueryLogEntry[] = [];
  return {
    log,
    query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>> {
      const key = queryKey(name, type);
      let pending = answers.get(key);
      if (pending === undefined) {
        const start = now();
        const entry: QueryLogEntry = { name: normalName(name), type, status: "error", ms: 0 };
        log.push(entry);
        pending = inner.query(normalName(name), type).catch((err): DnsResult<RecordOf[T]> => ({
          status: "error",
          code: String((err as NodeJS.ErrnoException)?.code ?? "EFAIL"),
        })).then((result) => {
          entry.status = result.status;
          if (result.status === "error") entry.code = result.code;
          entry.ms = Math.round(now() - start);
          return result;
        });
        answers.set(key, pending);
      }
      return pending as Promise<DnsResult<RecordOf[T]>>;
    },
  };
}

/** Milliseconds c-ares waits for one try, and how many tries it makes, before a query is a temporary failure. */
export const DNS_TIMEOUT_MS = 2500;
const _TRIES = 2;

/**
 * The system's DNS (the servers in resolv.conf) or one server given as
 * `IP[:PORT]`, through c-ares: one query per call, no search list, no
 * hosts file — what a receiving mail server sees.
 */
export function systemDns(server?: string, timeoutMs = DNS_TIMEOUT_MS): DnsClient {
  const resolver = new dns.promises.Resolver({ timeout: timeoutMs, tries: _TRIES });
  if (server !== undefined) resolver.setServers([server]);
  const ask = (name: string, type: RrType): Promise<unknown[]> => {
    switch (type) {
      case "TXT":
        return resolver.resolveTxt(name);
      case "MX":
        return resolver.resolveMx(name);
      case "A":
        return resolver.resolve4(name);
      case "AAAA":
        return resolver.resolve6(name);
      case "PTR":
        return resolver.resolvePtr(name);
      case "CNAME":
        return resolver.resolveCname(name);
    }
  };
  return {
    async query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>> {
      try {
        const records = (await ask(name, type)) as RecordOf[T][];
        return records.length === 0 ? { status: "nodata" } : { status: "ok", records };
      } catch (err) {
        const code = String((err as NodeJS.ErrnoException).code ?? "EFAIL");
        if (code === "ENOTFOUND") return { status: "nxdomain" };
        if (code === "ENODATA") return { status: "nodata" };
        return { status: "error", code };
      }
    },
  };
}

/** The records of an answer, or none for any other outcome. */
export function recordsOf<T>(result: DnsResult<T>): T[] {
  return result.status === "ok" ? result.records : [];
}
