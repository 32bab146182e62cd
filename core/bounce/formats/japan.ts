/**
 * Layouts of Japanese carriers and providers, from the carriers' published
 * guidance for senders (NTT docomo, KDDI/au, SoftBank) and the layouts
 * their gateways send: KDDI's "Could not be delivered to", EZweb's account
 * notices, docomo's and SoftBank's unknown-user notices, BIGLOBE's.
 */
import { ADDR, type MtaFormat } from "./shapes.ts";

/** The Japanese families, by their signatures. */
export const JAPANESE_FORMATS: readonly MtaFormat[] = [
  {
    id: "kddi",
    name: "KDDI / au (msmx.au.com)",
    detect: /^Could not be delivered to: <|^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*(?:kddi\.com|au\.com|auone-net\.jp)/im,
    recipient: new RegExp(String.raw`^Could not be delivered to: <?(${ADDR})>?|^\s*<(${ADDR})>:?`, "gim"),
  },
  {
    id: "ezweb",
    name: "EZweb (au)",
    detect:
      /The user\(s\) account is (?:disabled|temporarily (?:over quota|limited))|^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*ezweb\.ne\.jp/im,
  },
  {
    id: "docomo",
    name: "NTT docomo",
    detect:
      /^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*docomo\.ne\.jp|docomo\.ne\.jp[^\n]{0,80}(?:Unknown user|could not be delivered)/im,
  },
  {
    id: "softbank",
    name: "SoftBank",
    detect: /^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*(?:softbank\.ne\.jp|i\.softbank\.jp|vodafone\.ne\.jp)/im,
  },
  {
    id: "biglobe",
    name: "BIGLOBE",
    detect: /^hdr\.from: [^\n]{0,80}@(?:[\w-]+\.)*biglobe\.ne\.jp/im,
  },
];
