/**
 * Plugins: plain objects (`definePlugin({ name, version, setup(api) })`) that
 * register capabilities through a narrow API. The core never imports a
 * plugin; the CLI hands the built-in list (plugins/index.ts) and any user
 * plugins to `loadPlugins`, which isolates each plugin's failure.
 */
import { STAGE_LAYER } from "./knowledge/interpret-reply.ts";
import type { ReplyRule } from "./knowledge/reply-rule.ts";
import { parseProfile, type ProviderProfile } from "./profile.ts";
import type { Reporter } from "./reporter.ts";

/** What a plugin may register. Grows with the roadmap (presets, probe backends, commands). */
export interface PluginApi {
  /** Adds a reporter selectable by name (`--json` selects "json"). */
  addReporter(reporter: Reporter): void;
  /** Adds reply knowledge consulted before the core table. */
  addReplyRules(rules: readonly ReplyRule[]): void;
  /** Adds a provider preset (validated; an invalid one fails the plugin's setup). */
  addProviderPreset(profile: ProviderProfile): void;
}

/** A plugin object. */
export interface Plugin {
  name: string;
  version: string;
  setup(api: PluginApi): void | Promise<void>;
}

/** Identity function that type-checks a plugin object. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}

/** A plugin that failed to load or set up; the rest keep working. */
export interface PluginFailure {
  plugin: string;
  code: "E_PLUGIN_INVALID" | "E_PLUGIN_SETUP" | "E_PLUGIN_IMPORT";
  message: string;
}

/** Everything the loaded plugins registered. */
export class Registry {
  readonly reporters = new Map<string, Reporter>();
  readonly replyRules: ReplyRule[] = [];
  readonly presets = new Map<string, ProviderProfile>();
  readonly loaded: { name: string; version: string }[] = [];
  readonly failures: PluginFailure[] = [];

  /** The reporter registered under `name`, if any. */
  reporter(name: string): Reporter | undefined {
    return this.reporters.get(name);
  }
}

/** Sets up each plugin in order; a plugin that throws or is malformed is recorded, not fatal. */
export async function loadPlugins(plugins: readonly unknown[], registry = new Registry()): Promise<Registry> {
  for (const candidate of plugins) {
    const p = candidate as Partial<Plugin> | undefined;
    const name = typeof p?.name === "string" ? p.name : "(unnamed)";
    if (!p || typeof p.name !== "string" || typeof p.setup !== "function") {
      registry.failures.push({
        plugin: name,
        code: "E_PLUGIN_INVALID",
        message: "Plugin must be an object with name, version and setup(api)",
      });
      continue;
    }
    const staged = new Registry();
    const api: PluginApi = {
      addReporter: (r) => void staged.reporters.set(r.name, r),
      addReplyRules: (rules) => void staged.replyRules.push(...rules.map(_checkRule)),
      addProviderPreset: (profile) => void staged.presets.set(profile.name, parseProfile(profile)),
    };
    try {
      await p.setup(api);
    } catch (err) {
      registry.failures.push({
        plugin: name,
        code: "E_PLUGIN_SETUP",
        message: `Setting up plugin ${name} failed: ${(err as Error).message}`,
      });
      continue;
    }
    // Commit only after setup succeeded, so a half-registered plugin leaves no trace.
    for (const [k, r] of staged.reporters) registry.reporters.set(k, r);
    for (const [k, p] of staged.presets) registry.presets.set(k, p);
    registry.replyRules.unshift(...staged.replyRules);
    registry.loaded.push({ name, version: String(p.version ?? "0.0.0") });
  }
  return registry;
}

/** Rejects a malformed rule at registration, so it can never break or garble a diagnosis later. */
function _checkRule(rule: ReplyRule): ReplyRule {
  const r = rule as Partial<ReplyRule>;
  const patterns = [r.code, r.enhanced, r.text].filter((x) => x !== undefined);
  const d = r.diagnosis;
  const layers: (string | undefined)[] = Array.isArray(r.stages)
    ? r.stages.map((stage) => (STAGE_LAYER as Record<string, string | undefined>)[String(stage)])
    : [];
  const prefix = typeof d?.code === "string" ? d.code.split(".")[0] : undefined;
  const valid = typeof r.id === "string" && layers.length > 0 && layers.every((l) => l !== undefined) &&
    patterns.length > 0 && patterns.every((x) => x instanceof RegExp) &&
    typeof d?.code === "string" && /^[a-z]+\.[a-z0-9-]+$/.test(d.code) && layers.every((l) => l === prefix) &&
    [d.title, d.cause, d.next].every((t) => typeof t === "string" && t.length > 0);
  if (!valid) {
    throw new Error(
      `Invalid reply rule ${
        JSON.stringify(r.id ?? "(no id)")
      }: needs id, known stages of one layer, at least one RegExp (code, enhanced, text), and a diagnosis with a code of that layer (e.g. envelope.rate-limited), title, cause and next`,
    );
  }
  return rule;
}
