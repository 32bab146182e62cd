/**
 * The plain YAML smtpilot itself writes into the memory folder's blocks —
 * maps and lists in block style, indented by two spaces, plain scalars and
 * double-quoted ones without escapes — read
 * and written without the YAML library. Loading it, and running its parser
 * cold, cost a send ~5 ms of its start-up for a settings block, a profile and
 * a few send-log entries. Anything outside that subset (quotes, flow
 * collections, anchors, tags, comments after a value, multi-line scalars,
 * tabs, non-ASCII text, numbers other than plain integers, a repeated key…)
 * is not guessed at: both functions return undefined and the caller uses the
 * YAML library (markdown-blocks.ts), whose reading this subset must equal
 * exactly (test/memory/yaml-subset.test.ts compares them on generated
 * blocks).
 */

/**
 * A key the subset reads: plain, never read as anything but a string (core schema), within the
 * library's 1,024 characters; `__proto__` is left to the library, which keeps it as an own key
 * (assigned to a plain object, it would set the prototype: values the secret scan, which walks own
 * keys, never sees, and that a schema reading `key in input` takes as fields).
 */
const _KEY = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_-]{0,1023}$/;
/** Deeper than this, the library is left to read the block (it refuses very deep nesting itself). */
const _MAX_DEPTH = 64;
/** Keys and values the core schema reads as null or a boolean. */
const _NULL = /^(?:~|null|Null|NULL)$/;
const _BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
/** What the core schema reads as a number (integers, floats, octal, hex, infinities, NaN). */
const _NUMERIC =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** The only numbers the subset reads: plain non-negative integers, exactly representable. */
const _INT = /^(?:0|[1-9][0-9]{0,14})$/;
/** A plain scalar's first character that could make it something else (an indicator). */
const _INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Text outside the subset anywhere in a block: tabs, CR, control characters, non-ASCII. */
const _OUTSIDE = /[^\n\x20-\x7e]/;

/** Thrown inside the reader when the text leaves the subset (caught: the answer is undefined). */
class _Outside extends Error {}

/** A double-quoted scalar without escapes (the library's choice for a string plain text would misread). */
const _QUOTED = /^"[^"\\]*"$/;

