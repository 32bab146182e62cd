/**
 * `smtpilot domain a b …` and `--from-file` end to end through the CLI
 * against the Knot peer, with the counting forwarder in between: one JSON
 * document per line (JSON Lines) or a table, one query per name for the
 * whole batch, a bad line refused before any lookup, a domain whose
 * answers are held back printed last while the others stream out, and the
 * output cut short by `head`. Skipped when knotd is not installed, except
 * under CI=true, where that is a failure.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { knotMissing, type KnotPeer, startKnotPeer } from "../../scripts/peers/knot/peer.ts";
import { type QueryLog, startQueryLog } from "../../scripts/peers/knot/query-log.ts";
import { runCli, spawnCli } from "../helpers/cli.ts";
import { makeTestDir } from "../helpers/temp-dir.ts";

const _missing = knotMissing();
if (_missing && process.env.CI === "true") {
  test("the Knot DNS peer is installed (required under CI=true)", () => assert.fail(_missing));
}

const _DOMAINS = ["good.test", "bare.test", "subprot.test", "rfc9989.test", "v6only.test", "near.test"];

interface _Doc {
  schema: string;
  domain: string;
  summary: { errors: number };
  dns: { queries: number };
  spf?: { ip: string; sender: string; result: string };
}

describe("smtpilot domain with many domains against a real Knot DNS", { skip: _missing }, () => {
  let peer: KnotPeer;
  let wire: QueryLog;
  const dir = makeTestDir("smtpilot-batch-");

  before(async () => {
    peer = await startKnotPeer();
    wire = await startQueryLog(peer.port);
  });
  after(async () => {
    await wire?.close();
    await peer?.stop();
  });

  test("domain a b c --json prints one document per line, asks each name once for the whole batch", async () => {
    wire.reset();
    const r = await runCli(["domain", ..._DOMAINS, "--selector", "s1", "--resolver", wire.resolver, "--json"]);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    const docs = lines.map((l) => JSON.parse(l) as _Doc);
    assert.deepEqual(docs.map((d) => d.domain).sort(), [..._DOMAINS].sort());
    assert.ok(docs.every((d) => d.schema === "smtpilot.domain/1"));
    assert.equal(r.code, 1, "bare.test has errors");
    assert.deepEqual([...wire.repeats()], [], "a query reached the server twice");
    // Each query on the wire is counted by exactly one domain's document.
    assert.equal(docs.reduce((n, d) => n + d.dns.queries, 0), wire.questions().length);
  });

  test("domain --from-file: domains and JSON replays, a table by default; a bad line is exit 2 before any lookup", async () => {
    const file = path.join(dir, "list.txt");
    writeFileSync(
      file,
      [
        "# our domains",
        "good.test",
        "bare.test",
        JSON.stringify({ ip: "192.0.2.25", sender: "@good.test", helo: "mail.good.test" }),
        JSON.stringify({ ip: "192.0.2.25", sender: "bounce@mail..good.test", helo: "[192.0.2.25]" }),
      ].join("\n"),
    );
    const table = await runCli(["domain", "--from-file", file, "--only", "spf,dmarc", "--resolver", wire.resolver]);
    const rows = table.stdout.split("\n");
    assert.match(rows[0] ?? "", /^Mode: DNS lookups only/);
    assert.ok(rows.some((l) => /^bare\.test\s+FAIL/.test(l)), table.stdout);
    assert.ok(rows.some((l) => /^good\.test\s+PASS\s+0\s+0\s+pass/.test(l)), "the replay shows its SPF result");
    assert.equal(table.code, 1);
    const json = await runCli(["domain", "--from-file", file, "--only", "spf", "--resolver", wire.resolver, "--json"]);
    const replay = json.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as _Doc)
      .find((d) => d.spf?.sender === "@good.test");
    assert.equal(replay?.spf?.result, "pass", "an empty local part is postmaster (RFC 7208 §4.3)");
    writeFileSync(file, "good.test\nnot a domain\n");
    wire.reset();
    const bad = await runCli(["domain", "--from-file", file, "--resolver", wire.resolver, "--json"]);
    assert.equal(bad.code, 2);
    assert.match(JSON.parse(bad.stdout).error.message, /line 2/);
    assert.equal(wire.questions().length, 0, "nothing was looked up");
  });

  test("a domain whose answers are held does not hold the others: they print first", async () => {
    wire.hold((name) => name.endsWith("near.test"));
    const child = spawnCli([
      "domain",
      "near.test",
      ..._DOMAINS.filter((d) => d !== "near.test"),
      "--only",
      "spf,dmarc",
      "--concurrency",
      "2",
      "--timeout",
      "60",
      "--resolver",
      wire.resolver,
      "--json",
    ]);
    const seen: string[] = [];
    let buffer = "";
    const done = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) seen.push((JSON.parse(line) as _Doc).domain);
        // Every other domain printed while near.test's queries are still held: now let them through.
        if (seen.length === _DOMAINS.length - 1) {
          wire.release();
          resolve();
        }
      });
    });
    await done;
    assert.deepEqual(seen.slice(0, -1).sort(), _DOMAINS.filter((d) => d !== "near.test").sort());
    assert.equal(seen.at(-1), "near.test");
  });

  test("domain --from-file - reads stdin; piped into head, the run stops at once with 141", async () => {
    const many = Array.from({ length: 200 }, (_, i) => `d${i}.good.test`).join("\n");
    const child = spawnCli(["domain", "--from-file", "-", "--only", "spf", "--resolver", wire.resolver, "--json"]);
    child.stdin.end(many);
    let first = "";
    await new Promise<void>((resolve) =>
      child.stdout.once("data", (d: Buffer) => {
        first = d.toString().split("\n")[0] ?? "";
        child.stdout.destroy(); // what `head -1` does once it has its line
        resolve();
      })
    );
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal((JSON.parse(first) as _Doc).schema, "smtpilot.domain/1");
    assert.equal(code, 141);
  });
});
