/** A catalogue entry: the HTTP status the API answers with, and what the code means (for docs/error-codes.md). */
export interface CodeInfo {
  /** HTTP status when the code reaches an API client. */
  readonly status: number;
  /** One sentence for the reference. */
  readonly doc: string;
}

/** One module's table of codes (keys are the stable code strings). */
export type CodeTable = Readonly<Record<string, CodeInfo>>;
