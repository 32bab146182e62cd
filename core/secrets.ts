/**
 * Secret references: where a password or token comes from at run time —
 * `env:NAME`, `dotenv:PATH#KEY` (a dotenv file outside the memory folder),
 * `settings:PATH#KEY[:password]` (a key of an application's settings file,
 * read as `smtpilot doctor` reads it: core/doctor/settings-secret.ts),
 * `cmd:COMMAND` (the first line a password manager prints, run without a
 * shell, with a timeout), `keyring:NAME` (the operating system's credential
 * store, core/keyring/) or `prompt` (typed, hidden, on a terminal). The
 * value is resolved only at the moment of use, lives in memory only, and is
 * handed to `protect` before anything else sees it, so every later message
 * of the run is redacted. Errors never echo a value typed where a reference
 * belongs, nor a command's output.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseSettingsRef, SETTINGS_REF } from "./doctor/settings-ref.ts";
import { DotenvSyntaxError, parseDotenv } from "./dotenv.ts";
import { SmtpilotError } from "./errors.ts";
import { EXIT_ENVIRONMENT, EXIT_USAGE } from "./exit.ts";
import { readSmallFile } from "./files.ts";
import { isKeyringName, type KeyringBackend, systemKeyring } from "./keyring/keyring.ts";
import { shown } from "./printable.ts";

/** A parsed reference. */
export type SecretRef =
  | { kind: "env"; name: string }
  | { kind: "dotenv"; file: string; key: string }
  | { kind: "settings"; file: string; key: string; part?: "password" }
  | { kind: "cmd"; argv: string[] }
  | { kind: "keyring"; name: string }
  | { kind: "prompt" };

/** The kinds of reference, as written before the colon (`prompt` has no colon). */
export const SECRET_REF_KINDS = ["env", "dotenv", "settings", "cmd", "keyring", "prompt"] as const;

/** The grammar of a reference, one pattern shared with the profile schema. */
export const SECRET_REF_PATTERN = new RegExp(
  `^(?:env:[A-Za-z_][A-Za-z0-9_]*|dotenv:[^#\\s][^#]*#[A-Za-z_][A-Za-z0-9_.-]*|${
    SETTINGS_REF.source.slice(1, -1)
  }|cmd:\\S.*|keyring:[A-Za-z0-9][A-Za-z0-9._@/-]{0,127}|prompt)$`,
  "s",
);

/** Thrown for a malformed reference (exit 2); `code` is E_SECRET_REF_INVALID. The value is never in the message. */
export class SecretRefError extends SmtpilotError {
  constructor(message: string) {
    super("E_SECRET_REF_INVALID", EXIT_USAGE, message);
  }
}

/** Thrown when a well-formed reference cannot give its secret in this run; `code` says which way it failed. */
export class SecretSourceError extends SmtpilotError {
  constructor(code: string, exitCode: number, message: string) {
    super(code, exitCode, message);
  }
}

