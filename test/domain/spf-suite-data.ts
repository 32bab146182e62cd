/**
 * The RFC 7208 conformance suite (openspf.org, release 2014.04) as data:
 * its documents parsed from `test/data/spf/rfc7208-tests.yml`, each with its
 * zone and its tests. The in-process run (spf-suite.test.ts) and the end to
 * end run through the CLI against Knot (test/peers/dns-knot-spf-suite) read it here.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

/** One test of the suite. */
export interface SuiteTest {
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
  spec?: string | string[];
}

/** One document: a scenario's zone and its tests. */
export interface SuiteDoc {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata?: Record<string, ("TIMEOUT" | Record<string, unknown>)[]>;
}

/** The suite's documents, parsed. */
export function loadSuite(): SuiteDoc[] {
  const text = readFileSync(new URL("../data/spf/rfc7208-tests.yml", import.meta.url), "utf8");
  return parseAllDocuments(text).map((d) => d.toJS() as SuiteDoc);
}

/** The results a test accepts. */
export function expectedResults(t: SuiteTest): string[] {
  return Array.isArray(t.result) ? t.result : [t.result];
}
