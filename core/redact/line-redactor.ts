/**
 * Masks credentials in transcripts and logs one line at a time (swaks,
 * openssl s_client, Postfix and Exim logs and debug output, smtpilot's own
 * reports): the given secrets in every form, AUTH payloads and the SASL
 * responses after a `334` (one line of state carries an AUTH exchange across
 * lines), `password=`-style values, bearer tokens, AWS secret keys, passwords
 * in URLs, and with `maskAddresses` the local part of addresses.
 *
 * A line may also be given in parts (a stream): up to `longLine` characters
 * it is kept and masked whole; a longer one is masked in windows that
 * overlap by `overlap` characters (more than the longest form of a secret,
 * so no cut splits one) and the text already written is kept as context, so
 * a find that starts before a cut is still masked after it. A value still
 * going on at a window's end is masked on into the next. Memory stays
 * bounded: a window, that state and the address numbering.
 */
import { addressMasks } from "./address-rule.ts";
import { authCommand, isAuthCapability, replyCode, saslResponse } from "./auth-rules.ts";
import { runEnd } from "./chars.ts";
import { credentialMasks } from "./credential-rules.ts";
import { applyMasks, continuation, type Mask, type MaskKind, type MergedMask, mergeMasks, REDACTION } from "./mask.ts";
import { SecretMatcher } from "./secret-matcher.ts";
import { newWork, type Work } from "./work.ts";

/**
 * What a text redactor masks besides the secrets it is given: every known
 * form of a credential is always masked; addresses only when asked.
 */
export interface TextRedactionOptions {
  /** Values resolved in the run (secret references): every form of each is removed. */
  secrets?: readonly (string | undefined)[];
  /** Replace the local part of email addresses (`redacted-1@example.com`), keeping the domain. */
  maskAddresses?: boolean;
}

/** Where a streamed line is cut (characters); tests make them small to try every cut. */
export interface LineLimits {
  /** Lines up to this long are masked whole. */
  longLine: number;
  /** Least overlap between windows (raised to cover the longest form of a secret). */
  overlap: number;
  /** New text per window. */
  piece: number;
}

/** What a line redactor masked, by kind, for a summary. */
export type RedactionCounts = Record<MaskKind, number>;

/** Lines after a `334` that may still be SASL responses; past this the state is dropped. */
const _AUTH_WINDOW = 6;
const _LIMITS: LineLimits = { longLine: 1024 * 1024, overlap: 64 * 1024, piece: 256 * 1024 };
/** Distinct addresses numbered; later new ones share the next number (memory stays bounded). */
const _MAX_ADDRESSES = 100_000;

/** Masks lines of a transcript or log; see the module comment. */
export class LineRedactor {
  readonly counts: RedactionCounts = { secret: 0, auth: 0, credential: 0, address: 0 };
  /** Steps taken so far (see core/redact/work.ts). */
  readonly work: Work = newWork();
  readonly #matcher: SecretMatcher;
  readonly #marker: string;
  readonly #maskAddresses: boolean;
  readonly #addresses = new Map<string, number>();
  readonly #limits: LineLimits;
  /** Lines left in which a bare base64 line is a SASL response (0: not inside an AUTH exchange). */
  #auth = 0;
  // A line given in parts:
  #pending = "";
  #windowed = false;
  #context = "";
  #endedMasked = false;
  #swallow: ((c: number) => boolean) | undefined;
  #lineAws = false;
  #lineAuth: "none" | "capability" | "command" = "none";

  constructor(options: TextRedactionOptions = {}, limits: Partial<LineLimits> = {}) {
    this.#matcher = new SecretMatcher(options.secrets ?? []);
    this.#marker = markerFor(this.#matcher);
    this.#maskAddresses = options.maskAddresses === true;
    const l = { ..._LIMITS, ...limits };
    this.#limits = { ...l, overlap: Math.max(l.overlap, this.#matcher.longest + 64) };
  }