/** Parses a reference; anything else is refused without echoing it (it may be the secret itself). */
export function parseSecretRef(text: string): SecretRef {
  if (text === "prompt") return { kind: "prompt" };
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (env?.[1]) return { kind: "env", name: env[1] };
  const dotenv = /^dotenv:([^#]+)#([A-Za-z_][A-Za-z0-9_.-]*)$/s.exec(text);
  if (dotenv?.[1] && dotenv[2] && dotenv[1].trim() === dotenv[1]) {
    return { kind: "dotenv", file: dotenv[1], key: dotenv[2] };
  }
  const keyring = /^keyring:(.+)$/s.exec(text)?.[1];
  if (keyring !== undefined && isKeyringName(keyring)) return { kind: "keyring", name: keyring };
  const settings = parseSettingsRef(text);
  if (settings) return { kind: "settings", ...settings };
  if (text.startsWith("cmd:")) {
    const argv = splitCommand(text.slice(4));
    if (argv.length > 0) return { kind: "cmd", argv };
  }
  const scheme = /^(env|dotenv|settings|cmd|keyring|prompt):/.exec(text)?.[1];
  throw new SecretRefError(
    `Invalid secret reference${scheme ? ` of kind "${scheme}:"` : ""}: expected env:NAME, dotenv:FILE#KEY, ` +
      "settings:FILE#KEY, cmd:COMMAND, keyring:NAME or prompt (e.g. env:SMTP_PASSWORD); the value is not shown",
  );
}

/** True when `text` is a well-formed reference (never throws, never echoes). */
export function isSecretRef(text: string): boolean {
  try {
    parseSecretRef(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits a `cmd:` command line into words the way a user expects from a
 * shell — spaces separate, '…' and "…" quote, backslash escapes — but with no
 * expansion, globbing, pipes or redirection: the words go to execFile as they are.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < line.length && '"\\'.includes(line[i + 1] as string)) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return [];
  if (inWord) words.push(word);
  return words;
}

/** What resolving needs besides the reference. Everything is injectable for tests. */
export interface SecretSourceOptions {
  /** Environment for `env:` and for the `cmd:` child (default process.env). */
  env?: Record<string, string | undefined>;
  /** The memory folder: a dotenv file inside it is refused (secrets never live there). */
  memoryHome?: string;
  /** True when a person can type at a terminal; `prompt` is refused otherwise. */
  interactive?: boolean;
  /** Asks for hidden input (default: @inquirer/prompts on stderr). */
  ask?: (message: string) => Promise<string>;
  /** Limit for `cmd:` (default 30 s: a password manager may ask to unlock). */
  cmdTimeoutMs?: number;
  /** Base folder of a relative dotenv path (default the working folder). */
  cwd?: string;
  /** Receives every value as soon as it is known, before anything else sees it (ctx.protectSecrets). */
  protect?: (value: string) => void;
  /** What the secret is for, shown by `prompt` ("password for me@example.com"). */
  purpose?: string;
  /** The credential store for `keyring:` (default: this platform's, core/keyring/). */
  keyring?: KeyringBackend;
}

/** Default limit for a `cmd:` reference. */
export const DEFAULT_CMD_TIMEOUT_MS = 30_000;
/** A dotenv file bigger than this is not a dotenv file. */
const _MAX_DOTENV_BYTES = 1024 * 1024;
/** A secret command printing more than this is not printing a secret. */
const _MAX_CMD_OUTPUT = 64 * 1024;

/**
 * Reads the secret now: undefined when the reference points at nothing (an
 * unset variable, an empty value). Throws SecretSourceError when the source
 * itself fails (a dotenv file inside the memory folder, a command that fails
 * or hangs, `prompt` without a terminal).
 */
export async function resolveSecret(ref: SecretRef, options: SecretSourceOptions = {}): Promise<string | undefined> {
  const value = await _resolve(ref, options);
  const found = value === undefined || value === "" ? undefined : value;
  if (found !== undefined) options.protect?.(found);
  return found;
}

async function _resolve(ref: SecretRef, o: SecretSourceOptions): Promise<string | undefined> {
  switch (ref.kind) {
    case "env":
      return (o.env ?? process.env)[ref.name];
    case "dotenv":
      return _fromDotenv(ref.file, ref.key, o);
    case "settings": {
      const file = _outsideMemory(ref.file, "settings", o);
      // The file readers (YAML among them) load only when such a reference is used.
      return (await import("./doctor/settings-secret.ts")).settingsSecret(file, ref);
    }
    case "cmd":
      return await _fromCommand(ref.argv, o);
    case "keyring":
      return await (o.keyring ?? systemKeyring(process.platform, o.env ?? process.env)).get(ref.name);
    case "prompt":
      return await _fromPrompt(o);
  }
}

/** `~/x` and relative paths, made absolute. */
export function expandPath(file: string, cwd = process.cwd()): string {
  const home = file === "~" || file.startsWith("~/") ? os.homedir() + file.slice(1) : file;
  return path.resolve(cwd, home);
}

/** True when `inner` (resolved through symlinks as far as it exists) lies inside `folder`. */
export function isInside(inner: string, folder: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      const parent = path.dirname(p);
      return parent === p ? p : path.join(real(parent), path.basename(p));
    }
  };
  const rel = path.relative(real(folder), real(inner));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The file of a reference, absolute; one inside the memory folder is refused (secrets never live there). */
function _outsideMemory(file: string, what: "dotenv" | "settings", o: SecretSourceOptions): string {
  const abs = expandPath(file, o.cwd);
  if (o.memoryHome !== undefined && isInside(abs, o.memoryHome)) {
    throw new SecretSourceError(
      "E_SECRET_IN_MEMORY",
      EXIT_USAGE,
      `The ${what} file ${shown(file)} is inside the memory folder ${shown(o.memoryHome)}: ` +
        "secrets never live there; move the file elsewhere (e.g. ~/.config/smtpilot/secrets.env)",
    );
  }
  return abs;
}

function _fromDotenv(file: string, key: string, o: SecretSourceOptions): string | undefined {
  const abs = _outsideMemory(file, "dotenv", o);
  const text = readSmallFile(abs, { what: "dotenv file", maxBytes: _MAX_DOTENV_BYTES }).toString("utf8");
  try {
    return parseDotenv(text).get(key);
  } catch (err) {
    if (!(err instanceof DotenvSyntaxError)) throw err;
    // The line number only: the line may hold a secret.
    throw new SecretSourceError(
      "E_SECRET_DOTENV_INVALID",
      EXIT_ENVIRONMENT,
      `The dotenv file ${shown(file)} cannot be read: ${err.message}; the line is not shown`,
    );
  }
}

function _fromCommand(argv: string[], o: SecretSourceOptions): Promise<string | undefined> {
  const [file, ...args] = argv as [string, ...string[]];
  const name = shown(path.basename(file));
  const timeout = o.cmdTimeoutMs ?? DEFAULT_CMD_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        shell: false,
        timeout,
        killSignal: "SIGKILL",
        maxBuffer: _MAX_CMD_OUTPUT,
        encoding: "utf8",
        env: (o.env ?? process.env) as NodeJS.ProcessEnv,
        windowsHide: true,
      },
      (err, stdout) => {
        // Whatever happened, the output is never part of a message: it may hold the secret.
        const first = String(stdout ?? "").split(/\r?\n/, 1)[0] ?? "";
        if (first !== "") o.protect?.(first);
        if (!err) return resolve(first);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown; signal?: string | null };
        if (e.code === "ENOENT" || e.code === "EACCES") {
          return reject(
            new SecretSourceError(
              "E_SECRET_CMD_NOT_FOUND",
              EXIT_USAGE,
              `The secret command ${name} could not be started (${e.code}): check the cmd: reference`,
            ),
          );
        }
        if (e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
          return reject(
            new SecretSourceError(
              "E_SECRET_CMD_FAILED",
              EXIT_ENVIRONMENT,
              `The secret command ${name} printed more than ${_MAX_CMD_OUTPUT} bytes; output not shown`,
            ),
          );
        }
        const why = e.killed && e.signal === "SIGKILL"
          ? `did not finish within ${Math.round(timeout / 1000)} s and was stopped`
          : typeof e.code === "number"
          ? `exited with status ${e.code}`
          : `ended by signal ${e.signal ?? "unknown"}`;
        reject(
          new SecretSourceError(
            "E_SECRET_CMD_FAILED",
            EXIT_ENVIRONMENT,
            `The secret command ${name} ${why}; output not shown`,
          ),
        );
      },
    );
    // No input: a command waiting on stdin would otherwise hang until the timeout.
    child.stdin?.end();
  });
}

async function _fromPrompt(o: SecretSourceOptions): Promise<string> {
  if (!o.interactive) {
    throw new SecretSourceError(
      "E_SECRET_PROMPT_NO_TTY",
      EXIT_USAGE,
      "The secret reference is prompt, but no one can type here (stdin or stderr is not a terminal): " +
        "use env:NAME, dotenv:FILE#KEY or cmd:COMMAND",
    );
  }
  const message = `Secret${o.purpose ? ` (${o.purpose})` : ""}:`;
  if (o.ask) return await o.ask(message);
  const { password } = await import("@inquirer/prompts");
  return await password({ message, mask: false }, { output: process.stderr });
}
