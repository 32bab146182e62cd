/**
 * Which files a tool call may make smtpilot read. An agent's word is not the
 * person's: over MCP every input that names a file or folder (a recipient
 * list, a message, an attachment, a CA, a bounce source…) must lie inside
 * the one folder the person gave the server (`smtpilot mcp --files DIR`).
 * Without it, tools take pasted content only. The check resolves the real
 * path (`..` and symbolic links cannot leave the folder), refuses before
 * anything is read, and hands the command the resolved path. A path outside
 * is refused before it is even looked up, so a refusal says nothing about
 * whether that file exists.
 */
import fs from "node:fs";
import path from "node:path";
import { EnvironmentError, GateError, UsageError } from "../../core/errors.ts";
import { shown } from "../../core/printable.ts";
import { type ArgSpec, attributeName, type CommandSpec, type OptionSpec } from "../command-spec.ts";

/** The folder a server may read files from (its real path), or none. */
export interface FileAccess {
  /** The real path of `smtpilot mcp --files DIR`; undefined: no file access. */
  folder?: string;
}

/** Entries a folder input (a Maildir) may hold before the walk that checks them gives up. */
const _MAX_FOLDER_ENTRIES = 100_000;

/** True for an option or argument whose value is a file or folder path. */
export function isFileInput(o: Pick<OptionSpec, "complete"> | Pick<ArgSpec, "complete">): boolean {
  return o.complete === "file" || o.complete === "dir";
}

/** The input names (tool argument names) of a command that are file or folder paths. */
export function fileInputNames(spec: CommandSpec): Set<string> {
  return new Set([
    ...spec.options.filter(isFileInput).map((o) => attributeName(o.flags)),
    ...(spec.args ?? []).filter(isFileInput).map((a) => a.name),
  ]);
}

/**
 * The folder of `--files DIR` as a server uses it: its real path. A folder
 * that does not exist or is not a folder is a usage error when the server
 * starts, not a surprise at the first call.
 */
export function filesFolder(dir: string | undefined): FileAccess {
  if (dir === undefined) return {};
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(dir));
  } catch {
    throw new UsageError(`Invalid --files ${shown(dir)}: no such folder`);
  }
  if (!fs.statSync(real).isDirectory()) throw new UsageError(`Invalid --files ${shown(dir)}: not a folder`);
  return { folder: real };
}

/**
 * The real path a tool may read for input `name`, or a refusal: GateError
 * `gate.file-access-off` without a folder, `gate.file-outside-folder` when the
 * path (as written, or once links are resolved) leaves it. Relative paths are
 * taken inside the folder. A folder input is walked: a link inside it that
 * leads out is refused too.
 */
export function confinePath(value: string, name: string, access: FileAccess): string {
  const folder = access.folder;
  if (folder === undefined) {
    throw new GateError(
      `Refused: input ${name} names a file, and this server reads no files (gate.file-access-off); nothing was ` +
        "read. Paste the content where the tool takes it, or ask the person to start smtpilot mcp with --files DIR",
      "gate.file-access-off",
    );
  }
  const outside = () =>
    new GateError(
      `Refused: input ${name} ${
        shown(value)
      } is outside the folder this server may read (gate.file-outside-folder); nothing was read. ` +
        "Name a file inside it (relative names are taken inside it)",
      "gate.file-outside-folder",
    );
  const wanted = path.resolve(folder, value);
  if (!_inside(wanted, folder)) throw outside();
  let real: string;
  try {
    real = fs.realpathSync(wanted);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A dangling link or a missing file: say which, never where a link points.
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new EnvironmentError(`Cannot read input ${name} ${shown(value)}: no such file in the files folder`);
    }
    throw new EnvironmentError(`Cannot read input ${name} ${shown(value)}: ${code ?? "unreadable"}`);
  }
  if (!_inside(real, folder)) throw outside();
  if (fs.statSync(real).isDirectory()) _checkTree(real, folder, outside);
  return real;
}

/** Every entry under `dir` stays inside `folder` once links are resolved. */
function _checkTree(dir: string, folder: string, outside: () => Error): void {
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0) {
    const at = stack.pop() as string;
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      if (++seen > _MAX_FOLDER_ENTRIES) {
        throw new UsageError(`Cannot read a folder of more than ${_MAX_FOLDER_ENTRIES} entries from a tool call`);
      }
      const full = path.join(at, entry.name);
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(full);
        } catch {
          continue; // dangling: the reader reports it as unreadable, wherever it pointed
        }
        if (!_inside(target, folder)) throw outside();
      } else if (entry.isDirectory()) {
        stack.push(full);
      }
    }
  }
}

/** True when `p` is `folder` or below it (both absolute and normalised). */
function _inside(p: string, folder: string): boolean {
  const rel = path.relative(folder, p);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}
