/** The package version, read from the package's own package.json (src/contract/package-root.ts). */
export { packageVersion } from '../contract/package-root.ts';
