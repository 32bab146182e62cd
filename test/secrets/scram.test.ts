import { test } from "node:test";
import assert from "node:assert/strict";
import { saslName, ScramClient, ScramError } from "../../core/smtp/scram.ts";
import { chooseMechanism, otherPasswordMechanisms } from "../../core/smtp/sasl.ts";

test("SCRAM-SHA-1 matches the RFC 5802 example exchange", () => {
  const c = new ScramClient("SCRAM-SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
  assert.equal(c.first(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
  const final = c.final("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
  assert.equal(final, "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  c.verify("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
});

test("SCRAM-SHA-256 matches the RFC 7677 example exchange", () => {
  const c = new ScramClient("SCRAM-SHA-256", "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  assert.equal(c.first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  const final = c.final(
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  );
  assert.equal(
    final,
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  );
  c.verify("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
});

test("a server that does not know the password cannot pass SCRAM's verification", () => {
  const c = new ScramClient("SCRAM-SHA-256", "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  c.first();
  c.final("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  assert.throws(() => c.verify("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="), ScramError);
  assert.throws(() => c.verify("e=other-error"), ScramError);
});

const hostile: [string, string][] = [
  ["a nonce that does not extend the client's", "r=someone-elses-nonce,s=QSXCR+Q6sek8bf92,i=4096"],
  ["the client's nonce alone", "r=abc,s=QSXCR+Q6sek8bf92,i=4096"],
  ["no salt", "r=abcdef,i=4096"],
  ["an absurd iteration count", "r=abcdef,s=QSXCR+Q6sek8bf92,i=999999999"],
  ["no iteration count", "r=abcdef,s=QSXCR+Q6sek8bf92"],
  ["an error attribute", "e=invalid-proof"],
  ["a huge message", `r=abcdef,s=${"A".repeat(10_000)},i=1`],
];
for (const [name, serverFirst] of hostile) {
  test(`SCRAM gives up with a reason on ${name}`, () => {
    const c = new ScramClient("SCRAM-SHA-1", "user", "pencil", "abc");
    c.first();
    assert.throws(() => c.final(serverFirst), ScramError);
  });
}

test("saslName() escapes = and , as RFC 5802 says", () => {
  assert.equal(saslName("a=b,c"), "a=3Db=2Cc");
});

const choices: [string[], string | undefined, string | undefined][] = [
  [["CRAM-MD5", "PLAIN", "LOGIN"], undefined, "PLAIN"],
  [["LOGIN", "CRAM-MD5"], undefined, "LOGIN"],
  [["SCRAM-SHA-1", "SCRAM-SHA-256", "CRAM-MD5"], undefined, "SCRAM-SHA-256"],
  [["CRAM-MD5"], undefined, "CRAM-MD5"],
  [["XOAUTH2"], undefined, undefined],
  [["PLAIN", "CRAM-MD5"], "CRAM-MD5", "CRAM-MD5"],
  [["PLAIN"], "SCRAM-SHA-256", undefined],
];
for (const [offered, forced, chosen] of choices) {
  test(`chooseMechanism() picks ${chosen ?? "nothing"} from ${offered.join(" ")}${forced ? ` when ${forced} is asked` : ""}`, () => {
    assert.equal(chooseMechanism(offered, forced), chosen);
  });
}

test("otherPasswordMechanisms() names only mechanisms that could succeed where one failed", () => {
  const offered = ["PLAIN", "LOGIN", "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "XOAUTH2"];
  assert.deepEqual(otherPasswordMechanisms(offered, "PLAIN"), ["SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5"]);
  assert.deepEqual(otherPasswordMechanisms(offered, "SCRAM-SHA-1"), ["PLAIN", "LOGIN", "SCRAM-SHA-256", "CRAM-MD5"]);
  assert.deepEqual(otherPasswordMechanisms(["PLAIN", "LOGIN"], "LOGIN"), []);
});
