import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseDotenv } from "../../core/dotenv.ts";
import { expandPath, isSecretRef, parseSecretRef, resolveSecret, splitCommand } from "../../core/secrets.ts";
import { beforeHang } from "../helpers/wait-until.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-secrets-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const refs: [string, unknown][] = [
  ["env:SMTP_PASSWORD", { kind: "env", name: "SMTP_PASSWORD" }],
  ["dotenv:~/.config/smtp.env#GMAIL_APP", { kind: "dotenv", file: "~/.config/smtp.env", key: "GMAIL_APP" }],
  ["dotenv:./secrets dir/x.env#A", { kind: "dotenv", file: "./secrets dir/x.env", key: "A" }],
  ["cmd:pass show smtp/work", { kind: "cmd", argv: ["pass", "show", "smtp/work"] }],
  [`cmd:op read "op://Private/SMTP relay/password"`, {
    kind: "cmd",
    argv: ["op", "read", "op://Private/SMTP relay/password"],
  }],
  ["prompt", { kind: "prompt" }],
];
for (const [text, parsed] of refs) {
  test(`parseSecretRef() reads ${text}`, () => {
    assert.deepEqual(parseSecretRef(text), parsed);
    assert.ok(isSecretRef(text));
  });
}

for (
  const bad of ["hunter2-secret", "env:", "env:1BAD", "dotenv:file-without-key", "cmd:", "cmd:   ", "prompt:x", "ENV:X"]
) {
  test(`parseSecretRef() refuses ${JSON.stringify(bad)} with E_SECRET_REF_INVALID, never echoing it`, () => {
    assert.throws(() => parseSecretRef(bad), (err: Error & { code?: string; exitCode?: number }) => {
      assert.equal(err.code, "E_SECRET_REF_INVALID");
      assert.equal(err.exitCode, 2);
      if (bad.length > 6) assert.ok(!err.message.includes(bad), err.message);
      return true;
    });
  });
}

test("splitCommand() quotes like a shell but expands nothing", () => {
  assert.deepEqual(splitCommand(`a 'b c' "d \\"e\\"" f\\ g $HOME |x`), ["a", "b c", 'd "e"', "f g", "$HOME", "|x"]);
  assert.deepEqual(splitCommand(`unterminated 'quote`), []);
});

test("parseDotenv() reads export, quotes, comments and escapes as the dotenv package does", () => {
  const env = parseDotenv(
    [
      "# comment",
      "export A=plain # trailing comment",
      "B='single # kept'",
      'C="line\\nbreak \\"q\\""',
      "D = spaced  ",
      "A=later-wins",
    ].join("\n"),
  );
  assert.equal(env.get("A"), "later-wins");
  assert.equal(env.get("B"), "single # kept");
  // Only \n and \r are expanded; a backslash before a quote stays (dotenv 16–18).
  assert.equal(env.get("C"), 'line\nbreak \\"q\\"');
  assert.equal(env.get("D"), "spaced");
});

test("resolveSecret() reads env: and hands the value to protect() first", async () => {
  const seen: string[] = [];
  const value = await resolveSecret(parseSecretRef("env:X_PW"), {
    env: { X_PW: "s3cret-value" },
    protect: (v) => seen.push(v),
  });
  assert.equal(value, "s3cret-value");
  assert.deepEqual(seen, ["s3cret-value"]);
  assert.equal(await resolveSecret(parseSecretRef("env:X_PW"), { env: { X_PW: "" } }), undefined);
  assert.equal(await resolveSecret(parseSecretRef("env:NOPE"), { env: {} }), undefined);
});

test("resolveSecret() reads a dotenv file outside the memory folder", async () => {
  const file = path.join(dir, "app.env");
  fs.writeFileSync(file, "SMTP_PW=from-dotenv-file\n");
  assert.equal(
    await resolveSecret(parseSecretRef(`dotenv:${file}#SMTP_PW`), { memoryHome: path.join(dir, "smtp") }),
    "from-dotenv-file",
  );
  assert.equal(await resolveSecret(parseSecretRef(`dotenv:${file}#OTHER`), {}), undefined);
});

