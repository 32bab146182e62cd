/**
 * RFC 8058 one-click unsubscribe: a `List-Unsubscribe` header with an https
 * URI (RFC 2369 angle-bracketed URIs, a mailto: one may come along) and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; both must be covered
 * by the DKIM signature (RFC 8058 §4), or Gmail shows no unsubscribe button.
 * One reader for both sides: the draft a list preflight checks and the
 * received canary the checklist reads; and the builder `--list-unsubscribe`
 * uses.
 */
import { UsageError } from "../errors.ts";
import { hasControl, shown } from "../printable.ts";

/** The value List-Unsubscribe-Post must have (RFC 8058 §3.1). */
export const ONE_CLICK_POST = "List-Unsubscribe=One-Click";

/** What a message's unsubscribe headers offer. */
export interface OneClick {
  /** The https URI of List-Unsubscribe, if any. */
  https?: string;
  /** The mailto: URI, if any. */
  mailto?: string;
  /** List-Unsubscribe-Post is exactly ONE_CLICK_POST. */
  post: boolean;
  /** Problem codes: `no-header`, `no-https`, `no-post`, `bad-post`, `several-headers`. */
  problems: string[];
}

/** Reads the List-Unsubscribe and List-Unsubscribe-Post values (every occurrence, unfolded). */
export function readOneClick(listUnsubscribe: readonly string[], post: readonly string[]): OneClick {
  const problems: string[] = [];
  if (listUnsubscribe.length === 0) problems.push("no-header");
  if (listUnsubscribe.length > 1 || post.length > 1) problems.push("several-headers");
  const uris = [...(listUnsubscribe[0] ?? "").matchAll(/<([^>]*)>/g)].map((m) => (m[1] ?? "").trim());
  const https = uris.find((u) => /^https:\/\/[^\s]+$/i.test(u));
  const mailto = uris.find((u) => /^mailto:/i.test(u));
  if (listUnsubscribe.length > 0 && !https) problems.push("no-https");
  const postValue = (post[0] ?? "").trim();
  const ok = postValue === ONE_CLICK_POST;
  if (post.length === 0) problems.push("no-post");
  else if (!ok) problems.push("bad-post");
  return { ...(https ? { https } : {}), ...(mailto ? { mailto } : {}), post: ok, problems };
}

/**
 * The header pair `--list-unsubscribe` adds: each value an https URL or a
 * mailto: address (repeatable). List-Unsubscribe-Post goes with it only
 * when an https URI is there — RFC 8058 §3.1: the POST is made to the https
 * URI; with a mailto: alone, one-click cannot work and the POST header would
 * be a lie.
 */
export function listUnsubscribeHeaders(values: readonly string[]): [string, string][] {
  const uris = values.map((raw) => {
    const value = raw.trim();
    if (hasControl(value) || /[<>\s,]/.test(value)) {
      throw new UsageError(`Invalid --list-unsubscribe ${shown(raw)}: one https URL or mailto: address, no spaces`);
    }
    if (/^https:\/\/[^/]+/i.test(value)) {
      try {
        return new URL(value).href;
      } catch {
        throw new UsageError(`Invalid --list-unsubscribe ${shown(raw)}: not a URL`);
      }
    }
    if (/^mailto:[^@]+@[^@]+$/i.test(value)) return value;
    if (/^http:/i.test(value)) {
      throw new UsageError(
        `Invalid --list-unsubscribe ${shown(raw)}: RFC 8058 one-click needs an https URI, not http`,
      );
    }
    throw new UsageError(`Invalid --list-unsubscribe ${shown(raw)}: expected an https:// URL or mailto:ADDRESS`);
  });
  if (uris.length === 0) return [];
  const headers: [string, string][] = [["List-Unsubscribe", uris.map((u) => `<${u}>`).join(", ")]];
  if (uris.some((u) => /^https:/i.test(u))) headers.push(["List-Unsubscribe-Post", ONE_CLICK_POST]);
  return headers;
}
