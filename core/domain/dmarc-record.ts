/**
 * A DMARC record's text, tag by tag, as RFC 9989 defines it and as the
 * receivers still on RFC 7489 read it: `p`, `sp`, `np` (policy for
 * non-existent subdomains), `psd` (public suffix domain), `t` (test mode),
 * `adkim`/`aspf`, `rua`/`ruf` with `fo`; and the tags RFC 9989 removed
 * (`pct`, `rf`, `ri`), still validated because RFC 7489 receivers honour
 * them. Problems are listed, never guessed around.
 */
import { parseTagList } from "./tag-list.ts";

/** A policy a receiver applies to failing mail. */
export type DmarcPolicy = "none" | "quarantine" | "reject";

/** A parsed DMARC record. */
export interface DmarcRecord {
  /** Where it was found (`_dmarc.example.com`) and the domain it belongs to. */
  name: string;
  domain: string;
  text: string;
  /** p=, or none when absent (RFC 9989 §4.7; an RFC 7489 receiver then needs rua= to use the record). */
  p: DmarcPolicy;
  /** True when the record has no valid p= of its own. */
  pMissing: boolean;
  sp?: DmarcPolicy;
  np?: DmarcPolicy;
  psd?: "y" | "n" | "u";
  /** t=y: the owner is testing (RFC 9989); RFC 7489 receivers do not know the tag. */
  testing: boolean;
  adkim: "r" | "s";
  aspf: "r" | "s";
  /** pct= (removed by RFC 9989, honoured by RFC 7489 receivers); 100 when absent. */
  pct: number;
  rua: string[];
  ruf: string[];
  /** Tags RFC 9989 removed that the record still carries. */
  removed: string[];
  /** `!size` limits on report URIs, which RFC 9989 says to ignore. */
  sizeLimits: string[];
  problems: string[];
}

const _POLICIES = ["none", "quarantine", "reject"];

/** RFC 9989 §4.7: the tags it defines; others are ignored (and reported only as removed or unknown). */
const _REMOVED = ["pct", "rf", "ri"];

/** Parses a record's text; problems list the tags that are wrong. */
export function parseDmarc(text: string, name: string, domain: string): DmarcRecord {
  const { tags, order, problems } = parseTagList(text);
  if (order[0] !== "v" || tags.get("v") !== "DMARC1") problems.push("the record must start with v=DMARC1");
  const policy = (tag: string): DmarcPolicy | undefined => {
    const v = tags.get(tag)?.toLowerCase();
    if (v === undefined) return undefined;
    if (_POLICIES.includes(v)) return v as DmarcPolicy;
    problems.push(`${tag}=${v} is not none, quarantine or reject`);
    return undefined;
  };
  const oneOf = <T extends string>(tag: string, allowed: readonly T[], fallback: T): T => {
    const v = tags.get(tag)?.toLowerCase();
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push(`${tag}=${v} is not ${allowed.join(" or ")}`);
    return fallback;
  };
  const p = policy("p");
  const pctText = tags.get("pct") ?? "100";
  const pct = /^\d{1,3}$/.test(pctText) && Number(pctText) <= 100 ? Number(pctText) : 100;
  if (pct !== Number(pctText)) problems.push(`pct=${pctText} is not a number from 0 to 100`);
  _checkFo(tags.get("fo"), problems);
  _checkRf(tags.get("rf"), problems);
  const ri = tags.get("ri");
  if (ri !== undefined && !(/^\d{1,10}$/.test(ri) && Number(ri) <= 0xffffffff)) {
    problems.push(`ri=${ri} is not a number of seconds (0 to 4294967295)`);
  }
  const sizeLimits: string[] = [];
  const uris = (tag: string) => {
    const v = tags.get(tag);
    if (v === undefined || v === "") return [];
    const list = v.split(",").map((u) => u.trim());
    for (const u of list) {
      if (!/^mailto:[^@\s]+@[^@\s!]+(![0-9]+[kmgt]?)?$/i.test(u)) problems.push(`${tag}: ${u} is not a mailto: URI`);
      else if (u.includes("!")) sizeLimits.push(`${tag}: ${u}`);
    }
    return list;
  };
  const sp = policy("sp");
  const np = policy("np");
  const psd = tags.has("psd") ? oneOf("psd", ["y", "n", "u"] as const, "u") : undefined;
  return {
    name,
    domain,
    text,
    p: p ?? "none",
    pMissing: p === undefined,
    ...(sp ? { sp } : {}),
    ...(np ? { np } : {}),
    ...(psd ? { psd } : {}),
    testing: oneOf("t", ["y", "n"] as const, "n") === "y",
    adkim: oneOf("adkim", ["r", "s"] as const, "r"),
    aspf: oneOf("aspf", ["r", "s"] as const, "r"),
    pct,
    rua: uris("rua"),
    ruf: uris("ruf"),
    removed: _REMOVED.filter((t) => tags.has(t)),
    sizeLimits,
    problems,
  };
}

/** fo=: a colon-separated list of 0, 1, d and s (RFC 7489 §6.3, kept by RFC 9989's failure reporting). */
function _checkFo(fo: string | undefined, problems: string[]): void {
  if (fo === undefined) return;
  const bad = fo.split(":").map((x) => x.trim()).filter((x) => !["0", "1", "d", "s"].includes(x.toLowerCase()));
  if (bad.length > 0 || fo.trim() === "") {
    problems.push(`fo=${fo} is not a colon-separated list of 0, 1, d and s`);
  }
}

/** rf=: a colon-separated list of report formats; afrf is the only one defined (RFC 7489 §6.3). */
function _checkRf(rf: string | undefined, problems: string[]): void {
  if (rf === undefined) return;
  const formats = rf.split(":").map((x) => x.trim().toLowerCase());
  if (!formats.includes("afrf")) problems.push(`rf=${rf} names no format receivers know (afrf)`);
}

/** The record's policy for a domain below it: np for one that does not exist (RFC 9989), else sp, else p. */
export function subdomainPolicy(record: DmarcRecord, exists: boolean): DmarcPolicy {
  return (!exists ? record.np : undefined) ?? record.sp ?? record.p;
}

/** One level less strict: what test mode (t=y) and an RFC 7489 pct= sample fall back to. */
export function weaker(policy: DmarcPolicy): DmarcPolicy {
  return policy === "reject" ? "quarantine" : "none";
}

/** The record with one tag set (or removed when `value` is undefined), other tags kept in order. */
export function setTag(text: string, tag: string, value: string | undefined): string {
  const pieces = text.split(";").map((p) => p.trim()).filter((p) => p !== "");
  const i = pieces.findIndex((p) => p.split("=")[0]?.trim().toLowerCase() === tag);
  if (value === undefined) {
    if (i !== -1) pieces.splice(i, 1);
  } else if (i === -1) pieces.splice(Math.min(2, pieces.length), 0, `${tag}=${value}`);
  else pieces[i] = `${tag}=${value}`;
  return pieces.join("; ");
}
