/**
 * The module-level assignments of a Python settings file (Django's
 * settings.py) as settings entries: `NAME = value` (or `NAME: type = value`)
 * at the start of a line, with a literal value (a string, a number, True,
 * False, None) or an environment read (`os.environ["X"]`,
 * `os.environ.get("X", "d")`, `os.getenv("X")`, django-environ's
 * `env("X")`/`env.bool("X", default=True)`, decouple's `config("X")`).
 * The file is scanned, never run; anything else is an expression not read.
 */
import { type EntryValue, envRead, putEntry, type SettingEntry, type SettingsEntries } from "./entries.ts";
import { withoutComment } from "./scan.ts";

/** Reads the top-level assignments of Python source (never throws). */
export function pythonEntries(text: string): SettingsEntries {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const entries = new Map<string, SettingEntry>();
  let open: string | undefined; // the quote of a triple-quoted string spanning lines
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (open !== undefined) {
      if (line.includes(open)) open = undefined;
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_][\w.[\], ]*)?=(?!=)\s*(.*)$/.exec(line);
    if (!m) {
      const triple = /("""|''')/.exec(line);
      if (triple && line.split(triple[1] as string).length === 2) open = triple[1];
      continue;
    }
    const expression = withoutComment(m[2] ?? "");
    putEntry(entries, { key: m[1] as string, line: i + 1, value: _value(expression) });
  }
  return { syntax: "python", entries };
}

function _value(expression: string): EntryValue {
  return _literal(expression) ?? envRead(expression) ?? { kind: "expression" };
}

/** A Python literal: a plain or raw string (not an f-string), an int, True/False/None. */
function _literal(e: string): EntryValue | undefined {
  const string = /^([rRuU]?)(['"])((?:\\.|(?!\2).)*)\2$/s.exec(e);
  if (string) {
    const raw = (string[1] ?? "").toLowerCase() === "r";
    const body = string[3] ?? "";
    return { kind: "literal", text: raw ? body : _unescape(body) };
  }
  if (/^-?\d+$/.test(e)) return { kind: "literal", text: e };
  if (e === "True" || e === "False") return { kind: "literal", text: e.toLowerCase() };
  if (e === "None") return { kind: "literal", text: "" };
  return undefined;
}

function _unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[e] ?? e;
  });
}