  /** One whole line, without its line end. */
  line(text: string): string {
    if (this.#pending !== "" || this.#windowed) return this.linePart(text) + this.lineEnd();
    const masks: Mask[] = [];
    this.#authMasks(text, masks);
    this.#otherMasks(text, masks, false);
    return this.#render(text, 0, text.length, mergeMasks(masks));
  }

  /** A part of a line that goes on; returns the masked text that can be written now (maybe none). */
  linePart(text: string): string {
    this.#pending += text;
    if (!this.#windowed && this.#pending.length <= this.#limits.longLine) return "";
    this.#windowed = true;
    let out = "";
    while (this.#pending.length >= this.#limits.overlap + this.#limits.piece) out += this.#window(false);
    return out;
  }

  /** The end of a line given in parts (with its last part, if any); returns the rest of it, masked. */
  lineEnd(text = ""): string {
    if (!this.#windowed) {
      const whole = this.#pending + text;
      this.#pending = "";
      return this.line(whole);
    }
    this.#pending += text;
    const out = this.#window(true);
    this.#auth = this.#lineAuth === "command" ? _AUTH_WINDOW : Math.max(0, this.#auth - 1);
    this.#windowed = false;
    this.#context = "";
    this.#endedMasked = false;
    this.#swallow = undefined;
    this.#lineAws = false;
    this.#lineAuth = "none";
    return out;
  }

  /** AUTH payloads and SASL responses of a whole line, and the exchange's state. */
  #authMasks(text: string, masks: Mask[]): void {
    if (isAuthCapability(text, this.work)) return;
    if (authCommand(text, this.work, masks)) {
      this.#auth = _AUTH_WINDOW;
      return;
    }
    if (this.#auth === 0) return;
    this.#auth--;
    const reply = replyCode(text, this.work);
    if (reply) {
      // A 334 continues the exchange; any other reply (235, 535…) ends it.
      this.#auth = reply === "334" ? _AUTH_WINDOW : 0;
      return;
    }
    saslResponse(text, this.work, masks);
  }

  #otherMasks(text: string, masks: Mask[], windowed: boolean): void {
    this.#matcher.find(text, this.work, masks);
    const aws = credentialMasks(text, this.work, masks, windowed && this.#lineAws);
    if (windowed) this.#lineAws = aws;
    if (this.#maskAddresses) addressMasks(text, this.work, masks);
  }

  /**
   * Masks and writes the pending text of a long line up to a safe cut: never
   * inside a find, and far enough from the end that any find crossing it
   * is whole in this window.
   */
  #window(final: boolean): string {
    const text = this.#context + this.#pending;
    const base = this.#context.length;
    let start = base;
    if (this.#swallow) {
      start = runEnd(text, base, this.#swallow, this.work);
      if (start === text.length && !final) return this.#advance(text, start, true);
      this.#swallow = undefined;
    }
    const masks: Mask[] = [];
    if (this.#lineAuth === "none" && isAuthCapability(text, this.work)) this.#lineAuth = "capability";
    if (this.#lineAuth === "none" && authCommand(text, this.work, masks)) this.#lineAuth = "command";
    this.#otherMasks(text, masks, true);
    const merged = mergeMasks(masks).filter((m) => m.end > start);
    let cut = text.length;
    if (!final) {
      cut = Math.max(start, text.length - this.#limits.overlap);
      const across = merged.find((m) => m.start < cut && m.end > cut);
      if (across) {
        cut = across.end;
        if (cut === text.length) this.#swallow = continuation(across);
      }
    }
    const shown = merged.filter((m) => m.start < cut).map((m) => ({ ...m, start: Math.max(m.start, start) }));
    const joined = this.#endedMasked && shown[0]?.start === start;
    const out = this.#render(text, start, cut, shown, joined);
    const last = shown[shown.length - 1];
    // Whether what was written ends in a marker: the next window's first find may continue it.
    const endedMasked = last !== undefined ? last.end >= cut : start === cut && this.#endedMasked;
    return out + this.#advance(text, cut, endedMasked);
  }

  /** Keeps what follows `cut` pending and the text before it as context; returns nothing. */
  #advance(text: string, cut: number, endedMasked: boolean): string {
    this.#context = text.slice(Math.max(0, cut - this.#limits.overlap), cut);
    this.#pending = text.slice(cut);
    this.#endedMasked = endedMasked;
    return "";
  }

  #render(text: string, from: number, to: number, merged: readonly MergedMask[], joined = false): string {
    return applyMasks(text, from, to, merged, (m) => this.#replacement(m), joined);
  }

  #replacement(m: MergedMask): string {
    const kinds = new Set(m.parts.map((p) => p.kind));
    for (const k of kinds) this.counts[k]++;
    const address = m.parts.length === 1 ? m.parts[0]?.address : undefined;
    if (!address) return this.#marker;
    let n = this.#addresses.get(address.key);
    if (n === undefined) {
      // Numbered in order of appearance: lines stay comparable, nothing about the local part is left.
      n = this.#addresses.size + 1;
      if (this.#addresses.size < _MAX_ADDRESSES) this.#addresses.set(address.key, n);
    }
    return `redacted-${n}@${address.domain}`;
  }
}

/** The marker must not itself contain a secret (a one-letter one), or a second pass would mangle it. */
export function markerFor(matcher: SecretMatcher): string {
  return [REDACTION, "***", "[hidden]", "\u2588"].find((m) => {
    const found: Mask[] = [];
    matcher.find(m, newWork(), found);
    return found.length === 0;
  }) ?? "";
}
