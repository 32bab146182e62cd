/**
 * Where the machine-read blocks of a memory file are: the fenced blocks whose
 * info string is `yaml smtpilot:<kind>`, found by their fences alone
 * (CommonMark's rules: the same fence character, at least as long, nothing
 * after the closing one), with their line and offsets. No YAML is parsed
 * here, so a command that only needs to know where a block is, or glance at
 * it, does not load the YAML parser (markdown-blocks.ts parses them, over
 * the same scan).
 */
import { MemoryError } from "./memory-error.ts";

/** One tagged block's place in the file text. */
export interface BlockPlace {
  /** The tag after `yaml` in the info string, e.g. `smtpilot:profile`. */
  tag: string;
  /** 1-based line of the opening fence. */
  fenceLine: number;
  /** Offsets of the YAML text inside the fences (start inclusive, end exclusive) in the file text. */
  start: number;
  end: number;
  /** Offset of the opening fence's first character and just past the closing fence's line. */
  outerStart: number;
  outerEnd: number;
}

const _FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** A fence opened in the text (still open at its end, when scanFences returns one). */
export interface OpenFence {
  char: string;
  len: number;
  tag?: string;
  line: number;
  outerStart: number;
  start: number;
}

/**
 * Walks the fences of `text` (CommonMark's rules, enough for ours), calling
 * `onBlock` for each closed block tagged `smtpilot:*`; returns the fence left
 * open at the end, if any.
 */
export function scanFences(
  text: string,
  onBlock: (open: OpenFence & { tag: string }, end: number, outerEnd: number) => void,
): OpenFence | undefined {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  let open: OpenFence | undefined;
  for (let n = 0; n < lineStarts.length; n++) {
    const at = lineStarts[n] as number;
    const next = lineStarts[n + 1] ?? text.length;
    if (!_mayFence(text, at)) continue; // most lines: no slice, no regex (a send log has many thousands)
    const line = text.slice(at, next).replace(/\r?\n$/, "");
    const m = _FENCE.exec(line);
    if (!m) continue;
    const fence = m[2] as string;
    const info = (m[3] ?? "").trim();
    if (!open) {
      if (fence[0] === "`" && info.includes("`")) continue; // not a fence (CommonMark)
      const words = info.split(/\s+/);
      const tag = words[0]?.toLowerCase() === "yaml" && words[1]?.startsWith("smtpilot:") ? words[1] : undefined;
      open = {
        char: fence[0] as string,
        len: fence.length,
        ...(tag ? { tag } : {}),
        line: n + 1,
        outerStart: at,
        start: next,
      };
      continue;
    }
    if (fence[0] !== open.char || fence.length < open.len || info !== "") continue;
    if (open.tag) onBlock(open as OpenFence & { tag: string }, at, next);
    open = undefined;
  }
  return open;
}

/** Whether the line at `at` starts, after at most three spaces, with ` or ~ (what _FENCE needs). */
function _mayFence(text: string, at: number): boolean {
  let i = at;
  while (i < at + 3 && text.charCodeAt(i) === 32) i++;
  const c = text.charCodeAt(i);
  return c === 96 || c === 126;
}

/**
 * The tagged blocks of `text`, in order, and — when the last tagged block is
 * never closed — the MemoryError naming the file (`name`) and its line, for
 * the caller to throw once it has dealt with the blocks before it.
 */
export function findTaggedBlocks(name: string, text: string): { blocks: BlockPlace[]; unclosed?: MemoryError } {
  const blocks: BlockPlace[] = [];
  const open = scanFences(text, (o, end, outerEnd) => {
    blocks.push({ tag: o.tag, fenceLine: o.line, start: o.start, end, outerStart: o.outerStart, outerEnd });
  });
  if (!open?.tag) return { blocks };
  return {
    blocks,
    unclosed: new MemoryError(
      name,
      open.line,
      undefined,
      `the ${open.tag} block opened here is never closed (add a line with ${open.char.repeat(open.len)})`,
    ),
  };
}