/** The value of a scalar `text` (already trimmed): plain, or double-quoted without escapes; else _Outside. */
function _scalar(text: string): unknown {
  if (text === "[]") return [];
  if (text === "{}") return {};
  if (_QUOTED.test(text)) return text.slice(1, -1);
  if (text === "" || _INDICATOR.test(text) || text.includes(": ") || text.includes(" #") || text.endsWith(":")) {
    throw new _Outside();
  }
  if (_NULL.test(text)) return null;
  if (_BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  if (_NUMERIC.test(text)) {
    if (_INT.test(text)) return Number(text);
    throw new _Outside();
  }
  return text;
}

interface _Line {
  indent: number;
  text: string;
}

/**
 * Reads `source` (a block's text) as the YAML library would with the core
 * schema; undefined when the text is outside the subset (then read it with
 * the library, which also reports what is wrong with it).
 */
export function readPlainYaml(source: string): unknown {
  if (_OUTSIDE.test(source)) return undefined;
  const lines: _Line[] = [];
  for (const raw of source.split("\n")) {
    const text = raw.trimStart();
    if (text === "" || text.startsWith("#")) continue;
    if (raw !== raw.trimEnd() && raw.trimEnd().endsWith(":")) return undefined;
    lines.push({ indent: raw.length - text.length, text: text.trimEnd() });
  }
  if (lines.length === 0) return undefined; // an empty block: null, as the library says
  const first = lines[0] as _Line;
  if (first.indent !== 0 || /^(?:---|\.\.\.)(?: |$)/.test(first.text)) return undefined;
  try {
    const at = { i: 0 };
    const value = _node(lines, at, 0, 0);
    return at.i === lines.length ? value : undefined;
  } catch (err) {
    if (err instanceof _Outside) return undefined;
    throw err;
  }
}

/** The node whose first line is lines[at.i], at `indent`, `depth` collections deep. */
function _node(lines: _Line[], at: { i: number }, indent: number, depth: number): unknown {
  const line = lines[at.i] as _Line;
  if (line.indent !== indent || depth > _MAX_DEPTH) throw new _Outside();
  return line.text === "-" || line.text.startsWith("- ")
    ? _seq(lines, at, indent, depth)
    : _map(lines, at, indent, depth);
}

/** A block sequence at `indent`: items of scalars, or of maps whose first key is on the dash's line. */
function _seq(lines: _Line[], at: { i: number }, indent: number, depth: number): unknown[] {
  const items: unknown[] = [];
  while (at.i < lines.length) {
    const line = lines[at.i] as _Line;
    if (line.indent < indent) break;
    if (line.indent !== indent || !line.text.startsWith("- ")) throw new _Outside();
    const rest = line.text.slice(2);
    if (rest.trimStart() !== rest) throw new _Outside();
    if (_KEY.test(rest.split(":")[0] as string) && /^[^:]*:(?: |$)/.test(rest)) {
      // A map item: its first key stands after the dash, the others below it, two columns in.
      lines[at.i] = { indent: indent + 2, text: rest };
      items.push(_map(lines, at, indent + 2, depth + 1));
    } else {
      items.push(_scalar(rest));
      at.i++;
    }
  }
  return items;
}

/** A block map at `indent`. */
function _map(lines: _Line[], at: { i: number }, indent: number, depth: number): Record<string, unknown> {
  if (depth > _MAX_DEPTH) throw new _Outside();
  const map: Record<string, unknown> = {};
  while (at.i < lines.length) {
    const line = lines[at.i] as _Line;
    if (line.indent < indent) break;
    if (line.indent !== indent) throw new _Outside();
    const colon = line.text.indexOf(":");
    const key = line.text.slice(0, colon);
    if (colon < 0 || !_KEY.test(key) || _NULL.test(key) || _BOOL.test(key) || Object.hasOwn(map, key)) {
      throw new _Outside();
    }
    const rest = line.text.slice(colon + 1);
    at.i++;
    if (rest !== "") {
      if (!rest.startsWith(" ")) throw new _Outside();
      map[key] = _scalar(rest.slice(1).trimStart());
      continue;
    }
    const next = lines[at.i];
    if (next && next.indent > indent) map[key] = _node(lines, at, next.indent, depth + 1);
    else if (next && next.indent === indent && next.text.startsWith("- ")) {
      map[key] = _seq(lines, at, indent, depth + 1);
    } else map[key] = null;
  }
  return map;
}

/**
 * `data` (a map) as the YAML library writes it (`lineWidth: 0`), when all of
 * it is inside the subset; undefined otherwise (then write it with the
 * library). What it returns reads back as `data` (checked here).
 */
export function writePlainYaml(data: Record<string, unknown>): string | undefined {
  const out: string[] = [];
  try {
    _writeMap(data, 0, out);
  } catch (err) {
    if (err instanceof _Outside) return undefined;
    throw err;
  }
  const text = out.length === 0 ? "{}\n" : `${out.join("\n")}\n`;
  return _same(readPlainYaml(text), data) ? text : undefined;
}

function _writeMap(map: Record<string, unknown>, indent: number, out: string[], firstPrefix?: string): void {
  if (Object.getPrototypeOf(map) !== Object.prototype) throw new _Outside();
  let first = true;
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue; // the library leaves such a pair out
    if (!_KEY.test(key) || _NULL.test(key) || _BOOL.test(key)) throw new _Outside();
    const lead = first && firstPrefix !== undefined ? firstPrefix : " ".repeat(indent);
    first = false;
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(`${lead}${key}: []`);
      else {
        out.push(`${lead}${key}:`);
        _writeSeq(value, indent + 2, out);
      }
    } else if (value !== null && typeof value === "object") {
      if (Object.getPrototypeOf(value) !== Object.prototype) throw new _Outside();
      if (Object.keys(value).length === 0) out.push(`${lead}${key}: {}`);
      else {
        out.push(`${lead}${key}:`);
        _writeMap(value as Record<string, unknown>, indent + 2, out);
      }
    } else {
      out.push(`${lead}${key}: ${_plain(value)}`);
    }
  }
  if (first && firstPrefix !== undefined) throw new _Outside(); // an empty map in a list: written `- {}`
}

function _writeSeq(items: unknown[], indent: number, out: string[]): void {
  const dash = `${" ".repeat(indent)}- `;
  for (const item of items) {
    if (Array.isArray(item)) throw new _Outside();
    if (item !== null && typeof item === "object") _writeMap(item as Record<string, unknown>, indent + 2, out, dash);
    else out.push(`${dash}${_plain(item)}`);
  }
}

/** A scalar as a plain scalar that reads back as itself, or _Outside. */
function _plain(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0 && _INT.test(String(value))) return String(value);
    throw new _Outside();
  }
  if (typeof value !== "string") throw new _Outside();
  if (value === value.trim() && _plainReads(value)) return value;
  // As the library quotes a string that plain text would misread: in double quotes, when nothing in it
  // needs an escape (a reply such as `250 2.0.0 Ok: queued as …`).
  const quoted = `"${value}"`;
  if (_QUOTED.test(quoted) && !_OUTSIDE.test(value) && !value.includes("\n")) return quoted;
  throw new _Outside();
}

/** Whether `value` written plain reads back as itself. */
function _plainReads(value: string): boolean {
  try {
    return !_QUOTED.test(value) && _scalar(value) === value;
  } catch (err) {
    if (err instanceof _Outside) return false;
    throw err;
  }
}

/** Deep equality of plain data (what the reader returns against what was written). */
function _same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => _same(v, b[i]));
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object" || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length &&
    ka.every((k) => _same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
