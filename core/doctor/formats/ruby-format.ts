/**
 * ActionMailer's settings in a Ruby file (config/environments/production.rb,
 * an initializer) as settings entries: `config.action_mailer.NAME = value`
 * and `ActionMailer::Base.NAME = value`, where a `{ … }` hash becomes dotted
 * keys (`smtp_settings.address`). Values are literals (strings, numbers,
 * true/false/nil, symbols such as `:login`) or environment reads
 * (`ENV["X"]`, `ENV.fetch("X", "d")`); the file is scanned, never run.
 */
import { type EntryValue, envRead, putEntry, type SettingEntry, type SettingsEntries } from "./entries.ts";
import { stringEnd, withoutComment } from "./scan.ts";

/** Reads ActionMailer assignments from Ruby source (never throws). */
export function rubyEntries(text: string): SettingsEntries {
  const entries = new Map<string, SettingEntry>();
  const lineAt = (offset: number) => text.slice(0, offset).split("\n").length;
  const assign = /^[ \t]*(?:config\.action_mailer|ActionMailer::Base)\.([a-z_]+)\s*=\s*/gm;
  for (let m = assign.exec(text); m !== null; m = assign.exec(text)) {
    const name = m[1] as string;
    const start = m.index + m[0].length;
    if (text[start] === "{") {
      const end = _closing(text, start);
      if (end === undefined) continue;
      for (const pair of _pairs(text, start + 1, end)) {
        putEntry(entries, { key: `${name}.${pair.key}`, line: lineAt(pair.at), value: _value(pair.value) });
      }
    } else {
      const stop = text.indexOf("\n", start);
      const expression = withoutComment(text.slice(start, stop === -1 ? text.length : stop), { interpolation: true });
      putEntry(entries, { key: name, line: lineAt(m.index), value: _value(expression) });
    }
  }
  return { syntax: "ruby", entries };
}

/** Index of the `}` closing the `{` at `open` (strings and nested brackets skipped). */
function _closing(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'" || c === '"') i = stringEnd(text, i) - 1;
    else if (c === "#") i = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") {
      depth--;
      if (depth === 0) return c === "}" ? i : undefined;
    }
  }
  return undefined;
}

/** The `key: value` / `:key => value` / `"key" => value` pairs between `from` and `to`. */
function _pairs(text: string, from: number, to: number): { key: string; value: string; at: number }[] {
  const out: { key: string; value: string; at: number }[] = [];
  let depth = 0;
  let start = from;
  const flush = (end: number) => {
    const raw = _stripComments(text.slice(start, end));
    const lead = raw.length - raw.trimStart().length;
    const piece = raw.trim();
    const m = /^(?::?([a-z_][a-z0-9_]*)|(["'])([a-z_][a-z0-9_]*)\2)\s*(?::(?!:)|=>)\s*(.*)$/s.exec(piece);
    const key = m?.[1] ?? m?.[3];
    if (key) out.push({ key, value: (m?.[4] ?? "").trim(), at: start + lead });
  };
  for (let i = from; i < to; i++) {
    const c = text[i] as string;
    if (c === "'" || c === '"') i = stringEnd(text, i) - 1;
    else if (c === "#") {
      const nl = text.indexOf("\n", i);
      i = nl === -1 || nl > to ? to : nl;
    } else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      flush(i);
      start = i + 1;
    }
  }
  flush(to);
  return out;
}

/** Text with every `# comment` (outside strings, not `#{`) blanked up to its line end; offsets kept. */
function _stripComments(text: string): string {
  let out = "";
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      out += c;
      if (c === "\\" && i + 1 < text.length) out += text[++i];
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === "#" && text[i + 1] !== "{") {
      while (i < text.length && text[i] !== "\n") {
        out += " ";
        i++;
      }
      if (i < text.length) out += "\n";
    } else out += c;
  }
  return out;
}

function _value(expression: string): EntryValue {
  const e = expression.trim();
  const single = /^'((?:\\.|[^'\\])*)'$/s.exec(e);
  if (single) return { kind: "literal", text: (single[1] ?? "").replace(/\\([\\'])/g, "$1") };
  const double = /^"((?:\\.|[^"\\])*)"$/s.exec(e);
  if (double && !(double[1] ?? "").includes("#{")) return { kind: "literal", text: double[1] ?? "" };
  if (/^-?\d+$/.test(e)) return { kind: "literal", text: e };
  if (e === "true" || e === "false") return { kind: "literal", text: e };
  if (e === "nil") return { kind: "literal", text: "" };
  const symbol = /^:([a-z_][a-z0-9_]*)$/i.exec(e);
  if (symbol) return { kind: "literal", text: symbol[1] as string };
  return envRead(e) ?? { kind: "expression" };
}
