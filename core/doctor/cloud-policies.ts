/**
 * What the big clouds publish about outbound port 25, as dated knowledge
 * (each with its source and the day it was read), and whether this machine
 * looks like one of their virtual machines — from the firmware strings
 * Linux exposes under /sys/class/dmi/id, a local read: no metadata server
 * is ever asked.
 */
import fs from "node:fs";

/** One provider's published policy. */
export interface CloudPolicy {
  id: "gcp" | "aws" | "azure";
  title: string;
  /** What the policy says about outbound port 25, in one sentence. */
  port25: string;
  /** What to use instead. */
  instead: string;
  source: { title: string; url: string; asOf: string };
  /** How its virtual machines name themselves in DMI (`sys_vendor`, `product_name`, `bios_vendor`). */
  dmi: RegExp;
}

/** The policies, read on the date each carries. */
export const CLOUD_POLICIES: readonly CloudPolicy[] = [
  {
    id: "gcp",
    title: "Google Cloud",
    port25: "Compute Engine blocks outbound connections to TCP port 25 from VM instances",
    instead: "ports 587 and 465 are not restricted: use your provider's submission port",
    source: {
      title: "Google Cloud: Sending email from an instance",
      url: "https://cloud.google.com/compute/docs/tutorials/sending-mail",
      asOf: "2026-12-07",
    },
    dmi: /Google Compute Engine|^Google$/m,
  },
  {
    id: "aws",
    title: "Amazon Web Services",
    port25:
      "EC2 throttles (in practice blocks) outbound port 25 on every instance until AWS approves a request to remove the limit",
    instead: "use 587 or 465 (Amazon SES also offers 2587 and 2465), or ask AWS to lift the limit",
    source: {
      title: "AWS re:Post: How do I remove the restriction on port 25 from my Amazon EC2 instance?",
      url: "https://repost.aws/knowledge-center/ec2-port-25-throttle",
      asOf: "2026-12-07",
    },
    dmi: /Amazon EC2|^amazon$/im,
  },
  {
    id: "azure",
    title: "Microsoft Azure",
    port25:
      "outbound port 25 from virtual machines is blocked for most subscription types (all but Enterprise Agreement and MCA-E) since November 2017",
    instead: "use an authenticated SMTP relay on port 587",
    source: {
      title: "Microsoft Learn: Troubleshoot outbound SMTP connectivity problems in Azure",
      url: "https://learn.microsoft.com/azure/virtual-network/troubleshoot-outbound-smtp-connectivity",
      asOf: "2026-12-07",
    },
    dmi: /7783-7084-3265-9085-8269-3286-77|Microsoft Corporation[\s\S]*Virtual Machine/,
  },
];

/** The DMI strings this machine exposes (empty where there are none: containers, macOS, Windows). */
export function readDmi(root = "/sys/class/dmi/id"): string {
  const parts: string[] = [];
  for (const name of ["sys_vendor", "product_name", "bios_vendor", "chassis_asset_tag"]) {
    try {
      parts.push(fs.readFileSync(`${root}/${name}`, "utf8").slice(0, 200).trim());
    } catch {
      // Not there, or not readable: no evidence either way.
    }
  }
  return parts.join("\n");
}

/** The cloud this machine's firmware names, if any. */
export function cloudOf(dmi: string): CloudPolicy | undefined {
  return dmi === "" ? undefined : CLOUD_POLICIES.find((c) => c.dmi.test(dmi));
}
