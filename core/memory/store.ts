/**
 * MemoryStore: the one way commands, the send workflow and the MCP server
 * read and change the memory folder. The folder counts only when nobody else
 * could have written it (owner, not group/world-writable), and nothing in it
 * is followed through a link. Reads validate everything they touch (a file
 * that does not parse stops the command and is never rewritten; a torn
 * entry at the end of a log is skipped and reported). Writes refuse secret
 * values, take the file's lock, and replace files atomically or append whole.
 * Records of what happened (log entries, notes, journals) are redacted of
 * every secret resolved in the run; stored settings and profiles are never
 * rewritten by redaction — a value holding such a secret is refused instead.
 */
import { closeSync, constants, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import * as v from "valibot";
import { SmtpilotError } from "../errors.ts";
import { EXIT_USAGE } from "../exit.ts";
import { type LastCheck, type ProviderProfile, ProviderProfileSchema } from "../profile.ts";
import { redactDeep } from "../redact.ts";
import { appendLocked, DIR_MODE, openNoFollow, withFileLock, writeFileAtomic } from "./atomic-file.ts";
import { trustProblem, wayProblem } from "./file-trust.ts";
import { BLOCK_TAGS, JOURNAL_DIR, MEMORY_FILES, type MemoryFileRole } from "./layout.ts";
import {
  appendSection,
  type MarkdownFile,
  removeSection,
  replaceBlock,
  sealTornTail,
  section,
  type YamlBlock,
  yamlFor,
} from "./markdown-blocks.ts";
import {
  MemoryError,
  MemoryLinkError,
  MemoryMissingError,
  MemoryUnsafeError,
  ProfileNotFoundError,
  SecretValueError,
} from "./memory-error.ts";
import { blocksTagged, loadMarkdown, readMemoryText, validateBlock } from "./memory-files.ts";
import { indexLog, LOG_WINDOW_MARGIN_MS, type LogEntryPlace, type LogIndex, parseEntries } from "./log-window.ts";
import {
  type MemorySettings,
  MemorySettingsSchema,
  type NoteEntry,
  NoteEntrySchema,
  type SendLogEntry,
  SendLogEntrySchema,
} from "./memory-schemas.ts";
import { findSecretValues, type SecretFinding } from "./secret-values.ts";
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

/** memory.md parsed: the file, its settings block and the settings validated. */
interface _SettingsFile {
  file: MarkdownFile;
  block: YamlBlock;
  settings: MemorySettings;
}

/** The memory folder's API. Construct with `openMemory`; no I/O happens until a method is called. */
export class MemoryStore {
  readonly home: string;
  readonly #redact: () => (text: string) => string;
  readonly #now: () => Date;
  readonly #lockMs: number | undefined;
  #trusted: Promise<void> | undefined;
  /** memory.md as last parsed, and the identity of the file it was parsed from (_fileKey). */
  #settingsRead: { key: string; value: _SettingsFile } | undefined;

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

  /**
   * Checks once per store that the folder is one only this user (or root)
   * can change; MemoryUnsafeError otherwise. A missing folder passes here
   * and is reported by the read that needs it.
   */
  trusted(): Promise<void> {
    this.#trusted ??= (async () => {
      let stat;
      try {
        stat = await fs.stat(this.home); // the folder may be a link (~/smtp → a synced folder); what it names counts
      } catch {
        return;
      }
      const problem = stat.isDirectory() ? trustProblem(stat) : undefined;
      if (problem) {
        throw new MemoryUnsafeError(
          `The memory folder ${this.home} is ${problem}: smtpilot uses only a folder nobody else can change ` +
            "(chmod 700 it, or run smtpilot init)",
        );
      }
      // And nobody else may change what the path leads to: another user's folder or link on the way
      // (as written, or after links) could swap the folder for theirs after this check.
      const home = path.resolve(this.home);
      const way = stat.isDirectory() ? wayProblem(home) ?? wayProblem(await fs.realpath(home)) : undefined;
      if (way) {
        throw new MemoryUnsafeError(
          `The memory folder ${this.home} is reached through ${way}: smtpilot uses only a folder nobody else ` +
            "can change or replace (move it under your own home folder)",
        );
      }
    })();
    return this.#trusted;
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
      const next = this.#stored(change(copy) ?? copy, "memory.md settings");
      const checked = v.parse(MemorySettingsSchema, next);
      await writeFileAtomic(this.path("memory"), replaceBlock(file, block, yamlFor(checked, block)));
      return checked;
    }, this.#lockMs);
  }

  async #settingsFile(): Promise<_SettingsFile> {
    await this.trusted();
    // A run reads memory.md more than once (a send: its setup, then its send-log entry's masking):
    // parsed again only when the file is another or changed (inode, size, times, to the nanosecond).
    // A link or a loosened mode changes the inode or ctime, so the checks of the read below run again.
    const key = await _fileKey(this.path("memory"));
    if (key !== undefined && this.#settingsRead?.key === key) return this.#settingsRead.value;
    const value = await this.#readSettingsFile();
    this.#settingsRead = key === undefined ? undefined : { key, value };
    return value;
  }

  async #readSettingsFile(): Promise<_SettingsFile> {
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
    const clean = v.parse(ProviderProfileSchema, this.#stored(profile, `profile ${profile.name}`));
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
      // Only the check is new: the profile's own fields are written back as they were read.
      const next = v.parse(ProviderProfileSchema, {
        ...existing.profile,
        lastCheck: this.#stored(check, `profile ${name} lastCheck`),
      });
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
    await this.trusted();
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
   * The entry is whole or absent: a write the disk cut short is taken back
   * and thrown (MemoryWriteError, `E_MEMORY_WRITE`); an entry an earlier
   * failure left open is closed first, so it never swallows this one.
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
      { timeoutMs: this.#lockMs, repair: sealTornTail },
    );
    return checked;
  }

  /**
   * Every send-log entry, validated, oldest first (a torn entry skipped: see
   * readLog). The whole file: `status` and `init` read it so; a send's gates
   * read their window (sendLogSince), verify its one entry (lastSendLogEntry).
   */
  async sendLog(): Promise<SendLogEntry[]> {
    return (await this.readLog("sendLog")).entries as SendLogEntry[];
  }

  /**
   * The send-log entries a gate with a time window needs: every entry at or
   * after `since`, validated, oldest first (a torn entry skipped), parsing
   * only the blocks whose heading is at most LOG_WINDOW_MARGIN_MS older —
   * and every block whose heading is not smtpilot's, rather than guessing
   * its time. An entry before the window may hold an older entry's errors:
   * they are not read here (`smtpilot status` reads the whole log). May also
   * hold an entry a little before `since`: callers compare `at` themselves.
   * With `kinds`, only the entries whose heading names one of them (or is not
   * smtpilot's) are parsed: a canary gate reads its canaries and their
   * verifications, not the preflight and scale entries between them (a
   * caller still checks each entry's own `kind`).
   */
  async sendLogSince(since: Date, kinds?: readonly string[]): Promise<SendLogEntry[]> {
    const index = await this.#sendLogIndex();
    const from = since.getTime() - LOG_WINDOW_MARGIN_MS;
    const picked = index.entries.filter((e) =>
      e.tag === BLOCK_TAGS.sendLog && (e.headingTime === undefined || e.headingTime >= from) &&
      (kinds === undefined || e.headingKind === undefined || kinds.includes(e.headingKind))
    );
    return this.#entries(parseEntries(MEMORY_FILES.sendLog, index, picked));
  }

  /**
   * The last send-log entry `match` accepts, parsing from the end only the
   * blocks that can be it: those whose heading names `hint.kind` (or is not
   * smtpilot's) and whose YAML text holds `hint.contains` verbatim (a
   * Message-ID is written plain or quoted, never escaped). Undefined when none.
   */
  async lastSendLogEntry(
    match: (entry: SendLogEntry) => boolean,
    hint: { kind?: string; contains?: string } = {},
  ): Promise<SendLogEntry | undefined> {
    const index = await this.#sendLogIndex();
    const { contains } = hint;
    // Where the text occurs, found once: the blocks that hold it are those around an occurrence.
    const hits: number[] = [];
    for (
      let at = contains ? index.text.indexOf(contains) : -1;
      at !== -1;
      at = index.text.indexOf(contains as string, at + 1)
    ) hits.push(at);
    let h = hits.length - 1;
    for (let i = index.entries.length - 1; i >= 0; i--) {
      const e = index.entries[i] as LogEntryPlace;
      if (e.tag !== BLOCK_TAGS.sendLog || e.torn) continue;
      if (hint.kind !== undefined && e.headingKind !== undefined && e.headingKind !== hint.kind) continue;
      if (contains) {
        while (h >= 0 && (hits[h] as number) + contains.length > e.end) h--;
        if (h < 0 || (hits[h] as number) < e.start) continue;
      }
      const [entry] = this.#entries(parseEntries(MEMORY_FILES.sendLog, index, [e]));
      if (entry && match(entry)) return entry;
    }
    return undefined;
  }

  async #sendLogIndex(): Promise<LogIndex> {
    await this.trusted();
    return indexLog(await readMemoryText(this.path("sendLog"), MEMORY_FILES.sendLog, this.home));
  }

  #entries(file: MarkdownFile): SendLogEntry[] {
    return file.blocks.map((b) => validateBlock(file, b, SendLogEntrySchema, "an entry"));
  }

  /** Appends one entry to deliverability-notes.md (same guarantees as appendSendLog). */
  async appendNote(entry: Omit<NoteEntry, "at"> & { at?: string }): Promise<NoteEntry> {
    const at = entry.at ?? this.#now().toISOString();
    const checked = v.parse(NoteEntrySchema, this.#clean({ ...entry, at }, "deliverability note"));
    const heading = `${at.slice(0, 10)} · ${checked.kind}${checked.domain ? ` · ${checked.domain}` : ""}`;
    await appendLocked(this.path("notes"), `\n${section(heading, BLOCK_TAGS.note, yamlFor(checked))}`, {
      timeoutMs: this.#lockMs,
      repair: sealTornTail,
    });
    return checked;
  }

  /** Every deliverability note, validated, oldest first (a torn entry skipped: see readLog). */
  async notes(): Promise<NoteEntry[]> {
    return (await this.readLog("notes")).entries as NoteEntry[];
  }

  /**
   * The entries of an append-only file, validated, oldest first, and the
   * lines of entries a failed write left torn (skipped, so one bad write
   * never makes the log unreadable; `smtpilot status` reports them).
   */
  async readLog(role: "sendLog" | "notes"): Promise<{ entries: (SendLogEntry | NoteEntry)[]; torn: number[] }> {
    await this.trusted();
    const file = await loadMarkdown(this.path(role), MEMORY_FILES[role], this.home, { appendOnly: true });
    const [tag, schema] = role === "sendLog"
      ? [BLOCK_TAGS.sendLog, SendLogEntrySchema] as const
      : [BLOCK_TAGS.note, NoteEntrySchema] as const;
    return { entries: blocksTagged(file, tag).map((b) => validateBlock(file, b, schema, "an entry")), torn: file.torn };
  }

  // --- journals (for the send workflow) ------------------------------

  /**
   * The journal folder (`journal/`), created 0700 when missing (unless
   * `create` is false): a real folder, never a link, that nobody else can
   * write (MemoryLinkError, MemoryUnsafeError otherwise).
   */
  async journalFolder(options: { create?: boolean } = {}): Promise<string> {
    await this.trusted();
    const dir = path.join(this.home, JOURNAL_DIR);
    try {
      if (options.create !== false) await fs.mkdir(dir, { mode: DIR_MODE });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        throw new MemoryMissingError(`There is no memory folder at ${this.home}: run smtpilot init`);
      }
      if (code !== "EEXIST") throw err;
    }
    const stat = await fs.lstat(dir);
    if (!stat.isDirectory()) throw new MemoryLinkError(dir, stat.isSymbolicLink() ? "a symbolic link" : "not a folder");
    const problem = trustProblem(stat);
    if (problem) {
      throw new MemoryUnsafeError(`The journal folder ${dir} is ${problem}: chmod 700 it, or remove it`);
    }
    return dir;
  }

  /** Appends one JSON line to `journal/<run>.jsonl` under its lock, whole or not at all (a failure throws). */
  async appendJournal(run: string, record: Record<string, unknown>): Promise<void> {
    const file = this.#journalFile(run);
    await this.journalFolder();
    const clean = this.#clean(record, `journal ${run}`);
    await appendLocked(file, `${JSON.stringify(clean)}\n`, { timeoutMs: this.#lockMs });
  }

  /**
   * The records of a journal in order; a line that does not parse as a
   * record (torn by a failed write or a crash) is skipped. Empty when none.
   * With `containing`, only the lines holding that text verbatim are parsed
   * (a token's hash: the plan-token journal gains two lines a preflight,
   * forever, and a send needs its own token's).
   */
  async journal(run: string, options: { containing?: string } = {}): Promise<Record<string, unknown>[]> {
    const file = this.#journalFile(run);
    let text: string;
    let fd: number | undefined;
    try {
      await this.journalFolder({ create: false });
      fd = openNoFollow(file, constants.O_RDONLY);
      text = readFileSync(fd, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const out: Record<string, unknown>[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "" || (options.containing !== undefined && !line.includes(options.containing))) continue;
      try {
        const record = JSON.parse(line) as unknown;
        if (record !== null && typeof record === "object" && !Array.isArray(record)) {
          out.push(record as Record<string, unknown>);
        }
      } catch {
        // torn: a write cut short left part of a line, and the next record starts on a line of its own
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

  /** A record about to be written (log entry, note, journal line): redacted of the run's secrets, refused if it still holds a secret value. */
  #clean<T>(data: T, what: string): T {
    const redacted = redactDeep(data, this.#redact());
    const found = findSecretValues(redacted)[0];
    if (found) throw new SecretValueError(`${what}${found.field ? ` field ${found.field}` : ""}`, found.what);
    return redacted;
  }

  /**
   * Data at rest about to be stored (settings, a profile): written exactly as
   * given — redaction never rewrites it — and refused when it holds a secret
   * value or a secret resolved in this run.
   */
  #stored<T>(data: T, what: string): T {
    const found = findSecretValues(data)[0] ?? _resolvedSecretIn(data, this.#redact());
    if (found) throw new SecretValueError(`${what}${found.field ? ` field ${found.field}` : ""}`, found.what);
    return data;
  }
}

/** Opens the memory folder at `options.home` (nothing is read until a method is called). */
export function openMemory(options: MemoryOptions): MemoryStore {
  return new MemoryStore(options);
}

/** What identifies one version of a file: inode, size, modification and change times (ns); undefined when missing. */
async function _fileKey(file: string): Promise<string | undefined> {
  try {
    const st = await fs.lstat(file, { bigint: true });
    return `${st.dev}:${st.ino}:${st.mode}:${st.uid}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function _maskRecipients(data: Record<string, unknown>): Record<string, unknown> {
  const mask = (x: unknown) => (typeof x === "string" ? maskAddress(x) : x);
  const out = { ...data };
  for (const key of ["recipient", "to"]) if (key in out) out[key] = mask(out[key]);
  if (Array.isArray(out.recipients)) out.recipients = out.recipients.map(mask);
  return out;
}

/** The first string in `data` that holds a secret resolved in this run (the redactor changes it). */
function _resolvedSecretIn(data: unknown, redact: (text: string) => string): SecretFinding | undefined {
  const visit = (value: unknown, at: (string | number)[]): SecretFinding | undefined => {
    if (typeof value === "string") {
      return redact(value) === value ? undefined : {
        path: at,
        ...(at.length > 0 ? { field: at.join(".") } : {}),
        what: "a secret resolved in this run",
      };
    }
    if (value === null || typeof value !== "object") return undefined;
    for (const [k, v] of Object.entries(value)) {
      const found = visit(v, [...at, Array.isArray(value) ? Number(k) : k]);
      if (found) return found;
    }
    return undefined;
  };
  return visit(data, []);
}
