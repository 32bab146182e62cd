import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { dotStuff, frameInRoom, queueIdOf } from "../../core/send/transaction.ts";
import { toReply } from "../../core/smtp/reply.ts";

test("dotStuff() doubles leading dots and ends with CRLF.CRLF", () => {
  const out = dotStuff(Buffer.from(".first\r\nmid\r\n.\r\n..two\r\nlast")).toString();
  assert.equal(out, "..first\r\nmid\r\n..\r\n...two\r\nlast\r\n.\r\n");
  assert.equal(dotStuff(Buffer.from("a\r\n")).toString(), "a\r\n.\r\n");
  assert.equal(
    dotStuff(Buffer.from(".\r\n.\r\n."), Buffer.from("MAIL\r\n")).toString(),
    "..\r\n..\r\n..\r\n.\r\nMAIL\r\n",
  );
  assert.equal(dotStuff(Buffer.alloc(0)).toString(), "\r\n.\r\n");
});

test("dotStuff() gives the bytes of the textbook rule for any message, with what follows appended", () => {
  const reference = (m: Buffer) => {
    const body = m.toString("latin1").replace(/(^|\r\n)\./g, "$1..");
    return Buffer.from(`${body}${body.endsWith("\r\n") ? "" : "\r\n"}.\r\n`, "latin1");
  };
  // Messages made of the pieces that matter: dots, CR, LF, CRLF and plain bytes, in any order.
  const piece = fc.constantFrom(".", "\r", "\n", "\r\n", "\r\n.", "a", "\u00e9", "..");
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), fc.option(fc.string({ maxLength: 20 })), (parts, after) => {
      const message = Buffer.from(parts.join(""), "latin1");
      const tail = after === null ? undefined : Buffer.from(after, "latin1");
      const want = tail ? Buffer.concat([reference(message), tail]) : reference(message);
      assert.deepEqual(dotStuff(message, tail), want);
    }),
    { numRuns: 2000 },
  );
});

test("frameInRoom() writes dotStuff's bytes in place for a message with no dot line, or nothing when they do not fit", () => {
  // Messages of the pieces that matter, but no line starting with a dot (what the template offers).
  const piece = fc.constantFrom("\r", "\n", "\r\n", "a.", "a", "\u00e9", "\r\nb..");
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 40 }),
      fc.option(fc.string({ maxLength: 20, unit: "binary" })),
      fc.nat(40),
      (parts, after, room) => {
        const message = Buffer.from(parts.join(""), "latin1");
        const framed = Buffer.concat([message, Buffer.alloc(room, 0x7e)]);
        const want = dotStuff(message, after ?? undefined);
        const got = frameInRoom(framed, message.length, after ?? undefined);
        if (want.length > framed.length) return assert.equal(got, undefined);
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 2000 },
  );
});

const ids: [string, string | undefined][] = [
  ["250 2.0.0 Ok: queued as 4XyZ1b2Cz3", "4XyZ1b2Cz3"],
  ["250 OK id=1r2AbC-000123-Xy", "1r2AbC-000123-Xy"],
  [
    "250 Ok 0100018c2a3b4c5d-6e7f8a9b-aaaa-bbbb-cccc-0123456789ab-000000",
    "0100018c2a3b4c5d-6e7f8a9b-aaaa-bbbb-cccc-0123456789ab-000000",
  ],
  ["250 2.0.0 3AB12C4567 Message accepted for delivery", "3AB12C4567"],
  ["250 2.0.0 OK  1733140000 a1b2c3d4e5f6.123 - gsmtp", "a1b2c3d4e5f6.123"],
  ["250 2.6.0 <abc@host> [InternalId=123] Queued mail for delivery", "123"],
  ["250 Requested mail action okay, completed", undefined],
];
for (const [line, id] of ids) {
  test(`queueIdOf() reads ${JSON.stringify(id)} from ${line.slice(0, 40)}`, () => {
    const reply = toReply(Number(line.slice(0, 3)), [line]);
    assert.equal(queueIdOf(reply), id);
  });
}
