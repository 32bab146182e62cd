/**
 * A test bed's main.cf settings replace the template's instead of following
 * them: Postfix warns "overriding earlier entry" from every daemon at start,
 * and on a loaded machine those warnings deadlocked postlogd (its datagram
 * socket full, itself blocked sending to it) so no smtpd ever greeted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { withSettings } from "../../scripts/peers/postfix/peer.ts";

const template = fs.readFileSync(path.join(import.meta.dirname, "../../scripts/peers/postfix/main.cf.tmpl"), "utf8");

/** Each setting's name, once per time it is set. */
const names = (mainCf: string) => mainCf.split("\n").flatMap((l) => /^([a-z0-9_]+)\s*=/.exec(l)?.slice(1) ?? []);

test("a setting the bed names again is set once, to the bed's value", () => {
  assert.ok(names(template).includes("default_transport"));
  const merged = withSettings(template, "default_transport = smtp\nrelayhost = [127.0.0.1]:2525");
  const all = names(merged);
  assert.equal(all.length, new Set(all).size, "no setting is named twice");
  assert.match(merged, /^default_transport = smtp$/m);
  assert.doesNotMatch(merged, /^default_transport = discard/m);
  // Everything else of the template is kept.
  for (const name of names(template)) assert.ok(all.includes(name), name);
});

test("a replaced setting's continuation lines go with it; other settings' stay", () => {
  const mainCf = "a = 1\n  more-of-a\nb = 2\n  more-of-b\n# a comment\n";
  const merged = withSettings(mainCf, "a = 3");
  assert.equal(merged, "b = 2\n  more-of-b\n# a comment\n\na = 3\n");
});
