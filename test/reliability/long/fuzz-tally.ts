/** What a fuzz worker reports for one chunk of one target (a JSON line on its stdout), and what fuzz.long.ts sums. */
export interface FuzzTally {
  target: string;
  inputs: number;
  crashes: number;
  hangs: number;
  divergent: number;
  samples: string[];
}