test("resolveSecret() refuses a dotenv file inside the memory folder, also through a symlink", async () => {
  const home = path.join(dir, "memory");
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, "secrets.env"), "PW=never-read\n");
  fs.symlinkSync(home, path.join(dir, "link-to-memory"));
  for (const file of [path.join(home, "secrets.env"), path.join(dir, "link-to-memory", "secrets.env")]) {
    await assert.rejects(
      resolveSecret(parseSecretRef(`dotenv:${file}#PW`), { memoryHome: home }),
      (err: Error & { code?: string }) => err.code === "E_SECRET_IN_MEMORY" && !err.message.includes("never-read"),
    );
  }
});

test("resolveSecret() runs cmd: without a shell and takes the first line", async () => {
  const value = await resolveSecret(parseSecretRef(`cmd:printf "line-one\\nmetadata: x\\n"`), {});
  assert.equal(value, "line-one");
  // A shell would expand $HOME and run the second command; execFile passes them as arguments.
  assert.equal(await resolveSecret(parseSecretRef("cmd:echo $HOME ; echo pwned"), {}), "$HOME ; echo pwned");
});

test("a failing cmd: is reported with its exit status, never its output", async () => {
  await assert.rejects(
    resolveSecret(parseSecretRef(`cmd:sh -c "echo leaked-stdout-value; echo leaked-stderr-value >&2; exit 7"`), {}),
    (err: Error & { code?: string; exitCode?: number }) => {
      assert.equal(err.code, "E_SECRET_CMD_FAILED");
      assert.equal(err.exitCode, 3);
      assert.match(err.message, /status 7/);
      assert.ok(!/leaked/.test(err.message), err.message);
      return true;
    },
  );
});

test("a cmd: that hangs is stopped at its timeout", async () => {
  // The error says the timeout stopped it (a command that ended by itself says otherwise); the
  // command would run ten minutes, so a resolve that waited for it hangs, and fails.
  await assert.rejects(
    beforeHang(resolveSecret(parseSecretRef("cmd:sleep 600"), { cmdTimeoutMs: 300 }), "the command was not stopped"),
    (err: Error & { code?: string }) => err.code === "E_SECRET_CMD_FAILED" && /did not finish/.test(err.message),
  );
});

test("a cmd: waiting for input gets end-of-file, not a hang", async () => {
  assert.equal(await resolveSecret(parseSecretRef("cmd:cat"), { cmdTimeoutMs: 5000 }), undefined);
});

test("a cmd: naming a missing program is E_SECRET_CMD_NOT_FOUND (exit 2)", async () => {
  await assert.rejects(
    resolveSecret(parseSecretRef("cmd:/nonexistent/pass-helper show x"), {}),
    (err: Error & { code?: string; exitCode?: number }) => err.code === "E_SECRET_CMD_NOT_FOUND" && err.exitCode === 2,
  );
});

test("prompt is refused without a terminal and asks hidden input with one", async () => {
  await assert.rejects(
    resolveSecret(parseSecretRef("prompt"), { interactive: false }),
    (err: Error & { code?: string }) => err.code === "E_SECRET_PROMPT_NO_TTY",
  );
  const asked: string[] = [];
  const value = await resolveSecret(parseSecretRef("prompt"), {
    interactive: true,
    purpose: "password for me@example.com",
    ask: (m) => (asked.push(m), Promise.resolve("typed-secret")),
  });
  assert.equal(value, "typed-secret");
  assert.match(asked[0] ?? "", /me@example\.com/);
});

test("expandPath() expands ~ and resolves relative paths", () => {
  assert.equal(expandPath("~/x.env"), path.join(os.homedir(), "x.env"));
  assert.equal(expandPath("a/b", "/base"), "/base/a/b");
});
