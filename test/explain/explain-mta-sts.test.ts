/**
 * Exchange Online's MTA-STS replies — 4.4.8/5.4.8 (no MX host passed) and
 * 4.7.5/5.7.5 (the MX certificate failed) — as users paste them, bare or in
 * the NDR's "Remote server returned '…'" line: explained as the recipient
 * domain's TLS policy stopping the delivery, with the recipient-side check as
 * the next move; temporary for 4.x.x, permanent for 5.x.x. Through the CLI
 * too, offline.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { explainReplies } from "../../core/explain/explain-reply.ts";
import { parseReplies } from "../../core/explain/parse-replies.ts";
import { runCliWithInput } from "../helpers/cli.ts";

const _CASES: [string, string, boolean][] = [
  ["451 4.4.8 MX hosts of 'contoso.com' failed MTA-STS validation.", "tls.mta-sts-mx-failed", false],
  ["550 5.4.8 MX hosts of 'contoso.com' failed MTA-STS validation.", "tls.mta-sts-mx-failed", true],
  [
    "451 4.7.5 Remote certificate failed MTA-STS validation. Reason: RemoteCertificateNameMismatch",
    "tls.mta-sts-cert-invalid",
    false,
  ],
  [
    "Remote server returned '550 5.7.5 Remote certificate failed MTA-STS validation. Reason: RemoteCertificateChainErrors [BN8NAM12FT053.eop-nam12.prod.protection.outlook.com 2026-11-30T10:21:03.512Z 08DCF3A1B2C3D4E5]'",
    "tls.mta-sts-cert-invalid",
    true,
  ],
];

for (const [text, code, permanent] of _CASES) {
  test(`explain: ${text.slice(0, 60)}… is ${code}, ${permanent ? "permanent" : "temporary"}`, () => {
    const doc = explainReplies(parseReplies(text));
    assert.equal(doc.replies.length, 1);
    const r = doc.replies[0];
    assert.equal(r?.knowledge?.code, code);
    assert.equal(r?.knowledge?.specific, true);
    assert.equal(r?.permanent, permanent);
    assert.equal(r?.layer, "tls");
    assert.match(r?.next ?? "", /--recipient/);
  });
}

test("other 5.7.5 and 4.4.8 replies are not taken for MTA-STS", () => {
  const doc = explainReplies(
    parseReplies("550 5.7.5 Cryptographic failure: message signature invalid\n451 4.4.8 No route to host\n"),
  );
  for (const r of doc.replies) assert.ok(!(r.knowledge?.code ?? "").startsWith("tls.mta-sts"), r.reply);
});

test("smtpilot explain --json reads the NDR line offline", async () => {
  const r = await runCliWithInput(["explain", "--json"], `${_CASES[3]?.[0]}\n`);
  const doc = JSON.parse(r.stdout) as { mode: string; replies: { knowledge: { code: string } }[] };
  assert.equal(doc.mode, "offline");
  assert.equal(doc.replies[0]?.knowledge.code, "tls.mta-sts-cert-invalid");
});
