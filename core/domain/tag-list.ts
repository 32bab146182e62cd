/**
 * The `tag=value; tag=value` lists DKIM (RFC 6376 §3.2), DMARC, MTA-STS,
 * TLS-RPT and BIMI records are written in: tags in order, whitespace around
 * tags and values ignored, duplicates and malformed pieces reported rather
 * than guessed at.
 */

/** A parsed tag list: tags in order (first value wins), and what was wrong with it. */
export interface TagList {
  tags: Map<string, string>;
  order: string[];
  problems: string[];
}

/** Parses `text`; tag names are compared in lower case. */
export function parseTagList(text: string): TagList {
  const tags = new Map<string, string>();
  const order: string[] = [];
  const problems: string[] = [];
  for (const piece of text.split(";")) {
    if (piece.trim() === "") continue;
    const eq = piece.indexOf("=");
    if (eq === -1) {
      problems.push(`${JSON.stringify(piece.trim())} is not tag=value`);
      continue;
    }
    const name = piece.slice(0, eq).trim().toLowerCase();
    const value = piece.slice(eq + 1).trim();
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      problems.push(`${JSON.stringify(name)} is not a tag name`);
      continue;
    }
    if (tags.has(name)) {
      problems.push(`tag ${name}= appears twice`);
      continue;
    }
    tags.set(name, value);
    order.push(name);
  }
  return { tags, order, problems };
}
