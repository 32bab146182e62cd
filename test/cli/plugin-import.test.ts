import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { importPluginFile, syntaxErrorLocation } from "../../cli/plugin-import.ts";
import { pluginShapeProblem } from "../../core/plugin.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-pimp-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const body = "{ name: 'p', version: '1.0.0', setup(api) { api.addReporter({ name: 'p', render: () => 'p' }); } }";

const forms: [string, string][] = [
  ["default.mjs", `export default ${body};`],
  ["named.mjs", `export const plugin = ${body};`],
  ["esm.js", `export default ${body};`],
  ["module-exports.cjs", `module.exports = ${body};`],
  ["exports-plugin.cjs", `exports.plugin = ${body};`],
  ["transpiled.cjs", `Object.defineProperty(exports, "__esModule", { value: true });\nexports.default = ${body};`],
  ["typed.ts", `const version: string = "1.0.0";\nexport default { ...${body}, version };`],
];

for (const [name, text] of forms) {
  test(`importPluginFile() finds the plugin in ${name}`, async () => {
    const plugin = await importPluginFile(write(`forms/${name}`, text), 5000);
    assert.equal(pluginShapeProblem(plugin), undefined);
    assert.equal((plugin as { name: string }).name, "p");
  });
}

test("importPluginFile() returns a default-exported function as is, for the caller to name it", async () => {
  const plugin = await importPluginFile(write("fn.mjs", "export default function setup(api) {}"), 5000);
  assert.equal(typeof plugin, "function");
  assert.match(pluginShapeProblem(plugin) ?? "", /function/);
  assert.equal(
    pluginShapeProblem(await importPluginFile(write("none.mjs", "export const x = 1;"), 5000))?.includes("no plugin"),
    true,
  );
});

async function importError(file: string, limitMs = 5000): Promise<{ code?: string; message: string }> {
  try {
    await importPluginFile(file, limitMs);
  } catch (err) {
    return err as { code?: string; message: string };
  }
  assert.fail(`${file} loaded`);
}

const syntaxCases: [string, string, number, number][] = [
  ["unexpected-token.mjs", "export default {\n  name: 'x',\n  setup() { let a = ; }\n};\n", 3, 21],
  [
    "after-imports.mjs",
    "import fs from 'node:fs';\nimport {\n  join,\n} from 'node:path';\nexport const plugin = { name: 'y', , };\n",
    5,
    36,
  ],
  ["end-of-input.mjs", "export default { name: 'x',\n  setup( {\n", 2, 11],
  ["unexpected-token.cjs", "module.exports = {\n  name: 'x',\n  version: 1 2,\n};\n", 3, 14],
];

for (const [name, text, line, column] of syntaxCases) {
  test(`importPluginFile() reports a syntax error in ${name} with its file, line ${line} and column ${column}`, async () => {
    const file = write(`syntax/${name}`, text);
    const err = await importError(file);
    assert.equal(err.code, "E_PLUGIN_IMPORT");
    assert.ok(err.message.includes(file), err.message);
    assert.deepEqual(syntaxErrorLocation(await _rawError(file), file), { line, column });
    assert.ok(err.message.includes(`line ${line}, column ${column}`), err.message);
  });
}

/** The runtime's own error for the file, to check the locator against. */
async function _rawError(file: string): Promise<unknown> {
  try {
    if (file.endsWith(".cjs")) (await import("node:module")).createRequire(file)(file);
    else await import(`${new URL(`file://${file}`).href}?raw`);
  } catch (err) {
    return err;
  }
  assert.fail("no error");
}

test("importPluginFile() refuses a folder, a device and an unknown extension without naming smtpilot's own files", async () => {
  const folder = path.join(dir, "a-folder");
  fs.mkdirSync(folder);
  for (const target of [folder, "/dev/null", write("notes.txt", "hello"), path.join(dir, "missing.mjs")]) {
    const err = await importError(target);
    assert.equal(err.code, "E_PLUGIN_IMPORT");
    assert.ok(err.message.includes(target), err.message);
    assert.doesNotMatch(err.message, /plugin-import|plugin-loader|smtpilot\.cjs|\bcli\//, err.message);
  }
});

test("importPluginFile() shows a string thrown at import and gives up on a top-level await that never settles", async () => {
  const thrown = await importError(write("throws-text.mjs", "throw 'text thrown at import';"));
  assert.ok(thrown.message.includes("text thrown at import"), thrown.message);
  const hung = await importError(write("hangs.mjs", "await new Promise(() => {});\nexport default {};"), 50);
  assert.equal(hung.code, "E_PLUGIN_IMPORT");
  assert.ok(hung.message.includes("hangs.mjs"), hung.message);
});

test("importPluginFile() keeps a plugin's own missing import in the message, naming the plugin file", async () => {
  const file = write("needs-dep.mjs", "import 'no-such-package-for-smtpilot';\nexport default {};");
  const err = await importError(file);
  assert.match(err.message, /no-such-package-for-smtpilot/);
  assert.doesNotMatch(err.message, /plugin-import|plugin-loader/);
});

test("importPluginFile() echoes a hostile path made printable", async () => {
  const err = await importError(path.join(dir, "evil\x1b[31m.mjs"));
  assert.ok(!err.message.includes("\x1b"), err.message);
});
