/**
 * The RFC 7208 conformance suite's `zonedata` as zones a real Knot serves,
 * so the suite can run end to end through the CLI. One zone per top-level
 * label, and the root; records typed SPF are served as SPF (type 99) and, when the name
 * has no TXT of its own and TXT is not `NONE`, as TXT too (what the suite's
 * drivers do, RFC 7208 having dropped type 99). A name marked TIMEOUT that
 * has no TXT becomes a zone that fails to load: Knot answers SERVFAIL for
 * it, the DNS error RFC 7208 §4.4 turns into temperror just as a timeout.
 * Names below such a name get a zone of their own, so only the marked name
 * fails, as in the suite.
 */
import type { KnotZone } from "./knot.ts";

/** One name's entries as the suite writes them: `TIMEOUT` or `{TYPE: value}`. */
export type SuiteEntry = "TIMEOUT" | Record<string, unknown>;

const _SOA = "@ IN SOA ns.suite.test. hostmaster.suite.test. 1 3600 600 86400 300\n@ IN NS ns.suite.test.\n";

/** Converts one suite document's zonedata to zones. */
export function suiteZones(zonedata: Record<string, readonly SuiteEntry[]>): KnotZone[] {
  const names = Object.entries(zonedata).map(([name, entries]) => ({ name: name.toLowerCase(), entries }));
  const broken = names
    .filter((n) => n.entries.includes("TIMEOUT") && !n.entries.some((e) => e !== "TIMEOUT" && _hasTxt(e)))
    .map((n) => n.name);
  const zones = new Map<string, string[]>();
  const add = (zone: string, line: string) => void (zones.get(zone) ?? zones.set(zone, []).get(zone))?.push(line);
  for (const { name, entries } of names) {
    if (broken.includes(name)) continue;
    const underBroken = broken.some((b) => name.endsWith(`.${b}`));
    const zone = underBroken ? name : name.slice(name.lastIndexOf(".") + 1);
    const owner = underBroken ? "@" : `${zoneName(name)}.`;
    if (!zones.has(zone)) zones.set(zone, []);
    for (const line of _records(entries)) add(zone, `${owner} IN ${line}`);
  }
  for (const b of broken) {
    const tld = b.slice(b.lastIndexOf(".") + 1);
    if (!zones.has(tld)) zones.set(tld, []);
  }
  // A root zone, so a name under a top-level label no zone serves is NXDOMAIN, as on the Internet.
  if (!zones.has(".")) zones.set(".", []);
  return [
    ...[...zones].map(([name, lines]) => ({ name, text: `$TTL 300\n${_SOA}${lines.join("\n")}\n` })),
    ...broken.map((name) => ({ name, text: `$TTL 300\n${_SOA}`, broken: true })),
  ];
}

/** True for an entry holding TXT data (`TXT: NONE` says there is none). */
function _hasTxt(entry: Record<string, unknown>): boolean {
  return "TXT" in entry && entry.TXT !== "NONE";
}

function _records(entries: readonly SuiteEntry[]): string[] {
  const out: string[] = [];
  const spf: unknown[] = [];
  let txt = false;
  let txtNone = false;
  for (const entry of entries) {
    if (entry === "TIMEOUT") continue;
    for (const [type, value] of Object.entries(entry)) {
      if (type === "SPF") spf.push(value);
      else if (type === "TXT" && value === "NONE") txtNone = true;
      else if (type === "TXT") {
        txt = true;
        out.push(`TXT ${_strings(value)}`);
      } else if (type === "MX") {
        const [priority, exchange] = value as [number, string];
        out.push(`MX ${priority} ${_target(exchange)}`);
      } else if (type === "CNAME" || type === "PTR") out.push(`${type} ${_target(String(value))}`);
      else if (type === "A" || type === "AAAA") out.push(`${type} ${String(value)}`);
      else throw new Error(`Unknown record type ${type} in the suite`);
    }
  }
  for (const value of spf) {
    out.push(`SPF ${_strings(value)}`);
    if (!txt && !txtNone) out.push(`TXT ${_strings(value)}`);
  }
  return out;
}

/** A TXT/SPF value: one string or a list of character-strings, each at most 255 bytes, escaped. */
function _strings(value: unknown): string {
  const list = Array.isArray(value) ? value.map(String) : [String(value)];
  // A record with no string at all is not valid DNS; the suite's "null text" means one empty string.
  if (list.length === 0) return '""';
  return list.flatMap((s) => {
    const bytes = Buffer.from(s, "utf8");
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length || i === 0; i += 255) parts.push(bytes.subarray(i, i + 255));
    return parts.map((p) => `"${[...p].map(_escapeTextByte).join("")}"`);
  }).join(" ");
}

function _escapeTextByte(b: number): string {
  if (b === 0x22 || b === 0x5c) return `\\${String.fromCharCode(b)}`;
  if (b < 0x20 || b > 0x7e) return `\\${String(b).padStart(3, "0")}`;
  return String.fromCharCode(b);
}

/** A name in zone-file form: bytes outside letters, digits, `-`, `_` and `*` escaped as \DDD. */
export function zoneName(name: string): string {
  return [...Buffer.from(name.replace(/\.$/, ""), "utf8")].map((b) =>
    /[A-Za-z0-9_*.-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `\\${String(b).padStart(3, "0")}`
  ).join("");
}

function _target(name: string): string {
  return name === "" || name === "." ? "." : `${zoneName(name)}.`;
}
