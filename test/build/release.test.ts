// `npm run release` end to end for this machine's binary and one other platform's (Windows: a
// runtime fetched from the npm registry, another file format): every file lands in the output
// folder, SHA256SUMS verifies with sha256sum, and each binary carries the injected bundle for
// the right machine.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "smtpilot-release-"));
after(() => fs.rmSync(out, { recursive: true, force: true }));
const targets = ["linux-x64", "win-x64"];

before(() => {
  execFileSync(process.execPath, ["scripts/build/release.mjs", "--out", out, "--targets", targets.join(",")], {
    stdio: "pipe",
  });
});

test("release writes the bundle, each target's binary and a SHA256SUMS that sha256sum accepts", () => {
  const sums = fs.readFileSync(path.join(out, "SHA256SUMS"), "utf8").trim().split("\n");
  assert.deepEqual(sums.map((l) => l.split(/\s+/)[1]), ["smtpilot.cjs", "smtpilot-linux-x64", "smtpilot-win-x64.exe"]);
  const checked = execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, encoding: "utf8" });
  assert.equal(checked.match(/: OK$/gm)?.length, 3, checked);
});

test("each release binary is for its machine and carries the injected bundle", () => {
  const x64 = fs.readFileSync(path.join(out, "smtpilot-linux-x64"));
  assert.equal(x64.subarray(0, 4).toString("latin1"), "\x7fELF");
  assert.equal(x64.readUInt16LE(18), 0x3e, "ELF machine x86-64");
  const exe = fs.readFileSync(path.join(out, "smtpilot-win-x64.exe"));
  assert.equal(exe.subarray(0, 2).toString("latin1"), "MZ");
  const pe = exe.readUInt32LE(0x3c);
  assert.equal(exe.subarray(pe, pe + 4).toString("latin1"), "PE\0\0");
  assert.equal(exe.readUInt16LE(pe + 4), 0x8664, "PE machine x64");
  for (const bin of [x64, exe]) {
    // postject flips the fuse from :0 to :1 when it injects the SEA blob.
    assert.ok(bin.includes("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1"), "SEA fuse set");
  }
  const version = execFileSync(path.join(out, "smtpilot-linux-x64"), ["--version"], { encoding: "utf8" });
  assert.match(version, /single binary/);
});
