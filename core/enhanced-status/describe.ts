/**
 * Looks an enhanced status code ("5.7.26") up in the IANA registry data:
 * its class, subject and detail entries. A code whose detail is not
 * registered still gets its class and subject, which always exist for a
 * well-formed code, so a vendor's private "5.7.606" is explained as far as
 * the registry allows.
 */
import {
  type EnhancedStatusEntry,
  IANA_CLASSES,
  IANA_DETAILS,
  IANA_REGISTRY_SOURCE,
  IANA_SUBJECTS,
} from "./iana-registry.ts";

/** What the registry says about one enhanced status code. */
export interface EnhancedStatusMeaning {
  code: string;
  class: EnhancedStatusEntry;
  subject?: EnhancedStatusEntry;
  detail?: EnhancedStatusEntry;
  /** The registry the entries come from. */
  source: typeof IANA_REGISTRY_SOURCE;
}

const _SYNTAX = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

const _BY_CODE = new Map<string, EnhancedStatusEntry>(
  [...IANA_CLASSES, ...IANA_SUBJECTS, ...IANA_DETAILS].map((e) => [e.code, e]),
);

/** Parses "5.1.1" into its three numbers (leading zeros dropped), or undefined when it is not an enhanced code. */
export function parseEnhancedStatus(code: string): { klass: number; subject: number; detail: number } | undefined {
  const m = _SYNTAX.exec(code.trim());
  if (!m) return undefined;
  return { klass: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) };
}

/**
 * The registry entries for `code`, or undefined when `code` is not of the
 * form class.subject.detail with class 2, 4 or 5.
 */
export function describeEnhancedStatus(code: string): EnhancedStatusMeaning | undefined {
  const parsed = parseEnhancedStatus(code);
  if (!parsed) return undefined;
  const { klass, subject, detail } = parsed;
  const classEntry = _BY_CODE.get(`${klass}.XXX.YYY`);
  if (!classEntry) return undefined;
  const subjectEntry = _BY_CODE.get(`X.${subject}.YYY`);
  const detailEntry = _BY_CODE.get(`X.${subject}.${detail}`);
  return {
    code: `${klass}.${subject}.${detail}`,
    class: classEntry,
    ...(subjectEntry ? { subject: subjectEntry } : {}),
    ...(detailEntry ? { detail: detailEntry } : {}),
    source: IANA_REGISTRY_SOURCE,
  };
}

/** Every enumerated code in the registry ("X.1.1" …), for listings and tests. */
export function registeredDetails(): readonly EnhancedStatusEntry[] {
  return IANA_DETAILS;
}
