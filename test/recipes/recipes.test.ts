// Recipes: the commands a person runs by hand. Every printed swaks and openssl line is run as
// printed (through sh) against the fixture and must do what it says; no secret of the run
// appears in any format; `diagnose --recipes` prints only the failing layer and the one below.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { buildRecipes, layersAround, type RecipeTarget } from "../../core/recipes/recipes.ts";
import { shellQuote } from "../../core/recipes/shell-line.ts";
import { secretForms } from "../../core/redact.ts";
import { FIXTURE_DEMO_SECRET, FIXTURE_DEMO_USER, type RunningFixture, startFixture } from "../../fixtures/index.ts";
import { runCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";
import { swaksMissing } from "../swaks/swaks-env.ts";

const SENTINEL = "Recipe-sentinel-9q!";
let fx: RunningFixture;

before(async () => {
  fx = await startFixture({ scenarios: ["healthy-starttls", "healthy-implicit", "cert-expired", "relay-denied"] });
});
after(async () => {
  await fx.close();
});

/** Runs a printed line through sh (asynchronously: the fixture serves in this process). */
function sh(line: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", line], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function target(name: string, over: Partial<RecipeTarget> = {}): RecipeTarget {
  return { host: fx.host, port: fx.ports[name] ?? 0, tls: "starttls", caFile: fx.caPath, to: [], ...over };
}

test("buildRecipes() lists the layers in run order (tls before greeting for implicit TLS) and only those that apply", () => {
  const plain = buildRecipes({ host: "smtp.example.com", port: 587, tls: "starttls", to: [] });
  assert.deepEqual(plain.layers.map((l) => l.layer), ["dns", "tcp", "greeting", "tls", "ehlo"]);
  const implicit = buildRecipes({
    host: "smtp.example.com",
    port: 465,
    tls: "implicit",
    auth: { user: "me", secretRef: "env:SMTP_PASSWORD" },
    from: "me@example.com",
    to: ["you@example.net"],
  });
  assert.deepEqual(implicit.layers.map((l) => l.layer), ["dns", "tcp", "tls", "greeting", "ehlo", "auth", "envelope"]);
  const none = buildRecipes({ host: "relay.internal", port: 25, tls: "none", to: [] }, ["tls", "ehlo"]);
  assert.deepEqual(none.layers.map((l) => l.layer), ["ehlo"]);
});

test("layersAround() is the failing layer and the one that ran before it", () => {
  assert.deepEqual(layersAround(["dns", "tcp", "greeting", "tls"], "tls"), ["greeting", "tls"]);
  assert.deepEqual(layersAround(["dns", "tcp", "tls", "greeting"], "greeting"), ["tls", "greeting"]);
  assert.deepEqual(layersAround(["dns"], "dns"), ["dns"]);
});

test("shellQuote() keeps secrets' placeholders expandable and everything else literal", () => {
  assert.equal(shellQuote("$SMTP_PASSWORD"), '"$SMTP_PASSWORD"');
  assert.equal(shellQuote("it's $HOME"), `'it'\\''s $HOME'`);
  assert.equal(shellQuote("smtp.example.com:587"), "smtp.example.com:587");
  assert.equal(shellQuote(""), "''");
});

describe("each printed swaks and openssl line runs as printed", { skip: swaksMissing() ?? false }, () => {
  test("against a healthy STARTTLS server with login and envelope, every line succeeds", async () => {
    const doc = buildRecipes(target("healthy-starttls", {
      auth: { user: FIXTURE_DEMO_USER, secretRef: "env:SMTP_PASSWORD" },
      from: "sender@smtpilot.test",
      to: ["rcpt@smtpilot.test"],
    }));
    const lines = doc.layers.flatMap((l) => l.commands).filter((c) => c.tool === "swaks" || c.tool === "openssl");
    assert.ok(lines.length >= 6);
    for (const c of lines) {
      const r = await sh(c.line, { SMTP_PASSWORD: FIXTURE_DEMO_SECRET });
      assert.equal(r.code, 0, `${c.line}\n${r.out}`);
    }
    const auth = doc.layers.find((l) => l.layer === "auth")?.commands[0]?.line ?? "";
    assert.match(auth, /--auth PLAIN --auth-user demo --auth-password "\$SMTP_PASSWORD" --quit-after AUTH/);
  });

  test("against an implicit-TLS server the lines use --tls-on-connect and openssl without -starttls, and succeed", async () => {
    const doc = buildRecipes(target("healthy-implicit", { tls: "implicit" }), ["tls", "greeting", "ehlo"]);
    for (const c of doc.layers.flatMap((l) => l.commands)) {
      assert.ok(!c.line.includes("-starttls"));
      const r = await sh(c.line);
      assert.equal(r.code, 0, `${c.line}\n${r.out}`);
    }
  });

  test("openssl's line fails on an expired certificate, as the tls layer does", async () => {
    const doc = buildRecipes(target("cert-expired"), ["tls"]);
    const brief = doc.layers[0]?.commands[0];
    assert.ok(brief);
    const r = await sh(brief.line);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /certificate has expired/);
  });

  test("swaks' envelope line shows the relay refusal (exit 24) and stops before DATA", async () => {
    const doc = buildRecipes(
      target("relay-denied", { from: "sender@smtpilot.test", to: ["rcpt@smtpilot.test"] }),
      ["envelope"],
    );
    const r = await sh(doc.layers[0]?.commands[0]?.line ?? "false");
    assert.equal(r.code, 24, r.out);
    assert.match(r.out, /554 5\.7\.1/);
    assert.ok(!/ -> DATA/.test(r.out));
  });
});

