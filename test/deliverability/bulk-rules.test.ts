/**
 * The list's providers from MX (personal accounts told from the business
 * services on the same machines) and the bulk rules judged from DNS, the
 * draft and the canary's checklist: a table of scenarios, rule ids out.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkBulkRules } from "../../core/deliverability/bulk-rules.ts";
import { countByProvider, countsLine, serviceOfMx } from "../../core/deliverability/recipient-providers.ts";
import type { Checklist } from "../../core/deliverability/checklist.ts";
import { providerVerdicts } from "../../core/deliverability/checklist.ts";
import type { AlignReport } from "../../core/align/align.ts";
import { fakeDns } from "../domain/fake-dns.ts";

test("serviceOfMx() tells personal Gmail, Outlook.com and Yahoo from Workspace and Microsoft 365", () => {
  const cases: [string, string][] = [
    ["gmail-smtp-in.l.google.com.", "gmail"],
    ["alt1.gmail-smtp-in.l.google.com", "gmail"],
    ["aspmx.l.google.com", "google-workspace"],
    ["ALT2.ASPMX.L.GOOGLE.COM", "google-workspace"],
    ["smtp.google.com", "google-workspace"],
    ["hotmail-com.olc.protection.outlook.com", "outlook"],
    ["contoso-com.mail.protection.outlook.com", "microsoft-365"],
    ["mta7.am0.yahoodns.net", "yahoo"],
    ["mx-aol.mail.gm0.yahoodns.net", "yahoo"],
    ["mx.google.com.evil.test", "other"],
    ["notyahoodns.net", "other"],
  ];
  for (const [mx, service] of cases) assert.equal(serviceOfMx(mx), service, mx);
});

test("countByProvider() asks each domain's MX once, and names a failed lookup as not known", async () => {
  const dns = fakeDns({
    "gmail.com": {
      MX: [{ priority: 20, exchange: "alt1.gmail-smtp-in.l.google.com" }, {
        priority: 5,
        exchange: "gmail-smtp-in.l.google.com",
      }],
    },
    "outlook.com": { MX: [{ priority: 5, exchange: "outlook-com.olc.protection.outlook.com" }] },
    "down.test": { error: "ETIMEOUT" },
    "nomx.test": { A: ["192.0.2.1"] },
  });
  const counts = await countByProvider(
    new Map([["gmail.com", 3120], ["outlook.com", 410], ["down.test", 2], ["nomx.test", 1]]),
    dns,
  );
  assert.deepEqual(counts.recipients, { gmail: 3120, outlook: 410, unknown: 2, other: 1 });
  assert.equal(countsLine(counts), "3 120 Gmail, 410 Outlook.com, 2 MX not known, 1 other");
  assert.deepEqual(dns.queries.map((q) => `${q.type} ${q.name}`).sort(), [
    "MX down.test",
    "MX gmail.com",
    "MX nomx.test",
    "MX outlook.com",
  ]);
});

const ALIGNED = {
  fromDomain: "shop.test",
  dmarc: { policy: "none", where: "_dmarc.shop.test", adkim: "r", aspf: "r" },
  spf: { mode: "relaxed", domain: "shop.test", aligned: true },
  dkim: { mode: "relaxed", domain: "shop.test", aligned: true },
} as unknown as AlignReport;
const MESSAGE = (extra = "") =>
  Buffer.from(
    `From: a@shop.test\r\nTo: b@x.test\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@shop.test>\r\n${extra}\r\nhi\r\n`,
  );
const ONE_CLICK = "List-Unsubscribe: <https://shop.test/u>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
const canary = (over: Record<string, string>): Checklist => {
  const lines = ["canary.spf", "canary.dkim", "canary.tls", "canary.ptr", "canary.alignment", "canary.dkim-coverage"]
    .map((
      code,
    ) => ({ code, status: (over[code] ?? "pass") as "pass", summary: code, evidence: [], requirements: [] }));
  return { lines, providers: providerVerdicts(lines) };
};
const failed = (r: ReturnType<typeof checkBulkRules>) => r.checks.filter((c) => c.status === "fail").map((c) => c.rule);
const gmailList = { recipients: { gmail: 6000, outlook: 100 }, domains: 2, lookedUp: 2 };

test("checkBulkRules() checks only providers above their threshold; below every one, nothing is refused", () => {
  const small = checkBulkRules({
    counts: { recipients: { gmail: 4999, outlook: 5000, yahoo: 4999 }, domains: 3, lookedUp: 3 },
    message: MESSAGE(),
    alignment: ALIGNED,
  });
  assert.deepEqual(small.checks, []);
  assert.equal(small.refused, false);
  // Gmail and Yahoo count "5,000 or more", Outlook.com "more than 5,000".
  const edge = checkBulkRules({
    counts: { recipients: { gmail: 5000, outlook: 5001, yahoo: 4999 }, domains: 3, lookedUp: 3 },
    message: MESSAGE(),
    alignment: ALIGNED,
  });
  assert.deepEqual(edge.thresholds.filter((t) => t.bulk).map((t) => t.provider), ["gmail", "outlook"]);
  const none = checkBulkRules({
    counts: { recipients: {}, domains: 0, lookedUp: 0 },
    message: MESSAGE(),
    alignment: ALIGNED,
  });
  assert.deepEqual(none.checks, []);
  const big = checkBulkRules({
    counts: gmailList,
    message: MESSAGE(ONE_CLICK),
    alignment: ALIGNED,
    canary: canary({}),
  });
  assert.deepEqual([...new Set(big.checks.map((c) => c.provider))], ["gmail"]);
  assert.deepEqual(failed(big), []);
  assert.equal(big.refused, false);
});

test("checkBulkRules() refuses per missed rule, naming it; what nothing shows is unknown (a warning)", () => {
  const cases: [string, Parameters<typeof checkBulkRules>[0], string[]][] = [
    ["no one-click", { counts: gmailList, message: MESSAGE(), alignment: ALIGNED, canary: canary({}) }, [
      "gmail.one-click-unsubscribe",
    ]],
    ["List-Unsubscribe unsigned on the canary", {
      counts: gmailList,
      message: MESSAGE(ONE_CLICK),
      alignment: ALIGNED,
      canary: canary({ "canary.dkim-coverage": "fail" }),
    }, ["gmail.one-click-unsubscribe"]],
    ["no DMARC record", {
      counts: gmailList,
      message: MESSAGE(ONE_CLICK),
      alignment: { ...ALIGNED, dmarc: { adkim: "r", aspf: "r" } } as AlignReport,
      canary: canary({}),
    }, ["gmail.dmarc-record"]],
    ["DKIM failed and no TLS on the canary", {
      counts: gmailList,
      message: MESSAGE(ONE_CLICK),
      alignment: ALIGNED,
      canary: canary({ "canary.dkim": "fail", "canary.tls": "fail" }),
    }, ["gmail.dkim-pass", "gmail.tls"]],
    ["two From fields", {
      counts: gmailList,
      message: Buffer.from(`From: a@shop.test\r\n${MESSAGE(ONE_CLICK).toString()}`),
      alignment: ALIGNED,
      canary: canary({}),
    }, ["gmail.rfc5322"]],
  ];
  for (const [name, input, rules] of cases) assert.deepEqual(failed(checkBulkRules(input)), rules, name);
  const unknown = checkBulkRules({ counts: gmailList, message: MESSAGE(ONE_CLICK), alignment: ALIGNED });
  assert.equal(unknown.refused, false);
  assert.deepEqual(
    unknown.checks.filter((c) => c.status === "unknown").map((c) => c.rule),
    ["gmail.spf-or-dkim", "gmail.spf-pass", "gmail.dkim-pass", "gmail.tls", "gmail.ptr"],
  );
});
