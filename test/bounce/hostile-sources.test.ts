import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyzeMessage, type BounceMessage } from "../../core/bounce/analyze-message.ts";
import { MessageSplitter } from "../../core/bounce/message-splitter.ts";
import { runCli, spawnCli } from "../helpers/cli.ts";

function maildir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-hostile-"));
  for (const sub of ["new", "cur", "tmp"]) fs.mkdirSync(path.join(dir, sub));
  return dir;
}

// Issue 15, item 17: a Maildir holding a FIFO or a link to /dev/zero used to hang the run forever.
test("bounce skips a FIFO, a link to /dev/zero and a link out of the folder inside a Maildir, and reads the rest", {
  skip: process.platform === "win32" ? "no FIFOs" : false,
  timeout: 90_000,
}, async () => {
  const dir = maildir();
  try {
    execFileSync("mkfifo", [path.join(dir, "new", "1.fifo")]);
    fs.symlinkSync("/dev/zero", path.join(dir, "new", "2.zero"));
    fs.symlinkSync(path.resolve("test/data/bounces/postfix/user-unknown.eml"), path.join(dir, "new", "3.outside"));
    fs.copyFileSync("test/data/bounces/postfix/relay-denied.eml", path.join(dir, "cur", "4.real:2,S"));
    const r = await runCli(["bounce", "--json", dir]);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.errors.map((e: { source: string; code: string }) => [path.basename(e.source), e.code]).sort(),
      [["1.fifo", "bounce.not-a-file"], ["2.zero", "bounce.not-a-file"], ["3.outside", "bounce.not-a-file"]],
    );
    assert.deepEqual(doc.messages.map((m: BounceMessage) => m.recipients[0]?.reason), ["norelaying"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bounce names a FIFO given on the command line as not a file instead of waiting for a writer", {
  skip: process.platform === "win32" ? "no FIFOs" : false,
  timeout: 90_000,
}, async () => {
  const dir = maildir();
  try {
    const fifo = path.join(dir, "pipe.eml");
    execFileSync("mkfifo", [fifo]);
    const r = await runCli(["bounce", "--json", fifo, "test/data/bounces/postfix/relay-denied.eml"]);
    assert.equal(r.code, 3);
    assert.deepEqual(JSON.parse(r.stdout).errors.map((e: { code: string }) => e.code), ["bounce.not-a-file"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Issue 15, item 17: 52 MB of small header fields took 450 MB (an object per three-byte field, in many parts).
test("bounce reads 52 MB of small header fields spread over many parts in bounded memory", () => {
  const fields = Array.from({ length: 16_000 }, (_, i) => `a:${i % 10}\n`).join("");
  const part = Buffer.from(`--BB\n${fields}\nx\n`);
  const out: BounceMessage[] = [];
  const s = new MessageSplitter("fields", (root, source) => out.push(analyzeMessage(root, source)));
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = 0;
  s.push(Buffer.from("From: a@example.org\nSubject: x\nContent-Type: multipart/mixed; boundary=BB\n\n"));
  for (let i = 0; i < Math.ceil((52 * 1024 * 1024) / part.length); i++) {
    s.push(part);
    if (i % 50 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
  }
  s.push(Buffer.from("--BB--\n"));
  s.end();
  peak = Math.max(peak, process.memoryUsage().heapUsed - before);
  assert.equal(out.length, 1);
  assert.ok(peak < 96 * 1024 * 1024, `heap grew by ${Math.round(peak / 1e6)} MB`);
});

test("bounce prints each message as it reads it and ends on SIGINT with 130 while reading an endless stream", {
  timeout: 90_000,
}, async () => {
  const child = spawnCli(["bounce", "-"]);
  const message = fs.readFileSync("test/data/bounces/postfix/user-unknown.eml", "latin1");
  const mbox = Buffer.from(`From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n${message.replace(/^From /gm, ">From ")}\n`);
  let stdout = "";
  let feeding = true;
  child.stdin.on("error", () => {});
  const feed = () => {
    while (feeding && child.stdin.write(mbox));
  };
  child.stdin.on("drain", feed);
  feed();
  // The first analysed message on stdout proves the run is streaming, mid-input.
  const streaming = Promise.withResolvers<void>();
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += String(chunk);
    if (/userunknown/.test(stdout)) streaming.resolve();
  });
  await streaming.promise;
  child.kill("SIGINT");
  const [code] = await once(child, "exit");
  feeding = false;
  assert.equal(code, 130);
});

test("bounce --json streams a document identical to the one built in memory, with why each reason was given", async () => {
  const files = ["test/data/bounces/postfix/user-unknown.eml", "test/data/bounces/providers/three-messages.mbox"];
  const r = await runCli(["bounce", "--json", ...files]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.summary.messages, 4);
  assert.equal(doc.summary.byKind.dsn + doc.summary.byKind.bounce, 2);
  const first = doc.messages[0].recipients[0];
  assert.deepEqual([first.reason, first.stage, first.reasonRule, first.recommended], [
    "userunknown",
    "rcpt",
    "text:user-unknown",
    "suppress",
  ]);
  assert.match(first.evidence, /^Diagnostic-Code: .*User unknown/);
  const text = await runCli(["bounce", "--explain", files[0]!]);
  assert.equal(text.code, 0);
  assert.ok(text.stdout.includes("text:user-unknown") && text.stdout.includes("rcpt"), text.stdout);
});
