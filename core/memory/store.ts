/**
 * MemoryStore: the one way commands, the send workflow and the MCP server
 * read and change the memory folder. Reads validate everything they touch
 * (a file that does not parse stops the command and is never rewritten);
 * writes refuse secret values, redact every secret resolved in the run,
 * take the file's lock, and replace files atomically or append in one write.
 */
import fs from "node:fs/promises";
import path from "node:path";
import * as v from "valibot";
import { SmtpilotError } from "../errors.ts";
import { EXIT_USAGE } from "../exit.ts";
import { type LastCheck, type ProviderProfile, ProviderProfileSchema } from "../profile.ts";
import { redactDeep } from "../redact.ts";
import { appendLocked, DIR_MODE, withFileLock, writeFileAtomic } from "./atomic-file.ts";
import { BLOCK_TAGS, JOURNAL_DIR, MEMORY_FILES, type MemoryFileRole } from "./layout.ts";
import { appendSection, type MarkdownFile, removeSection, replaceBlock, section, yamlFor } from "./markdown-blocks.ts";
import { MemoryError, ProfileNotFoundError, SecretValueError } from "./memory-error.ts";
import { blocksTagged, loadMarkdown, validateBlock } from "./memory-files.ts";
import {
  type MemorySettings,
  MemorySettingsSchema,
  type NoteEntry,
  NoteEntrySchema,
  type SendLogEntry,
  SendLogEntrySchema,
} from "./memory-schemas.ts";
import { findSecretValues } from "./secret-values.ts";
import { maskAddress } from "./mask.ts";

/** How a store is opened. */
export interface MemoryOptions {
  /** The memory folder (see resolveHome). */
  home: string;
  /** The run's redactor at the time of a write (ctx.protectSecrets([])): every resolved secret is removed. */
  redact?: () => (text: string) => string;
  /** Clock for entry times. */
  now?: () => Date;
  /** How long a writer waits for another's lock. */
  lockTimeoutMs?: number;
}

/** A stored profile and the line its block starts on. */
export interface StoredProfile {
  profile: ProviderProfile;
  line: number;
}

/** Thrown by saveProfile for a name that exists without `replace` (`E_PROFILE_EXISTS`, exit 2). */
export class ProfileExistsError extends SmtpilotError {
  constructor(name: string) {
    super(
      "E_PROFILE_EXISTS",
      EXIT_USAGE,
      `A profile named ${name} exists already: choose another name or pass --replace`,
    );
  }
}

/** The memory folder's API. Construct with `openMemory`; no I/O happens until a method is called. */
export class MemoryStore {
  readonly home: string;
  readonly #redact: () => (text: string) => string;
  readonly #now: () => Date;
  readonly #lockMs: number | undefined;

  constructor(options: MemoryOptions) {
    this.home = options.home;
    this.#redact = options.redact ?? (() => (t: string) => t);
    this.#now = options.now ?? (() => new Date());
    this.#lockMs = options.lockTimeoutMs;
  }

  /** Absolute path of a memory file. */
  path(role: MemoryFileRole): string {
    return path.join(this.home, MEMORY_FILES[role]);
  }

  // --- memory.md -------------------------------------------------------------

