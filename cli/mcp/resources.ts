/**
 * What an agent may read without calling a tool: the memory files, read-only
 * (they never hold a secret: the memory refuses one), and the code tables —
 * diagnosis codes, domain findings, send gates and exit codes — as JSON.
 */
import fs from "node:fs";
import path from "node:path";
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/types.d.ts"
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { DIAGNOSIS_CODES } from "../../core/codes/diagnosis-codes.ts";
import { DOMAIN_CODES } from "../../core/domain/finding.ts";
import { EXIT_CODES } from "../../core/report.ts";
import { readSmallFile } from "../../core/files.ts";
import { MEMORY_FILES, resolveHome } from "../../core/memory/layout.ts";
import { shown } from "../../core/printable.ts";
import { GATE_CODES } from "../../core/send/gates.ts";
import { redactText } from "../output.ts";

/** A resource as resources/list shows it. */
export interface ResourceInfo {
  uri: string;
  name: string;
  description: string;
  mimeType: string;
}

const _EXIT = {
  "0": "ok: pass (warnings allowed)",
  "1": "a check found a problem (an error finding, a refused recipient)",
  "2": "usage error: a bad flag or value",
  "3": "environment error: a port, folder, file, DNS or the memory folder cannot be used",
  "4": "refused by a safety gate: nothing was sent",
  "70": "internal error (a bug)",
  ...Object.fromEntries(Object.entries(EXIT_CODES).map(([layer, code]) => [String(code), `failed at ${layer}`])),
};

const _TABLES: Record<string, { name: string; description: string; data: () => unknown }> = {
  "smtpilot://codes/diagnosis": {
    name: "Diagnosis codes",
    description: "Every diagnosis and warning code of diagnose, preflight and send, with its meaning",
    data: () => DIAGNOSIS_CODES,
  },
  "smtpilot://codes/domain": {
    name: "Domain findings",
    description: "Every finding code of smtpilot domain, with its severity and meaning",
    data: () => Object.entries(DOMAIN_CODES).map(([code, [severity, meaning]]) => ({ code, severity, meaning })),
  },
  "smtpilot://codes/gates": {
    name: "Send gates",
    description: "Every safety gate of the send workflow (exit 4: nothing was sent)",
    data: () => Object.entries(GATE_CODES).map(([code, meaning]) => ({ code, meaning })),
  },
  "smtpilot://codes/exit": {
    name: "Exit codes",
    description: "What each exit code (the _meta smtpilot/exitCode of a tool result) means",
    data: () => _EXIT,
  },
};

/** Every resource. */
export const RESOURCES: readonly ResourceInfo[] = [
  ...Object.entries(MEMORY_FILES).map(([role, file]) => ({
    uri: `smtpilot://memory/${file}`,
    name: file,
    description: `The memory folder's ${file} (${role}), read-only`,
    mimeType: "text/markdown",
  })),
  ...Object.entries(_TABLES).map(([uri, t]) => ({
    uri,
    name: t.name,
    description: t.description,
    mimeType: "application/json",
  })),
];

/** Memory files are read up to this size. */
const _MAX_MEMORY_FILE = 8 * 1024 * 1024;

/** The JSON-RPC error code MCP gives "resource not found". */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * Reads one resource. Errors are the protocol's: a URI that is not one
 * (malformed, too long, not smtpilot://) is invalid params (-32602); a
 * smtpilot:// URI that names nothing, or a memory file that does not exist
 * yet, is resource not found (-32002); a memory file that is a link, or
 * cannot be read, is an internal error naming the file, never its content.
 */
export function readResource(
  uri: string,
  globals: { home?: string },
): { uri: string; mimeType: string; text: string } {
  if (uri.length > 2048 || !URL.canParse(uri)) {
    throw new McpError(ErrorCode.InvalidParams, `Invalid resource URI ${shown(uri, 80)}`);
  }
  if (!uri.startsWith("smtpilot://")) {
    throw new McpError(ErrorCode.InvalidParams, `Not a smtpilot resource: ${shown(uri, 80)} (see resources/list)`);
  }
  const table = _TABLES[uri];
  if (table) return { uri, mimeType: "application/json", text: JSON.stringify(table.data(), null, 2) };
  const file = /^smtpilot:\/\/memory\/([a-z-]+\.md)$/.exec(uri)?.[1];
  if (file && (Object.values(MEMORY_FILES) as string[]).includes(file)) {
    const full = path.join(resolveHome(globals.home), file);
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    if (!stat) {
      throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${file} does not exist yet in the memory folder`, {
        uri,
      });
    }
    // A memory file that is a link may lead anywhere (a key, another user's file): it is never followed for an agent.
    if (stat.isSymbolicLink()) {
      throw new McpError(ErrorCode.InternalError, `The memory folder's ${file} is a symbolic link; it is not read`, {
        uri,
      });
    }
    let text: string;
    try {
      text = readSmallFile(full, { what: "memory file", maxBytes: _MAX_MEMORY_FILE }).toString("utf8");
    } catch (err) {
      throw new McpError(ErrorCode.InternalError, redactText(String((err as Error).message ?? err)), { uri });
    }
    return { uri, mimeType: "text/markdown", text: redactText(text) };
  }
  throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${shown(uri, 80)} (see resources/list)`, { uri });
}
