/**
 * A small, strict SMTP server for the scale send's wire tests: it keeps
 * transaction state the way Postfix's smtpd does (a MAIL inside an open
 * transaction is "503 5.5.1 Error: nested MAIL command"; DATA without a valid
 * recipient is "554 5.5.1 Error: no valid recipients"), answers each line
 * as it is read, and records what arrived in which chunk — so a test can
 * tell a pipelined client (message and next envelope in one write) from one
 * that waits, and see every transaction's outcome.
 */
import net from "node:net";
import tls from "node:tls";

/** How the server treats a recipient. */
export type Fate = "accept" | "unknown" | "too-big" | "drop";

/** Options of the server. */
export interface MiniMtaOptions {
  pipelining?: boolean;
  smtputf8?: boolean;
  /** The fate of a recipient by its address (default: accept). */
  fate?: (address: string) => Fate;
  /** Called with each accepted message's recipient as its final dot arrives. */
  onMessage?: (to: string) => void;
  /** Implicit TLS with this key pair (a send authenticates only over verified TLS). */
  tls?: { key: string; cert: string };
  /** Offers AUTH PLAIN and accepts any login. */
  auth?: boolean;
  /** The name in the banner and the EHLO reply (default mini.mta.test). */
  name?: string;
  /** The queue id of the n-th accepted message (default Q00000001…). */
  queueId?: (n: number) => string;
  /** Words added to every positive reply (a server that echoes what it should not). */
  say?: string;
}

/** A running server and what it saw. */
export interface MiniMta {
  port: number;
  /** Every data chunk received, as text, per connection. */
  chunks: string[];
  /** Recipients whose messages were accepted, in order. */
  accepted: string[];
  /** Replies that mean the client broke the command sequence (503). */
  errors: string[];
  connections: number;
  /** Resolves once no client connection is open (at once if none is). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1. */
export async function startMiniMta(options: MiniMtaOptions = {}): Promise<MiniMta> {
  const sockets = new Set<net.Socket>();
  const idleWaiters: (() => void)[] = [];
  const state: MiniMta = {
    port: 0,
    chunks: [],
    accepted: [],
    errors: [],
    connections: 0,
    idle: () => sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    close: async () => {},
  };
  let queue = 0;
  const name = options.name ?? "mini.mta.test";
  const say = options.say ? ` ${options.say}` : "";
  const serve = (socket: net.Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      if (sockets.size === 0) { for (const resolve of idleWaiters.splice(0)) resolve(); }
    });
    socket.on("error", () => {});
    socket.setNoDelay(true);
    socket.write(`220 ${name} ESMTP${say}\r\n`);
    let buf = "";
    let inData = false;
    let mail = false;
    let rcpt: string | undefined;
    const reply = (line: string) => {
      if (line.startsWith("503")) state.errors.push(line);
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    const endOfData = () => {
      const to = rcpt as string;
      inData = false;
      mail = false;
      rcpt = undefined;
      const fate = options.fate?.(to) ?? "accept";
      if (fate === "drop") return void socket.destroy();
      if (fate === "too-big") return reply("552 5.3.4 Error: message file too big");
      options.onMessage?.(to);
      state.accepted.push(to);
      queue++;
      reply(`250 2.0.0 Ok: queued as ${options.queueId?.(queue) ?? `Q${String(queue).padStart(8, "0")}`}${say}`);
    };
    socket.on("data", (chunk: Buffer) => {
      state.chunks.push(chunk.toString("latin1"));
      buf += chunk.toString("latin1");
      for (let eol = buf.indexOf("\r\n"); eol >= 0 && !socket.destroyed; eol = buf.indexOf("\r\n")) {
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        if (inData) {
          if (line === ".") endOfData();
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") {
          const ext = [
            ...(options.pipelining === false ? [] : ["PIPELINING"]),
            "SIZE 10240000",
            "8BITMIME",
            ...(options.smtputf8 ? ["SMTPUTF8"] : []),
            ...(options.auth ? ["AUTH PLAIN"] : []),
          ];
          reply([`250-${name}${say}`, ...ext.map((e, i) => `250${i === ext.length - 1 ? " " : "-"}${e}`)].join("\r\n"));
        } else if (verb === "AUTH" && options.auth) {
          reply(`235 2.7.0 Authentication successful${say}`);
        } else if (verb === "MAIL") {
          if (mail) reply("503 5.5.1 Error: nested MAIL command");
          else {
            mail = true;
            reply(`250 2.1.0 Ok${say}`);
          }
        } else if (verb === "RCPT") {
          const to = /<([^>]*)>/.exec(line)?.[1] ?? "";
          if (!mail) reply("503 5.5.1 Error: need MAIL command");
          else if (options.fate?.(to) === "unknown") {
            reply(`550 5.1.1 <${to}>: Recipient address rejected: User unknown in local recipient table`);
          } else {
            rcpt = to;
            reply(`250 2.1.5 Ok${say}`);
          }
        } else if (verb === "DATA") {
          if (!mail) reply("503 5.5.1 Error: need RCPT command");
          else if (rcpt === undefined) reply("554 5.5.1 Error: no valid recipients");
          else {
            inData = true;
            reply("354 End data with <CR><LF>.<CR><LF>");
          }
        } else if (verb === "RSET") {
          mail = false;
          rcpt = undefined;
          reply("250 2.0.0 Ok");
        } else if (verb === "QUIT") {
          reply("221 2.0.0 Bye");
          socket.end();
        } else reply("502 5.5.2 Error: command not recognized");
      }
    });
  };
  const server = options.tls ? tls.createServer(options.tls, serve) : net.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}
