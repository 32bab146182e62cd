// A server controls what it calls itself, its queue ids and its replies. One that echoes the profile's
// secret in all of them — plain and base64 — gets it back nowhere: not in the canary's text or JSON,
// not in send-log.md, not in a scale send's journal.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { secretForms } from "../../core/redact.ts";
import {
  b,
  CANARY,
  listFile,
  listSendArgs,
  MESSAGE,
  miniProfile,
  NO_DNS,
  useSendBed,
  verifyOnTerminal,
} from "./send-fixture.ts";

/** Hostname-safe, so the server can wear it in its name. */
const SECRET = "Echo-Secret-7f3a9c2e";
const BASE64 = Buffer.from(SECRET).toString("base64");

useSendBed(async () => {
  await miniProfile("echo", {
    name: `mx.${SECRET}.test`,
    // Odd messages are queued as the secret itself, even ones as its base64.
    queueId: (n) => (n % 2 === 1 ? SECRET : BASE64),
    say: `(${SECRET} ${BASE64})`,
  });
});

const run = (args: string[]) => b().cli(args, { PW: SECRET });

function assertClean(where: string, text: string): void {
  for (const form of [...secretForms(SECRET), SECRET.slice(0, 12)]) {
    assert.ok(!text.includes(form), `${where} holds ${form}:\n${text.slice(0, 2000)}`);
  }
}

const canary = async (json: boolean) => {
  const plan = await run(["preflight", "--profile", "echo", "--to", CANARY, ...MESSAGE, ...NO_DNS, "--json"]);
  assert.equal(plan.code, 0, plan.stderr);
  assertClean("the preflight", plan.stdout + plan.stderr);
  const token = JSON.parse(plan.stdout).plan.token;
  const sent = await run([
    "send",
    "--canary",
    "--profile",
    "echo",
    "--to",
    CANARY,
    ...MESSAGE,
    "--confirm",
    token,
    ...(json ? ["--json"] : []),
  ]);
  assert.equal(sent.code, 0, sent.stderr);
  return sent;
};

test("a canary's text and JSON carry no secret the server echoed in its name, queue id or replies", async () => {
  const text = await canary(false); // queued as the secret
  assertClean("the canary's text", text.stdout + text.stderr);
  assert.match(text.stdout, /redacted/);
  const json = await canary(true); // queued as its base64
  assertClean("the canary's JSON", json.stdout + json.stderr);
  assert.equal(JSON.parse(json.stdout).state, "accepted");
  assertClean("send-log.md", fs.readFileSync(path.join(b().home, "send-log.md"), "utf8"));
});

test("a scale send's journal, output and log carry none of it either", async () => {
  await verifyOnTerminal();
  const list = listFile("echo-list.txt", ["e1@smtpilot.test", "e2@smtpilot.test", "e3@smtpilot.test"]);
  const plan = await run(["preflight", "--profile", "echo", "--to-list", list, ...MESSAGE, ...NO_DNS, "--json"]);
  assert.equal(plan.code, 0, plan.stderr);
  const sent = await run(listSendArgs("echo", list, JSON.parse(plan.stdout).plan.token, ["--rate", "none", "--json"]));
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(JSON.parse(sent.stdout).accepted, 3);
  assertClean("the scale send's output", sent.stdout + sent.stderr);
  const journal = path.join(b().home, "journal");
  const lines = fs.readdirSync(journal).filter((f) => f.startsWith("scale-") && f.endsWith(".jsonl"))
    .map((f) => fs.readFileSync(path.join(journal, f), "utf8")).join("");
  assert.match(lines, /"queueId"/);
  assertClean("the journal", lines);
  assertClean("send-log.md", fs.readFileSync(path.join(b().home, "send-log.md"), "utf8"));
});

test("diagnose, text and JSON, shows the server's greeting, name and replies without the secret", async () => {
  for (const json of [false, true]) {
    const r = await run(["diagnose", "--profile", "echo", ...NO_DNS, ...(json ? ["--json"] : [])]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assertClean(`diagnose${json ? " --json" : ""}`, r.stdout + r.stderr);
    // The server's words are shown, masked where they hold the secret.
    assert.match(r.stdout, /redacted/);
    if (json) JSON.parse(r.stdout);
  }
});
