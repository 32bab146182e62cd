/**
 * The memory files are Markdown a person reads and edits; what smtpilot
 * reads are the fenced YAML blocks tagged for it (```` ```yaml smtpilot:profile ````).
 * This module finds those blocks with their line numbers, parses them with a
 * real YAML parser, and edits a file in place: replacing one block's YAML
 * (comments on untouched keys survive), appending a section, removing one —
 * every other byte the person wrote stays as it was.
 */
import { CST, Document, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument } from "yaml";
import { MemoryError } from "./memory-error.ts";
import { type BlockPlace, scanFences } from "./markdown-fences.ts";
import { readPlainYaml, writePlainYaml } from "./yaml-subset.ts";

/** One machine-read block of a memory file: where it is (BlockPlace) and what it holds. */
export interface YamlBlock extends BlockPlace {
  /** The parsed document (for line lookups and comment-keeping edits). */
  doc: Document;
  /** Line lookup inside the block text. */
  lines: LineCounter;
  /** The block's data as plain JavaScript. */
  data: unknown;
}

/** A parsed memory file: its text and its tagged blocks in order. */
export interface MarkdownFile {
  /** File name for messages (`provider-profiles.md`). */
  name: string;
  text: string;
  blocks: YamlBlock[];
  /**
   * Opening-fence lines of entries a write left incomplete (disk full, a
   * crash): skipped, so the rest of an append-only file stays readable.
   * Always empty for a file read strictly.
   */
  torn: number[];
}

/**
 * The line that closes a torn entry before the next one is appended: a YAML
 * comment, so the block still reads as YAML to a person, and the mark by
 * which a reader knows to skip it.
 */
export const TORN_MARK = "# smtpilot: torn entry (a write was cut short: disk full or crash); ignored";

/** A block longer than this is no profile, note or log entry (a few KiB each): refused before parsing. */
export const MAX_BLOCK_CHARS = 1024 * 1024;
/**
 * Aliases (`*name`) allowed in one block. Counted by the lexer, which stops
 * at the first one over: a file of alias fan-out (billion laughs) is refused
 * before the parser builds a node for each (it took 41 s and 400 MB); the
 * expansion of the few allowed is bounded by `maxAliasCount` when the data is read.
 */
export const MAX_BLOCK_ALIASES = 100;

/**
 * Parses `text`; every block tagged `smtpilot:*` must be valid YAML. Throws
 * MemoryError naming the file and line (never quoting the line: it may hold
 * a secret someone pasted). With `appendOnly` (the send log, the notes),
 * an entry a write left incomplete — a block still open at the end, or one
 * closed with TORN_MARK — is skipped and listed in `torn` instead.
 */
export function parseMarkdownFile(name: string, text: string, options: { appendOnly?: boolean } = {}): MarkdownFile {
  const blocks: YamlBlock[] = [];
  const torn: number[] = [];
  const open = scanFences(text, (o, end, outerEnd) => {
    if (options.appendOnly && isTornBlock(text, { start: o.start, end })) return void torn.push(o.line);
    blocks.push(
      _block(name, text, { tag: o.tag, fenceLine: o.line, outerStart: o.outerStart, start: o.start, end, outerEnd }),
    );
  });
  if (open?.tag && options.appendOnly) torn.push(open.line);
  else if (open?.tag) {
    throw new MemoryError(
      name,
      open.line,
      undefined,
      `the ${open.tag} block opened here is never closed (add a line with ${open.char.repeat(open.len)})`,
    );
  }
  return { name, text, blocks, torn };
}

function _endsWithMark(body: string): boolean {
  return body.trimEnd().split("\n").at(-1)?.trim() === TORN_MARK;
}

/** Whether a closed block of an append-only file is an entry a write left torn (closed with TORN_MARK). */
export function isTornBlock(text: string, place: Pick<BlockPlace, "start" | "end">): boolean {
  // Only the last line is looked at, without copying the block (a send log has thousands).
  let end = place.end;
  while (end > place.start && /\s/.test(text[end - 1] as string)) end--;
  const from = Math.max(place.start, text.lastIndexOf("\n", end - 1) + 1);
  return text.slice(from, end).trim() === TORN_MARK;
}

