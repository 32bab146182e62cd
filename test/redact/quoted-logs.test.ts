// AUTH payloads in logs that quote or escape what was sent — Python's smtplib debug output, JSON
// log lines, PHP source — are masked without the secret being given (the MCP redact tool cannot
// be given one), while the server's challenges and ordinary quoted text stay as they were.
import { test } from "node:test";
import assert from "node:assert/strict";
import { redactTranscriptText } from "../../core/redact.ts";
import { SAMPLE_SECRET, SAMPLE_USER } from "./samples.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const PLAIN = b64(`\0${SAMPLE_USER}\0${SAMPLE_SECRET}`);
const PASSWORD = b64(SAMPLE_SECRET);
const USER = b64(SAMPLE_USER);

/** smtplib with set_debuglevel(1): every command and reply as a Python string literal. */
const SMTPLIB = [
  "send: 'ehlo [127.0.1.1]\\r\\n'",
  "reply: b'250-AUTH PLAIN LOGIN\\r\\n'",
  `send: 'AUTH PLAIN ${PLAIN}\\r\\n'`,
  "reply: b'535 5.7.8 Error: authentication failed\\r\\n'",
  `send: 'AUTH LOGIN ${USER}\\r\\n'`,
  "reply: b'334 UGFzc3dvcmQ6\\r\\n'",
  `send: '${PASSWORD}\\r\\n'`,
  "reply: b'235 2.7.0 Authentication successful\\r\\n'",
].join("\n");

/** A JSON-lines log of a client library (pino/winston style). */
const JSON_LOG = [
  `{"level":"debug","msg":"C: AUTH PLAIN ${PLAIN}"}`,
  `{"level":"debug","msg":"C: AUTH LOGIN"}`,
  `{"level":"debug","msg":"S: 334 VXNlcm5hbWU6"}`,
  `{"level":"debug","msg":"C: ${USER}"}`,
  `{"level":"debug","msg":"S: 334 UGFzc3dvcmQ6"}`,
  `{"level":"debug","msg":"C: ${PASSWORD}"}`,
  `{"level":"debug","msg":"S: 235 2.7.0 Accepted"}`,
].join("\n");

for (
  const [name, sample] of [
    ["smtplib debug output", SMTPLIB],
    ["a JSON-lines log", JSON_LOG],
    ["PHP source", `$smtp->send("AUTH PLAIN ${PLAIN}");\n$x = ['AUTH PLAIN ${PLAIN}', 1];`],
  ] as const
) {
  test(`${name}: no AUTH payload survives`, () => {
    const out = redactTranscriptText(sample);
    for (const payload of [PLAIN, PASSWORD]) assert.ok(!out.includes(payload), `${payload} survived in:\n${out}`);
    assert.ok(out.includes("AUTH PLAIN"), "the command itself stays");
  });
}

test("the server's challenges and quoted text outside an AUTH exchange are kept", () => {
  const out = redactTranscriptText(SMTPLIB);
  assert.ok(out.includes("334 UGFzc3dvcmQ6"), out);
  const prose = "name: 'test'\nreply: b'250 2.0.0 Ok: queued as 4Xb1\\r\\n'\n{\"id\":\"abcd\"}";
  assert.equal(redactTranscriptText(prose), prose);
});
