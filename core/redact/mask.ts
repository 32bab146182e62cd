/**
 * What the redactor's rules report: stretches of the original text to
 * replace, found independently and merged at the end. Finding stretches on
 * the original text (instead of rewriting it rule after rule) means no rule
 * sees another's marker in place of a value, overlapping finds mask their
 * union, and a stream can decide where it is safe to cut a long line.
 */

/** Replacement text for a removed secret or credential. */
export const REDACTION = "<redacted>";

/** The kinds of things masked, for a summary. */
export type MaskKind = "secret" | "auth" | "credential" | "address";

/** One stretch `[start, end)` of the text to replace. */
export interface Mask {
  start: number;
  end: number;
  kind: MaskKind;
  /** For an address: its lower-cased form (numbering key) and the domain that is kept. */
  address?: { key: string; domain: string };
  /**
   * For a value that may go on past the end of the text seen so far (a long
   * line read in windows): the characters that continue it, masked as well.
   */
  cont?: (code: number) => boolean;
}

/** A run of masks merged into one replacement. */
export interface MergedMask {
  start: number;
  end: number;
  /** Every mask merged here, in order. */
  parts: Mask[];
}

/**
 * Merges overlapping or touching masks (an address only merges when it
 * overlaps: two addresses side by side keep their own numbers). Sorts a copy.
 */
export function mergeMasks(masks: readonly Mask[]): MergedMask[] {
  const sorted = [...masks].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: MergedMask[] = [];
  for (const m of sorted) {
    const last = out[out.length - 1];
    const joins = last !== undefined &&
      (m.start < last.end || (m.start === last.end && !m.address && !last.parts.every((p) => p.address)));
    if (last && joins) {
      if (m.end > last.end) last.end = m.end;
      last.parts.push(m);
    } else out.push({ start: m.start, end: m.end, parts: [m] });
  }
  return out;
}

/** The continuation class of the part of `merged` that reaches its end, if any. */
export function continuation(merged: MergedMask): ((code: number) => boolean) | undefined {
  for (let i = merged.parts.length - 1; i >= 0; i--) {
    const p = merged.parts[i] as Mask;
    if (p.end === merged.end && p.cont) return p.cont;
  }
  return undefined;
}

/**
 * `text[from, to)` with each merged mask (sorted, inside that range) replaced
 * by `replace(mask)`; with `joined` the first mask continues one already
 * written before `from`, so it adds nothing.
 */
export function applyMasks(
  text: string,
  from: number,
  to: number,
  merged: readonly MergedMask[],
  replace: (m: MergedMask) => string,
  joined = false,
): string {
  let out = "";
  let at = from;
  merged.forEach((m, i) => {
    out += text.slice(at, m.start);
    if (!(i === 0 && joined)) out += replace(m);
    at = Math.min(m.end, to);
  });
  return out + text.slice(at, to);
}