/** Parses one block found by scanFences (same checks and errors as parseMarkdownFile): for a reader that parses only some. */
export function parseBlock(name: string, text: string, place: BlockPlace): YamlBlock {
  return _block(name, text, place);
}

/**
 * What to write before appending a section to an append-only file so the
 * new section starts on its own line and outside any block: a newline when
 * the text does not end with one and, when a torn write left a fence open,
 * TORN_MARK (for a tagged block) and the fence that closes it.
 */
export function sealTornTail(text: string): string {
  const newline = text === "" || text.endsWith("\n") ? "" : "\n";
  const open = scanFences(text, () => {});
  if (!open) return newline;
  return `${newline}${open.tag ? `${TORN_MARK}\n` : ""}${open.char.repeat(open.len)}\n`;
}

function _block(name: string, text: string, found: BlockPlace): YamlBlock {
  // The place alone (a caller's object may carry more).
  const { tag, fenceLine, outerStart, start, end, outerEnd } = found;
  const place = { tag, fenceLine, outerStart, start, end, outerEnd };
  const source = text.slice(place.start, place.end);
  if (source.length <= MAX_BLOCK_CHARS) {
    // The plain YAML smtpilot writes is read without the library (yaml-subset.ts): no alias can be in
    // it. The parsed document and its line counter are made from the library only if they are asked
    // for (a line to point an error at, an edit that keeps comments).
    const data = readPlainYaml(source);
    if (data !== undefined) return _lazyBlock(name, text, place, data);
  }
  return _libraryBlock(name, text, place);
}

/** A block read by the YAML library (anything outside the subset, and whatever is wrong with it). */
function _libraryBlock(name: string, text: string, place: BlockPlace): YamlBlock {
  const { tag, fenceLine, start, end } = place;
  const source = text.slice(start, end);
  _refuseExpensive(name, tag, fenceLine, source);
  const lines = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    schema: "core",
    merge: false,
  });
  const err = doc.errors[0];
  if (err) {
    // An error found at the very end (an unclosed quote) is shown on the block's last line, not the fence.
    const lastLine = Math.max(1, text.slice(start, end).replace(/\n$/, "").split("\n").length);
    const line = fenceLine + Math.min(lines.linePos(err.pos[0]).line, lastLine);
    // The parser's own message may quote the source; keep only its first sentence.
    const why = err.message.split(/ at line \d+|\n/)[0] ?? err.code;
    throw new MemoryError(name, line, undefined, `the YAML does not parse (${err.code}: ${why})`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    throw new MemoryError(
      name,
      fenceLine + 1,
      undefined,
      `the YAML does not parse (${(e as Error).message.split("\n")[0]})`,
    );
  }
  return { ...place, doc, lines, data };
}

/** A block read by the subset: `doc` and `lines` are the library's, made on first use. */
function _lazyBlock(name: string, text: string, place: BlockPlace, data: unknown): YamlBlock {
  let parsed: YamlBlock | undefined;
  const full = () => parsed ??= _libraryBlock(name, text, place);
  return {
    ...place,
    data,
    get doc() {
      return full().doc;
    },
    get lines() {
      return full().lines;
    },
  };
}

/** Refuses a block too long, or with too many aliases, to be parsed in bounded time and memory. */
function _refuseExpensive(name: string, tag: string, fenceLine: number, source: string): void {
  if (source.length > MAX_BLOCK_CHARS) {
    throw new MemoryError(
      name,
      fenceLine,
      undefined,
      `the ${tag} block is ${source.length} characters, more than the ${MAX_BLOCK_CHARS} read: split or trim it`,
    );
  }
  // An alias is written `*name`: a block without a `*` has none, and is not lexed twice to count them.
  if (!source.includes("*")) return;
  let aliases = 0;
  for (const token of new Lexer().lex(source)) {
    if (CST.tokenType(token) === "alias" && ++aliases > MAX_BLOCK_ALIASES) {
      throw new MemoryError(
        name,
        fenceLine,
        undefined,
        `the ${tag} block has more than ${MAX_BLOCK_ALIASES} aliases (*name): refused unread, ` +
          "as alias fan-out can exhaust memory; write the values out",
      );
    }
  }
}

