/**
 * The AWS regions where Amazon SES has an SMTP endpoint, and those with a
 * FIPS 140 SMTP endpoint — a closed list, so a mistyped or made-up region is
 * refused instead of becoming a host name that never answers. Dated: AWS adds
 * regions; one missing here can still be used with --host.
 */

/** Where the list was read, and when. */
export const SES_REGIONS_SOURCE = {
  asOf: "2026-11-30",
  source: "https://docs.aws.amazon.com/general/latest/gr/ses.html",
} as const;

/** Regions with an SES SMTP endpoint email-smtp.REGION.amazonaws.com. */
export const SES_SMTP_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "sa-east-1",
  "us-gov-east-1",
  "us-gov-west-1",
];

/** Regions with a FIPS SMTP endpoint email-smtp-fips.REGION.amazonaws.com. */
export const SES_FIPS_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "us-gov-west-1",
];

/** An anchored pattern matching exactly the listed regions. */
export function regionPattern(regions: readonly string[]): RegExp {
  return new RegExp(`^(?:${regions.map((r) => r.replace(/-/g, "\\-")).join("|")})$`);
}
