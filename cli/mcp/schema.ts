/**
 * A tool's input schema, derived from its command's definition (options and
 * positional arguments, minus what the tool omits), and the conversion of a
 * tool call's arguments back into the command's input — through the very
 * same value parsers the command line uses, so a value the CLI refuses is
 * refused here too. Every input is bounded (length, items), every name is
 * camelCase, and every file or folder input is confined to the server's
 * files folder (file-access.ts) before the command sees it.
 */
import { UsageError } from "../../core/errors.ts";
import { findSecretValues } from "../../core/memory/secret-values.ts";
import { shown } from "../../core/printable.ts";
import { isSecretRef, parseSecretRef } from "../../core/secrets.ts";
import {
  type ArgSpec,
  attributeName,
  type CommandInput,
  type CommandSpec,
  type OptionSpec,
  takesValue,
} from "../command-spec.ts";
import { choiceOption, type TypedParser } from "../usage.ts";
import { agentDescription, argumentInputName } from "./agent-text.ts";
import { confinePath, type FileAccess, isFileInput } from "./file-access.ts";
import { NEVER_FROM_AN_AGENT, type ToolDef } from "./tools.ts";

/** A JSON Schema object (the subset tools use). */
export type JsonSchema = Record<string, unknown>;

/** Longest pasted text a tool accepts (`content`, and a message body given inline). */
export const MAX_TEXT_INPUT = 1024 * 1024;

/** Longest value of any other string input (an address, a header line, a reply, a path). */
export const MAX_STRING_INPUT = 16 * 1024;

/** Most items a list input may hold (recipients, replies, headers, attachments). */
export const MAX_LIST_INPUT = 1000;

/** Inputs that carry a message body inline: bounded like pasted content. */
const _LONG_TEXT = new Set(["text", "html"]);

/** What a file input adds to its description. */
const _IN_FOLDER = " — a path inside the folder the person gave this server (relative names are taken there)";

/** One input of a tool: an option or a positional argument of its command, under its tool name. */
type _Input = { kind: "option"; spec: OptionSpec } | { kind: "arg"; spec: ArgSpec; index: number };

/** The options a tool takes, by attribute name. */
export function toolOptions(tool: ToolDef, spec: CommandSpec): Map<string, OptionSpec> {
  const skip = new Set<string>([...NEVER_FROM_AN_AGENT, ...(tool.omit ?? []), ...Object.keys(tool.fixed ?? {})]);
  return new Map(
    spec.options
      .filter((o) => !o.cliOnly && !skip.has(attributeName(o.flags)))
      .map((o) => [attributeName(o.flags), o]),
  );
}

/** Every input a tool takes, by its (camelCase) tool name, positional arguments first. */
function _inputs(tool: ToolDef, spec: CommandSpec): Map<string, _Input> {
  const out = new Map<string, _Input>();
  (spec.args ?? []).forEach((a, index) => {
    if (tool.contentOnly && tool.textInput?.arg === a.name) return;
    out.set(argumentInputName(a.name), { kind: "arg", spec: a, index });
  });
  for (const [key, o] of toolOptions(tool, spec)) out.set(key, { kind: "option", spec: o });
  return out;
}

/** The inputs a tool requires: its command's required arguments (unless pasted content stands in) and its own. */
export function requiredInputs(tool: ToolDef, spec: CommandSpec): string[] {
  const fromSpec = (spec.args ?? [])
    .filter((a) => a.required && tool.textInput?.arg !== a.name)
    .map((a) => argumentInputName(a.name));
  return [...new Set([...fromSpec, ...(tool.required ?? [])])];
}

/** The description an agent reads for one input. */
function _describe(tool: ToolDef, name: string, input: _Input): string {
  const own = tool.describe?.[name];
  if (own !== undefined) return own;
  const base = agentDescription(input.spec.description);
  return isFileInput(input.spec) ? `${base}${_IN_FOLDER}` : base;
}

