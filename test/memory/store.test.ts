import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { initMemory } from "../../core/memory/init.ts";
import { inspectMemory } from "../../core/memory/inspect.ts";
import { resolveHome } from "../../core/memory/layout.ts";
import { openMemory } from "../../core/memory/store.ts";
import { makeRedactor } from "../../core/redact.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-memory-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh, initialised memory folder. */
async function fresh() {
  const home = path.join(root, `m${n++}`, "smtp");
  await initMemory(home, new Date("2026-12-01T10:00:00Z"));
  return { home, store: openMemory({ home }) };
}
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const gmail = {
  name: "work",
  provider: "gmail",
  host: "smtp.gmail.com",
  port: 587,
  tls: "starttls" as const,
  auth: { user: "me@gmail.com", secret: "env:GMAIL_APP_PASSWORD" },
  from: "me@gmail.com",
};

test("resolveHome(): --home, then SMTPILOT_HOME, then ~/smtp", () => {
  assert.equal(resolveHome("/x/y", { SMTPILOT_HOME: "/env" }, "/home/u"), "/x/y");
  assert.equal(resolveHome(undefined, { SMTPILOT_HOME: "/env" }, "/home/u"), "/env");
  assert.equal(resolveHome(undefined, {}, "/home/u"), "/home/u/smtp");
  assert.equal(resolveHome("~/mem", {}, "/home/u"), "/home/u/mem");
});

test("initMemory() creates the folder 0700 and four files 0600, and is idempotent", async () => {
  const home = path.join(root, "init", "smtp");
  const first = await initMemory(home);
  assert.equal(first.createdFolder, true);
  assert.deepEqual(first.created.sort(), [
    "deliverability-notes.md",
    "memory.md",
    "provider-profiles.md",
    "send-log.md",
  ]);
  assert.equal(mode(home), 0o700);
  for (const f of first.created) assert.equal(mode(path.join(home, f)), 0o600, f);
  const before = Object.fromEntries(first.created.map((f) => [f, fs.readFileSync(path.join(home, f), "utf8")]));
  fs.chmodSync(path.join(home, "memory.md"), 0o644);
  fs.chmodSync(home, 0o755);
  const second = await initMemory(home);
  assert.deepEqual(second.created, []);
  assert.deepEqual(second.tightened.sort(), [".", "memory.md"]);
  assert.equal(mode(home), 0o700);
  for (const f of first.created) assert.equal(fs.readFileSync(path.join(home, f), "utf8"), before[f]);
});

test("initMemory() refuses to repair a memory.md that does not parse", async () => {
  const { home } = await fresh();
  fs.writeFileSync(path.join(home, "memory.md"), "```yaml smtpilot:memory\nstatus: [\n```\n");
  await assert.rejects(initMemory(home), (err: Error & { code?: string }) => err.code === "E_MEMORY_INVALID");
  assert.equal(fs.readFileSync(path.join(home, "memory.md"), "utf8"), "```yaml smtpilot:memory\nstatus: [\n```\n");
});

