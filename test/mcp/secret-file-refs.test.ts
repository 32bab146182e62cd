// deno-lint-ignore-file no-explicit-any
// A secret reference an agent gives (profile_add's secret, canary_add's imapSecret) that reads a file —
// dotenv:FILE#KEY, settings:FILE#KEY — names a file as any file input does: refused without
// `smtpilot mcp --files DIR`, refused outside DIR (as written or through a link), and saved with the
// file's real path inside DIR. Otherwise an agent could point a profile the person approves at another
// application's secrets anywhere on the machine.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { confirmingPerson, connect } from "./mcp-client.ts";

const dir = makeTestDir("smtpilot-secret-refs-");
const home = path.join(dir, "home");
const folder = path.join(dir, "files");
const profiles = path.join(home, "provider-profiles.md");

before(async () => {
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, "app.env"), "SMTP_PASSWORD=inside-the-folder\n", { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "other-app.env"), "STRIPE_KEY=elsewhere\n", { mode: 0o600 });
  fs.symlinkSync(path.join(dir, "other-app.env"), path.join(folder, "link.env"));
  assert.equal((await runCli(["--home", home, "init"])).code, 0);
});

async function addProfile(client: Client, name: string, secret: string) {
  const r = await client.callTool({
    name: "profile_add",
    arguments: { name, provider: "custom", host: "smtp.example.com", port: 587, user: "u", secret },
  });
  return { doc: r.structuredContent as Record<string, any>, exit: (r._meta as any)?.["smtpilot/exitCode"] as number };
}

test("without --files, a dotenv: or settings: reference from a tool call is refused, nothing saved", async () => {
  const before = fs.readFileSync(profiles, "utf8");
  const client = await connect(confirmingPerson, undefined, home);
  for (const secret of [`dotenv:${path.join(folder, "app.env")}#SMTP_PASSWORD`, "settings:app.env#SMTP_URL"]) {
    const r = await addProfile(client, "refused", secret);
    assert.equal(r.exit, 4, JSON.stringify(r.doc));
    assert.equal(r.doc.error.code, "gate.file-access-off");
  }
  assert.equal(fs.readFileSync(profiles, "utf8"), before);
  await client.close();
});

test("with --files, a reference to a file outside the folder is refused; inside, it is saved by its real path", async () => {
  const before = fs.readFileSync(profiles, "utf8");
  const client = await connect(confirmingPerson, folder, home);
  for (
    const secret of [
      `dotenv:${path.join(dir, "other-app.env")}#STRIPE_KEY`,
      "dotenv:../other-app.env#STRIPE_KEY",
      "dotenv:link.env#STRIPE_KEY",
      "settings:../other-app.env#STRIPE_KEY:password",
    ]
  ) {
    const r = await addProfile(client, "outside", secret);
    assert.equal(r.doc.error?.code, "gate.file-outside-folder", secret);
  }
  assert.equal(fs.readFileSync(profiles, "utf8"), before, "nothing saved");
  // Inside the folder, by a relative name: saved (the person confirmed) with the file's real path.
  const r = await addProfile(client, "inside", "dotenv:app.env#SMTP_PASSWORD");
  assert.equal(r.exit, 0, JSON.stringify(r.doc));
  const saved = fs.readFileSync(profiles, "utf8");
  assert.ok(saved.includes(`dotenv:${fs.realpathSync(path.join(folder, "app.env"))}#SMTP_PASSWORD`), saved);
  assert.ok(!saved.includes("inside-the-folder"), "the secret itself is never saved");
  // An env: reference reads no file: as before.
  assert.equal((await addProfile(client, "from-env", "env:SMTP_PASSWORD")).exit, 0);
  await client.close();
});