/** The JSON schema of one value of an input. */
function _oneSchema(name: string, input: _Input): JsonSchema {
  const choices = input.spec.choices;
  if (choices) return { type: "string", enum: [...choices] };
  const parser = input.kind === "option" ? input.spec.parse as TypedParser<unknown> | undefined : undefined;
  if (parser?.jsonType) {
    return {
      type: parser.jsonType,
      ...(parser.minimum !== undefined ? { minimum: parser.minimum } : {}),
      ...(parser.maximum !== undefined ? { maximum: parser.maximum } : {}),
    };
  }
  return { type: "string", maxLength: _LONG_TEXT.has(name) ? MAX_TEXT_INPUT : MAX_STRING_INPUT };
}

/** True when the input takes several values. */
function _isList(input: _Input): boolean {
  return input.kind === "option" ? input.spec.repeatable === true : input.spec.variadic === true;
}

/** The input schema of a tool. */
export function inputSchema(tool: ToolDef, spec: CommandSpec): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, input] of _inputs(tool, spec)) {
    const description = _describe(tool, name, input);
    if (input.kind === "option" && !takesValue(input.spec.flags)) {
      properties[name] = { type: "boolean", description };
    } else if (_isList(input)) {
      properties[name] = { type: "array", items: _oneSchema(name, input), maxItems: MAX_LIST_INPUT, description };
    } else {
      properties[name] = { ..._oneSchema(name, input), description };
    }
  }
  if (tool.textInput) {
    properties.content = { type: "string", maxLength: MAX_TEXT_INPUT, description: tool.textInput.description };
  }
  const required = requiredInputs(tool, spec);
  return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/**
 * A tool call's arguments as the command's input. Unknown names, wrong
 * types, values over their bound and values the command's parsers refuse
 * are usage errors naming the input; a value shaped like a credential
 * anywhere but in pasted text is refused without being repeated (tools take
 * secret references only); a file outside the server's files folder is a
 * gate refusal, before anything is read.
 */
export function toCommandInput(
  tool: ToolDef,
  spec: CommandSpec,
  args: Record<string, unknown>,
  access: FileAccess = {},
): CommandInput & { content?: string } {
  const inputs = _inputs(tool, spec);
  const { content: text, ...rest } = tool.textInput ? args : { ...args, content: undefined };
  for (const key of Object.keys(rest)) {
    const input = inputs.get(key);
    if (!input) throw new UsageError(`Unknown input ${shown(key, 60)} for tool ${tool.name}`);
    // One string for a list argument is a list of one (a tool that took one domain still takes it so).
    if (input.kind === "arg" && input.spec.variadic && typeof rest[key] === "string") rest[key] = [rest[key]];
  }
  if (text !== undefined && (typeof text !== "string" || text.length > MAX_TEXT_INPUT)) {
    throw new UsageError(`Input content must be a string of at most ${MAX_TEXT_INPUT} characters`);
  }
  for (const [key, value] of Object.entries(rest)) _checkShape(key, value, inputs.get(key) as _Input);
  const found = findSecretValues(rest)[0];
  if (found) {
    throw new UsageError(
      `Refused: ${
        found.field ?? "an input"
      } looks like ${found.what}; tools take secret references (env:NAME, dotenv:FILE#KEY), never secrets (the value is not shown)`,
    );
  }
  for (const [key, value] of Object.entries(rest)) {
    const values = Array.isArray(value) ? value : [value];
    // This server's stdin is the protocol: nothing may read it as a file.
    if (values.some((v) => v === "-")) {
      throw new UsageError(`Input ${key}: "-" (standard input) is not available to tools; give content`);
    }
    // A command run on an agent's word (cmd:), or a prompt nobody can answer, is never a tool's secret.
    if (/secret/i.test(key) && values.some((v) => typeof v === "string" && /^(cmd:|prompt$)/.test(v.trim()))) {
      throw new UsageError(`Input ${key}: cmd: and prompt references are not accepted from a tool call`);
    }
    if (/secret/i.test(key) && typeof value === "string") rest[key] = _confinedSecretRef(value, key, access);
  }
  for (const name of requiredInputs(tool, spec)) {
    const v = args[name];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) {
      throw new UsageError(`Missing input ${name}`);
    }
  }
  const needs = tool.needsInput === undefined ? undefined : argumentInputName(tool.needsInput);
  const given = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  if (needs !== undefined && (tool.contentOnly || !given(rest[needs])) && text === undefined) {
    throw new UsageError(`Give ${tool.contentOnly ? "content" : `${needs} or content`}: a tool cannot read stdin`);
  }

  const out: Record<string, unknown> = { ...(tool.fixed ?? {}) };
  const positional: unknown[] = (spec.args ?? []).map((a) => (a.variadic ? [] : undefined));
  for (const [name, input] of inputs) {
    const value = rest[name];
    if (input.kind === "arg") {
      if (value === undefined || value === null) continue;
      positional[input.index] = isFileInput(input.spec) ? _confine(value, name, access) : value;
      continue;
    }
    const o = input.spec;
    if (value === undefined || value === null) {
      // As commander does: the definition's default when the caller gives nothing.
      if (o.default !== undefined) out[name] = o.default;
      continue;
    }
    if (!takesValue(o.flags)) {
      if (value) out[name] = true;
      continue;
    }
    const parse = o.choices ? choiceOption(name, o.choices) : o.parse;
    const one = (v: string | number) => (parse ? parse(String(v)) : String(v));
    const parsed = Array.isArray(value) ? value.map(one) : one(value as string | number);
    out[name] = isFileInput(o) ? _confine(parsed, name, access) : parsed;
  }
  return { args: positional, options: out, ...(typeof text === "string" ? { content: text } : {}) };
}

