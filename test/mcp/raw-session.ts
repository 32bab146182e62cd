// deno-lint-ignore-file no-explicit-any
// (JSON-RPC messages of many shapes: the tests say which field they expect.)
// `smtpilot mcp` started as a client starts it (a child process on stdio) and spoken to line by line, so
// tests can send what no SDK client would (oversized, nested, not JSON) and see exactly what it writes.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawnCli } from "../helpers/cli.ts";

/** `smtpilot mcp` as a client starts it, spoken to line by line. */
export class RawSession {
  /** The server's process. */
  readonly child: ChildProcessWithoutNullStreams;
  readonly #lines: Record<string, any>[] = [];
  readonly #waiting = new Map<number, (m: Record<string, any>) => void>();
  /** The exit code, once the server ended. */
  readonly exited: Promise<number | null>;
  /** Length of the longest line the server wrote. */
  longestLine = 0;
  /** Every line the server wrote, as written. */
  readonly raw: string[] = [];

  constructor(home: string) {
    this.child = spawnCli(["--home", home, "mcp"]);
    let buf = "";
    // Decoded as a stream, so a character split across two chunks arrives whole.
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (d: string) => {
      buf += d;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.longestLine = Math.max(this.longestLine, line.length);
        this.raw.push(line);
        const message = JSON.parse(line);
        this.#lines.push(message);
        this.#waiting.get(message.id)?.(message);
      }
    });
    this.exited = new Promise((r) => this.child.on("exit", (code) => r(code)));
  }

  /** Writes one line to the server. */
  write(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** The answer to request `id`; rejects if the server ends first. */
  answer(id: number): Promise<Record<string, any>> {
    const found = this.#lines.find((l) => l.id === id);
    if (found) return Promise.resolve(found);
    return Promise.race([
      new Promise<Record<string, any>>((r) => this.#waiting.set(id, r)),
      this.exited.then((code) => {
        throw new Error(`the server ended (exit ${code}) before answering request ${id}`);
      }),
    ]);
  }

  /** The next line that answers no request (an error whose id could not be read). */
  async anonymous(): Promise<Record<string, any>> {
    for (;;) {
      const found = this.#lines.find((l) => l.id === undefined && l.error);
      if (found) return found;
      await new Promise<void>((r, reject) => {
        this.child.stdout.once("data", () => r());
        void this.exited.then(() => reject(new Error("the server ended")));
      });
    }
  }

  /** Sends a request and waits for its answer. */
  async request(id: number, method: string, params: unknown): Promise<Record<string, any>> {
    this.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return await this.answer(id);
  }
}
