// A plugin runs with the user's rights and the run's secrets, so it loads only from a file nobody
// else could have changed: memory.md's plugins (loaded without anyone naming them) must be owned by
// the running user or root and writable by neither group nor others, in a folder others cannot
// write; a plugin named with --plugin may be anyone's, but never a file anyone can change.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const root = makeTestDir("smtpilot-plugin-trust-");
const asRoot = process.getuid?.() === 0;
/** A uid that is not ours (nobody), for the ownership cases: only root can give a file away. */
const OTHER = 65534;

function plugin(folder: string, name: string, mode = 0o644): string {
  fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
  fs.chmodSync(folder, 0o755);
  const file = path.join(folder, name);
  fs.writeFileSync(
    file,
    `export default { name: ${JSON.stringify(name)}, version: "1", setup() { console.log("setup-ran ${name}"); } };\n`,
  );
  fs.chmodSync(file, mode);
  return file;
}

async function home(list: string[]): Promise<string> {
  const dir = path.join(makeTestDir("smtpilot-plugin-home-"), "smtp");
  assert.equal((await runCli(["--home", dir, "init"])).code, 0);
  const memory = path.join(dir, "memory.md");
  fs.writeFileSync(memory, fs.readFileSync(memory, "utf8").replace("plugins: []", `plugins: ${JSON.stringify(list)}`));
  return dir;
}

/** Runs a command that loads plugins; which of `names` set up, and the stderr. */
async function load(args: string[], names: string[]): Promise<{ ran: string[]; stderr: string }> {
  const r = await runCli([...args, "diagnose", "--fixture", "healthy-starttls", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return { ran: names.filter((n) => r.stderr.includes(`setup-ran ${n}`)), stderr: r.stderr };
}

test("memory.md's plugins load only from files and folders nobody else can write (E_PLUGIN_UNSAFE)", async () => {
  const good = plugin(path.join(root, "ok"), "good.mjs");
  const groupWritable = plugin(path.join(root, "gw"), "group-writable.mjs", 0o664);
  const openFolder = plugin(path.join(root, "open-folder"), "in-open-folder.mjs");
  fs.chmodSync(path.dirname(openFolder), 0o777);
  const names = ["good.mjs", "group-writable.mjs", "in-open-folder.mjs"];
  const dir = await home([good, groupWritable, openFolder]);
  const { ran, stderr } = await load(["--home", dir], names);
  assert.deepEqual(ran, ["good.mjs"]);
  assert.equal(stderr.match(/\(E_PLUGIN_UNSAFE\)/g)?.length, 2, stderr);
  fs.chmodSync(path.dirname(openFolder), 0o755);
});

test("a plugin owned by another user, or reached through a link to one, is not loaded from memory.md", {
  skip: !asRoot && "only root can give a file to another user",
}, async () => {
  const foreign = plugin(path.join(root, "foreign"), "foreign.mjs");
  fs.chownSync(foreign, OTHER, OTHER);
  const link = path.join(root, "ok-link", "linked.mjs");
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(foreign, link);
  const dir = await home([foreign, link]);
  const { ran, stderr } = await load(["--home", dir], ["foreign.mjs"]);
  assert.deepEqual(ran, []);
  assert.equal(stderr.match(/\(E_PLUGIN_UNSAFE\)/g)?.length, 2, stderr);
  // Named on the command line by the person running it, another user's plugin loads.
  assert.deepEqual((await load(["--plugin", foreign], ["foreign.mjs"])).ran, ["foreign.mjs"]);
});

test("a memory.md another user owns loads none of its plugins (E_MEMORY_UNSAFE)", {
  skip: !asRoot && "only root can give a file to another user",
}, async () => {
  const good = plugin(path.join(root, "ok2"), "good2.mjs");
  const dir = await home([good]);
  fs.chownSync(path.join(dir, "memory.md"), OTHER, OTHER);
  const { ran, stderr } = await load(["--home", dir], ["good2.mjs"]);
  assert.deepEqual(ran, []);
  assert.match(stderr, /\(E_MEMORY_UNSAFE\)/);
});

test("--plugin refuses a file anyone can change, and takes a group-writable one the person named", async () => {
  const world = plugin(path.join(root, "ww"), "world-writable.mjs", 0o666);
  const group = plugin(path.join(root, "gw2"), "group-named.mjs", 0o664);
  const inOpen = plugin(path.join(root, "open2"), "open-named.mjs");
  fs.chmodSync(path.dirname(inOpen), 0o777);
  const { ran, stderr } = await load(
    ["--plugin", world, "--plugin", group, "--plugin", inOpen],
    ["world-writable.mjs", "group-named.mjs", "open-named.mjs"],
  );
  assert.deepEqual(ran, ["group-named.mjs"]);
  assert.equal(stderr.match(/\(E_PLUGIN_UNSAFE\)/g)?.length, 2, stderr);
  // A shared folder with the sticky bit (like /tmp) protects what this user owns in it.
  fs.chmodSync(path.dirname(inOpen), 0o1777);
  assert.deepEqual((await load(["--plugin", inOpen], ["open-named.mjs"])).ran, ["open-named.mjs"]);
  fs.chmodSync(path.dirname(inOpen), 0o755);
});

test(
  "memory.md's plugin reached through a folder or a link another user owns is not loaded (they could swap it after the check)",
  {
    skip: !asRoot && "only root can give a folder or a link to another user",
  },
  async () => {
    // Another user's folder holding a link to a good plugin: they can point the link elsewhere
    // between the trust check and the import, or rename a folder of ours out of the way.
    const good = plugin(path.join(root, "team_good"), "team.mjs");
    const shared = path.join(root, "shared");
    fs.mkdirSync(shared, { mode: 0o755 });
    fs.symlinkSync(path.dirname(good), path.join(shared, "team"));
    fs.lchownSync(path.join(shared, "team"), OTHER, OTHER);
    fs.chownSync(shared, OTHER, OTHER);
    const viaLink = path.join(shared, "team", "team.mjs");
    // A folder of ours inside a folder another user owns.
    const theirs = path.join(root, "theirs");
    const inside = plugin(path.join(theirs, "ours"), "inside.mjs");
    fs.chownSync(theirs, OTHER, OTHER);
    const dir = await home([viaLink, inside]);
    const { ran, stderr } = await load(["--home", dir], ["team.mjs", "inside.mjs"]);
    assert.deepEqual(ran, []);
    assert.equal(stderr.match(/\(E_PLUGIN_UNSAFE\)/g)?.length, 2, stderr);
    // The same plugin listed by its own path loads.
    assert.deepEqual((await load(["--home", await home([good])], ["team.mjs"])).ran, ["team.mjs"]);
  },
);
