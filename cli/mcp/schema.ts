/**
 * A tool's input schema, derived from its command's definition (options and
 * positional arguments, minus what the tool omits), and the conversion of a
 * tool call's arguments back into the command's input — through the very
 * same value parsers the command line uses, so a value the CLI refuses is
 * refused here too, with the same message.
 */
import { UsageError } from "../../core/errors.ts";
import { findSecretValues } from "../../core/memory/secret-values.ts";
import { shown } from "../../core/printable.ts";
import { attributeName, type CommandInput, type CommandSpec, type OptionSpec, takesValue } from "../command-spec.ts";
import { choiceOption, type TypedParser } from "../usage.ts";
import { NEVER_FROM_AN_AGENT, type ToolDef } from "./tools.ts";

/** A JSON Schema object (the subset tools use). */
export type JsonSchema = Record<string, unknown>;

/** Longest pasted text a tool accepts. */
export const MAX_TEXT_INPUT = 1024 * 1024;

/** The options a tool takes, by attribute name. */
export function toolOptions(tool: ToolDef, spec: CommandSpec): Map<string, OptionSpec> {
  const skip = new Set<string>([...NEVER_FROM_AN_AGENT, ...(tool.omit ?? []), ...Object.keys(tool.fixed ?? {})]);
  return new Map(
    spec.options
      .filter((o) => !o.cliOnly && !skip.has(attributeName(o.flags)))
      .map((o) => [attributeName(o.flags), o]),
  );
}

/** The JSON schema of one option's value. */
function _valueSchema(o: OptionSpec): JsonSchema {
  if (!takesValue(o.flags)) return { type: "boolean", description: o.description };
  const parser = o.parse as TypedParser<unknown> | undefined;
  const one: JsonSchema = o.choices ? { type: "string", enum: [...o.choices] } : parser?.jsonType
    ? {
      type: parser.jsonType,
      ...(parser.minimum !== undefined ? { minimum: parser.minimum } : {}),
      ...(parser.maximum !== undefined ? { maximum: parser.maximum } : {}),
    }
    : { type: "string" };
  return o.repeatable
    ? { type: "array", items: one, description: o.description }
    : { ...one, description: o.description };
}

/** The input schema of a tool. */
export function inputSchema(tool: ToolDef, spec: CommandSpec): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const a of spec.args ?? []) {
    if (tool.contentOnly && tool.textInput?.arg === a.name) continue;
    const one: JsonSchema = a.choices ? { type: "string", enum: [...a.choices] } : { type: "string" };
    properties[a.name] = a.variadic
      ? { type: "array", items: one, description: a.description }
      : { ...one, description: a.description };
    if (a.required && tool.textInput?.arg !== a.name) required.push(a.name);
  }
  if (tool.textInput) {
    properties.content = { type: "string", maxLength: MAX_TEXT_INPUT, description: tool.textInput.description };
  }
  for (const [key, o] of toolOptions(tool, spec)) properties[key] = _valueSchema(o);
  return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/**
 * A tool call's arguments as the command's input. Unknown keys, wrong types
 * and values the command's parsers refuse are usage errors; a value shaped
 * like a credential anywhere but in pasted text is refused without being
 * repeated (tools take secret references only).
 */
export function toCommandInput(tool: ToolDef, spec: CommandSpec, args: Record<string, unknown>): CommandInput & {
  content?: string;
} {
  const options = toolOptions(tool, spec);
  const argNames = new Set(
    (spec.args ?? []).filter((a) => !(tool.contentOnly && tool.textInput?.arg === a.name)).map((a) => a.name),
  );
  const { content: text, ...rest } = tool.textInput ? args : { ...args, content: undefined };
  const found = findSecretValues(rest)[0];
  if (found) {
    throw new UsageError(
      `Refused: ${
        found.field ?? "an input"
      } looks like ${found.what}; tools take secret references (env:NAME, dotenv:FILE#KEY, cmd:COMMAND), never secrets (the value is not shown)`,
    );
  }
  for (const key of Object.keys(rest)) {
    if (!options.has(key) && !argNames.has(key)) {
      throw new UsageError(`Unknown input ${shown(key)} for tool ${tool.name}`);
    }
  }
  for (const [key, value] of Object.entries(rest)) {
    const values = Array.isArray(value) ? value : [value];
    // This server's stdin is the protocol: nothing may read it as a file.
    if (values.some((v) => v === "-")) {
      throw new UsageError(`Input ${key}: "-" (stdin) is not available to tools; pass content`);
    }
    // A command run on an agent's word (cmd:), or a prompt nobody can answer, is never a tool's secret.
    if (/secret/i.test(key) && values.some((v) => typeof v === "string" && /^(cmd:|prompt$)/.test(v.trim()))) {
      throw new UsageError(`Input ${key}: cmd: and prompt references are not accepted from a tool call`);
    }
  }
  const needs = tool.needsInput;
  const provided = needs === undefined || tool.contentOnly
    ? needs === undefined
    : Array.isArray(rest[needs])
    ? (rest[needs] as unknown[]).length > 0
    : rest[needs] !== undefined;
  if (!provided && text === undefined) {
    throw new UsageError(`Give ${tool.contentOnly ? "content" : needs}: a tool cannot read stdin`);
  }
  const out: Record<string, unknown> = { ...(tool.fixed ?? {}) };
  for (const [key, o] of options) {
    const value = rest[key];
    if (value === undefined || value === null) {
      // As commander does: the definition's default when the caller gives nothing.
      if (o.default !== undefined) out[key] = o.default;
      continue;
    }
    const flag = `${key} (${o.flags.split(" ")[0]})`;
    if (!takesValue(o.flags)) {
      if (typeof value !== "boolean") throw new UsageError(`Input ${flag} must be true or false`);
      if (value) out[key] = true;
      continue;
    }
    const one = (v: unknown) => {
      if (typeof v !== "string" && typeof v !== "number") {
        throw new UsageError(`Input ${flag} must be a string or number`);
      }
      const parse = o.choices ? choiceOption(o.flags.split(" ")[0] ?? key, o.choices) : o.parse;
      return parse ? parse(String(v)) : String(v);
    };
    if (o.repeatable) {
      if (!Array.isArray(value)) throw new UsageError(`Input ${flag} must be a list`);
      out[key] = value.map(one);
    } else {
      out[key] = one(value);
    }
  }
  const positional = (spec.args ?? []).map((a) => {
    const value = rest[a.name];
    if (value === undefined) {
      if (a.required && tool.textInput?.arg !== a.name) throw new UsageError(`Missing input ${a.name}`);
      return a.variadic ? [] : undefined;
    }
    if (a.variadic) {
      // One string for a list argument is a list of one (a tool that took one domain still takes it so).
      if (typeof value === "string") return [value];
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        throw new UsageError(`Input ${a.name} must be a list of strings`);
      }
      return value;
    }
    if (typeof value !== "string") throw new UsageError(`Input ${a.name} must be a string`);
    return value;
  });
  if (text !== undefined && (typeof text !== "string" || text.length > MAX_TEXT_INPUT)) {
    throw new UsageError(`Input content must be a string of at most ${MAX_TEXT_INPUT} characters`);
  }
  return { args: positional, options: out, ...(typeof text === "string" ? { content: text } : {}) };
}
