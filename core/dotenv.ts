/**
 * Reading a dotenv file the way the application that shares it does. The
 * format followed is the `dotenv` npm package's (16.x to 18.x, the loader
 * most Node applications use; Node's own `util.parseEnv` keeps a leading BOM
 * in the first key and cuts `"a\"b"` short), so a `dotenv:FILE#KEY`
 * reference gives the very value the application gets:
 *
 * - `KEY=value`, `KEY = value`, `KEY: value`, `export KEY=value`; keys are
 *   `[A-Za-z0-9_.-]+`; blank lines and `#` comments are skipped; a later
 *   key wins; a leading byte-order mark is ignored; CRLF and CR end lines.
 * - A bare value ends at the line end or the first `#`, and is trimmed.
 * - A value in `'…'`, `"…"` or `` `…` `` may span lines; it ends at the
 *   quote after which the line holds only blanks or a comment (a quote after
 *   a backslash does not end it unless nothing later can). Inside double
 *   quotes `\n` and `\r` become a line feed and a carriage return; every
 *   other backslash is kept as it is (`\t` is a backslash and a `t`, `\\` two
 *   backslashes) — exactly as the package reads them.
 *
 * Where the package would silently skip a line or guess (a line that is
 * not `KEY=value`, a quote never closed, text after a closing quote), this
 * parser stops with the line number instead: a wrong secret read without a
 * word is worse than an error. The error never holds the line's text.
 */

/** Thrown for a malformed dotenv file: `line` is 1-based; the message never quotes the file. */
export class DotenvSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
    this.line = line;
  }
}

const _KEY_CHAR = /^[A-Za-z0-9_.-]$/;

/** Blanks inside a line (JavaScript `\s` but the line ends). */
function _blank(c: string | undefined): boolean {
  return c !== undefined && c !== "\n" && c !== "\u2028" && c !== "\u2029" && /^\s$/.test(c);
}

function _lineEnd(c: string | undefined): boolean {
  return c === undefined || c === "\n" || c === "\u2028" || c === "\u2029";
}

/** Parses dotenv text into its keys and values (see the module comment); throws DotenvSyntaxError. */
export function parseDotenv(source: string): Map<string, string> {
  return new Map([...parseDotenvEntries(source)].map(([key, entry]) => [key, entry.value]));
}

/** One key of a dotenv file: its value and the 1-based line where the key is written (the last one wins). */
export interface DotenvEntry {
  value: string;
  line: number;
}

/**
 * Parses dotenv text like parseDotenv and also says on which line each key
 * was written, so a caller can point a person at the line without quoting it.
 */
export function parseDotenvEntries(source: string): Map<string, DotenvEntry> {
  const text = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const out = new Map<string, DotenvEntry>();
  let line = 1;
  let at = 0;
  /** Moves to the start of the next line. */
  const nextLine = () => {
    const nl = text.indexOf("\n", at);
    at = nl === -1 ? text.length : nl + 1;
    line++;
  };
  while (at < text.length) {
    while (_blank(text[at])) at++;
    if (_lineEnd(text[at]) || text[at] === "#") {
      nextLine();
      continue;
    }
    if (text.startsWith("export", at) && _blank(text[at + 6])) {
      let k = at + 6;
      while (_blank(text[k])) k++;
      if (_KEY_CHAR.test(text[k] ?? "")) at = k;
    }
    const keyStart = at;
    while (_KEY_CHAR.test(text[at] ?? "")) at++;
    const key = text.slice(keyStart, at);
    let sep = at;
    while (_blank(text[sep])) sep++;
    if (key !== "" && text[sep] === "=") at = sep + 1;
    else if (key !== "" && text[at] === ":" && _blank(text[at + 1])) at += 2;
    else throw new DotenvSyntaxError(line, "is not KEY=value (nor a comment)");
    let v = at;
    while (_blank(text[v])) v++;
    const quote = text[v];
    if (quote === "'" || quote === '"' || quote === "`") {
      const close = _closingQuote(text, v, quote);
      if (close === undefined) {
        throw new DotenvSyntaxError(
          line,
          `the ${quote} that opens the value of ${key} is never closed, or text follows its closing ${quote}`,
        );
      }
      let value = text.slice(v + 1, close.at);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
      out.delete(key);
      out.set(key, { value, line });
      for (let i = text.indexOf("\n", v); i !== -1 && i < close.rest; i = text.indexOf("\n", i + 1)) line++;
      at = close.rest;
      nextLine();
      continue;
    }
    let end = text.indexOf("\n", at);
    if (end === -1) end = text.length;
    const hash = text.indexOf("#", at);
    out.delete(key);
    out.set(key, { value: text.slice(at, hash !== -1 && hash < end ? hash : end).trim(), line });
    at = end;
    if (at < text.length) {
      at++;
      line++;
    }
  }
  return out;
}

/**
 * The closing quote of a quoted value opened at `open`: the first quote not
 * after a backslash, or failing that an earlier one after a backslash, such
 * that the rest of its line is blank or a comment. `rest` is where that
 * blank run ends (a line end or `#`).
 */
function _closingQuote(text: string, open: number, quote: string): { at: number; rest: number } | undefined {
  let found: { at: number; rest: number } | undefined;
  for (let q = text.indexOf(quote, open + 1); q !== -1; q = text.indexOf(quote, q + 1)) {
    let rest = q + 1;
    while (_blank(text[rest])) rest++;
    if (_lineEnd(text[rest]) || text[rest] === "#") found = { at: q, rest };
    if (text[q - 1] !== "\\") break;
  }
  return found;
}
