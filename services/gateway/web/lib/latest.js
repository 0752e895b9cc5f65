// Answers can arrive out of order: a slow answer to an older request (a filter the person
// has changed since, a query they kept typing) must not replace the newer one on screen.

export const STALE = Symbol("stale");

export class LatestOnly {
  #newest = 0;

  /** The answer of `request()`, or STALE once a newer call (or `forget`) came after it.
   *  A stale call's error is dropped too: nobody is waiting for it any more. */
  async run(request) {
    const mine = ++this.#newest;
    try {
      const answer = await request();
      return mine === this.#newest ? answer : STALE;
    } catch (error) {
      if (mine !== this.#newest) return STALE;
      throw error;
    }
  }

  /** Whatever is still on its way is no longer wanted. */
  forget() {
    this.#newest += 1;
  }
}
