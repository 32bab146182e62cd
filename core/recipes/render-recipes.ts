/**
 * Recipes as text for a terminal and as Markdown for a ticket. Both show the
 * same commands, line for line, as the JSON document's `line` fields.
 */
import { sanitize } from "../printable.ts";
import type { RecipesDocument } from "./recipes.ts";

/** Plain text: a header, then per layer its question, each command after `$ ` and what it shows. */
export function recipesText(doc: RecipesDocument): string {
  const out = [_heading(doc), ..._env(doc).map((l) => `  ${l}`), ""];
  for (const layer of doc.layers) {
    out.push(`${layer.layer}: ${layer.title}`);
    for (const c of layer.commands) out.push(`  $ ${c.line}`, `    ${c.purpose}`);
    for (const note of layer.notes) out.push(`  note: ${note}`);
    out.push("");
  }
  return `${out.map(sanitize).join("\n").trimEnd()}\n`;
}

/** Markdown for a ticket: one section per layer, commands in `sh` blocks. */
export function recipesMarkdown(doc: RecipesDocument): string {
  const out = [`## ${_heading(doc)}`, "", ..._env(doc).map((l) => `- ${l}`), ""];
  for (const layer of doc.layers) {
    out.push(`### ${layer.layer}: ${layer.title}`, "");
    for (const c of layer.commands) out.push(`${c.purpose}:`, "", "```sh", c.line, "```", "");
    for (const note of layer.notes) out.push(`> ${note}`, "");
  }
  return `${out.map(sanitize).join("\n").trimEnd()}\n`;
}

function _heading(doc: RecipesDocument): string {
  const { host, port, tls } = doc.target;
  return `Check ${host}:${port} (${tls === "none" ? "no TLS" : `TLS ${tls}`}) by hand, layer by layer`;
}

function _env(doc: RecipesDocument): string[] {
  if (doc.env.length === 0) return ["No command here needs a secret."];
  return doc.env.map((e) =>
    `Set ${e.name} from ${e.from} before the auth commands; no command holds the secret itself.`
  );
}
