// memory.md's plugins list, read on every run: a settings block that plainly lists no plugin is
// answered from its text (no YAML parser, no complaint about the rest of the memory folder, which
// the command does not use); every other form of the list is read in full, as before.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { memoryPluginFiles } from "../../cli/memory-plugins.ts";
import { initialText } from "../../core/memory/layout.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-memplug-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A private memory folder whose memory.md is init's text passed through `edit`. */
function folderWith(edit: (text: string) => string): string {
  const home = path.join(root, `m${n++}`);
  fs.mkdirSync(home, { mode: 0o700 });
  fs.writeFileSync(path.join(home, "memory.md"), edit(initialText("memory", new Date())), { mode: 0o600 });
  return home;
}

async function listed(home: string): Promise<{ files: string[]; warnings: string[] }> {
  const warnings: string[] = [];
  const files = await memoryPluginFiles(home, [], (t) => warnings.push(t));
  return { files, warnings };
}

test("init's memory.md lists no plugin", async () => {
  assert.deepEqual(await listed(folderWith((t) => t)), { files: [], warnings: [] });
});

test("plugins: [] is answered without reading the rest of the settings: a broken block elsewhere is not this run's business", async () => {
  const home = folderWith((t) => t.replace("status: initialised", "status: [unclosed"));
  assert.deepEqual(await listed(home), { files: [], warnings: [] });
});

test("a plugins list in any other form is read in full: block list, quoted key, escaped key", async () => {
  const forms = [
    (t: string) => t.replace("plugins: []", "plugins:\n  - one.mjs"),
    (t: string) => t.replace("plugins: []", `"plugins": [one.mjs]`),
    (t: string) => t.replace("plugins: []", `"plu\\x67ins": [one.mjs]`),
    (t: string) => t.replace("plugins: []", "plugins: [one.mjs] # mine"),
  ];
  for (const form of forms) {
    const home = folderWith(form);
    const r = await listed(home);
    assert.deepEqual(r, { files: [path.join(home, "one.mjs")], warnings: [] }, form.toString());
  }
});

test("a settings block that does not parse is still reported when it may list plugins", async () => {
  const home = folderWith((t) => t.replace("plugins: []", "plugins: [one.mjs\nstatus: [x"));
  const r = await listed(home);
  assert.deepEqual(r.files, []);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /memory\.md/);
});

test("two settings blocks, or none, go to the full read and its error", async () => {
  const twice = folderWith((t) => `${t}\n\`\`\`yaml smtpilot:memory\nversion: 1\n\`\`\`\n`);
  assert.equal((await listed(twice)).warnings.length, 1);
  const none = folderWith((t) => t.replace("yaml smtpilot:memory", "yaml"));
  assert.equal((await listed(none)).warnings.length, 1);
});