/**
 * The 1-based file line of the field at `path` in a block: the line of its
 * key (of the item, in a list), or of its nearest existing parent's key.
 */
export function lineOf(block: YamlBlock, path: readonly (string | number)[]): number {
  let node: unknown = block.doc.contents;
  let at = _startLine(block, node) ?? block.fenceLine + 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      at = _startLine(block, pair.key) ?? at;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number" && node.items[key] !== undefined) {
      node = node.items[key];
      at = _startLine(block, node) ?? at;
    } else {
      break;
    }
  }
  return at;
}

function _startLine(block: YamlBlock, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? block.fenceLine + block.lines.linePos(range[0]).line : undefined;
}

/**
 * The YAML text for `data`, reusing the block's document so that comments on
 * keys whose values did not change are kept.
 */
export function yamlFor(data: Record<string, unknown>, block?: YamlBlock): string {
  // A new block (a send-log entry, a profile) in the plain subset is written without the library.
  if (!block) return writePlainYaml(data) ?? new Document(data).toString({ lineWidth: 0 });
  if (!isMap(block.doc.contents)) return new Document(data).toString({ lineWidth: 0 });
  const doc = block.doc.clone();
  const old = (block.data ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(old)) if (!(key in data)) doc.delete(key);
  for (const [key, value] of Object.entries(data)) {
    if (JSON.stringify(old[key]) !== JSON.stringify(value)) doc.set(key, doc.createNode(value));
  }
  return doc.toString({ lineWidth: 0 });
}

/** The file text with one block's YAML replaced (fences and everything around untouched). */
export function replaceBlock(file: MarkdownFile, block: YamlBlock, yamlText: string): string {
  const body = yamlText.endsWith("\n") ? yamlText : `${yamlText}\n`;
  return file.text.slice(0, block.start) + body + file.text.slice(block.end);
}

/** A new section: a level-2 heading, optional prose, and a tagged block. */
export function section(heading: string, tag: string, yamlText: string, prose = ""): string {
  const body = yamlText.endsWith("\n") ? yamlText : `${yamlText}\n`;
  return `## ${heading}\n\n${prose ? `${prose}\n\n` : ""}\`\`\`yaml ${tag}\n${body}\`\`\`\n`;
}

/** The file text with `addition` appended after one blank line. */
export function appendSection(text: string, addition: string): string {
  const trimmed = text.replace(/\n*$/, "");
  return `${trimmed}${trimmed ? "\n\n" : ""}${addition}`;
}

/**
 * The file text without the section holding `block`: from the level-2
 * heading just above it (when nothing but prose lies between) to the next
 * level-1/2 heading or the end — the person's notes on that section go too.
 * Without such a heading only the block itself is removed.
 */
export function removeSection(file: MarkdownFile, block: YamlBlock): string {
  const { text } = file;
  const before = text.slice(0, block.outerStart);
  const prevBlockEnd = Math.max(0, ...file.blocks.filter((b) => b.outerEnd <= block.outerStart).map((b) => b.outerEnd));
  const headings = [...before.matchAll(/^##? .*$/gm)].filter((m) => (m.index ?? 0) >= prevBlockEnd);
  const heading = headings.at(-1);
  if (!heading || heading[0].startsWith("# ")) return text.slice(0, block.outerStart) + text.slice(block.outerEnd);
  const after = text.slice(block.outerEnd);
  const nextHeading = /^##? /m.exec(after);
  const stop = nextHeading ? block.outerEnd + nextHeading.index : text.length;
  const left = text.slice(0, heading.index ?? block.outerStart);
  const right = text.slice(stop);
  // Only the junction's blank lines are tidied; the rest of the file keeps its bytes.
  return left === "" ? right : `${left.replace(/\n*$/, right === "" ? "\n" : "\n\n")}${right}`;
}
