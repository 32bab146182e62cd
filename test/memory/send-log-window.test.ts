// A send reads the part of send-log.md it needs (MemoryStore.sendLogSince for the canary gate and the
// bulk-readiness check, lastSendLogEntry for verify) and gets the same answers as the full read did, on
// a log with old and recent entries, torn ones and hand-edited ones; the full read stays for status.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { initMemory } from "../../core/memory/init.ts";
import { inspectMemory } from "../../core/memory/inspect.ts";
import { TORN_MARK } from "../../core/memory/markdown-blocks.ts";
import { type MemoryStore, openMemory } from "../../core/memory/store.ts";
import type { SendLogEntry } from "../../core/memory/index.ts";
import { type CanaryKey, verifiedCanary } from "../../core/send/gates.ts";
import { sentCanaryOf } from "../../core/send/verify-send.ts";
import { sampleCanaryKey } from "../helpers/canary-key.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-logwindow-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

const key = (digest: string): CanaryKey => sampleCanaryKey({ messageDigest: digest.repeat(64) });
const KEYS = [key("a"), key("b")];
const NOW = Date.parse("2026-12-07T12:00:00Z");
const HOUR = 3_600_000;

/** A memory folder whose send log holds `count` canaries over `count` half-hours before NOW, most verified. */
async function bigLog(count: number): Promise<{ store: MemoryStore; file: string }> {
  const home = path.join(root, `m${n++}`, "smtp");
  await initMemory(home, new Date(NOW - 1000 * HOUR));
  const store = openMemory({ home });
  for (let i = 0; i < count; i++) {
    const at = NOW - (count - i) * HOUR / 2;
    const k = KEYS[i % 2] as CanaryKey;
    const sendId = `s${i}`;
    await store.appendSendLog({
      at: new Date(at).toISOString(),
      kind: "canary",
      state: "accepted",
      profile: k.profile,
      recipient: "canary@example.net",
      messageId: `<m${i}@example.com>`,
      sendId,
      host: k.host,
      port: k.port,
      user: k.user,
      from: k.from,
      envelopeFrom: k.envelopeFrom,
      digest: k.messageDigest,
    });
    if (i % 3 === 2) continue; // never verified
    await store.appendSendLog({
      at: new Date(at + 5 * 60_000 + 123).toISOString(),
      kind: "verify",
      profile: k.profile,
      messageId: `<m${i}@example.com>`,
      sendId,
      state: i % 3 === 0 ? "delivered-inbox" : "delivered-spam",
    });
  }
  return { store, file: store.path("sendLog") };
}

/** The entry starting at the heading that holds `marker`, as [start, end) offsets of the file text. */
function sectionOf(text: string, marker: string): [number, number] {
  const at = text.lastIndexOf("\n## ", text.indexOf(marker)) + 1;
  const next = text.indexOf("\n## ", at);
  return [at, next === -1 ? text.length : next + 1];
}

/** What verify looked up before: the last accepted canary (of that Message-ID) over the whole log. */
function oldSent(log: readonly SendLogEntry[], messageId: string | undefined): SendLogEntry | undefined {
  const sends = log.filter((e) => e.kind === "canary" && e.state === "accepted" && typeof e.messageId === "string");
  return messageId === undefined
    ? sends.at(-1)
    : [...sends].reverse().find((e) => e.messageId === messageId.trim() || e.messageId === `<${messageId.trim()}>`);
}

async function newSent(store: MemoryStore, messageId: string | undefined): Promise<SendLogEntry | undefined> {
  try {
    return await sentCanaryOf(store, messageId);
  } catch (err) {
    if ((err as { code?: string }).code === "E_USAGE") return undefined;
    throw err;
  }
}

