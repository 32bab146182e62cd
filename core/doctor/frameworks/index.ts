/**
 * The frameworks smtpilot reads, and picking the one a file is written for:
 * every framework that reads the file's syntax scores the keys, and the
 * highest score wins (a `.env` with MAILER_DSN and MAIL_HOST keys is
 * Symfony's if the DSN is the fuller picture, Laravel's otherwise).
 */
import type { SettingEntry, SettingsSyntax } from "../formats/entries.ts";
import type { Framework } from "../framework.ts";
import type { FrameworkId } from "../mail-settings.ts";
import { django } from "./django.ts";
import { laravel } from "./laravel.ts";
import { nodemailer } from "./nodemailer.ts";
import { rails } from "./rails.ts";
import { spring } from "./spring.ts";
import { symfony } from "./symfony.ts";
import { wordpress } from "./wordpress.ts";

/** Every framework, in the order ties are broken. */
export const FRAMEWORKS: readonly Framework[] = [laravel, symfony, django, rails, nodemailer, spring, wordpress];

/** The framework ids `--framework` accepts. */
export const FRAMEWORK_IDS = FRAMEWORKS.map((f) => f.id) as readonly Exclude<FrameworkId, "url">[];

/** The framework whose keys these are (or the one asked for), with the scores of the others. */
export function recognise(
  entries: ReadonlyMap<string, SettingEntry>,
  syntax: SettingsSyntax,
  forced?: string,
): { framework: Framework; score: number } | undefined {
  const scored = FRAMEWORKS
    .filter((f) => forced === undefined || f.id === forced)
    .map((f) => ({ framework: f, score: f.syntaxes.includes(syntax) || forced ? f.recognise(entries, syntax) : 0 }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  return scored[0];
}
