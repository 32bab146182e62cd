/**
 * The small Markdown vocabulary the generated docs are written in: table
 * cells that cannot break their row, tables, and GitHub's heading anchors.
 * Text comes from the specs and the code catalogues, where `|` separates
 * choices (`auto|starttls`) and `<host>` names a value: both must reach the
 * page as written, not as a column break or an HTML tag.
 */

/**
 * One table cell: `|` escaped everywhere (GitHub splits rows on it even
 * inside a code span), `<` outside code spans written as an entity so
 * `<domain>` is not read as HTML, and line breaks folded into spaces.
 */
export function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, " ")
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;")))
    .join("`")
    .replace(/\|/g, "\\|");
}

/** Text outside a table: `<` outside code spans written as an entity, line breaks kept. */
export function prose(text: string): string {
  return text
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;")))
    .join("`");
}

/** A code span for any text (a longer fence when the text holds backticks). */
export function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A Markdown table; each row's cells are already rendered with cell(). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation but `-` and
 * `_` dropped, spaces as `-` — so `` `smtpilot profile add` `` is
 * `#smtpilot-profile-add`.
 */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}
