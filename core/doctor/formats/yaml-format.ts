/**
 * A YAML settings file (Spring's application.yml, a Rails smtp_settings
 * file) as settings entries: every scalar under nested mappings becomes a
 * dotted key (`spring.mail.port`, `production.smtp_settings.address`) with
 * the line of its key. `${NAME}` (Spring) and ERB's `<%= ENV["NAME"] %>`
 * (Rails) are environment reads. Aliases are never expanded (an alias is an
 * expression not read), so an alias bomb costs nothing.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import {
  type EntryValue,
  envRead,
  placeholderValue,
  putEntry,
  type SettingEntry,
  type SettingsEntries,
  SettingsSyntaxError,
} from "./entries.ts";

/** Reads YAML text; throws SettingsSyntaxError at the first error (its line, never its text). */
export function yamlEntries(text: string): SettingsEntries {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new SettingsSyntaxError(line, `is not valid YAML (${error.code})`);
  }
  const entries = new Map<string, SettingEntry>();
  const lineOf = (node: Node | null | undefined): number => lineCounter.linePos(node?.range?.[0] ?? 0).line;
  const visit = (node: unknown, path: string[], line: number): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value).replace(/^\[(.*)\]$/, "$1") : undefined;
        if (key === undefined || key === "<<") continue;
        visit(pair.value, [...path, key], lineOf(pair.key as Node));
      }
    } else if (isScalar(node) && path.length > 0) {
      putEntry(entries, { key: path.join("."), line, value: _value(node.value) });
    } else if ((isAlias(node) || isSeq(node)) && path.length > 0) {
      putEntry(entries, { key: path.join("."), line, value: { kind: "expression" } });
    }
  };
  visit(doc.contents, [], 1);
  return { syntax: "yaml", entries };
}

function _value(value: unknown): EntryValue {
  if (value === null || value === undefined) return { kind: "literal", text: "" };
  if (typeof value !== "string") return { kind: "literal", text: String(value) };
  const erb = /^<%=\s*(.*?)\s*%>$/s.exec(value.trim());
  if (erb) return envRead(erb[1] ?? "") ?? { kind: "expression" };
  if (value.includes("<%")) return { kind: "expression" };
  return placeholderValue(value) ?? { kind: "literal", text: value };
}
