// The published plugin types (types/plugin.d.ts, exported as "smtpilot/plugin") checked the way a
// plugin author uses them: a separate TypeScript project that resolves "smtpilot" through
// node_modules and type-checks the docs' TypeScript example, plus mistakes the types must catch.
// A second check ties the published types to smtpilot's own, so they cannot drift apart.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { docFileBlocks } from "../helpers/doc-blocks.ts";

const root = process.cwd();
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
const project = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-types-"));
after(() => fs.rmSync(project, { recursive: true, force: true }));

before(() => {
  fs.mkdirSync(path.join(project, "node_modules"));
  fs.symlinkSync(root, path.join(project, "node_modules/smtpilot"), "dir");
});

function typecheck(files: Record<string, string>, options: Record<string, unknown> = {}): string {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(project, name), text);
  const config = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2023",
      lib: ["es2023"],
      types: [],
      ...options,
    },
    files: Object.keys(files),
  };
  fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(config));
  const r = spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.trim();
}

test("package.json exports smtpilot/plugin with its types and a run-time definePlugin", async () => {
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
  assert.deepEqual(pkg.exports["./plugin"], { types: "./types/plugin.d.ts", default: "./types/plugin.mjs" });
  const { definePlugin } = await import("../../types/plugin.mjs" as string);
  const plugin = { name: "p", version: "1", setup() {} };
  assert.equal(definePlugin(plugin), plugin);
});

test("the published types check on their own, without skipLibCheck", () => {
  assert.equal(
    typecheck({ "only-types.ts": 'import type { Plugin } from "smtpilot/plugin";\nexport type P = Plugin;\n' }),
    "",
  );
});

test("the docs' TypeScript plugin type-checks against smtpilot/plugin; mistakes do not", () => {
  const typed = docFileBlocks("docs/plugins.md").get("typed-reporter.ts");
  assert.ok(typed);
  const mistakes = `import { definePlugin, type PluginApi } from "smtpilot/plugin";
export default definePlugin({
  name: "mistakes",
  version: "1.0.0",
  setup(api: PluginApi) {
    // @ts-expect-error render must return a string
    api.addReporter({ name: "n", render: () => 42 });
    // @ts-expect-error patterns are RegExps, not strings
    api.addReplyRules([{ id: "m.a", stages: ["rcpt"], text: "quota", diagnosis: { code: "envelope.x", title: "t", cause: "c", next: "n" } }]);
    // @ts-expect-error the code must carry the stage's layer (rcpt: envelope)
    api.addReplyRules([{ id: "m.b", stages: ["rcpt"], text: /q/, diagnosis: { code: "auth.x", title: "t", cause: "c", next: "n" } }]);
    // @ts-expect-error not a stage
    api.addReplyRules([{ id: "m.c", stages: ["rcpt-to"], text: /q/, diagnosis: { code: "envelope.x", title: "t", cause: "c", next: "n" } }]);
    // @ts-expect-error tls is one of auto, starttls, implicit, none
    api.addProviderPreset({ name: "x", host: "h", port: 587, tls: "ssl" });
    api.addReporter({
      name: "ok",
      render(report, options) {
        // @ts-expect-error no such layer
        const isSmtp = report.verdict.layer === "smtp";
        return \`\${report.schema} \${report.target.port} \${options.transcript} \${isSmtp}\`;
      },
    });
  },
});
`;
  assert.equal(typecheck({ "typed-reporter.ts": typed, "mistakes.ts": mistakes }), "");
});

test("smtpilot's own plugin types offer what types/plugin.d.ts publishes, and accept what it lets a plugin pass", () => {
  const core = (file: string) => JSON.stringify(path.join(root, file));
  const sync = `import type * as Core from ${core("core/plugin.ts")};
import type { RenderOptions as CoreRenderOptions } from ${core("core/reporter.ts")};
import type { DiagnoseReport as CoreReport } from ${core("core/report.ts")};
import type * as Pub from "smtpilot/plugin";

type Is<A, B> = [A] extends [B] ? true : false;
function check<T extends true>(): T | undefined {
  return undefined;
}
// What smtpilot hands a plugin offers at least what is published.
check<Is<Core.PluginApi, Pub.PluginApi>>();
check<Is<CoreReport, Pub.DiagnoseReport>>();
check<Is<CoreRenderOptions, Pub.RenderOptions>>();
// What a plugin passes, typed as published, is what smtpilot accepts.
check<Is<Pub.Reporter, Parameters<Core.PluginApi["addReporter"]>[0]>>();
check<Is<Pub.ReplyRule, Parameters<Core.PluginApi["addReplyRules"]>[0][number]>>();
check<Is<Pub.ProviderPreset, Parameters<Core.PluginApi["addProviderPreset"]>[0]>>();
check<Is<Pub.ProviderDefinition, Parameters<Core.PluginApi["addProvider"]>[0]>>();
check<Is<Pub.Plugin, Core.Plugin>>();
// Every capability and every report field is published (an error here names the missing one).
export const unpublishedCapability: never = undefined as unknown as Exclude<keyof Core.PluginApi, keyof Pub.PluginApi>;
export const unpublishedReportField: never = undefined as unknown as Exclude<keyof CoreReport, keyof Pub.DiagnoseReport>;
`;
  const out = typecheck({ "sync.ts": sync }, {
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [path.join(root, "node_modules/@types")],
  });
  assert.equal(out, "", `types/plugin.d.ts and core/ disagree — publish new capabilities and fields there:\n${out}`);
});
