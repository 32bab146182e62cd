/**
 * Reading part of an append-only log (send-log.md) without paying for all
 * of it. The log gains an entry per send, canary and verify, forever; a
 * scale send needs only the last hours of it, `verify` one entry. So the
 * entries are found by a text scan — the fences (markdown-fences.ts) and the
 * heading smtpilot writes above each block (`## 2026-12-07 14:27:30Z ·
 * canary · work`), no YAML — and only the blocks a caller picks are parsed,
 * checked for secret values (in the block and the prose of its section) and
 * handed back, with the same errors as the full read (memory-files.ts).
 * A block whose heading is not smtpilot's (a person edited it) has no time
 * or kind here: the caller parses it rather than guessing.
 */
import { scanFences } from "./markdown-fences.ts";
import { isTornBlock, lineOf, type MarkdownFile, parseBlock, type YamlBlock } from "./markdown-blocks.ts";
import type { BlockPlace } from "./markdown-fences.ts";
import { MemorySecretError } from "./memory-error.ts";
import { findSecretsInProse, findSecretValues } from "./secret-values.ts";

/**
 * How far before the cutoff a windowed read still parses: a heading keeps
 * the entry's time to the second (the `at` in the block has milliseconds),
 * and a minute more costs a few entries at most.
 */
export const LOG_WINDOW_MARGIN_MS = 60_000;

/** One tagged block of a log, found by the text scan, and what its heading says. */
export interface LogEntryPlace extends BlockPlace {
  /** Where the entry's section starts: just past the tagged block before it (0 for the first). */
  sectionStart: number;
  /** The heading's time (ms since the epoch, to the second); undefined when the heading is not smtpilot's. */
  headingTime?: number;
  /** The kind the heading names (`canary`, `verify`…); undefined when the heading is not smtpilot's. */
  headingKind?: string;
  /** An entry a write left torn (closed with TORN_MARK): never parsed, as in the full read. */
  torn: boolean;
}

/** The entries of a log text in file order, and where the text after the last one starts. */
export interface LogIndex {
  text: string;
  entries: LogEntryPlace[];
  tailStart: number;
}

// What appendSendLog writes: `## YYYY-MM-DD HH:MM:SSZ · kind` and optionally ` · profile` (`·` escaped in
// the pattern: the single binary's CLI asset stays ASCII, see scripts/build/sea-bundle.mjs).
const _HEADING = /^## (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})Z \u00b7 ([a-z0-9][a-z0-9-]*)(?: \u00b7 .*)?$/;

/** Finds the entries of `text` by its fences and headings; parses no YAML. */
export function indexLog(text: string): LogIndex {
  const entries: LogEntryPlace[] = [];
  let sectionStart = 0;
  scanFences(text, (open, end, outerEnd) => {
    const place: BlockPlace = {
      tag: open.tag,
      fenceLine: open.line,
      start: open.start,
      end,
      outerStart: open.outerStart,
      outerEnd,
    };
    entries.push({
      ...place,
      sectionStart,
      ..._heading(text, sectionStart, open.outerStart),
      torn: isTornBlock(text, place),
    });
    sectionStart = outerEnd;
  });
  return { text, entries, tailStart: sectionStart };
}

/** The time and kind of the last level-2 heading between `from` and `to`, when it is one smtpilot writes. */
function _heading(text: string, from: number, to: number): { headingTime?: number; headingKind?: string } {
  // Within the section only: a section without a heading must not send the search back through the file.
  const section = text.slice(from, to);
  const before = section.lastIndexOf("\n## ");
  const at = before !== -1 ? before + 1 : section.startsWith("## ") ? 0 : -1;
  if (at === -1) return {};
  const eol = section.indexOf("\n", at);
  const m = _HEADING.exec(section.slice(at, eol === -1 ? section.length : eol).replace(/\r$/, ""));
  const time = m ? Date.parse(`${m[1]}T${m[2]}Z`) : NaN;
  return Number.isNaN(time) ? {} : { headingTime: time, headingKind: m?.[3] as string };
}

/**
 * Parses the picked entries (never a torn one) and refuses a secret value in
 * them or in their sections' prose — and in the prose after the last entry,
 * where a torn write's text would be — as the full read does
 * (MemoryError / MemorySecretError naming the file and line). Returns them
 * as a MarkdownFile whose blocks are just those, in file order.
 */
export function parseEntries(name: string, index: LogIndex, picked: readonly LogEntryPlace[]): MarkdownFile {
  const { text } = index;
  const blocks: YamlBlock[] = [];
  const file: MarkdownFile = { name, text, blocks, torn: [] };
  for (const place of picked) {
    const sectionLine = place.fenceLine - _newlines(text, place.sectionStart, place.outerStart);
    // A torn entry's text is prose to the full read too (it is no block there).
    _refuseProse(name, text, place.sectionStart, place.torn ? place.outerEnd : place.outerStart, sectionLine);
    if (place.torn) continue;
    const block = parseBlock(name, text, place);
    const found = findSecretValues(block.data)[0];
    if (found) throw new MemorySecretError(name, lineOf(block, found.path), found.field, found.what);
    blocks.push(block);
  }
  const last = index.entries.at(-1);
  const tailLine = last ? last.fenceLine + _newlines(text, last.outerStart, last.outerEnd) : 1;
  _refuseProse(name, text, index.tailStart, text.length, tailLine);
  return file;
}

/** Refuses a secret in the prose between `from` and `to`; `from` starts the 1-based line `fromLine`. */
function _refuseProse(name: string, text: string, from: number, to: number, fromLine: number): void {
  const found = findSecretsInProse(text.slice(from, to), [])[0];
  if (found) throw new MemorySecretError(name, fromLine + found.line - 1, undefined, found.what);
}

function _newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