/** Checks one input's JSON type and bounds; messages name the input, never repeat the value. */
function _checkShape(name: string, value: unknown, input: _Input): void {
  if (value === undefined || value === null) return;
  if (input.kind === "option" && !takesValue(input.spec.flags)) {
    if (typeof value !== "boolean") throw new UsageError(`Input ${name} must be true or false`);
    return;
  }
  const items = _isList(input) ? value : [value];
  if (!Array.isArray(items)) throw new UsageError(`Input ${name} must be a list`);
  if (items.length > MAX_LIST_INPUT) throw new UsageError(`Input ${name} holds more than ${MAX_LIST_INPUT} items`);
  const numeric = input.kind === "option" && (input.spec.parse as TypedParser<unknown> | undefined)?.jsonType;
  const max = _LONG_TEXT.has(name) ? MAX_TEXT_INPUT : MAX_STRING_INPUT;
  for (const v of items) {
    if (typeof v === "number" && numeric) continue;
    if (typeof v !== "string") {
      const what = numeric ? "number" : "string";
      throw new UsageError(`Input ${name} must be ${_isList(input) ? `a list of ${what}s` : `a ${what}`}`);
    }
    if (v.length > max) throw new UsageError(`Input ${name} is longer than ${max} characters`);
  }
}

/**
 * A secret reference from a tool call, with the file it reads confined to
 * the folder the person gave the server: `dotenv:FILE#KEY` and
 * `settings:FILE#KEY` name a file as any file input does, and an agent may
 * not point a saved profile at another application's secrets elsewhere on
 * the machine (refused as gate.file-access-off / gate.file-outside-folder).
 * The reference comes back naming the file's real path inside the folder.
 */
function _confinedSecretRef(value: string, key: string, access: FileAccess): string {
  if (!isSecretRef(value)) return value; // not a reference: the command refuses it, without echoing it
  const ref = parseSecretRef(value);
  if (ref.kind === "dotenv") return `dotenv:${confinePath(ref.file, key, access)}#${ref.key}`;
  if (ref.kind === "settings") {
    return `settings:${confinePath(ref.file, key, access)}#${ref.key}${ref.part ? ":password" : ""}`;
  }
  return value;
}

/** A file input's value(s), each confined to the server's files folder. */
function _confine(value: unknown, name: string, access: FileAccess): unknown {
  return Array.isArray(value) ? value.map((v) => confinePath(String(v), name, access)) : confinePath(
    String(value),
    name,
    access,
  );
}