test("settings() fills defaults and updateSettings() keeps the person's comments and prose", async () => {
  const { home, store } = await fresh();
  const s = await store.settings();
  assert.equal(s.status, "initialised");
  assert.equal(s.safety.canaryFreshnessHours, 24);
  const file = path.join(home, "memory.md");
  fs.writeFileSync(
    file,
    fs.readFileSync(file, "utf8").replace("senderDomains: []", "senderDomains: [] # domains we own"),
  );
  await store.updateSettings((x) => void x.approvedProviders.push("gmail"));
  const text = fs.readFileSync(file, "utf8");
  assert.match(text, /senderDomains: \[\] # domains we own/);
  assert.match(text, /This folder is what smtpilot knows/);
  assert.deepEqual((await store.settings()).approvedProviders, ["gmail"]);
  assert.equal(mode(file), 0o600);
});

test("saveProfile() adds, refuses a duplicate, replaces with replace, and keeps the file's mode", async () => {
  const { home, store } = await fresh();
  const file = path.join(home, "provider-profiles.md");
  fs.chmodSync(file, 0o640); // a person chose another mode: writes keep it
  assert.equal(await store.saveProfile(gmail), "added");
  await assert.rejects(store.saveProfile(gmail), (e: Error & { code?: string }) => e.code === "E_PROFILE_EXISTS");
  assert.equal(await store.saveProfile({ ...gmail, port: 465, tls: "implicit" }, { replace: true }), "replaced");
  assert.deepEqual((await store.profile("work")).port, 465);
  assert.equal(mode(file), 0o640);
  assert.equal(fs.readdirSync(home).filter((f) => f.endsWith(".tmp") || f.endsWith(".lock")).length, 0);
});

test("recordCheck() records verdict, date and mechanism, and a pass makes the memory active", async () => {
  const { store } = await fresh();
  await store.saveProfile(gmail);
  await store.recordCheck("work", {
    date: "2026-12-01T10:00:00.000Z",
    verdict: "pass",
    upTo: "auth",
    mechanism: "PLAIN",
  });
  assert.deepEqual((await store.profile("work")).lastCheck, {
    date: "2026-12-01T10:00:00.000Z",
    verdict: "pass",
    upTo: "auth",
    mechanism: "PLAIN",
  });
  assert.equal((await store.settings()).status, "active");
});

test("removeProfile() removes one section and leaves the others", async () => {
  const { store } = await fresh();
  await store.saveProfile(gmail);
  await store.saveProfile({ ...gmail, name: "other" });
  assert.equal(await store.removeProfile("work"), true);
  assert.equal(await store.removeProfile("work"), false);
  assert.deepEqual((await store.profiles()).map((p) => p.profile.name), ["other"]);
  await assert.rejects(store.profile("work"), (e: Error & { code?: string }) => e.code === "E_PROFILE_NOT_FOUND");
});

/** Broken edits, the text of the line the error must point at, and the field it must name. */
const invalid: [string, (t: string) => string, string, string][] = [
  ["a port out of range", (t) => t.replace("port: 587", "port: 99999"), "port: 99999", "port"],
  ["a misspelled field", (t) => t.replace("host:", "hots:"), "hots:", "hots"],
  ["a TLS mode that does not exist", (t) => t.replace("tls: starttls", "tls: ssl"), "tls: ssl", "tls"],
  ["a From that is not an address", (t) => t.replace("from: me@gmail.com", "from: me"), "from: me", "from"],
  [
    "a second profile of the same name",
    (t) => `${t}\n\`\`\`yaml smtpilot:profile\nname: work\nhost: x.example\nport: 25\ntls: none\n\`\`\`\n`,
    "```yaml smtpilot:profile\nname: work\nhost: x.example",
    "name",
  ],
];
for (const [name, edit, marker, field] of invalid) {
  test(`a profile with ${name} is an error naming provider-profiles.md, its line and field ${field}; nothing is rewritten`, async () => {
    const { home, store } = await fresh();
    await store.saveProfile(gmail);
    const file = path.join(home, "provider-profiles.md");
    const broken = edit(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, broken);
    const line = broken.slice(0, broken.lastIndexOf(marker)).split("\n").length;
    await assert.rejects(
      store.profiles(),
      (err: Error & { code?: string; line?: number; field?: string; exitCode?: number }) => {
        assert.equal(err.code, "E_MEMORY_INVALID");
        assert.equal(err.exitCode, 3);
        assert.equal(err.line, line, err.message);
        assert.ok(err.field?.startsWith(field), err.message);
        assert.match(err.message, new RegExp(`^provider-profiles\\.md line ${line}, field ${field}`));
        return true;
      },
    );
    await assert.rejects(store.saveProfile({ ...gmail, name: "new" }));
    await assert.rejects(store.recordCheck("work", { date: "2026-12-01T10:00:00Z", verdict: "pass", upTo: "auth" }));
    await assert.rejects(store.removeProfile("work"));
    assert.equal(fs.readFileSync(file, "utf8"), broken, "a file that does not validate is never rewritten");
  });
}

test("a secret value in a memory file is refused naming the field and line, never the value", async () => {
  const { home, store } = await fresh();
  await store.saveProfile(gmail);
  const file = path.join(home, "provider-profiles.md");
  fs.writeFileSync(
    file,
    fs.readFileSync(file, "utf8").replace("secret: env:GMAIL_APP_PASSWORD", "secret: abcd efgh ijkl mnop"),
  );
  await assert.rejects(store.profiles(), (err: Error & { code?: string; field?: string }) => {
    assert.equal(err.code, "E_MEMORY_SECRET");
    assert.equal(err.field, "auth.secret");
    assert.ok(!err.message.includes("abcd"), err.message);
    return true;
  });
});

test("a secret pasted into the prose is refused naming the line", async () => {
  const { home, store } = await fresh();
  const file = path.join(home, "memory.md");
  fs.appendFileSync(file, "\nreminder: smtp password = Tr0ub4dor&3x\n");
  const lines = fs.readFileSync(file, "utf8").split("\n").length - 1;
  await assert.rejects(store.settings(), (err: Error & { code?: string; line?: number }) => {
    assert.equal(err.code, "E_MEMORY_SECRET");
    assert.equal(err.line, lines);
    assert.ok(!err.message.includes("Tr0ub4dor"));
    return true;
  });
});

test("writes refuse a secret-looking value (E_SECRET_VALUE, exit 2); records are redacted of the run's secrets, stored data refused", async () => {
  const { home } = await fresh();
  const secret = "run-secret-6d1f0c";
  const store = openMemory({ home, redact: () => makeRedactor([secret]) });
  await assert.rejects(
    store.saveProfile({ ...gmail, notes: "token: ya29.a0AfH6SMBxxxxxxxxxxxxxxxxxxxxxx" }),
    (err: Error & { code?: string; exitCode?: number }) =>
      err.code === "E_SECRET_VALUE" && err.exitCode === 2 && !err.message.includes("ya29"),
  );
  // A profile is data at rest: redaction never rewrites it; holding a resolved secret, it is refused.
  await assert.rejects(
    store.saveProfile({ ...gmail, notes: `the relay said ${secret} back` }),
    (err: Error & { code?: string }) => err.code === "E_SECRET_VALUE" && !err.message.includes(secret),
  );
  await store.appendSendLog({ kind: "canary", profile: "work", reply: `535 bad password ${secret}` });
  for (const f of fs.readdirSync(home)) assert.ok(!fs.readFileSync(path.join(home, f), "utf8").includes(secret), f);
});

test("appendSendLog() masks recipients by default and sendLog() reads entries back", async () => {
  const { home, store } = await fresh();
  await store.appendSendLog({ kind: "canary", profile: "work", recipient: "bob@example.net", queueId: "4ABC" });
  await store.appendSendLog({ kind: "dry-run", recipients: ["a@x.example", "b@y.example"] });
  const entries = await store.sendLog();
  assert.deepEqual(entries.map((e) => [e.kind, e.recipient ?? e.recipients]), [
    ["canary", "b***@example.net"],
    ["dry-run", ["a***@x.example", "b***@y.example"]],
  ]);
  assert.ok(!fs.readFileSync(path.join(home, "send-log.md"), "utf8").includes("bob@"));
  await store.appendNote({ kind: "dns-auth", domain: "example.com", summary: "SPF passes, DMARC p=none" });
  assert.equal((await store.notes())[0]?.domain, "example.com");
});

test("journals append whole JSON lines and ignore a torn last line", async () => {
  const { home, store } = await fresh();
  await store.appendJournal("run-1", { recipient: "a@x.example", state: "accepted" });
  fs.appendFileSync(path.join(home, "journal", "run-1.jsonl"), '{"recipient":"b@x');
  await store.appendJournal("run-1", { recipient: "c@x.example", state: "accepted" });
  assert.deepEqual((await store.journal("run-1")).map((r) => r.recipient), ["a@x.example", "c@x.example"]);
  assert.deepEqual(await store.journal("never"), []);
  await assert.rejects(store.appendJournal("../escape", {}));
});

test("a journal read for one text returns only the records whose line holds it, torn lines still skipped", async () => {
  const { home, store } = await fresh();
  const hash = "9f".repeat(32);
  for (let i = 0; i < 50; i++) {
    await store.appendJournal("plan-tokens", { event: "issued", tokenHash: `${i}`.repeat(8) });
  }
  await store.appendJournal("plan-tokens", { event: "issued", tokenHash: hash, n: 1 });
  fs.appendFileSync(path.join(home, "journal", "plan-tokens.jsonl"), `{"event":"used","tokenHash":"${hash}`);
  await store.appendJournal("plan-tokens", { event: "used", tokenHash: hash, n: 2 });
  const records = await store.journal("plan-tokens", { containing: hash });
  assert.deepEqual(records.map((r) => r.n), [1, 2]);
  assert.equal((await store.journal("plan-tokens")).length, 52);
});

test("a missing memory folder is E_MEMORY_MISSING (exit 3)", async () => {
  const store = openMemory({ home: path.join(root, "nowhere") });
  await assert.rejects(
    store.settings(),
    (err: Error & { code?: string; exitCode?: number }) => err.code === "E_MEMORY_MISSING" && err.exitCode === 3,
  );
});

test("inspectMemory() warns about open permissions, unchecked profiles and a broken file", async () => {
  const { home, store } = await fresh();
  await store.saveProfile(gmail);
  fs.chmodSync(path.join(home, "send-log.md"), 0o644);
  fs.writeFileSync(path.join(home, "deliverability-notes.md"), "```yaml smtpilot:note\nat: yesterday\nkind: x\n```\n");
  const info = await inspectMemory(store);
  const codes = info.warnings.map((w) => `${w.code}:${w.file ?? w.profile}`).sort();
  assert.deepEqual(codes, [
    "memory.file-invalid:deliverability-notes.md",
    "memory.permissions-too-open:send-log.md",
    "memory.profile-never-checked:work",
  ]);
});
