// Nothing inside the memory folder is followed through a link, and nothing another user set up is
// changed: a link where a memory file belongs is E_MEMORY_LINK and its target stays as it was; a
// folder or file others can write is E_MEMORY_UNSAFE; init never changes a mode it does not own;
// a rewritten file keeps its mode (and its owner, when root rewrites it).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../core/memory/atomic-file.ts";
import { initMemory } from "../../core/memory/init.ts";
import { openMemory } from "../../core/memory/store.ts";
import { Journal, readJournal } from "../../core/send/journal.ts";
import { ListSnapshot } from "../../core/send/list-snapshot.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const asRoot = process.getuid?.() === 0;
const OTHER = 65534;
const relay = { name: "relay", provider: "custom", host: "relay.example.net", port: 25, tls: "none" as const };

async function fresh() {
  const base = makeTestDir("smtpilot-links-");
  const home = path.join(base, "smtp");
  await initMemory(home, new Date("2026-12-01T10:00:00Z"));
  // Someone else's file, as a link inside the folder would name it.
  const victim = path.join(base, "victim.txt");
  fs.writeFileSync(victim, "precious\n", { mode: 0o644 });
  fs.chmodSync(victim, 0o644);
  return { base, home, victim, store: openMemory({ home }) };
}
const isCode = (code: string) => (err: Error & { code?: string }) => err.code === code;
const mode = (p: string) => fs.statSync(p).mode & 0o7777;

test("a send-log.md that is a link is refused (E_MEMORY_LINK): nothing is appended to what it names", async () => {
  const { home, victim, store } = await fresh();
  fs.rmSync(path.join(home, "send-log.md"));
  fs.symlinkSync(victim, path.join(home, "send-log.md"));
  await assert.rejects(store.appendSendLog({ kind: "canary", profile: "work" }), isCode("E_MEMORY_LINK"));
  await assert.rejects(store.sendLog(), isCode("E_MEMORY_LINK"));
  assert.equal(fs.readFileSync(victim, "utf8"), "precious\n");
});

test("a provider-profiles.md that is a link is refused, never replaced by a file of the target's mode", async () => {
  const { home, victim, store } = await fresh();
  const profiles = path.join(home, "provider-profiles.md");
  fs.copyFileSync(profiles, victim);
  fs.chmodSync(victim, 0o644);
  fs.rmSync(profiles);
  fs.symlinkSync(victim, profiles);
  await assert.rejects(store.saveProfile(relay), isCode("E_MEMORY_LINK"));
  await assert.rejects(writeFileAtomic(profiles, "x"), isCode("E_MEMORY_LINK"));
  assert.ok(fs.lstatSync(profiles).isSymbolicLink());
  assert.equal(mode(victim), 0o644);
});

test("a list's private copy has no name anyone could link; a journal that is a link appends nothing", async () => {
  const { base, victim } = await fresh();
  const list = path.join(base, "list.txt");
  fs.writeFileSync(list, "a@example.com\nb@example.com\n");
  const folder = path.join(base, "copies");
  fs.mkdirSync(folder, { mode: 0o700 });
  const { snapshot } = await ListSnapshot.take(list, folder);
  // Unlinked as soon as it was opened: nothing in the folder to open, follow or leave behind.
  assert.deepEqual(fs.readdirSync(folder), []);
  const read: string[] = [];
  for await (const r of snapshot.recipients()) read.push(r.address);
  snapshot.close();
  assert.deepEqual(read, ["a@example.com", "b@example.com"]);
  const journal = path.join(base, "scale-x.jsonl");
  fs.symlinkSync(victim, journal);
  assert.throws(() => new Journal(journal), isCode("E_MEMORY_LINK"));
  await assert.rejects(readJournal(journal, 1), isCode("E_MEMORY_LINK"));
  assert.equal(fs.readFileSync(victim, "utf8"), "precious\n");
});

test("a journal folder that is a link is refused", async () => {
  const { base, home, store } = await fresh();
  const elsewhere = path.join(base, "elsewhere");
  fs.mkdirSync(elsewhere, { mode: 0o700 });
  fs.symlinkSync(elsewhere, path.join(home, "journal"));
  fs.writeFileSync(path.join(elsewhere, "plan-tokens.jsonl"), '{"event":"issued"}\n');
  await assert.rejects(store.appendJournal("plan-tokens", { event: "issued" }), isCode("E_MEMORY_LINK"));
  await assert.rejects(store.journal("plan-tokens"), isCode("E_MEMORY_LINK"));
  assert.deepEqual(fs.readdirSync(elsewhere), ["plan-tokens.jsonl"]);
  assert.equal(fs.readFileSync(path.join(elsewhere, "plan-tokens.jsonl"), "utf8"), '{"event":"issued"}\n');
});

