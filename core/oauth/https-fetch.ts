/**
 * The one way OAuth requests leave the machine: HTTPS through node:https
 * (Node, Deno and the single binary alike), certificate verification always
 * on whatever the environment says (NODE_TLS_REJECT_UNAUTHORIZED), a private CA trusted only when the profile names one (the fixture), a
 * time limit and a size limit on the answer. Each request is announced
 * first (`onRequest`), so the person sees every identity endpoint contacted.
 */
import https from "node:https";
import { EnvironmentError } from "../errors.ts";
import { shown } from "../printable.ts";

/** What oauth4webapi passes to a custom fetch. */
export interface FetchOptions {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: unknown;
  signal?: AbortSignal | null;
}

/** A fetch for oauth4webapi's `customFetch`. */
export type OAuthFetch = (url: string, options: FetchOptions) => Promise<Response>;

/** Limits and hooks of the fetch. */
export interface HttpsFetchOptions {
  /** PEM of private CAs to trust in addition to nothing else (the fixture's); the system's otherwise. */
  ca?: string;
  timeoutMs?: number;
  /** Called before each request with its method and URL (without query). */
  onRequest?: (method: string, url: URL) => void;
}

const _MAX_BODY = 1024 * 1024;

/** Builds the fetch. */
export function httpsFetch(options: HttpsFetchOptions = {}): OAuthFetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input);
      if (url.protocol !== "https:") {
        return reject(new EnvironmentError(`Refusing ${shown(url.origin)}: OAuth endpoints must be https`));
      }
      const method = init.method ?? "GET";
      options.onRequest?.(method, new URL(url.origin + url.pathname));
      const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers) : { ...init.headers };
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      const req = https.request(url, {
        method,
        headers,
        // Said explicitly: Node's default reads NODE_TLS_REJECT_UNAUTHORIZED, and "0" there would
        // send a refresh token or client secret to whoever answers (as the SMTP and IMAP paths, which
        // set it too, never do).
        rejectUnauthorized: true,
        minVersion: "TLSv1.2",
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs ?? 30_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > _MAX_BODY) req.destroy(new Error(`the answer from ${url.origin} is larger than 1 MiB`));
          else chunks.push(c);
        });
        res.on("end", () => {
          const h = new Headers();
          for (const [k, val] of Object.entries(res.headers)) {
            if (val !== undefined) h.set(k, Array.isArray(val) ? val.join(", ") : val);
          }
          const status = res.statusCode ?? 500;
          const bodyOut = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(bodyOut, { status, headers: h }));
        });
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer from ${url.origin} in time`)));
      req.on("error", (err: NodeJS.ErrnoException) => {
        reject(
          new EnvironmentError(
            `Cannot reach the identity endpoint ${url.origin}${url.pathname}: ${err.code ?? ""} ${err.message}`.trim(),
            "E_OAUTH_UNREACHABLE",
          ),
        );
      });
      init.signal?.addEventListener("abort", () => req.destroy(new Error("aborted")));
      req.end(body);
    });
}
