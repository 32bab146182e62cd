/**
 * A DNS zone in a table for domain tests: names map to their records by
 * type; a name may CNAME elsewhere, time out, or fail. Unknown names are
 * NXDOMAIN, known names without the type are NODATA — the distinction SPF's
 * void-lookup limit depends on. Every query is counted.
 */
import {
  type DnsClient,
  type DnsResult,
  type DnssecResult,
  type MxRecord,
  normalName,
  type RecordOf,
  type RrType,
  type TlsaRecord,
} from "../../core/domain/dns.ts";

/** One name's records. TXT entries are strings or lists of character-strings. */
export interface FakeName {
  TXT?: (string | string[])[];
  MX?: MxRecord[];
  A?: string[];
  AAAA?: string[];
  PTR?: string[];
  CNAME?: string;
  TLSA?: TlsaRecord[];
  /** Answers about this name are DNSSEC-validated (AD set). */
  secure?: boolean;
  /** Answers about this name fail DNSSEC validation. */
  bogus?: boolean;
  /** Queries for types this name has no records of time out. */
  timeout?: boolean;
  /** Every query for this name fails with this code (ESERVFAIL…). */
  error?: string;
}

/** A fake zone with the queries it answered. */
export interface FakeDns extends DnsClient {
  queries: { name: string; type: RrType }[];
}

/** Serves `zone`; names are case-insensitive. */
export function fakeDns(zone: Record<string, FakeName>): FakeDns {
  const table = new Map(Object.entries(zone).map(([k, v]) => [normalName(k), v]));
  const queries: { name: string; type: RrType }[] = [];
  return {
    queries,
    query<T extends RrType>(name: string, type: T): Promise<DnsResult<RecordOf[T]>> {
      queries.push({ name: normalName(name), type });
      return Promise.resolve(_answer(table, normalName(name), type) as DnsResult<RecordOf[T]>);
    },
    queryDnssec<T extends RrType>(name: string, type: T): Promise<DnssecResult<RecordOf[T]>> {
      queries.push({ name: normalName(name), type });
      const rec = table.get(normalName(name)) ?? _closest(table, normalName(name));
      if (rec?.bogus) return Promise.resolve({ status: "error", code: "EBOGUS", secure: false, bogus: true });
      const answer = _answer(table, normalName(name), type) as DnsResult<RecordOf[T]>;
      return Promise.resolve({ ...answer, secure: rec?.secure === true });
    },
  };
}

function _answer(table: Map<string, FakeName>, start: string, type: RrType): DnsResult<unknown> {
  let name = start;
  for (let hops = 0; hops < 8; hops++) {
    const rec = table.get(name);
    if (!rec) return { status: "nxdomain" };
    if (rec.error) return { status: "error", code: rec.error };
    if (type === "CNAME") return rec.CNAME ? { status: "ok", records: [rec.CNAME] } : { status: "nodata" };
    if (rec.CNAME) {
      name = normalName(rec.CNAME);
      continue;
    }
    const raw = rec[type] as unknown[] | undefined;
    const records = type === "TXT" ? (raw ?? []).map((t) => (typeof t === "string" ? [t] : t)) : raw ?? [];
    if (records.length > 0) return { status: "ok", records };
    if (rec.timeout) return { status: "error", code: "ETIMEOUT" };
    return { status: "nodata" };
  }
  return { status: "error", code: "ESERVFAIL" };
}

/** The closest enclosing name in the table: a name that does not exist inherits its zone's DNSSEC status. */
function _closest(table: Map<string, FakeName>, name: string): FakeName | undefined {
  const labels = name.split(".");
  for (let i = 1; i < labels.length; i++) {
    const rec = table.get(labels.slice(i).join("."));
    if (rec) return rec;
  }
  return undefined;
}