test("init through a link to a shared folder changes no mode (E_MEMORY_UNSAFE); a link inside is E_MEMORY_LINK", async () => {
  const base = makeTestDir("smtpilot-links-");
  const shared = path.join(base, "shared");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o1777);
  const link = path.join(base, "smtp");
  fs.symlinkSync(shared, link);
  const r = await runCli(["--home", link, "init", "--json"]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, "E_MEMORY_UNSAFE");
  assert.equal(mode(shared), 0o1777, "the sticky bit and the mode are kept");
  // The folder itself with the sticky bit: not ours to narrow either.
  const r2 = await runCli(["--home", shared, "init", "--json"]);
  assert.equal(r2.code, 3);
  assert.equal(mode(shared), 0o1777);

  const { home, victim } = await fresh();
  fs.rmSync(path.join(home, "memory.md"));
  fs.symlinkSync(victim, path.join(home, "memory.md"));
  await assert.rejects(initMemory(home), isCode("E_MEMORY_LINK"));
  assert.equal(mode(victim), 0o644, "init never chmods what a link names");
});

test("a memory folder or file others can write is refused (E_MEMORY_UNSAFE); init narrows what is ours", async () => {
  const { home, store } = await fresh();
  fs.chmodSync(home, 0o777);
  await assert.rejects(store.settings(), isCode("E_MEMORY_UNSAFE"));
  await assert.rejects(openMemory({ home }).appendSendLog({ kind: "canary" }), isCode("E_MEMORY_UNSAFE"));
  fs.chmodSync(home, 0o700);
  fs.chmodSync(path.join(home, "provider-profiles.md"), 0o666);
  await assert.rejects(openMemory({ home }).profiles(), isCode("E_MEMORY_UNSAFE"));
  const fixed = await initMemory(home);
  assert.deepEqual(fixed.tightened, ["provider-profiles.md"]);
  assert.deepEqual(await openMemory({ home }).profiles(), []);
});

test("a memory folder or file owned by another user is refused, and init leaves it alone", {
  skip: !asRoot && "only root can give a file to another user",
}, async () => {
  const { home } = await fresh();
  const profiles = path.join(home, "provider-profiles.md");
  fs.chownSync(profiles, OTHER, OTHER);
  fs.chmodSync(profiles, 0o644);
  await assert.rejects(openMemory({ home }).profiles(), isCode("E_MEMORY_UNSAFE"));
  await assert.rejects(initMemory(home), isCode("E_MEMORY_UNSAFE"));
  assert.equal(mode(profiles), 0o644);
  fs.chownSync(home, OTHER, OTHER);
  await assert.rejects(openMemory({ home }).settings(), isCode("E_MEMORY_UNSAFE"));
});

test("a rewrite keeps the file's mode, never widening it, and root keeps a user's file theirs", async () => {
  const { home, store } = await fresh();
  const profiles = path.join(home, "provider-profiles.md");
  fs.chmodSync(profiles, 0o400);
  await store.saveProfile(relay);
  assert.equal(mode(profiles), 0o400);
  if (asRoot) {
    fs.chmodSync(profiles, 0o600);
    fs.chownSync(profiles, OTHER, OTHER);
    fs.chownSync(home, 0, 0);
    await writeFileAtomic(profiles, fs.readFileSync(profiles, "utf8"));
    assert.equal(fs.statSync(profiles).uid, OTHER);
  }
});

test("a memory folder reached through a folder or a link another user owns is refused (E_MEMORY_UNSAFE)", {
  skip: !asRoot && "only root can give a folder or a link to another user",
}, async () => {
  // They could rename our folder out of the way, or point the link elsewhere, after the check.
  const { base, home } = await fresh();
  const theirs = path.join(base, "theirs");
  fs.mkdirSync(theirs, { mode: 0o755 });
  fs.renameSync(home, path.join(theirs, "smtp"));
  fs.chownSync(theirs, OTHER, OTHER);
  await assert.rejects(openMemory({ home: path.join(theirs, "smtp") }).settings(), isCode("E_MEMORY_UNSAFE"));
  // A link they own, to a folder of ours that is fine by itself.
  const ours = path.join(base, "ours");
  fs.mkdirSync(ours, { mode: 0o700 });
  fs.renameSync(path.join(theirs, "smtp"), path.join(ours, "smtp"));
  const link = path.join(base, "link");
  fs.symlinkSync(ours, link);
  fs.lchownSync(link, OTHER, OTHER);
  await assert.rejects(openMemory({ home: path.join(link, "smtp") }).settings(), isCode("E_MEMORY_UNSAFE"));
  // The same folder by its own path is used.
  assert.ok(await openMemory({ home: path.join(ours, "smtp") }).settings());
});
