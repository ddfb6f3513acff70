import type { Block } from '../primitives/block.js';
import type { CountOf } from './query-reader.js';

/** One counted index prefix a block touches: a kind's, a subject's, or a kind's within a subject. */
export interface Counter {
  /** The subject counted (absent: a kind's counter). */
  readonly subject?: string;
  /** The kind counted (absent: a subject's counter). */
  readonly kind?: string;
  /** Entries of the block under the prefix. */
  n: number;
  /** The count (set by the store): before the block on connect, after it on disconnect; then the next ordinal. */
  value: number;
}

// A subject's counter, with the counter of its first kind in the block beside it (a block's records about one
// subject are nearly always of one kind) and the others by kind.
interface SubjectCounter extends Counter {
  readonly first: Counter;
  others?: Map<string, Counter>;
}

/** A counter in words, for errors. */
export function describeCounter(c: Counter): string {
  if (c.subject === undefined) return `kind ${c.kind}`;
  return c.kind === undefined ? `subject ${c.subject}` : `${c.kind} of subject ${c.subject}`;
}

/** What a counter counts, as the query reader names it (to read its count from the database). */
export function countOf(c: Counter): CountOf {
  return c.subject === undefined ? { kind: c.kind ?? '' } : c.kind === undefined ? { subject: c.subject } : { subject: c.subject, kind: c.kind };
}

/**
 * The counters of the kind, subject and subject+kind prefixes a block's transactions add to (or remove from), and
 * for each transaction the ones it advances. Found by the subject and kind strings themselves (no names built per
 * transaction): a block of thousands of records pays one map lookup per record.
 */
export class BlockCounters {
  /** Every counter of the block, each once. */
  readonly list: Counter[] = [];
  /** The block's kinds with the positions of their transactions, in order of first appearance. */
  readonly kindGroups: Array<{ counter: Counter; positions: number[] }> = [];
  readonly #subjects: Array<SubjectCounter | undefined> = [];
  readonly #subjectKinds: Array<Counter | undefined> = [];

  constructor(block: Block) {
    const kinds = new Map<string, { counter: Counter; positions: number[] }>();
    const subjects = new Map<string, SubjectCounter>();
    const list = this.list;
    // A block's transactions are mostly of one kind: its counter is looked up again only when the kind changes.
    let last: { counter: Counter; positions: number[] } | undefined;
    block.txs.forEach((tx, i) => {
      const { kind, subject } = tx.fields;
      if (last === undefined || last.counter.kind !== kind) {
        last = kinds.get(kind);
        if (last === undefined) {
          kinds.set(kind, (last = { counter: { kind, n: 0, value: 0 }, positions: [] }));
          list.push(last.counter);
          this.kindGroups.push(last);
        }
      }
      last.counter.n++;
      last.positions.push(i);
      if (subject === undefined) {
        this.#subjects.push(undefined);
        this.#subjectKinds.push(undefined);
        return;
      }
      let s = subjects.get(subject);
      if (s === undefined) {
        const first: Counter = { subject, kind, n: 0, value: 0 };
        subjects.set(subject, (s = { subject, n: 0, value: 0, first }));
        list.push(s, first);
      }
      s.n++;
      let sk = s.first;
      if (sk.kind !== kind) {
        s.others ??= new Map();
        const other = s.others.get(kind);
        if (other === undefined) {
          s.others.set(kind, (sk = { subject, kind, n: 0, value: 0 }));
          list.push(sk);
        } else sk = other;
      }
      sk.n++;
      this.#subjects.push(s);
      this.#subjectKinds.push(sk);
    });
  }

  /** The ordinal of transaction `i` (which has a subject) in its subject's index. */
  nextSubject(i: number): number {
    return this.#subjects[i]!.value++;
  }

  /** The ordinal of transaction `i` (which has a subject) in its subject+kind index. */
  nextSubjectKind(i: number): number {
    return this.#subjectKinds[i]!.value++;
  }
}
