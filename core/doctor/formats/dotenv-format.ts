/**
 * A dotenv file (`.env`) as settings entries, read by core/dotenv.ts exactly
 * as the `dotenv` package reads it. A value that is only `${NAME}` is
 * expanded the way Laravel's and dotenv-expand's loaders do: from a key of
 * the same file, else from the environment at run time.
 */
import { DotenvSyntaxError, parseDotenvEntries } from "../../dotenv.ts";
import {
  type EntryValue,
  placeholderValue,
  type SettingEntry,
  type SettingsEntries,
  SettingsSyntaxError,
} from "./entries.ts";

/** Reads dotenv text; throws SettingsSyntaxError naming the line (never its text). */
export function dotenvEntries(text: string): SettingsEntries {
  let parsed: ReturnType<typeof parseDotenvEntries>;
  try {
    parsed = parseDotenvEntries(text);
  } catch (err) {
    if (err instanceof DotenvSyntaxError) throw new SettingsSyntaxError(err.line, "is not KEY=value (nor a comment)");
    throw err;
  }
  const entries = new Map<string, SettingEntry>();
  for (const [key, { value, line }] of parsed) {
    entries.set(key, { key, line, value: _value(value, parsed) });
  }
  return { syntax: "dotenv", entries };
}

function _value(text: string, all: ReturnType<typeof parseDotenvEntries>): EntryValue {
  const placeholder = placeholderValue(text);
  if (placeholder?.kind !== "env") return { kind: "literal", text };
  const same = all.get(placeholder.name);
  // A key of the same file wins (Laravel's loader and dotenv-expand read the file first).
  if (same !== undefined && placeholderValue(same.value) === undefined) return { kind: "literal", text: same.value };
  return placeholder;
}
