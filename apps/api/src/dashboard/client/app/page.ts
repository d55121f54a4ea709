/// <reference lib="dom" />
// The contract of a page module: mount builds the page into <main> for a route; update is called
// when only the route's parameters change (filters, sorting, paging), so controls keep focus.
import type { Route } from './route';

export interface Page {
  /** Absent: a parameter change mounts the page again. */
  update?(route: Route): void;
  /** Stops what the page started (subscriptions, timers, requests). */
  dispose?(): void;
}

export interface PageModule {
  readonly view: string;
  /** The nav entry highlighted while this page is shown. */
  readonly nav: string;
  title(route: Route): string;
  mount(main: HTMLElement, route: Route): Page;
}

/** One request in flight per purpose: starting a new one aborts the previous. */
export class Latest {
  private controller: AbortController | undefined;

  next(): AbortSignal {
    this.controller?.abort();
    this.controller = new AbortController();
    return this.controller.signal;
  }

  abort(): void {
    this.controller?.abort();
  }
}
