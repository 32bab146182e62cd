import { test } from "node:test";
import assert from "node:assert/strict";
import { type Plugin, type PluginApi, setupPlugins } from "../../core/plugin.ts";
import type { ReplyRule } from "../../core/knowledge/reply-rule.ts";

const render = () => "x\n";

function plugin(name: string, setup: (api: PluginApi) => void | Promise<void>): Plugin {
  return { name, version: "1.0.0", setup };
}

function rule(id: string, text: RegExp): ReplyRule {
  return {
    id,
    stages: ["rcpt"],
    text,
    diagnosis: { code: "envelope.rate-limited", title: "t", cause: "c", next: "n" },
  };
}

const builtinJson = plugin("json-reporter", (api) => api.addReporter({ name: "json", render }));

test("setupPlugins() keeps the reserved reporter names json and text for smtpilot (W_PLUGIN_RESERVED)", async () => {
  const mine = { name: "json", render: () => "mine\n" };
  const registry = await setupPlugins([
    { plugin: builtinJson, source: "built-in", builtin: true },
    {
      plugin: plugin("hijack", (api) => {
        api.addReporter(mine);
        api.addReporter({ name: "text", render });
        api.addReporter({ name: "ok", render });
      }),
      source: "./hijack.mjs",
    },
  ]);
  assert.notEqual(registry.reporter("json"), mine);
  assert.equal(registry.reporter("text"), undefined);
  assert.ok(registry.reporter("ok"), "the plugin's other reporter is kept");
  assert.deepEqual(registry.warnings.map((w) => [w.plugin, w.source, w.code]), [
    ["hijack", "./hijack.mjs", "W_PLUGIN_RESERVED"],
    ["hijack", "./hijack.mjs", "W_PLUGIN_RESERVED"],
  ]);
  assert.deepEqual(registry.loaded.map((l) => l.name), ["json-reporter", "hijack"]);
});

test("setupPlugins() keeps the first of two plugins registering one reporter and names both (W_PLUGIN_DUPLICATE)", async () => {
  const first = { name: "oneline", render: () => "first\n" };
  const registry = await setupPlugins([
    { plugin: plugin("alpha", (api) => api.addReporter(first)), source: "./alpha.mjs" },
    { plugin: plugin("beta", (api) => api.addReporter({ name: "oneline", render })), source: "./beta.mjs" },
  ]);
  assert.equal(registry.reporter("oneline"), first);
  assert.equal(registry.warnings.length, 1);
  const w = registry.warnings[0]!;
  assert.equal(w.code, "W_PLUGIN_DUPLICATE");
  assert.equal(w.plugin, "beta");
  for (const named of ["alpha", "beta", "./alpha.mjs", "./beta.mjs", "oneline"]) assert.ok(w.message.includes(named));
});

test("setupPlugins() detects duplicate provider presets and reply rule ids the same way", async () => {
  const preset = (host: string) => ({ name: "acme", host, port: 587, tls: "starttls" as const });
  const registry = await setupPlugins([
    {
      plugin: plugin("a", (api) => {
        api.addProviderPreset(preset("smtp.a.test"));
        api.addReplyRules([rule("acme.quota", /A/)]);
      }),
      source: "a.mjs",
    },
    {
      plugin: plugin("b", (api) => {
        api.addProviderPreset(preset("smtp.b.test"));
        api.addReplyRules([rule("acme.quota", /B/), rule("core.relay-denied", /C/)]);
      }),
      source: "b.mjs",
    },
  ]);
  assert.equal(registry.presets.get("acme")?.host, "smtp.a.test");
  assert.deepEqual(registry.replyRules.map((r) => String(r.text)), ["/A/"]);
  assert.deepEqual(registry.warnings.map((w) => w.code), [
    "W_PLUGIN_DUPLICATE",
    "W_PLUGIN_DUPLICATE",
    "W_PLUGIN_RESERVED",
  ]);
});

