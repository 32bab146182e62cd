/**
 * Runs Sisimai (Debian's libsisimai-perl, through sisimai-driver.pl) and
 * compares its reasons with smtpilot's on the same files. Shared by the
 * benchmark (scripts/bench/bounce.mjs) and the agreement test.
 *
 * A recipient is compared when both name it and Sisimai has an opinion
 * (not onhold or undefined). Sisimai 4.x (Debian 12) predates Sisimai 5's
 * names, which our vocabulary follows: its older names map through
 * REASON_ALIASES (mesgtoobig and exceedlimit are emailtoolarge, toomanyconn
 * ratelimited). Sisimai 4 has no word for authfailure, badreputation,
 * requireptr, failedstarttls, notcompliantrfc or suppressed; where we use
 * one of those the pair is reported apart ("ours-only"), not counted as
 * agreement or disagreement.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { currentReason } from "../../core/bounce/reasons.ts";

const _DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), "sisimai-driver.pl");

/** Our reasons Sisimai 4 has no name for. */
export const OURS_ONLY: ReadonlySet<string> = new Set([
  "authfailure",
  "badreputation",
  "requireptr",
  "failedstarttls",
  "notcompliantrfc",
  "suppressed",
]);

/** Sisimai's words for "no decision": never counted against us. */
const _NO_OPINION: ReadonlySet<string> = new Set(["onhold", "undefined"]);

/** One recipient as one tool classified it. */
export interface Classified {
  file: string;
  address: string;
  reason: string;
}

/** Why Sisimai cannot run here, or undefined when it can. */
export function sisimaiMissing(): string | undefined {
  const r = spawnSync("perl", ["-MSisimai", "-MJSON::PP", "-e", "print $Sisimai::VERSION"], { encoding: "utf8" });
  return r.status === 0 ? undefined : "Sisimai is not installed (apt-get install libsisimai-perl)";
}

/** Runs Sisimai over `files`: its recipients and the seconds it spent inside Sisimai. */
export function runSisimai(files: readonly string[]): { recipients: Classified[]; seconds: number; wallMs: number } {
  const t0 = performance.now();
  const r = spawnSync("perl", [_DRIVER, ...files], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`sisimai-driver.pl failed: ${r.stderr}`);
  const recipients: Classified[] = [];
  let seconds = 0;
  for (const line of r.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const d = JSON.parse(line) as { file?: string; address?: string; reason?: string | null; seconds?: number };
    if (d.seconds !== undefined) seconds = d.seconds;
    else if (d.file && d.address && d.reason) recipients.push({ file: d.file, address: d.address, reason: d.reason });
  }
  return { recipients, seconds, wallMs };
}

/** The outcome of comparing both tools. */
export interface Agreement {
  compared: number;
  agreed: number;
  rate: number;
  /** Pairs where our reason has no Sisimai 4 name. */
  oursOnly: { key: string; ours: string; sisimai: string }[];
  /** Pairs where Sisimai's reason is outside our vocabulary (e.g. onhold). */
  theirsOnly: { key: string; ours: string; sisimai: string }[];
  disagreements: { key: string; ours: string; sisimai: string }[];
  /** Recipients only one tool found. */
  unmatched: { key: string; ours?: string; sisimai?: string }[];
}

/** Compares by file (the mbox index dropped) and lower-cased address. */
export function compare(ours: readonly Classified[], sisimai: readonly Classified[]): Agreement {
  const key = (c: Classified) => `${c.file.replace(/#\d+$/, "")} ${c.address.toLowerCase()}`;
  const mine = new Map(ours.map((c) => [key(c), c.reason]));
  const theirs = new Map(sisimai.map((c) => [key(c), c.reason]));
  const result: Agreement = {
    compared: 0,
    agreed: 0,
    rate: 0,
    oursOnly: [],
    theirsOnly: [],
    disagreements: [],
    unmatched: [],
  };
  for (const k of new Set([...mine.keys(), ...theirs.keys()])) {
    const o = mine.get(k);
    const raw = theirs.get(k);
    if (o === undefined || raw === undefined) {
      result.unmatched.push({ key: k, ...(o ? { ours: o } : {}), ...(raw ? { sisimai: raw } : {}) });
      continue;
    }
    const s = currentReason(raw);
    if (s === undefined || _NO_OPINION.has(s)) result.theirsOnly.push({ key: k, ours: o, sisimai: raw });
    else if (OURS_ONLY.has(o) && o !== s) result.oursOnly.push({ key: k, ours: o, sisimai: raw });
    else {
      result.compared++;
      if (o === s) result.agreed++;
      else result.disagreements.push({ key: k, ours: o, sisimai: raw });
    }
  }
  result.rate = result.compared === 0 ? 1 : result.agreed / result.compared;
  return result;
}
