/**
 * Fake I/O for layer tests: a DNS zone in a table, connectors that refuse,
 * hang or fail with a routing error — no real network involved.
 */
import type { Connector, DiagnoseIo, HostAddress, Resolver } from "../../core/io.ts";
import { systemClock, systemConnect } from "../../core/io.ts";
import type { DiagnoseOptions } from "../../core/diagnose-options.ts";

/** One name in a fake zone: its addresses, an error code, or a CNAME. */
export interface FakeRecord {
  addresses?: HostAddress[];
  error?: string;
  cname?: string;
  /** Never answers (a dead resolver). */
  hang?: boolean;
}

const _err = (code: string) => Object.assign(new Error(code), { code });

/** A resolver answering from a table; unknown names are NXDOMAIN. */
export function fakeResolver(zone: Record<string, FakeRecord>): Resolver {
  return {
    lookup: (host) => {
      let name = host;
      for (let i = 0; i < 10; i++) {
        const rec = zone[name];
        if (!rec) return Promise.reject(_err("ENOTFOUND"));
        if (rec.hang) return new Promise(() => {});
        if (rec.error) return Promise.reject(_err(rec.error));
        if (rec.cname) {
          name = rec.cname;
          continue;
        }
        return Promise.resolve(rec.addresses ?? []);
      }
      return Promise.reject(_err("ESERVFAIL"));
    },
    resolveCname: (host) => {
      const rec = zone[host];
      return rec?.cname ? Promise.resolve([rec.cname]) : Promise.reject(_err("ENODATA"));
    },
  };
}

/** A connector whose connections fail with `code` (EHOSTUNREACH, ECONNREFUSED…). */
export function failingConnect(code: string): Connector {
  return () => Promise.reject(_err(code));
}

/** A connector whose connections never complete (a filtered port). */
export const hangingConnect: Connector = () => new Promise(() => {});

/** Real connector and clock with a fake resolver. */
export function ioWith(parts: Partial<DiagnoseIo>): DiagnoseIo {
  return { resolver: fakeResolver({}), connect: systemConnect, clock: systemClock, ...parts };
}

/** Diagnose options with test defaults. */
export function options(over: Partial<DiagnoseOptions>): DiagnoseOptions {
  return { host: "127.0.0.1", port: 587, tls: "auto", to: [], timeoutMs: 5000, declaredSize: 10240, ...over };
}