test("setupPlugins() consults user plugins' reply rules before built-in plugins', in load order", async () => {
  const registry = await setupPlugins([
    { plugin: plugin("gmail", (api) => api.addReplyRules([rule("gmail.x", /G/)])), source: "built-in", builtin: true },
    { plugin: plugin("first", (api) => api.addReplyRules([rule("first.x", /F/)])), source: "f.mjs" },
    { plugin: plugin("second", (api) => api.addReplyRules([rule("second.x", /S/)])), source: "s.mjs" },
  ]);
  assert.deepEqual(registry.replyRules.map((r) => r.id), ["first.x", "second.x", "gmail.x"]);
});

test("setupPlugins() leaves out a plugin whose setup never settles (E_PLUGIN_SETUP) and drops its late registrations", async () => {
  let late: PluginApi | undefined;
  const registry = await setupPlugins(
    [
      {
        plugin: plugin("hangs", (api) => {
          late = api;
          return new Promise(() => {});
        }),
        source: "./hangs.mjs",
      },
      { plugin: plugin("after", (api) => api.addReporter({ name: "after", render })), source: "./after.mjs" },
    ],
    undefined,
    { limitMs: 50 },
  );
  assert.deepEqual(registry.failures.map((f) => [f.plugin, f.source, f.code]), [[
    "hangs",
    "./hangs.mjs",
    "E_PLUGIN_SETUP",
  ]]);
  assert.deepEqual(registry.loaded.map((l) => l.name), ["after"], "the run goes on with the other plugins");
  late?.addReporter({ name: "late", render });
  assert.equal(registry.reporter("late"), undefined);
});

test("setupPlugins() commits nothing from a setup that throws halfway, and shows a thrown string", async () => {
  const registry = await setupPlugins([
    {
      plugin: plugin("half", (api) => {
        api.addReporter({ name: "half", render });
        throw "text thrown by the plugin";
      }),
      source: "./half.mjs",
    },
  ]);
  assert.equal(registry.reporter("half"), undefined);
  assert.equal(registry.failures[0]?.code, "E_PLUGIN_SETUP");
  assert.ok(registry.failures[0]?.message.includes("text thrown by the plugin"), registry.failures[0]?.message);
});

test("setupPlugins() names what a file exported instead of a plugin, tied to its source (E_PLUGIN_INVALID)", async () => {
  const cases: [unknown, RegExp][] = [
    [function setup() {}, /function/],
    [{ version: "1", setup() {} }, /no name/],
    [{ name: "x", version: "1" }, /setup/],
    [undefined, /no plugin/],
    [42, /number/],
  ];
  const registry = await setupPlugins(cases.map(([p], i) => ({ plugin: p, source: `./case-${i}.mjs` })));
  assert.equal(registry.failures.length, cases.length);
  cases.forEach(([, why], i) => {
    const f = registry.failures[i]!;
    assert.equal(f.code, "E_PLUGIN_INVALID");
    assert.equal(f.source, `./case-${i}.mjs`);
    assert.ok(f.message.includes(`./case-${i}.mjs`) && why.test(f.message), f.message);
  });
});

test("setupPlugins() refuses a second plugin of the same name (E_PLUGIN_DUPLICATE)", async () => {
  const p = plugin("twice", (api) => api.addReporter({ name: "twice", render }));
  const registry = await setupPlugins([{ plugin: p, source: "a.mjs" }, { plugin: p, source: "b.mjs" }]);
  assert.deepEqual(registry.failures.map((f) => [f.source, f.code]), [["b.mjs", "E_PLUGIN_DUPLICATE"]]);
  assert.deepEqual(registry.warnings, []);
});

test("setupPlugins() fails the setup of a reporter without render or with an unusable name", async () => {
  const registry = await setupPlugins([
    { plugin: plugin("a", (api) => api.addReporter({ name: "a" } as never)), source: "a.mjs" },
    { plugin: plugin("b", (api) => api.addReporter({ name: "has space\x1b[31m", render })), source: "b.mjs" },
  ]);
  assert.deepEqual(registry.failures.map((f) => f.code), ["E_PLUGIN_SETUP", "E_PLUGIN_SETUP"]);
  assert.ok(!registry.failures.some((f) => f.message.includes("\x1b")), "no terminal escape is echoed");
});
