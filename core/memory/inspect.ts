/**
 * What `smtpilot status` reports about the memory folder, gathered without
 * stopping at the first problem: the settings, each profile with its last
 * check, and warnings — permissions wider than the owner, a profile never
 * checked or whose last check failed, a file that does not parse (named
 * with its line and field, as every memory error is), an entry a failed
 * write left torn in a log.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { ProviderProfile } from "../profile.ts";
import { MEMORY_FILES } from "./layout.ts";
import { CANARY_NOTE_KIND, type MemorySettings, type NoteEntry } from "./memory-schemas.ts";
import type { MemoryStore } from "./store.ts";

/** One warning, with a stable code. */
export interface MemoryWarning {
  code:
    | "memory.permissions-too-open"
    | "memory.profile-never-checked"
    | "memory.profile-check-failed"
    | "memory.file-invalid"
    | "memory.file-missing"
    | "memory.entry-torn";
  message: string;
  file?: string;
  profile?: string;
}

/** The whole picture. */
export interface MemoryInspection {
  home: string;
  exists: boolean;
  files: { name: string; exists: boolean; mode?: string }[];
  settings?: MemorySettings;
  profiles: ProviderProfile[];
  sendLogEntries?: number;
  /** The last canary `verify` read, per profile and sending domain (deliverability-notes.md), newest first. */
  deliverability?: DeliverabilityNote[];
  warnings: MemoryWarning[];
}

/** The last canary-verify note of one profile and sending domain. */
export interface DeliverabilityNote {
  profile: string;
  domain: string;
  at: string;
  state: string;
  summary: string;
  /** Checklist lines that failed. */
  failing: string[];
}

/** Inspects the folder behind `store`; never throws for a problem in the memory itself. */
export async function inspectMemory(store: MemoryStore): Promise<MemoryInspection> {
  const out: MemoryInspection = { home: store.home, exists: false, files: [], profiles: [], warnings: [] };
  try {
    const stat = await fs.stat(store.home);
    out.exists = stat.isDirectory();
    if (out.exists && (stat.mode & 0o077) !== 0) {
      out.warnings.push({
        code: "memory.permissions-too-open",
        file: ".",
        message: `the memory folder is mode ${_mode(stat.mode)}; run chmod 700 ${store.home} (or smtpilot init)`,
      });
    }
  } catch {
    return out;
  }
  if (!out.exists) return out;
  for (const name of Object.values(MEMORY_FILES)) {
    try {
      const stat = await fs.lstat(path.join(store.home, name)); // a link is named by the read below, never followed
      out.files.push({ name, exists: true, mode: _mode(stat.mode) });
      if (!stat.isSymbolicLink() && (stat.mode & 0o077) !== 0) {
        out.warnings.push({
          code: "memory.permissions-too-open",
          file: name,
          message: `${name} is mode ${_mode(stat.mode)}; run chmod 600 on it (or smtpilot init)`,
        });
      }
    } catch {
      out.files.push({ name, exists: false });
      out.warnings.push({ code: "memory.file-missing", file: name, message: `${name} is missing; run smtpilot init` });
    }
  }
  const attempt = async <T>(name: string, read: () => Promise<T>): Promise<T | undefined> => {
    if (!out.files.find((f) => f.name === name)?.exists) return undefined;
    try {
      return await read();
    } catch (err) {
      out.warnings.push({ code: "memory.file-invalid", file: name, message: (err as Error).message });
      return undefined;
    }
  };
  out.settings = await attempt(MEMORY_FILES.memory, () => store.settings());
  out.profiles = (await attempt(MEMORY_FILES.profiles, () => store.profiles()))?.map((p) => p.profile) ?? [];
  for (const role of ["sendLog", "notes"] as const) {
    const log = await attempt(MEMORY_FILES[role], () => store.readLog(role));
    if (role === "sendLog") out.sendLogEntries = log?.entries.length;
    if (role === "notes" && log) out.deliverability = _lastCanaryNotes(log.entries as NoteEntry[]);
    for (const line of log?.torn ?? []) {
      out.warnings.push({
        code: "memory.entry-torn",
        file: MEMORY_FILES[role],
        message:
          `${MEMORY_FILES[role]} line ${line}: an entry a failed write left incomplete (disk full or crash) is ` +
          "skipped; delete it when you like",
      });
    }
  }
  for (const p of out.profiles) {
    if (!p.lastCheck) {
      out.warnings.push({
        code: "memory.profile-never-checked",
        profile: p.name,
        message: `profile ${p.name} was never checked: run smtpilot profile check ${p.name}`,
      });
    } else if (p.lastCheck.verdict === "fail") {
      out.warnings.push({
        code: "memory.profile-check-failed",
        profile: p.name,
        message: `profile ${p.name} failed its last check (${p.lastCheck.code ?? "fail"} on ${
          p.lastCheck.date.slice(0, 10)
        })`,
      });
    }
  }
  return out;
}

function _mode(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

/** The newest canary-verify note of each profile and domain, newest first. */
function _lastCanaryNotes(notes: readonly NoteEntry[]): DeliverabilityNote[] {
  const last = new Map<string, DeliverabilityNote>();
  for (const n of notes) {
    if (n.kind !== CANARY_NOTE_KIND) continue;
    const profile = typeof n.profile === "string" ? n.profile : "?";
    const domain = n.domain ?? "?";
    last.set(`${profile}\0${domain}`, {
      profile,
      domain,
      at: n.at,
      state: typeof n.state === "string" ? n.state : "?",
      summary: n.summary ?? "",
      failing: Array.isArray(n.failing) ? n.failing.filter((f): f is string => typeof f === "string") : [],
    });
  }
  return [...last.values()].sort((a, b) => b.at.localeCompare(a.at));
}
