/**
 * The CLI's only way to print. stdout carries results — a report or a JSON
 * document: their data is redacted where it enters (server replies,
 * transcripts, error messages), and once more as a whole before it is
 * printed (cli-adapter.ts: a document value by value, so it stays valid
 * JSON whatever the secret is) — one place that forgot cannot leak. stderr
 * carries messages, and every message passes through the redactor once the
 * command has registered its secrets. Text on either stream is made safe for
 * a terminal on the way out (core/printable.ts: no control, bidi-override or
 * invisible character from a server or a file is written raw); a JSON
 * document keeps every value, with those characters as `\uXXXX` escapes.
 */
import { inspect } from "node:util";
import { jsonSafe, terminalSafe } from "../core/printable.ts";
import { makeRedactor } from "../core/redact.ts";

let _redact: (text: string) => string = (text) => text;
const _secrets: string[] = [];

/** Registers secrets resolved during the run; `redactText` removes them from then on. Returns the redactor. */
export function protectSecrets(secrets: readonly (string | undefined)[]): (text: string) => string {
  for (const s of secrets) if (s) _secrets.push(s);
  _redact = makeRedactor(_secrets);
  return _redact;
}

/** True once the run has resolved a secret (the redactor is no longer the identity). */
export function secretsKnown(): boolean {
  return _secrets.length > 0;
}

/** Removes every secret resolved so far from text that entered from outside (identity when none is known). */
export function redactText(text: string): string {
  return _redact(text);
}

/**
 * Writes a result to stdout (its data is already redacted), made safe for a
 * terminal; `raw` writes it as it is — for a filter whose output is the
 * user's own data (`redact`).
 */
export function writeOut(text: string, raw = false): void {
  process.stdout.write(raw ? text : terminalSafe(text));
}

/** A JSON document as text: two-space indented, newline-terminated, bidi and C1 characters escaped. */
export function jsonText(document: unknown): string {
  return `${jsonSafe(JSON.stringify(document, null, 2))}\n`;
}

/** Writes a JSON document to stdout (see jsonText). */
export function writeJson(document: unknown): void {
  process.stdout.write(jsonText(document));
}

/** Writes a JSON document to stdout on one line (JSON Lines: one document per line, as a batch streams them). */
export function writeJsonLine(document: unknown): void {
  process.stdout.write(`${jsonSafe(JSON.stringify(document))}\n`);
}

/** Writes a message to stderr, made safe for a terminal; parts that came from outside must have passed `redactText`. */
export function writeErr(text: string): void {
  process.stderr.write(terminalSafe(text));
}

/** Clears the progress line on stderr (the one escape sequence smtpilot writes itself). */
export function clearErrLine(): void {
  process.stderr.write("\r\x1b[2K");
}

/**
 * Sends console.log/info/debug/dir/table to stderr: stdout belongs to the
 * result, and a plugin's debugging line must never break `--json` (or an MCP
 * session on stdio). Messages are redacted like every other stderr line.
 */
export function routeConsoleToStderr(): void {
  const toErr = (...args: unknown[]) => {
    const text = args.map((a) => (typeof a === "string" ? a : _inspect(a))).join(" ");
    writeErr(`${redactText(text)}\n`);
  };
  console.log = toErr;
  console.info = toErr;
  console.debug = toErr;
  console.dir = (item: unknown) => toErr(item);
  console.table = (data: unknown) => toErr(data);
}

function _inspect(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: Infinity });
}
