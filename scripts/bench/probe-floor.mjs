#!/usr/bin/env node
// The floor of bench:diagnose's full probe: the least any Node program does for the same work —
// connect, greeting, EHLO, STARTTLS, a verified TLS handshake (the CA given), EHLO, AUTH PLAIN,
// MAIL FROM, RCPT TO, QUIT — with nothing else: no CLI, no layers, no report, no diagnosis. Not a
// tool anyone should use; it shows how much of a probe's time Node's own start-up and TLS take
// before any of smtpilot's work. Exits 0 when RCPT got 250, 1 otherwise.
//   node scripts/bench/probe-floor.mjs HOST PORT CA_FILE USER FROM TO   (the password in BENCH_SECRET)
import fs from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { finalReplies } from "./final-replies.mjs";

const [host, port, caFile, user, from, to] = process.argv.slice(2);
const secret = process.env.BENCH_SECRET ?? "";

/** Reads complete replies off `socket`: `next()` resolves with the next reply's code. */
function replies(socket) {
  const codes = [];
  let waiting;
  socket.on(
    "data",
    finalReplies((code) => {
      codes.push(Number(code));
      waiting?.();
    }),
  );
  return async () => {
    while (!codes.length) await new Promise((resolve) => (waiting = resolve));
    waiting = undefined;
    return codes.shift();
  };
}

const plain = net.connect({ host, port: Number(port), noDelay: true });
let next = replies(plain);
const say = async (socket, line) => (socket.write(`${line}\r\n`), await next());
await next(); // greeting
await say(plain, "EHLO floor.smtpilot.test");
if ((await say(plain, "STARTTLS")) !== 220) process.exit(1);
plain.removeAllListeners("data");
const secure = tls.connect({ socket: plain, host, ca: fs.readFileSync(caFile) });
await new Promise((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
// As smtpilot does (core/tls/handshake.ts): with TLS 1.3, let the server's session ticket arrive
// before the first command, or Postfix (Nagle on) holds its reply until our delayed ACK (~40 ms).
if (secure.getProtocol() === "TLSv1.3") {
  await new Promise((resolve) => {
    const grace = setTimeout(resolve, 25);
    secure.once("session", () => setImmediate(() => (clearTimeout(grace), resolve())));
  });
}
next = replies(secure);
await say(secure, "EHLO floor.smtpilot.test");
const login = Buffer.from(`\0${user}\0${secret}`).toString("base64");
if ((await say(secure, `AUTH PLAIN ${login}`)) !== 235) process.exit(1);
await say(secure, `MAIL FROM:<${from}>`);
const rcpt = await say(secure, `RCPT TO:<${to}>`);
await say(secure, "QUIT");
secure.end();
process.exit(rcpt === 250 ? 0 : 1);
