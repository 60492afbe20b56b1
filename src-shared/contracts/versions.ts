// The version schema of the install report, the IT policy and the coordinator's MSI setting: a canonical
// semantic version (semver.org 2.0.0's own pattern), free of the semver package so the renderer bundle,
// which carries the HTTP contract, stays small. Ordering is in version-order.ts.
import { z } from 'zod';

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** A semantic version as written by package.json and electron-builder: `1.4.0`, `1.4.0-beta.2`, no `v`. */
export const SemverSchema = z.string().trim().max(64).regex(SEMVER, 'a semantic version such as 1.4.0');
