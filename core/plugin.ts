/**
 * Plugins: plain objects (`definePlugin({ name, version, setup(api) })`) that
 * register capabilities through a narrow API. The core never imports a
 * plugin; the CLI hands the built-in list (plugins/index.ts) and any user
 * plugins to `setupPlugins`, which isolates each plugin's failure.
 *
 * Registration is staged: what a plugin registers is kept aside while its
 * setup runs and committed only once setup succeeded within its time limit,
 * so a plugin that throws halfway or hangs leaves no trace. Every named
 * capability (reporter, reply rule, provider preset…) is claimed in one
 * place, `_claim`, which refuses reserved names and keeps the first of two
 * plugins registering the same name, with a warning naming both.
 */
import type { DiagnoseOptions } from "./diagnose-options.ts";
import type { DiagnoseIo } from "./io.ts";
import { STAGE_LAYER } from "./knowledge/interpret-reply.ts";
import type { ReplyRule } from "./knowledge/reply-rule.ts";
import type { LayerId } from "./layer.ts";
import { printable, shown } from "./printable.ts";
import { parseProfile, type ProviderProfile } from "./profile.ts";
import { checkProvider, type ProviderDefinition } from "./provider.ts";
import type { DiagnoseReport } from "./report.ts";
import type { Reporter } from "./reporter.ts";

/**
 * What a plugin may register. Grows with the roadmap (probe backends,
 * commands): a new capability is one method here and one line in `_api`,
 * which stages it under a kind and a name.
 */
export interface PluginApi {
  /** Adds a reporter selectable with `--reporter NAME`; `text` and `json` are smtpilot's own. */
  addReporter(reporter: Reporter): void;
  /** Adds reply knowledge consulted before the core table (validated; a bad rule fails the setup). */
  addReplyRules(rules: readonly ReplyRule[]): void;
  /** Adds a provider preset (validated; an invalid one fails the plugin's setup). */
  addProviderPreset(profile: ProviderProfile): void;
  /**
   * Adds what the plugin knows about an email service (core/provider.ts):
   * endpoints, identity policy, rate limit, DNS detection and reply rules
   * consulted first for that provider's profiles. `custom` is reserved.
   */
  addProvider(provider: ProviderDefinition): void;
  /**
   * Adds a probe backend selectable with `diagnose --backend NAME`: another
   * way to perform the network layers that yields the same report. `builtin`
   * (smtpilot's own client) is reserved.
   */
  addProbeBackend(backend: ProbeBackend): void;
}

/**
 * One diagnosis handed to a probe backend: the request as the CLI validated
 * it (the secret already resolved), the injected I/O (resolver, connector for
 * side connections, clock), the reply knowledge to interpret replies with, and
 * where the backend's program lives when the user named one (`--swaks PATH`).
 */
export interface ProbeRequest {
  options: DiagnoseOptions;
  io: DiagnoseIo;
  replyRules: readonly ReplyRule[];
  onProgress?: (layer: LayerId) => void;
  /** The program to drive, when given on the command line; else the backend finds its own. */
  program?: string;
}

/**
 * A probe backend: performs the network layers of a diagnosis its own way
 * (for instance through an external tool) and returns the same
 * `smtpilot.diagnose/1` report as the built-in client, with the same layer
 * results and diagnosis codes, so reporters, JSON and exit codes do not
 * change. It throws the core's EnvironmentError (exit 3) when it cannot run
 * at all and GateError (exit 4) when it refuses to, never for findings.
 */
export interface ProbeBackend {
  /** Letters, digits, "." "_" or "-", at most 40; `builtin` is reserved. */
  name: string;
  /** One line for `--help` and error messages. */
  summary: string;
  diagnose(request: ProbeRequest): Promise<DiagnoseReport>;
}

/** A plugin object: the default export (or `plugin` export, or `module.exports`) of a plugin file. */
export interface Plugin {
  name: string;
  version: string;
  setup(api: PluginApi): void | Promise<void>;
}

/** Identity function that type-checks a plugin object (and gives an editor completion on `api`). */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}

/** Reporter names smtpilot owns: `text` (the default) and `json` (the document `--json` prints). */
export const RESERVED_REPORTERS: readonly string[] = ["text", "json"];

/** The probe backend name of smtpilot's own client, the default of `diagnose --backend`. */
export const BUILTIN_BACKEND = "builtin";

/** How long a plugin's setup() (and the import of its file) may take before it is left out of the run. */
export const PLUGIN_SETUP_LIMIT_MS = 5_000;

/** Stable codes of plugin problems: `E_*` left the plugin out, `W_*` ignored one registration. */
export type PluginProblemCode =
  | "E_PLUGIN_IMPORT"
  | "E_PLUGIN_INVALID"
  | "E_PLUGIN_SETUP"
  | "E_PLUGIN_DUPLICATE"
  | "E_PLUGIN_UNSAFE"
  | "W_PLUGIN_RESERVED"
  | "W_PLUGIN_DUPLICATE";