describe("the recipes command", () => {
  test("no form of the secret appears in text, markdown or JSON; the password is a variable", async () => {
    const args = ["recipes", "--host", "smtp.example.com", "--user", "me@example.com", "--secret", "env:MY_PW"];
    for (const format of [["--format", "text"], ["--format", "markdown"], ["--json"]]) {
      const r = await runCli([...args, ...format], { MY_PW: SENTINEL });
      assert.equal(r.code, 0, r.stderr);
      for (const form of secretForms(SENTINEL)) assert.ok(!r.stdout.includes(form), form);
      assert.match(r.stdout, /\$MY_PW/);
    }
  });

  test("--json is the smtpilot.recipes/1 document; markdown has one sh block per command", async () => {
    const json = await runCli(["recipes", "--host", "smtp.example.com", "--json"]);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.schema, "smtpilot.recipes/1");
    assert.ok(doc.layers.every((l: { commands: { line: string }[] }) => l.commands.every((c) => c.line.length > 0)));
    const md = await runCli(["recipes", "--host", "smtp.example.com", "--format", "markdown"]);
    const commands = doc.layers.reduce((n: number, l: { commands: unknown[] }) => n + l.commands.length, 0);
    assert.equal(md.stdout.split("```sh").length - 1, commands);
  });

  test("a missing --host or a secret typed where a reference belongs is exit 2, never echoed", async () => {
    assert.equal((await runCli(["recipes"])).code, 2);
    const typed = await runCli(["recipes", "--host", "h.example", "--user", "u", "--secret", SENTINEL]);
    assert.equal(typed.code, 2);
    assert.ok(!typed.stderr.includes(SENTINEL));
  });

  test("--profile NAME takes host, port, TLS mode and login from the saved profile", async () => {
    const home = makeTestDir("smtpilot-recipes-home-");
    await runCli(["--home", home, "init"]);
    const add = await runCli([
      "--home",
      home,
      "profile",
      "add",
      "work",
      "--provider",
      "custom",
      "--host",
      "mail.work.example",
      "--port",
      "465",
      "--tls",
      "implicit",
      "--user",
      "me@work.example",
      "--secret",
      "env:WORK_PW",
    ]);
    assert.equal(add.code, 0, add.stderr);
    const r = await runCli(["--home", home, "recipes", "--profile", "work", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.target, { host: "mail.work.example", port: 465, tls: "implicit" });
    assert.deepEqual(doc.env, [{ name: "WORK_PW", from: "env:WORK_PW" }]);
  });
});

describe("diagnose --recipes", () => {
  test("after a failure prints only the failing layer's commands and the one below, in text and JSON", async () => {
    const text = await runCli(["diagnose", "--fixture", "cert-expired", "--recipes"]);
    assert.equal(text.code, 13);
    assert.match(text.stdout, /^greeting: /m);
    assert.match(text.stdout, /^tls: /m);
    assert.doesNotMatch(text.stdout, /^(dns|tcp|ehlo|auth|envelope): /m);
    const json = await runCli(["diagnose", "--fixture", "cert-expired", "--recipes", "--json"]);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.schema, "smtpilot.diagnose/1");
    assert.deepEqual(doc.recipes.layers.map((l: { layer: string }) => l.layer), ["greeting", "tls"]);
  });

  test("after an auth failure the recipes hold the mechanism tried and the secret's variable, never the secret", async () => {
    const r = await runCli(
      [
        "diagnose",
        "--fixture",
        "auth-invalid",
        "--user",
        FIXTURE_DEMO_USER,
        "--secret",
        "env:PW",
        "--recipes",
        "--json",
      ],
      { PW: SENTINEL },
    );
    assert.equal(r.code, 15);
    for (const form of secretForms(SENTINEL)) assert.ok(!r.stdout.includes(form), form);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.recipes.layers.map((l: { layer: string }) => l.layer), ["ehlo", "auth"]);
    assert.match(doc.recipes.layers[1].commands[0].line, /--auth PLAIN .*--auth-password "\$PW"/);
  });

  test("a pass adds no recipes", async () => {
    const r = await runCli(["diagnose", "--fixture", "healthy-starttls", "--recipes", "--json"]);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).recipes, undefined);
  });
});
