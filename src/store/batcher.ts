// Group commit for the hot-path writes and lookups: calls made while a batch is at the database
// wait and go together in the next one, so the number of round trips per page falls as the load
// rises (at 16 pages in flight a batch holds ~5-10 of them) while a lone call goes at once (after
// `maxWaitMs`, 0 for the hot paths: a fixed wait would add to every step of a sequential walk,
// such as a listing's pages one after another). Each caller gets its own result or its own error: when a batch fails, its items
// are tried one by one, so one bad item does not fail its neighbours.

export interface BatcherOptions<In> {
  /** Items per batch at most. */
  maxBatch: number;
  /** How long the first item of an idle batcher waits for company. */
  maxWaitMs: number;
  /** Batches at the database at once; new items wait for one to finish. */
  maxInFlight: number;
  /** Items with the same key never share a batch (a later one waits for the next batch). */
  keyOf?: (item: In) => string;
}

interface Pending<In, Out> {
  item: In;
  resolve: (r: Out) => void;
  reject: (e: unknown) => void;
}

export class Batcher<In, Out> {
  private queue: Pending<In, Out>[] = [];
  private timer: { cancel(): void } | null = null;
  private inFlight = 0;

  /** `run` returns one result per item, in order. */
  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly opts: BatcherOptions<In>,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** `batchDone`: a batch has just come back, so what gathered meanwhile goes at once. */
  private schedule(batchDone = false) {
    if (!this.queue.length || this.inFlight >= this.opts.maxInFlight) return; // a finishing batch calls again
    if (this.queue.length >= this.opts.maxBatch || batchDone) {
      this.timer?.cancel();
      this.timer = null;
      this.flush();
      return;
    }
    if (this.timer) return;
    const go = () => {
      this.timer = null;
      this.flush();
    };
    // maxWaitMs 0: the calls made in the same turn of the event loop go together, and a lone
    // call goes at once (later ones gather behind it while it is out).
    if (this.opts.maxWaitMs <= 0) {
      const t = setImmediate(go);
      this.timer = { cancel: () => clearImmediate(t) };
    } else {
      const t = setTimeout(go, this.opts.maxWaitMs);
      this.timer = { cancel: () => clearTimeout(t) };
    }
  }

  private flush() {
    const batch = this.take();
    if (!batch.length) return;
    this.inFlight++;
    void this.write(batch).finally(() => {
      this.inFlight--;
      this.schedule(true);
    });
    // Items left over (a full batch, or keys already in this one) wait for the next.
    if (this.queue.length) this.schedule();
  }

  private take(): Pending<In, Out>[] {
    const keyOf = this.opts.keyOf;
    if (!keyOf) return this.queue.splice(0, this.opts.maxBatch);
    const seen = new Set<string>();
    const batch: Pending<In, Out>[] = [];
    const rest: Pending<In, Out>[] = [];
    for (const p of this.queue) {
      const k = keyOf(p.item);
      if (seen.has(k) || batch.length >= this.opts.maxBatch) rest.push(p);
      else {
        seen.add(k);
        batch.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async write(batch: Pending<In, Out>[]): Promise<void> {
    try {
      const results = await this.run(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      for (const p of batch) {
        try {
          p.resolve((await this.run([p.item]))[0]);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
}

/**
 * One batcher per owner (a database client) and purpose: `slot` is a module-level WeakMap of the
 * caller's, so batchers go away with their client.
 */
export function batcherFor<K extends object, In, Out>(
  slot: WeakMap<K, Batcher<In, Out>>,
  owner: K,
  run: (items: In[]) => Promise<Out[]>,
  opts: BatcherOptions<In>,
): Batcher<In, Out> {
  let b = slot.get(owner);
  if (!b) slot.set(owner, (b = new Batcher(run, opts)));
  return b;
}