/** A plugin that failed to load or set up (the rest keep working), or a registration that was ignored. */
export interface PluginFailure {
  /** The plugin's name, or its source when it has none. */
  plugin: string;
  /** Where it came from: the file path as given to `--plugin`, or `built-in`. */
  source: string;
  code: PluginProblemCode;
  message: string;
}

/** A plugin to set up and where it came from; only built-in plugins may claim reserved names. */
export interface PluginCandidate {
  plugin: unknown;
  source: string;
  builtin?: boolean;
}

type _Owner = { plugin: string; source: string; builtin: boolean };
type _Staged = { kind: string; key: string; commit: (registry: Registry, builtin: boolean) => void };

/** Everything the loaded plugins registered, and what went wrong on the way. */
export class Registry {
  readonly reporters = new Map<string, Reporter>();
  /** User plugins' rules first (command-line order), then built-in plugins' rules. */
  readonly replyRules: ReplyRule[] = [];
  readonly presets = new Map<string, ProviderProfile>();
  /** Providers by name (`gmail`), from provider plugins. */
  readonly providers = new Map<string, ProviderDefinition>();
  /** Probe backends by name (`swaks`), for `diagnose --backend NAME`. */
  readonly probeBackends = new Map<string, ProbeBackend>();
  readonly loaded: { name: string; version: string; source: string }[] = [];
  /** Plugins left out (`E_*`). */
  readonly failures: PluginFailure[] = [];
  /** Registrations ignored while the plugin itself loaded (`W_*`). */
  readonly warnings: PluginFailure[] = [];
  readonly #owners = new Map<string, _Owner>();
  #userRules = 0;

  /** The reporter registered under `name`, if any. */
  reporter(name: string): Reporter | undefined {
    return this.reporters.get(name);
  }

  /** Adds a rule where its source's rules belong: a user plugin's before every built-in plugin's. */
  addReplyRule(rule: ReplyRule, builtin: boolean): void {
    if (builtin) this.replyRules.push(rule);
    else this.replyRules.splice(this.#userRules++, 0, rule);
  }

  /**
   * Claims `kind`/`key` for a plugin: false (with a warning) for a reserved
   * name or one another plugin already holds — the first registration wins,
   * so a later plugin can never silently replace an earlier one's.
   */
  _claim(kind: string, key: string, who: _Owner): boolean {
    const label = `${who.plugin === who.source ? "" : `${shown(who.plugin)} `}(${shown(who.source, 160)})`;
    if (!who.builtin && _isReserved(kind, key)) {
      this.warnings.push({
        ...who,
        code: "W_PLUGIN_RESERVED",
        message: `Plugin ${label} registers the ${kind} ${shown(key)}, a name smtpilot reserves; ignored`,
      });
      return false;
    }
    const id = `${kind}\0${key}`;
    const owner = this.#owners.get(id);
    if (owner) {
      const first = `${shown(owner.plugin)} (${shown(owner.source, 160)})`;
      this.warnings.push({
        ...who,
        code: "W_PLUGIN_DUPLICATE",
        message: owner.plugin === who.plugin && owner.source === who.source
          ? `Plugin ${label} registers the ${kind} ${shown(key)} twice; the first one is kept`
          : `Plugins ${first} and ${label} both register the ${kind} ${shown(key)}; ${
            shown(owner.plugin)
          }'s is kept (the first loaded wins)`,
      });
      return false;
    }
    this.#owners.set(id, who);
    return true;
  }
}

function _isReserved(kind: string, key: string): boolean {
  return (kind === "reporter" && RESERVED_REPORTERS.includes(key)) ||
    (kind === "reply rule" && key.startsWith("core.")) || (kind === "provider" && key === "custom") ||
    (kind === "probe backend" && key === BUILTIN_BACKEND);
}

/**
 * Sets up each candidate in order. A plugin that is malformed, throws, or
 * does not finish within `limitMs` is recorded in `registry.failures` and
 * left out; nothing it registered is kept.
 */
export async function setupPlugins(
  candidates: readonly PluginCandidate[],
  registry = new Registry(),
  options: { limitMs?: number } = {},
): Promise<Registry> {
  for (const candidate of candidates) await _setupOne(candidate, registry, options.limitMs ?? PLUGIN_SETUP_LIMIT_MS);
  return registry;
}

/** `setupPlugins` for bare plugin objects, named by position when they have no name. */
export function loadPlugins(
  plugins: readonly unknown[],
  registry = new Registry(),
  options: { limitMs?: number } = {},
): Promise<Registry> {
  return setupPlugins(plugins.map((plugin, i) => ({ plugin, source: `plugin #${i + 1}` })), registry, options);
}

async function _setupOne(c: PluginCandidate, registry: Registry, limitMs: number): Promise<void> {
  const where = shown(c.source, 160);
  const fail = (plugin: string, code: PluginProblemCode, message: string) =>
    void registry.failures.push({ plugin, source: c.source, code, message });
  const problem = pluginShapeProblem(c.plugin);
  if (problem) return fail(c.source, "E_PLUGIN_INVALID", `Plugin ${where} ${problem}`);
  const p = c.plugin as Plugin;
  const label = `${shown(p.name)} (${where})`;
  const earlier = registry.loaded.find((l) => l.name === p.name);
  if (earlier) {
    return fail(p.name, "E_PLUGIN_DUPLICATE", `Plugin ${label} is already loaded from ${shown(earlier.source, 160)}`);
  }
  const staged: _Staged[] = [];
  let open = true;
  const api = _api((kind, key, commit) => {
    // A hung setup that wakes up after its time limit registers nothing.
    if (open) staged.push({ kind, key, commit });
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => p.setup(api)),
      new Promise((_, reject) => (timer = setTimeout(() => reject(_TIMED_OUT), limitMs))),
    ]);
  } catch (err) {
    const why = err === _TIMED_OUT
      ? `did not finish setup within ${limitMs / 1000} s (a promise that never settles?)`
      : `setup failed: ${describeThrown(err)}`;
    return fail(p.name, "E_PLUGIN_SETUP", `Plugin ${label} ${why}`);
  } finally {
    open = false;
    clearTimeout(timer);
  }
  const who = { plugin: p.name, source: c.source, builtin: c.builtin === true };
  for (const s of staged) if (registry._claim(s.kind, s.key, who)) s.commit(registry, who.builtin);
  registry.loaded.push({ name: p.name, version: String(p.version ?? "0.0.0"), source: c.source });
}

