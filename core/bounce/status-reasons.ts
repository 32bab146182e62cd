/**
 * Enhanced status codes that name a reason on their own, as data. Consulted
 * after the wording rules: a server's words are usually more precise than
 * the code it picked (many say 5.7.1 for everything), but a specific code
 * such as 5.1.1 or 5.2.2 settles a terse reply. Keys are "subject.detail";
 * the class only decides temporary or permanent.
 */
import type { Reason } from "./reasons.ts";

/** Subject.detail → reason. Codes that mean too many things (X.7.1, X.0.0) are left out on purpose; X.1.0 is, in practice, an address the server does not take. */
export const STATUS_REASONS: Readonly<Record<string, Reason>> = {
  "1.0": "userunknown",
  "1.1": "userunknown",
  "1.2": "hostunknown",
  "1.3": "userunknown",
  "1.4": "userunknown",
  "1.6": "hasmoved",
  "1.7": "rejected",
  "1.8": "rejected",
  "1.10": "notaccept",
  "2.1": "suspend",
  "2.2": "mailboxfull",
  "2.3": "emailtoolarge",
  "2.4": "systemerror",
  "3.1": "systemfull",
  "3.2": "systemerror",
  "3.3": "contenterror",
  "3.4": "emailtoolarge",
  "3.5": "systemerror",
  "4.0": "networkerror",
  "4.1": "networkerror",
  "4.2": "networkerror",
  "4.3": "networkerror",
  "4.4": "hostunknown",
  "4.5": "systemfull",
  "4.6": "systemerror",
  "4.7": "expired",
  "4.8": "failedstarttls",
  "5.0": "syntaxerror",
  "5.1": "syntaxerror",
  "5.2": "syntaxerror",
  "5.3": "ratelimited",
  "5.4": "syntaxerror",
  "5.5": "syntaxerror",
  "5.6": "syntaxerror",
  "6.0": "contenterror",
  "6.1": "contenterror",
  "6.2": "contenterror",
  "6.3": "contenterror",
  "6.4": "contenterror",
  "6.5": "contenterror",
  "6.6": "contenterror",
  "6.7": "contenterror",
  "6.8": "contenterror",
  "6.9": "contenterror",
  "6.10": "contenterror",
  "7.3": "securityerror",
  "7.4": "securityerror",
  "7.5": "failedstarttls",
  "7.6": "securityerror",
  "7.7": "securityerror",
  "7.8": "securityerror",
  "7.9": "securityerror",
  "7.10": "failedstarttls",
  "7.11": "securityerror",
  "7.12": "securityerror",
  "7.13": "suspend",
  "7.14": "securityerror",
  "7.15": "policyviolation",
  "7.16": "emailtoolarge",
  "7.17": "hasmoved",
  "7.18": "hasmoved",
  "7.20": "authfailure",
  "7.21": "authfailure",
  "7.22": "authfailure",
  "7.23": "authfailure",
  "7.24": "authfailure",
  "7.25": "requireptr",
  "7.26": "authfailure",
  "7.27": "rejected",
  "7.28": "ratelimited",
  "7.29": "authfailure",
  "7.30": "failedstarttls",
};

/**
 * Reply codes that name a reason when neither the words nor an enhanced code
 * did: the AUTH codes of RFC 4954 and the "no mail here" codes of RFC 7504.
 */
export const REPLY_CODE_REASONS: Readonly<Record<string, Reason>> = {
  "521": "notaccept",
  "556": "notaccept",
  "530": "securityerror",
  "534": "securityerror",
  "535": "securityerror",
  "538": "failedstarttls",
  "454": "securityerror",
};