  /** The settings of memory.md, validated, defaults filled. */
  async settings(): Promise<MemorySettings> {
    return (await this.#settingsFile()).settings;
  }

  /**
   * Changes the settings under memory.md's lock: `change` gets a copy and
   * returns (or mutates) it; the block is rewritten keeping the person's
   * comments on untouched keys. Returns the new settings.
   */
  async updateSettings(change: (s: MemorySettings) => MemorySettings | void): Promise<MemorySettings> {
    return await withFileLock(this.path("memory"), async () => {
      const { file, block, settings } = await this.#settingsFile();
      const copy = structuredClone(settings);
      const next = this.#clean(change(copy) ?? copy, "memory.md settings");
      const checked = v.parse(MemorySettingsSchema, next);
      await writeFileAtomic(this.path("memory"), replaceBlock(file, block, yamlFor(checked, block)));
      return checked;
    }, this.#lockMs);
  }

  async #settingsFile() {
    const file = await loadMarkdown(this.path("memory"), MEMORY_FILES.memory, this.home);
    const blocks = blocksTagged(file, BLOCK_TAGS.memory);
    if (blocks.length !== 1) {
      throw new MemoryError(
        file.name,
        blocks[1]?.fenceLine,
        undefined,
        blocks.length === 0
          ? `holds no \`yaml ${BLOCK_TAGS.memory}\` block (run smtpilot init in an empty folder to see one)`
          : `holds a second \`yaml ${BLOCK_TAGS.memory}\` block; keep one`,
      );
    }
    const block = blocks[0] as NonNullable<(typeof blocks)[0]>;
    return { file, block, settings: validateBlock(file, block, MemorySettingsSchema) };
  }

  // --- provider-profiles.md ----------------------------------------------------

  /** Every profile, validated, in file order; a repeated name is an error at its second block. */
  async profiles(): Promise<StoredProfile[]> {
    return (await this.#profilesFile()).list.map(({ profile, block }) => ({ profile, line: block.fenceLine }));
  }

  /** One profile by name; ProfileNotFoundError (exit 2) lists the names there are. */
  async profile(name: string): Promise<ProviderProfile> {
    const list = await this.profiles();
    const found = list.find((p) => p.profile.name === name);
    if (found) return found.profile;
    const names = list.map((p) => p.profile.name);
    throw new ProfileNotFoundError(
      `No profile named ${JSON.stringify(name.slice(0, 63))} in ${MEMORY_FILES.profiles}` +
        (names.length ? `: there are ${names.join(", ")}` : ": add one with smtpilot profile add NAME"),
    );
  }

  /** Adds a profile (or replaces the one of the same name with `replace`), under the file's lock. */
  async saveProfile(profile: ProviderProfile, options: { replace?: boolean } = {}): Promise<"added" | "replaced"> {
    const clean = v.parse(ProviderProfileSchema, this.#clean(profile, `profile ${profile.name}`));
    return await withFileLock(this.path("profiles"), async () => {
      const { file, list } = await this.#profilesFile();
      const existing = list.find((p) => p.profile.name === clean.name);
      if (existing && !options.replace) throw new ProfileExistsError(clean.name);
      const text = existing
        ? replaceBlock(file, existing.block, yamlFor(clean, existing.block))
        : appendSection(file.text, section(clean.name, BLOCK_TAGS.profile, yamlFor(clean)));
      await writeFileAtomic(this.path("profiles"), text);
      return existing ? "replaced" : "added";
    }, this.#lockMs);
  }

  /** Removes a profile's section (its heading, block and the notes under it); false when there was none. */
  async removeProfile(name: string): Promise<boolean> {
    return await withFileLock(this.path("profiles"), async () => {
      const { file, list } = await this.#profilesFile();
      const existing = list.find((p) => p.profile.name === name);
      if (!existing) return false;
      await writeFileAtomic(this.path("profiles"), removeSection(file, existing.block));
      return true;
    }, this.#lockMs);
  }

  /** Records a check's verdict, date and mechanism in the profile (and marks the memory active on a pass). */
  async recordCheck(name: string, check: LastCheck): Promise<ProviderProfile> {
    const updated = await withFileLock(this.path("profiles"), async () => {
      const { file, list } = await this.#profilesFile();
      const existing = list.find((p) => p.profile.name === name);
      if (!existing) throw new ProfileNotFoundError(`The profile ${name} was removed while it was being checked`);
      const next = v.parse(
        ProviderProfileSchema,
        this.#clean({ ...existing.profile, lastCheck: check }, `profile ${name}`),
      );
      await writeFileAtomic(this.path("profiles"), replaceBlock(file, existing.block, yamlFor(next, existing.block)));
      return next;
    }, this.#lockMs);
    if (check.verdict !== "fail") {
      const s = await this.settings();
      if (s.status !== "active") await this.updateSettings((x) => void (x.status = "active"));
    }
    return updated;
  }

  async #profilesFile() {
    const file = await loadMarkdown(this.path("profiles"), MEMORY_FILES.profiles, this.home);
    const seen = new Set<string>();
    const list = blocksTagged(file, BLOCK_TAGS.profile).map((block) => {
      const name = (block.data as { name?: unknown } | null)?.name;
      const profile = validateBlock(
        file,
        block,
        ProviderProfileSchema,
        typeof name === "string" ? `profile ${name}` : "a profile",
      );
      if (seen.has(profile.name)) {
        throw new MemoryError(
          file.name,
          block.fenceLine,
          "name",
          `a second profile named ${profile.name}; names must be unique`,
        );
      }
      seen.add(profile.name);
      return { profile, block };
    });
    return { file, list };
  }

  // --- send-log.md and deliverability-notes.md -----------------------------------

  /**
   * Appends one entry to send-log.md as a heading and a block, in one locked
   * write: entries from concurrent processes never interleave or get lost.
   * Recipients are masked when memory.md says so (the default).
   */
  async appendSendLog(entry: Omit<SendLogEntry, "at"> & { at?: string }): Promise<SendLogEntry> {
    const { safety } = await this.settings();
    const at = entry.at ?? this.#now().toISOString();
    let data: Record<string, unknown> = { ...entry, at };
    if (safety.maskRecipientsInLogs) data = _maskRecipients(data);
    const checked = v.parse(SendLogEntrySchema, this.#clean({ at, ...data }, "send-log entry"));
    const heading = `${at.replace("T", " ").replace(/\.\d+Z$/, "Z")} · ${checked.kind}${
      checked.profile ? ` · ${checked.profile}` : ""
    }`;
    await appendLocked(
      this.path("sendLog"),
      `\n${section(heading, BLOCK_TAGS.sendLog, yamlFor(checked))}`,
      this.#lockMs,
    );
    return checked;
  }

  /** Every send-log entry, validated, oldest first. */
  async sendLog(): Promise<SendLogEntry[]> {
    return await this.#entries("sendLog", BLOCK_TAGS.sendLog, SendLogEntrySchema);
  }

  /** Appends one entry to deliverability-notes.md (same guarantees as appendSendLog). */
  async appendNote(entry: Omit<NoteEntry, "at"> & { at?: string }): Promise<NoteEntry> {
    const at = entry.at ?? this.#now().toISOString();
    const checked = v.parse(NoteEntrySchema, this.#clean({ ...entry, at }, "deliverability note"));
    const heading = `${at.slice(0, 10)} · ${checked.kind}${checked.domain ? ` · ${checked.domain}` : ""}`;
    await appendLocked(this.path("notes"), `\n${section(heading, BLOCK_TAGS.note, yamlFor(checked))}`, this.#lockMs);
    return checked;
  }

  /** Every deliverability note, validated, oldest first. */
  async notes(): Promise<NoteEntry[]> {
    return await this.#entries("notes", BLOCK_TAGS.note, NoteEntrySchema);
  }

  async #entries<S extends v.GenericSchema>(role: MemoryFileRole, tag: string, schema: S): Promise<v.InferOutput<S>[]> {
    const file: MarkdownFile = await loadMarkdown(this.path(role), MEMORY_FILES[role], this.home);
    return blocksTagged(file, tag).map((b) => validateBlock(file, b, schema, "an entry"));
  }

  // --- journals (for the send workflow) ------------------------------

  /** Appends one JSON line to `journal/<run>.jsonl` under its lock (a scale run's per-recipient record). */
  async appendJournal(run: string, record: Record<string, unknown>): Promise<void> {
    const file = this.#journalFile(run);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    const clean = this.#clean(record, `journal ${run}`);
    await appendLocked(file, `${JSON.stringify(clean)}\n`, this.#lockMs);
  }

  /** The records of a journal in order; a torn last line (a crash mid-write) is ignored. Empty when none. */
  async journal(run: string): Promise<Record<string, unknown>[]> {
    let text: string;
    try {
      text = await fs.readFile(this.#journalFile(run), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const out: Record<string, unknown>[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // only a torn final line can fail to parse; everything before it is whole
      }
    }
    return out;
  }

  #journalFile(run: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(run)) {
      throw new Error(`Invalid journal name ${JSON.stringify(run.slice(0, 40))}`);
    }
    return path.join(this.home, JOURNAL_DIR, `${run}.jsonl`);
  }

  /** Data about to be written: redacted of the run's secrets, refused if it still holds a secret value. */
  #clean<T>(data: T, what: string): T {
    const redacted = redactDeep(data, this.#redact());
    const found = findSecretValues(redacted)[0];
    if (found) throw new SecretValueError(`${what}${found.field ? ` field ${found.field}` : ""}`, found.what);
    return redacted;
  }
}

/** Opens the memory folder at `options.home` (nothing is read until a method is called). */
export function openMemory(options: MemoryOptions): MemoryStore {
  return new MemoryStore(options);
}

function _maskRecipients(data: Record<string, unknown>): Record<string, unknown> {
  const mask = (x: unknown) => (typeof x === "string" ? maskAddress(x) : x);
  const out = { ...data };
  for (const key of ["recipient", "to"]) if (key in out) out[key] = mask(out[key]);
  if (Array.isArray(out.recipients)) out.recipients = out.recipients.map(mask);
  return out;
}
