/**
 * The CLI's only way to print. Once a command knows its secrets it registers
 * them here, and from then on stdout and stderr — reports, plugin errors,
 * even an internal error's stack — pass through the redactor.
 */
import { makeRedactor } from "../core/redact.ts";

let _redact: (text: string) => string = (text) => text;

/** Registers the run's secrets; every later write is redacted. */
export function protectSecrets(secrets: readonly (string | undefined)[]): (text: string) => string {
  _redact = makeRedactor(secrets);
  return _redact;
}

/** Writes to stdout, redacted. */
export function writeOut(text: string): void {
  process.stdout.write(_redact(text));
}

/** Writes to stderr, redacted. */
export function writeErr(text: string): void {
  process.stderr.write(_redact(text));
}
