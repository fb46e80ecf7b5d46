/**
 * Group commit for one kind of autocommit statement: while `lanes` statements of a lane (e.g. one
 * channel's claims) are running in this process, the calls arriving meanwhile wait and then go
 * together, as one statement (`many`), up to `batchMax` at a time. A call that finds the lane free, or
 * goes alone, runs `one`. Two calls with the same `conflict` never share a statement (the later one
 * waits for the next). Each caller gets its own answer; a failed combined statement fails its callers.
 */
export interface CombinerSpec<Handle extends object, Query, Answer> {
  lane(query: Query): string;
  conflict(query: Query): string;
  one(database: Handle, query: Query): Promise<Answer>;
  /** One answer per query, in their order. */
  many(database: Handle, queries: Query[]): Promise<Answer[]>;
  lanes: number;
  batchMax: number;
}

interface Waiting<Query, Answer> {
  query: Query;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

interface Lane<Query, Answer> {
  running: number;
  waiting: Waiting<Query, Answer>[];
}

export class Combiner<Handle extends object, Query, Answer> {
  readonly #lanes = new WeakMap<Handle, Map<string, Lane<Query, Answer>>>();

  constructor(readonly spec: CombinerSpec<Handle, Query, Answer>) {}

  run(database: Handle, query: Query): Promise<Answer> {
    let lanes = this.#lanes.get(database);
    if (!lanes) {
      lanes = new Map();
      this.#lanes.set(database, lanes);
    }
    const key = this.spec.lane(query);
    let lane = lanes.get(key);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      lanes.set(key, lane);
    }
    const laneOf = lane;
    const lanesOf = lanes;
    return new Promise<Answer>((resolve, reject) => {
      laneOf.waiting.push({ query, resolve, reject });
      this.#drain(database, lanesOf, key, laneOf);
    });
  }

  #drain(database: Handle, lanes: Map<string, Lane<Query, Answer>>, key: string, lane: Lane<Query, Answer>) {
    while (lane.running < this.spec.lanes && lane.waiting.length > 0) {
      const batch: Waiting<Query, Answer>[] = [];
      const taken = new Set<string>();
      const rest: Waiting<Query, Answer>[] = [];
      for (const waiting of lane.waiting) {
        const conflict = this.spec.conflict(waiting.query);
        if (batch.length < this.spec.batchMax && !taken.has(conflict)) {
          taken.add(conflict);
          batch.push(waiting);
        } else rest.push(waiting);
      }
      lane.waiting = rest;
      lane.running += 1;
      void this.#run(database, batch).finally(() => {
        lane.running -= 1;
        if (lane.running === 0 && lane.waiting.length === 0) lanes.delete(key);
        else this.#drain(database, lanes, key, lane);
      });
    }
  }

  async #run(database: Handle, batch: Waiting<Query, Answer>[]): Promise<void> {
    try {
      if (batch.length === 1) {
        batch[0]!.resolve(await this.spec.one(database, batch[0]!.query));
        return;
      }
      const answers = await this.spec.many(
        database,
        batch.map((waiting) => waiting.query),
      );
      batch.forEach((waiting, index) => {
        waiting.resolve(answers[index]!);
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
}
