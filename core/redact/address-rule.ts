/**
 * Email addresses for `--mask-addresses`: a dot-atom local part, `@`, and a
 * domain of labels ending in a TLD of letters (or an IP literal). Found from
 * each `@` outwards with loops: the local-part runs between two `@` and the
 * domain runs after them are each walked about once.
 */
import { isAlnum, isAtext, isLetter, runEnd, runStart } from "./chars.ts";
import type { Mask } from "./mask.ts";
import type { Work } from "./work.ts";

/** Adds a mask (with the address and its domain) for every address in `text`. */
export function addressMasks(text: string, work: Work, out: Mask[]): void {
  let lastEnd = 0;
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    work.steps++;
    const start = runStart(text, at, (c) => isAtext(c) || c === 46, work);
    // An address cannot start where the previous one ended (or inside it), nor on a dot, nor end on one.
    if (start === at || start < lastEnd || !_dotAtom(text, start, at, work)) continue;
    const end = _domainEnd(text, at + 1, work);
    if (end === -1) continue;
    out.push({
      start,
      end,
      kind: "address",
      address: { key: text.slice(start, end).toLowerCase(), domain: text.slice(at + 1, end) },
    });
    lastEnd = end;
  }
}

/** `atext+ ("." atext+)*`: no dot at either end, no two dots together. */
function _dotAtom(text: string, start: number, end: number, work: Work): boolean {
  work.steps += end - start;
  if (text.charCodeAt(start) === 46 || text.charCodeAt(end - 1) === 46) return false;
  return !text.slice(start, end).includes("..");
}

/**
 * The end of the domain after an `@`, or -1: `[IPv6 or IPv4]`, or the most
 * labels (`x.`, `x-y.`) after which at least two letters follow, as a
 * backtracking pattern would choose.
 */
function _domainEnd(text: string, from: number, work: Work): number {
  if (text[from] === "[") {
    const close = runEnd(text, from + 1, (c) => _isHex(c) || c === 58 || c === 46, work);
    return close > from + 1 && text[close] === "]" ? close + 1 : -1;
  }
  const labelEnds: number[] = [];
  let i = from;
  while (isAlnum(text.charCodeAt(i))) {
    const end = runEnd(text, i, (c) => isAlnum(c) || c === 45, work);
    if (text.charCodeAt(end) !== 46 || !isAlnum(text.charCodeAt(end - 1))) break;
    labelEnds.push(end + 1);
    i = end + 1;
  }
  for (let k = labelEnds.length - 1; k >= 0; k--) {
    const tld = labelEnds[k] as number;
    const end = runEnd(text, tld, isLetter, work);
    if (end - tld >= 2) return end;
  }
  return -1;
}

function _isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
