/**
 * The constants of a PHP file (wp-config.php) as settings entries: every
 * `define( 'NAME', value );` in code — not in a comment, not inside a
 * string — with a literal value (a quoted string, a number, true, false,
 * null, possibly behind an `(int)`/`(bool)` cast) or an environment read
 * (`getenv('X')`, `env('X', 'fallback')`, `$_ENV['X']`, `$_SERVER['X']`).
 * The file is scanned, never run.
 */
import { type EntryValue, envRead, putEntry, type SettingEntry, type SettingsEntries } from "./entries.ts";
import { stringEnd } from "./scan.ts";

/** Reads the `define()` calls of PHP source (never throws: what is not understood is skipped). */
export function phpEntries(text: string): SettingsEntries {
  const code = _codeOnly(text);
  const entries = new Map<string, SettingEntry>();
  const call = /\bdefine\s*\(/gi;
  for (let m = call.exec(code); m !== null; m = call.exec(code)) {
    const args = _arguments(text, m.index + m[0].length);
    if (!args || args.length < 2) continue;
    const name = _literal(args[0]?.text ?? "");
    if (name?.kind !== "literal" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.text)) continue;
    const line = text.slice(0, m.index).split("\n").length;
    putEntry(entries, { key: name.text, line, value: _value(args[1]?.text ?? "") });
  }
  return { syntax: "php", entries };
}

/** The source with comments and string contents blanked (lengths and line ends kept), to find calls in code. */
function _codeOnly(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += _blank(text.slice(i, stop));
      i = stop;
    } else if ((c === "/" && next === "/") || c === "#") {
      let stop = text.indexOf("\n", i);
      if (stop === -1) stop = text.length;
      // `?>` ends a line comment in PHP, but nothing in a settings file needs that subtlety.
      out += _blank(text.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"') {
      const stop = stringEnd(text, i);
      out += c + _blank(text.slice(i + 1, stop - 1)) + (stop - 1 > i ? (text[stop - 1] as string) : "");
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function _blank(s: string): string {
  return s.replace(/[^\n]/g, " ");
}

/** The top-level arguments of a call whose `(` ends just before `from`, up to its `)`. */
function _arguments(text: string, from: number): { text: string }[] | undefined {
  const args: { text: string }[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'" || c === '"') {
      i = stringEnd(text, i) - 1;
    } else if (c === "(" || c === "[") {
      depth++;
    } else if ((c === ")" || c === "]") && depth > 0) {
      depth--;
    } else if (c === ")" || (c === "," && depth === 0)) {
      args.push({ text: text.slice(start, i).trim() });
      if (c === ")") return args;
      start = i + 1;
    } else if (c === ";" && depth === 0) {
      return undefined;
    }
  }
  return undefined;
}

function _value(expression: string): EntryValue {
  const bare = expression.replace(/^\(\s*(?:int|integer|bool|boolean|string)\s*\)\s*/i, "");
  return _literal(bare) ?? envRead(bare) ?? { kind: "expression" };
}

/** A PHP literal: a quoted string, a number, true/false/null (any case). */
function _literal(expression: string): EntryValue | undefined {
  const e = expression.trim();
  const single = /^'((?:\\.|[^'\\])*)'$/s.exec(e);
  if (single) return { kind: "literal", text: (single[1] ?? "").replace(/\\([\\'])/g, "$1") };
  const double = /^"((?:\\.|[^"\\])*)"$/s.exec(e);
  if (double) {
    // A `$` inside double quotes interpolates a variable: not a literal.
    if (/(^|[^\\])\$[A-Za-z_{]/.test(double[1] ?? "")) return { kind: "expression" };
    return { kind: "literal", text: _doubleQuoted(double[1] ?? "") };
  }
  if (/^-?\d+$/.test(e)) return { kind: "literal", text: e };
  if (/^(true|false)$/i.test(e)) return { kind: "literal", text: e.toLowerCase() };
  if (/^null$/i.test(e)) return { kind: "literal", text: "" };
  return undefined;
}

function _doubleQuoted(s: string): string {
  return s.replace(/\\([nrtv\\$"]|x[0-9a-fA-F]{1,2})/g, (_m, e: string) => {
    if (e.startsWith("x")) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t", v: "\v" } as Record<string, string>)[e] ?? e;
  });
}