const _TIMED_OUT = Symbol("timed out");

/** The API handed to one plugin's setup: validates at once, stages for commit after setup. */
function _api(stage: (kind: string, key: string, commit: _Staged["commit"]) => void): PluginApi {
  return {
    addReporter: (reporter) => {
      const r = _checkReporter(reporter);
      stage("reporter", r.name, (registry) => void registry.reporters.set(r.name, r));
    },
    addReplyRules: (rules) => {
      if (!Array.isArray(rules)) throw new Error("addReplyRules() takes an array of rules");
      for (const rule of rules.map(_checkRule)) {
        stage("reply rule", rule.id, (registry, builtin) => registry.addReplyRule(rule, builtin));
      }
    },
    addProviderPreset: (preset) => {
      const profile = parseProfile(preset);
      stage("provider preset", profile.name, (registry) => void registry.presets.set(profile.name, profile));
    },
    addProvider: (provider) => {
      const p = checkProvider(provider, _checkRule);
      stage("provider", p.name, (registry) => void registry.providers.set(p.name, p));
    },
    addProbeBackend: (backend) => {
      const b = _checkBackend(backend);
      stage("probe backend", b.name, (registry) => void registry.probeBackends.set(b.name, b));
    },
  };
}

/** Why a value is not a plugin object, or undefined when it is one. */
export function pluginShapeProblem(value: unknown): string | undefined {
  const expected = "expected a plugin object { name, version, setup(api) }";
  if (value === undefined || value === null) {
    return `exports no plugin: ${expected} as the default export, a \`plugin\` export or module.exports`;
  }
  if (typeof value === "function") return `exports a function, ${expected}`;
  if (typeof value !== "object") return `exports a ${typeof value}, ${expected}`;
  const p = value as Partial<Plugin>;
  if (typeof p.name !== "string" || p.name.trim() === "" || p.name.length > 100) {
    return `has no name (a non-empty string of at most 100 characters), ${expected}`;
  }
  if (typeof p.setup !== "function") return `${shown(p.name)} has no setup(api) function, ${expected}`;
  return undefined;
}

/**
 * A thrown value as printable text: an Error's message, a thrown string
 * itself (`throw "text"`), anything else as String() gives it.
 */
export function describeThrown(err: unknown): string {
  let text: string;
  try {
    text = typeof err === "object" && err !== null && "message" in err
      ? String((err as { message: unknown }).message)
      : String(err);
  } catch {
    text = Object.prototype.toString.call(err);
  }
  return printable(text, 300);
}

function _checkReporter(reporter: Reporter): Reporter {
  const r = reporter as Partial<Reporter> | undefined;
  if (typeof r?.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(r.name)) {
    throw new Error(`Invalid reporter name ${shown(r?.name)}: letters, digits, ".", "_" or "-", at most 40`);
  }
  if (typeof r.render !== "function") throw new Error(`Reporter ${shown(r.name)} has no render(report, options)`);
  return reporter;
}

function _checkBackend(backend: ProbeBackend): ProbeBackend {
  const b = backend as Partial<ProbeBackend> | undefined;
  if (typeof b?.name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(b.name)) {
    throw new Error(`Invalid probe backend name ${shown(b?.name)}: letters, digits, ".", "_" or "-", at most 40`);
  }
  if (typeof b.summary !== "string" || b.summary.trim() === "") {
    throw new Error(`Probe backend ${shown(b.name)} has no summary`);
  }
  if (typeof b.diagnose !== "function") throw new Error(`Probe backend ${shown(b.name)} has no diagnose(request)`);
  return backend;
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
        shown(r.id ?? "(no id)")
      }: needs id, known stages of one layer, at least one RegExp (code, enhanced, text), and a diagnosis with a code of that layer (e.g. envelope.rate-limited), title, cause and next`,
    );
  }
  return rule;
}
