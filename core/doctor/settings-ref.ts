/**
 * The grammar of the `settings:FILE#KEY[:password]` secret reference, apart
 * from its resolution (core/doctor/settings-secret.ts, loaded at use): the
 * reference is checked by every command that takes one, and this keeps the
 * file readers out of their start-up.
 */

/** A parsed `settings:` reference. */
export interface SettingsRef {
  file: string;
  key: string;
  /** `password`: the password part of the URL the key holds. */
  part?: "password";
}

/** The grammar of a `settings:` reference (the path may not hold `#`). */
export const SETTINGS_REF = /^settings:([^#\s][^#]*)#([A-Za-z_][A-Za-z0-9_.-]*)(:password)?$/s;

/** Parses `settings:FILE#KEY[:password]`, or undefined when it is not one. */
export function parseSettingsRef(text: string): SettingsRef | undefined {
  const m = SETTINGS_REF.exec(text);
  if (!m?.[1] || !m[2] || m[1].trim() !== m[1]) return undefined;
  return { file: m[1], key: m[2], ...(m[3] ? { part: "password" as const } : {}) };
}
