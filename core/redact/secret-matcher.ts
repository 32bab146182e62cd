/**
 * Finds every form of the run's secrets in a text in one linear pass: an
 * Aho–Corasick automaton over the forms that are fixed strings (raw, base64,
 * base64url, hex, and the fragments of base64 that a secret leaves inside a
 * larger payload such as AUTH PLAIN), run over the text as it is and over two
 * decoded views of it — URL-decoded (`%xx` in either case, `+` as a space)
 * and JSON-unescaped (`\uXXXX` in either case, `\"`, `\/`…) — so that every
 * encoder's choice of escapes, and any mix of them, is caught without listing
 * each variant. A find in a view is mapped back to the original characters.
 */
import type { Mask } from "./mask.ts";
import type { Work } from "./work.ts";

/** Shorter base64 fragments would match innocent text (the raw secret is always matched, whatever its length). */
const _MIN_FRAGMENT = 4;

/** A fixed string to find; base64 fragments also mask the one character on each side that mixes in a secret bit. */
interface Pattern {
  text: string;
  extL: number;
  extR: number;
}

const _B64 = (c: number) =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 ||
  c === 95;

/** The fixed-string forms of one secret: raw, base64 and base64url (whole and the three fragments), hex. */
export function fixedForms(secret: string): Pattern[] {
  if (secret.length === 0) return [];
  const bytes = Buffer.from(secret, "utf8");
  const out: Pattern[] = [{ text: secret, extL: 0, extR: 0 }];
  const add = (text: string, extL = 0, extR = 0) => {
    if (text.length >= Math.min(_MIN_FRAGMENT, secret.length)) out.push({ text, extL, extR });
  };
  add(bytes.toString("hex"));
  add(bytes.toString("hex").toUpperCase());
  for (const alphabet of ["base64", "base64url"] as const) {
    add(bytes.toString(alphabet));
    for (let align = 0; align < 3; align++) {
      // Base64 of a secret inside a larger payload depends on its byte offset modulo 3: the middle
      // characters carry only the secret's bits; the one on each edge mixes in a neighbour's.
      const padded = Buffer.concat([Buffer.alloc(align), bytes]);
      const b64 = padded.toString(alphabet).replace(/=+$/, "");
      const head = Math.ceil((align * 8) / 6);
      const fullChars = Math.floor((padded.length * 8) / 6);
      const middle = b64.slice(head, fullChars);
      if (middle.length >= _MIN_FRAGMENT) add(middle, align > 0 ? 1 : 0, (padded.length * 8) % 6 === 0 ? 0 : 1);
    }
  }
  return out;
}

/** The characters that open a decoded view (JSON `\\`, URL `%` and `+`): without any, the views are the text. */
const _ESCAPE = /[\\%+]/;

/** An Aho–Corasick automaton over UTF-16 code units. */
class _Automaton {
  readonly #next: Map<number, number>[] = [new Map()];
  readonly #fail: number[] = [0];
  /** Patterns ending at each node, and the nearest node on the fail chain that has some. */
  readonly #outs: number[][] = [[]];
  readonly #dict: number[] = [-1];
  readonly patterns: Pattern[];

