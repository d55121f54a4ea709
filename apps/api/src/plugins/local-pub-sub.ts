// An in-process PubSub (EventEmitter-backed async iterables). type-graphql's schema builder
// requires one as soon as a subscription exists; runProgress itself reads the database, because
// progress is written by workers in other processes.
import { EventEmitter, on } from 'node:events';
import type { PubSub } from 'type-graphql';

export class LocalPubSub implements PubSub {
  private readonly emitter = new EventEmitter();

  publish(routingKey: string, ...args: unknown[]): void {
    this.emitter.emit(routingKey, args[0]);
  }

  async *subscribe(routingKey: string): AsyncIterable<unknown> {
    for await (const [payload] of on(this.emitter, routingKey)) yield payload;
  }
}
