/**
 * The harness's answer to `hello`. Apart from backend.ts, which reads it through reply.ts, so
 * that the reply validator does not import the backend that imports it (an import cycle).
 */

/** What the harness says about itself. */
export interface HarnessInfo {
  readonly version: string;
  readonly short: string;
  /** Point model in force: gil-3.12 (3.12, 3.13), gil-3.11, gil-3.10, gil-3.9 (3.7-3.9), line-3.6. */
  readonly model: string;
  readonly executable: string;
  readonly pid: number;
}