test("the gate's window and verify's lookup give the full read's answers on a log with old, recent, torn and hand-edited entries", async () => {
  const { store, file } = await bigLog(200);
  let text = fs.readFileSync(file, "utf8");
  // Hand-edited: a recent verification's heading rewritten by a person (its block must still count),
  // and an old canary's heading too.
  const edit = (marker: string, change: (section: string) => string) => {
    const [start, end] = sectionOf(text, marker);
    const changed = change(text.slice(start, end));
    assert.notEqual(changed, text.slice(start, end), marker);
    text = text.slice(0, start) + changed + text.slice(end);
  };
  edit(
    "messageId: <m195@example.com>\nstate: delivered-inbox",
    (s) => s.replace(/^## .*$/m, "## verified by hand, see the ticket"),
  );
  edit("messageId: <m7@example.com>\nrecipient:", (s) => s.replace(/^## .*$/m, "## an old canary"));
  // Torn: the newest inbox verification, its write cut short and sealed (it must not count).
  edit(
    "messageId: <m198@example.com>\nstate: delivered-inbox",
    (s) => s.replace(/state: delivered-inbox\n[^`]*/, `state: deliv\n${TORN_MARK}\n`),
  );
  fs.writeFileSync(file, text);
  // …and one left open at the end.
  fs.appendFileSync(file, "\n## 2026-12-07 11:59:00Z · verify · lab\n\n```yaml smtpilot:send-log\nat: 2026-12");

  const full = await store.sendLog();
  assert.equal((await store.readLog("sendLog")).torn.length, 2);
  assert.ok(!full.some((e) => e.sendId === "s198" && e.kind === "verify"), "the torn verification is skipped");
  const answers: string[] = [];
  for (const hours of [1, 3, 6, 24, 48, 200]) {
    for (const now of [NOW, NOW - 2 * HOUR, NOW - 30 * HOUR]) {
      const window = await store.sendLogSince(new Date(now - hours * HOUR));
      for (const k of KEYS) {
        const expected = verifiedCanary(full, k, new Date(now), hours);
        assert.deepEqual(verifiedCanary(window, k, new Date(now), hours), expected, `${hours} h before ${now}`);
        answers.push(String(expected?.sendId));
      }
      // Every entry of the window, and of older ones only those a minute short of it or without a heading.
      const from = now - hours * HOUR;
      const recent = (e: SendLogEntry) => Date.parse(e.at) >= from;
      assert.deepEqual(window.filter(recent), full.filter(recent));
      const handEdited = (e: SendLogEntry) =>
        (e.kind === "canary" && e.sendId === "s7") || (e.kind === "verify" && e.sendId === "s195");
      assert.deepEqual(window.filter((e) => Date.parse(e.at) < from - 60_000 && !handEdited(e)), []);
    }
  }
  // The log answers both ways: found (the hand-edited one among them) and refused.
  for (const sendId of ["s195", "s192", "undefined"]) assert.ok(answers.includes(sendId), answers.join(" "));
  assert.ok(!answers.includes("s198"), answers.join(" "));

  for (
    const id of [
      undefined,
      "<m7@example.com>",
      "m7@example.com",
      " m150@example.com ",
      "<m198@example.com>",
      "m999@example.com",
      "m1",
    ]
  ) {
    assert.deepEqual(await newSent(store, id), oldSent(full, id), String(id));
  }
  assert.equal((await newSent(store, "m7@example.com"))?.sendId, "s7");
});

test("an invalid entry outside the window no longer stops a send; status and the full read still report it", async () => {
  const { store, file } = await bigLog(40);
  const text = fs.readFileSync(file, "utf8");
  // A person broke an entry of the first hours: a field of the wrong type, then YAML that does not parse.
  for (const broken of ["port: 587\n", "port: [587\n"]) {
    fs.writeFileSync(file, text.replace("port: 587\n", broken === "port: 587\n" ? "kind: 7\nport: 587\n" : broken));
    await assert.rejects(store.sendLog(), { code: "E_MEMORY_INVALID" });
    const warnings = (await inspectMemory(store)).warnings.map((w) => `${w.code}:${w.file}`);
    assert.ok(warnings.includes("memory.file-invalid:send-log.md"), warnings.join(", "));
    const window = await store.sendLogSince(new Date(NOW - 6 * HOUR));
    assert.equal(verifiedCanary(window, KEYS[0] as CanaryKey, new Date(NOW), 6)?.sendId, "s36");
    assert.equal((await sentCanaryOf(store, "<m39@example.com>")).sendId, "s39");
    assert.equal((await sentCanaryOf(store, undefined)).sendId, "s39");
    // Inside the window, or without a heading to place it, the same error still stops the gate.
    await assert.rejects(store.sendLogSince(new Date(NOW - 100 * HOUR)), { code: "E_MEMORY_INVALID" });
    await assert.rejects(sentCanaryOf(store, "<m0@example.com>"), { code: "E_MEMORY_INVALID" });
  }
  fs.writeFileSync(
    file,
    text.replace(/^## .*· canary · lab$/m, "## first canary (edited)").replace("port: 587\n", "port: [587\n"),
  );
  await assert.rejects(store.sendLogSince(new Date(NOW - 6 * HOUR)), { code: "E_MEMORY_INVALID" });
});

test("verify finds a canary whose Message-ID the YAML holds escaped, not verbatim", async () => {
  const { store, file } = await bigLog(6);
  const text = fs.readFileSync(file, "utf8");
  // The same ID written the way YAML may: double-quoted with an escape (\x41 is "A").
  const escaped = text.replace("messageId: <m4@example.com>\n", 'messageId: "<m\\x41@example.com>"\n');
  assert.notEqual(escaped, text);
  fs.writeFileSync(file, escaped);
  assert.equal((await sentCanaryOf(store, "<mA@example.com>")).sendId, "s4");
  assert.equal((await sentCanaryOf(store, "mA@example.com")).sendId, "s4");
  await assert.rejects(sentCanaryOf(store, "mB@example.com"), { code: "E_USAGE" });
});

test("the window keeps the full read's trust checks: a secret in it, a link, a file others can write", async () => {
  const { store, file } = await bigLog(10);
  const text = fs.readFileSync(file, "utf8");
  const since = new Date(NOW - 2 * HOUR);
  fs.writeFileSync(file, `${text}\nnote: password=hunter2hunter2\n`);
  await assert.rejects(store.sendLogSince(since), { code: "E_MEMORY_SECRET" });
  await assert.rejects(sentCanaryOf(store, undefined), { code: "E_MEMORY_SECRET" });
  const withSecret = text.replace(
    "messageId: <m9@example.com>\n",
    "messageId: <m9@example.com>\nreply: password=Xk9mQ2vL7pR4zTq\n",
  );
  assert.notEqual(withSecret, text);
  fs.writeFileSync(file, withSecret);
  await assert.rejects(store.sendLogSince(since), { code: "E_MEMORY_SECRET" });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, 0o666);
  await assert.rejects(store.sendLogSince(since), { code: "E_MEMORY_UNSAFE" });
  fs.chmodSync(file, 0o600);
  const moved = `${file}.real`;
  fs.renameSync(file, moved);
  fs.symlinkSync(moved, file);
  await assert.rejects(store.sendLogSince(since), (err: { code?: string }) => err.code !== undefined);
  await assert.rejects(sentCanaryOf(store, undefined), (err: { code?: string }) => err.code !== undefined);
  fs.rmSync(file);
  fs.renameSync(moved, file);
  // Recipients stay masked in what the window hands back.
  assert.ok((await store.sendLogSince(since)).every((e) => e.kind !== "canary" || e.recipient === "c***@example.net"));
});
