/**
 * A Java `.properties` file (Spring's application.properties) as settings
 * entries: `key=value`, `key: value` or `key value`, `#` and `!` comments,
 * a trailing backslash continuing the line, `\uXXXX` and the usual escapes.
 * `${NAME}` and `${NAME:fallback}` are environment reads (Spring resolves
 * them from the environment at start-up).
 */
import { type EntryValue, placeholderValue, putEntry, type SettingEntry, type SettingsEntries } from "./entries.ts";

/** Reads properties text (every line is valid properties syntax, so this never throws). */
export function propertiesEntries(text: string): SettingsEntries {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const entries = new Map<string, SettingEntry>();
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let logical = (lines[i] ?? "").replace(/^[ \t\f]+/, "");
    if (logical === "" || logical.startsWith("#") || logical.startsWith("!")) continue;
    while (_continues(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + (lines[++i] ?? "").replace(/^[ \t\f]+/, "");
    }
    if (_continues(logical)) logical = logical.slice(0, -1);
    const { key, rest } = _split(logical);
    if (key === "") continue;
    putEntry(entries, { key, line: first, value: _value(_unescape(rest)) });
  }
  return { syntax: "properties", entries };
}

/** An odd number of trailing backslashes continues the line. */
function _continues(line: string): boolean {
  const m = /\\+$/.exec(line);
  return m !== null && m[0].length % 2 === 1;
}

/** The key (unescaped) and the raw value after the separator. */
function _split(line: string): { key: string; rest: string } {
  let i = 0;
  let key = "";
  while (i < line.length) {
    const c = line[i] as string;
    if (c === "\\" && i + 1 < line.length) {
      key += _unescape(line.slice(i, i + 2));
      i += 2;
      continue;
    }
    if (c === "=" || c === ":" || c === " " || c === "\t" || c === "\f") break;
    key += c;
    i++;
  }
  while (i < line.length && /[ \t\f]/.test(line[i] as string)) i++;
  if (line[i] === "=" || line[i] === ":") i++;
  while (i < line.length && /[ \t\f]/.test(line[i] as string)) i++;
  return { key, rest: line.slice(i) };
}

function _unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[e] ?? e;
  });
}

function _value(text: string): EntryValue {
  return placeholderValue(text) ?? { kind: "literal", text: text.trimEnd() };
}
