// What every part of the daemon's loop works with: the chain, the store, the models it can re-execute, the log.
import type { Chain } from "./chain.ts";
import type { Logger } from "./log.ts";
import type { ModelBook } from "./models.ts";
import type { Store } from "./store.ts";

export type Services = { chain: Chain; store: Store; models: ModelBook; log: Logger };

/** A part of the loop (follower, checker, accuser, games, demands, payouts), holding the shared services. */
export class Part {
  readonly chain: Chain;
  readonly store: Store;
  readonly models: ModelBook;
  readonly log: Logger;

  constructor({ chain, store, models, log }: Services) {
    this.chain = chain;
    this.store = store;
    this.models = models;
    this.log = log;
  }
}