  constructor(patterns: Pattern[]) {
    this.patterns = patterns;
    patterns.forEach((p, index) => {
      let node = 0;
      for (let i = 0; i < p.text.length; i++) {
        const c = p.text.charCodeAt(i);
        let to = this.#next[node]?.get(c);
        if (to === undefined) {
          to = this.#next.length;
          this.#next.push(new Map());
          this.#fail.push(0);
          this.#outs.push([]);
          this.#dict.push(-1);
          this.#next[node]?.set(c, to);
        }
        node = to;
      }
      this.#outs[node]?.push(index);
    });
    const queue = [...(this.#next[0]?.values() ?? [])];
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as number;
      for (const [c, child] of this.#next[node] ?? []) {
        let f = this.#fail[node] as number;
        while (f !== 0 && !this.#next[f]?.has(c)) f = this.#fail[f] as number;
        const to = this.#next[f]?.get(c);
        this.#fail[child] = to !== undefined && to !== child ? to : 0;
        const fc = this.#fail[child] as number;
        this.#dict[child] = (this.#outs[fc]?.length ?? 0) > 0 ? fc : (this.#dict[fc] as number);
        queue.push(child);
      }
    }
  }

  /** Calls `found(end, pattern)` for every occurrence; `end` is exclusive. */
  scan(length: number, code: (i: number) => number, work: Work, found: (end: number, p: Pattern) => void): void {
    let node = 0;
    for (let i = 0; i < length; i++) {
      const c = code(i);
      let to = this.#next[node]?.get(c);
      while (to === undefined && node !== 0) {
        node = this.#fail[node] as number;
        to = this.#next[node]?.get(c);
        work.steps++;
      }
      node = to ?? 0;
      work.steps++;
      for (let o = (this.#outs[node]?.length ?? 0) > 0 ? node : (this.#dict[node] as number); o > 0;) {
        for (const p of this.#outs[o] ?? []) found(i + 1, this.patterns[p] as Pattern);
        o = this.#dict[o] as number;
        work.steps++;
      }
    }
  }
}

/** The most characters one find of `patterns` can cover (its text and the edge characters it may take). */
function _longest(patterns: readonly Pattern[]): number {
  return Math.max(0, ...patterns.map((p) => p.text.length + p.extL + p.extR));
}

/** A decoded view of a text: code units and, for each, the original characters it came from. */
interface _View {
  codes: number[];
  from: number[];
  to: number[];
}

/**
 * Finds the run's secrets in every form. `longest` is the most original
 * characters one find can cover (a stream keeps that much overlap).
 */
export class SecretMatcher {
  readonly #patterns: Pattern[];
  /**
   * The automata, built on the first text that needs them (one holding an escape or a form): most
   * matchers only ever see texts that one substring search per form settles, and building them
   * costs more than a probe's whole redaction (a few hundred nodes for one password).
   */
  #stringsBuilt: _Automaton | undefined;
  #bytesBuilt: _Automaton | undefined;
  /** The forms as plain strings (the automaton's patterns): what a text without escapes is checked for first. */
  readonly #texts: string[];
  /** Byte forms (UTF-8 as one char per byte) are needed for the URL view only when a secret is not ASCII. */
  readonly #ascii: boolean;
  readonly #spaces: boolean;
  readonly longest: number;
  readonly empty: boolean;

  constructor(secrets: readonly (string | undefined)[]) {
    const values = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s !== ""))];
    const patterns = values.flatMap(fixedForms);
    this.#patterns = patterns;
    this.empty = patterns.length === 0;
    this.#texts = [...new Set(patterns.map((p) => p.text))];
    this.#ascii = values.every((s) => Buffer.byteLength(s, "utf8") === s.length);
    this.#spaces = values.some((s) => s.includes(" "));
    // A JSON \uXXXX escape turns one code unit into six characters; %xx turns each of up to three bytes into three.
    this.longest = _longest(patterns) * 9;
  }

  get #strings(): _Automaton {
    return (this.#stringsBuilt ??= new _Automaton(this.#patterns));
  }

  /** The automaton for the URL view: the byte forms, or the string forms when every secret is ASCII. */
  get #urlForms(): _Automaton {
    if (this.#ascii) return this.#strings;
    return (this.#bytesBuilt ??= new _Automaton(this.#patterns.map((p) => ({ ...p, text: _latin1Bytes(p.text) }))));
  }

  /** Adds a mask for every find in `text`. */
  find(text: string, work: Work, out: Mask[]): void {
    if (this.empty) return;
    // Most text (a server's every reply in a list send) holds no escape, so no decoded view differs
    // from it, and none of the forms: one native substring search per form then settles it.
    if (!_ESCAPE.test(text) && !this.#texts.some((t) => text.includes(t))) {
      work.steps += text.length * (1 + this.#texts.length); // the escape test and one search per form
      return;
    }
    const raw = (i: number) => text.charCodeAt(i);
    this.#strings.scan(text.length, raw, work, (end, p) => {
      const [s, e] = _extend(end, p, raw, text.length);
      out.push({ start: s, end: e, kind: "secret" });
    });
    work.steps += text.length; // the two indexOf calls below
    if (text.includes("\\")) this.#inView(_jsonView(text, work), this.#strings, work, out);
    if (text.includes("%") || (this.#spaces && text.includes("+"))) {
      this.#inView(_urlView(text, false, work), this.#urlForms, work, out);
      if (this.#spaces && text.includes("+")) {
        this.#inView(_urlView(text, true, work), this.#urlForms, work, out);
      }
    }
  }

  #inView(view: _View, automaton: _Automaton, work: Work, out: Mask[]): void {
    const code = (i: number) => view.codes[i] as number;
    automaton.scan(view.codes.length, code, work, (end, p) => {
      const [s, e] = _extend(end, p, code, view.codes.length);
      out.push({ start: view.from[s] as number, end: view.to[e - 1] as number, kind: "secret" });
    });
  }
}

/** A find `[end - length, end)` widened over the base64 characters on its edges that mix in secret bits. */
function _extend(end: number, p: Pattern, code: (i: number) => number, length: number): [number, number] {
  let s = end - p.text.length;
  let e = end;
  for (let k = 0; k < p.extL && s > 0 && _B64(code(s - 1)); k++) s--;
  for (let k = 0; k < p.extR && e < length && _B64(code(e)); k++) e++;
  return [s, e];
}

function _latin1Bytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

function _hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** The text with `\uXXXX` and the short JSON escapes decoded; anything else kept as it is. */
function _jsonView(text: string, work: Work): _View {
  const view: _View = { codes: [], from: [], to: [] };
  const push = (c: number, from: number, to: number) => {
    view.codes.push(c);
    view.from.push(from);
    view.to.push(to);
  };
  const short: Record<string, number> = { '"': 34, "\\": 92, "/": 47, b: 8, f: 12, n: 10, r: 13, t: 9 };
  for (let i = 0; i < text.length; i++) {
    work.steps++;
    const c = text.charCodeAt(i);
    if (c === 92 && i + 1 < text.length) {
      const e = text[i + 1] as string;
      if (e === "u" && i + 5 < text.length) {
        const h = [2, 3, 4, 5].map((k) => _hex(text.charCodeAt(i + k)));
        if (h.every((d) => d >= 0)) {
          push(
            ((h[0] as number) << 12) | ((h[1] as number) << 8) | ((h[2] as number) << 4) | (h[3] as number),
            i,
            i + 6,
          );
          i += 5;
          continue;
        }
      }
      const s = short[e];
      if (s !== undefined) {
        push(s, i, i + 2);
        i++;
        continue;
      }
    }
    push(c, i, i + 1);
  }
  return view;
}

/**
 * The text URL-decoded into bytes (one code per byte, as the byte forms are
 * written): `%xx` in either case, `+` as a space when asked, and every other
 * character as its UTF-8 bytes.
 */
function _urlView(text: string, plusIsSpace: boolean, work: Work): _View {
  const view: _View = { codes: [], from: [], to: [] };
  const push = (c: number, from: number, to: number) => {
    view.codes.push(c);
    view.from.push(from);
    view.to.push(to);
  };
  for (let i = 0; i < text.length; i++) {
    work.steps++;
    const c = text.charCodeAt(i);
    if (c === 37 && i + 2 < text.length) {
      const hi = _hex(text.charCodeAt(i + 1));
      const lo = _hex(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        push((hi << 4) | lo, i, i + 3);
        i += 2;
        continue;
      }
    }
    if (c === 43 && plusIsSpace) push(32, i, i + 1);
    else if (c < 0x80) push(c, i, i + 1);
    else {
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length;
      const ch = pair ? text.slice(i, i + 2) : text[i] as string;
      const end = i + ch.length;
      for (const b of Buffer.from(ch, "utf8")) push(b, i, end);
      i = end - 1;
    }
  }
  return view;
}
