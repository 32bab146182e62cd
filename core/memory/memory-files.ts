/**
 * Reading one memory file the way every command must: bounded, parsed,
 * checked for secret values (in the blocks and in the prose) and each block
 * validated against its schema — every failure a MemoryError naming the
 * file, line and field, never the value.
 */
import fs from "node:fs";
import { promisify } from "node:util";
import * as v from "valibot";
import { lineOf, type MarkdownFile, parseMarkdownFile, type YamlBlock } from "./markdown-blocks.ts";
import { openNoFollow } from "./atomic-file.ts";
import { trustProblem } from "./file-trust.ts";
import { MemoryError, MemoryMissingError, MemorySecretError, MemoryUnsafeError } from "./memory-error.ts";
import { findSecretsInProse, findSecretValues } from "./secret-values.ts";

/** Largest memory file read whole (the send log grows; 64 MiB is years of canaries). */
export const MAX_MEMORY_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads and parses a memory file; missing → MemoryMissingError (run
 * `smtpilot init`). Never through a link (MemoryLinkError), and only a file
 * nobody else could have written (MemoryUnsafeError). `appendOnly` files
 * (send log, notes) skip an entry a write left torn instead of failing.
 */
export async function loadMarkdown(
  file: string,
  name: string,
  home: string,
  options: { appendOnly?: boolean } = {},
): Promise<MarkdownFile> {
  const parsed = parseMarkdownFile(name, await readMemoryText(file, name, home), options);
  refuseSecrets(parsed);
  return parsed;
}

/**
 * The text of a memory file, read with loadMarkdown's checks (no link, a
 * file nobody else could have written, bounded size) but not parsed: for a
 * reader that parses only the part it needs (core/memory/log-window.ts).
 */
export async function readMemoryText(file: string, name: string, home: string): Promise<string> {
  let text: string;
  let fd: number | undefined;
  try {
    fd = openNoFollow(file, fs.constants.O_RDONLY);
    const stat = fs.fstatSync(fd);
    const problem = trustProblem(stat);
    if (problem) {
      throw new MemoryUnsafeError(
        `${name} in the memory folder ${home} is ${problem}: smtpilot reads only memory files nobody else can ` +
          `change (run chmod go-w on it, or smtpilot init)`,
      );
    }
    if (stat.size > MAX_MEMORY_FILE_BYTES) {
      throw new MemoryError(
        name,
        undefined,
        undefined,
        `is ${stat.size} bytes, more than the ${MAX_MEMORY_FILE_BYTES} read`,
      );
    }
    text = await _readFd(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new MemoryMissingError(`${name} is missing in the memory folder ${home}: run smtpilot init`);
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new MemoryError(
        name,
        undefined,
        undefined,
        `cannot be read (${code}): check its owner and permissions`,
        "E_MEMORY_UNREADABLE",
      );
    }
    throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return text;
}

/** Reads a whole open file without blocking the event loop (the send log may be large). */
const _readFd = promisify((fd: number, done: (err: NodeJS.ErrnoException | null, text: string) => void) =>
  fs.readFile(fd, "utf8", done)
);

/** Throws MemorySecretError for the first secret value found in a parsed file's blocks or prose. */
export function refuseSecrets(file: MarkdownFile): void {
  for (const block of file.blocks) {
    const found = findSecretValues(block.data)[0];
    if (found) throw new MemorySecretError(file.name, lineOf(block, found.path), found.field, found.what);
  }
  const prose = findSecretsInProse(file.text, file.blocks.map((b) => [b.outerStart, b.outerEnd]))[0];
  if (prose) throw new MemorySecretError(file.name, prose.line, undefined, prose.what);
}

/**
 * Validates one block's data; on failure throws MemoryError at the line of
 * the first offending field. `context` names the block ("profile work").
 * Valibot's default messages repeat the received value; that part is cut.
 */
export function validateBlock<S extends v.GenericSchema>(
  file: MarkdownFile,
  block: YamlBlock,
  schema: S,
  context?: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, block.data);
  if (result.success) return result.output;
  // A misspelled key also makes the real key "missing": the unknown key is the one to point at.
  const unknown = (i: v.BaseIssue<unknown>) => i.type === "strict_object" && i.expected === "never";
  const issue = result.issues.find(unknown) ?? result.issues[0];
  const path = (issue.path ?? []).map((p) => p.key as string | number);
  const dotted = v.getDotPath(issue);
  const field = dotted ? `${dotted}${context ? ` of ${context}` : ""}` : context;
  const problem = unknown(issue)
    ? "unknown field (a typo?)"
    : issue.input === undefined && path.length > 0
    ? "is missing"
    : issue.message.replace(/,? but received [\s\S]*$/, "").replace(
      /^Invalid (?:type|value|length|key): Expected /,
      "expected ",
    );
  throw new MemoryError(file.name, lineOf(block, path), field, problem);
}

/** The blocks of `file` with `tag`. */
export function blocksTagged(file: MarkdownFile, tag: string): YamlBlock[] {
  return file.blocks.filter((b) => b.tag === tag);
}
