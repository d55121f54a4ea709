// Whole HTTP answers for GraphQL queries over data that never changes once written (a succeeded
// mining run's negatives) or has not changed since (a run list whose tables' version is the same),
// replayed without parsing, validating or executing the query again: for such a page most of the
// CPU is graphql-js execution over its rows, Prisma and the garbage they make. A query is stored
// only when every root field of the operation declared itself immutable while a check holds
// (ResponseCacheScope.declareImmutable, readVersioned) and the answer has no errors; a hit first
// runs the checks those fields gave (e.g. "the run still exists and succeeded": a run can be
// deleted with its label set, from any process; "the tables' version is still V"), and falls
// through to a normal execution when one fails. Concurrent hits
// share one in-flight check of the same thing (single flight), unless a mutation of this process
// finished since that check started: so a client that deleted a run never gets its page back from
// here. The key holds the caller's role, the Accept header and the whole request (query, operation
// name, variables). Internal.
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import { callerRole, type Caller } from '../auth/caller';
import { ImmutableRowCache } from '../shared/immutable-row-cache';

/** Resolves true while the stored answer is still the answer (e.g. the run was not deleted). */
export type StillValid = () => Promise<boolean>;

/** A check and what it checks (`mining-run:<id>`): hits checking the same thing at once share one. */
export interface ValidityCheck {
  readonly subject: string;
  readonly stillValid: StillValid;
}

interface StoredAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  readonly checks: readonly ValidityCheck[];
}

/** Headers of Apollo's answer worth replaying (express sets length and ETag itself on send). */
const REPLAYED_HEADERS = ['content-type', 'cache-control', 'vary'];

/** What one request's root fields declared; created by the cache's middleware, read by its plugin. */
export class ResponseCacheScope {
  private readonly declared = new Map<string, ValidityCheck>();
  private storable = false;

  /** A root field (by response key: alias or name) whose whole subtree is immutable while `stillValid` holds. */
  declareImmutable(responseKey: string, check: ValidityCheck): void {
    this.declared.set(responseKey, check);
  }

  /**
   * Reads a root field's answer with `read` and declares it valid while `version` reads what it read
   * before `read` began (db/tables-version.ts): a write committed during or after the read changes
   * the version, so the stored answer fails its next check. Hits on answers of one version share
   * one check.
   */
  async readVersioned<T>(
    responseKey: string,
    subject: string,
    version: () => Promise<string>,
    read: () => Promise<T>,
  ): Promise<T> {
    const before = await version();
    const answer = await read();
    this.declareImmutable(responseKey, {
      subject: `${subject}@${before}`,
      stillValid: async () => (await version()) === before,
    });
    return answer;
  }

  /** After execution: storable only when every root selection is a plain field that declared itself. */
  decide(operation: OperationDefinitionNode | undefined, hasErrors: boolean): void {
    this.storable =
      !hasErrors &&
      operation !== undefined &&
      operation.operation === 'query' &&
      operation.selectionSet.selections.length > 0 &&
      operation.selectionSet.selections.every(
        (selection) =>
          selection.kind === Kind.FIELD &&
          (selection.directives?.length ?? 0) === 0 &&
          this.declared.has(selection.alias?.value ?? selection.name.value),
      );
  }

  checks(): readonly ValidityCheck[] | undefined {
    return this.storable ? [...this.declared.values()] : undefined;
  }
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  stored: number;
  /** Hits whose checks failed (the data went away): the entry was dropped and the query executed. */
  invalidated: number;
}

/** A document whose first definition is a mutation (the common form; decide() catches the others). */
const MUTATION_DOCUMENT = /^\s*mutation\b/;

function requestKey(req: Request, caller: Caller | undefined): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || typeof body['query'] !== 'string')
    return undefined;
  // Extensions (persisted queries, client hints) could change the answer: such requests are not cached.
  if (body['extensions'] !== undefined) return undefined;
  // A mutation is never stored (decide() refuses it): skip the key of its (maybe large) variables.
  if (MUTATION_DOCUMENT.test(body['query'])) return undefined;
  const operationName = typeof body['operationName'] === 'string' ? body['operationName'] : '';
  return JSON.stringify([
    caller === undefined ? '' : callerRole(caller),
    req.headers.accept ?? '',
    operationName,
    body['variables'] ?? null,
    body['query'],
  ]);
}

export class ImmutableResponseCache {
  private readonly answers: ImmutableRowCache<StoredAnswer>;
  private readonly inFlight = new Map<string, { readonly writes: number; readonly result: Promise<boolean> }>();
  /** Mutations this process finished: a check started before the latest one is not shared. */
  private writes = 0;
  readonly stats: ResponseCacheStats = { hits: 0, misses: 0, stored: 0, invalidated: 0 };

  /** @param maxBytes  bound on the stored bodies (UTF-16 size); 0 turns the cache off */
  constructor(
    readonly maxBytes: number,
    private readonly callerOf: (res: Response) => Caller | undefined,
  ) {
    this.answers = new ImmutableRowCache<StoredAnswer>(maxBytes, (answer) => answer.body.length * 2 + 256);
  }

  /**
   * Express middleware after body parsing, before Apollo: replays a stored answer whose checks hold,
   * or gives the request a scope and records Apollo's answer when the plugin found it storable.
   */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const key = this.maxBytes > 0 && req.method === 'POST' ? requestKey(req, this.callerOf(res)) : undefined;
      if (key === undefined) {
        next();
        return;
      }
      const stored = this.answers.get(key);
      if (stored === undefined) {
        this.stats.misses++;
        this.recordAnswer(key, res);
        next();
        return;
      }
      Promise.all(stored.checks.map((check) => this.run(check))).then(
        (valid) => {
          if (valid.every(Boolean)) {
            this.stats.hits++;
            res.status(stored.status);
            for (const [name, value] of stored.headers) res.setHeader(name, value);
            res.send(stored.body);
            return;
          }
          this.stats.invalidated++;
          this.answers.delete(key);
          this.recordAnswer(key, res);
          next();
        },
        (error: unknown) => next(error),
      );
    };
  }

  /** The Apollo plugin that decides, once a request has executed, whether its answer may be stored. */
  plugin<TContext extends { readonly responseCache?: ResponseCacheScope }>(): ApolloServerPlugin<TContext> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the hooks below are Apollo's objects
    const cache = this;
    return {
      async requestDidStart() {
        return {
          async willSendResponse(requestContext) {
            const scope = requestContext.contextValue.responseCache;
            const body = requestContext.response.body;
            if (requestContext.operation?.operation === 'mutation') cache.writes++;
            scope?.decide(
              requestContext.operation,
              body.kind !== 'single' || (body.singleResult.errors?.length ?? 0) > 0,
            );
          },
        };
      },
    };
  }

  /** The scope Apollo's context carries for this request (undefined when the request is not cacheable). */
  static scopeOf(res: Response): ResponseCacheScope | undefined {
    const scope = res.locals['responseCacheScope'] as unknown;
    return scope instanceof ResponseCacheScope ? scope : undefined;
  }

  /** The check's result, joining one of the same subject in flight since this process's last mutation. */
  private run(check: ValidityCheck): Promise<boolean> {
    const current = this.inFlight.get(check.subject);
    if (current !== undefined && current.writes === this.writes) return current.result;
    const result = check.stillValid().finally(() => {
      if (this.inFlight.get(check.subject)?.result === result) this.inFlight.delete(check.subject);
    });
    this.inFlight.set(check.subject, { writes: this.writes, result });
    return result;
  }

  private recordAnswer(key: string, res: Response): void {
    const scope = new ResponseCacheScope();
    res.locals['responseCacheScope'] = scope;
    const send = res.send.bind(res);
    res.send = ((body?: unknown) => {
      const checks = scope.checks();
      if (checks !== undefined && res.statusCode === 200 && typeof body === 'string') {
        const headers: [string, string][] = [];
        for (const name of REPLAYED_HEADERS) {
          const value = res.getHeader(name);
          if (typeof value === 'string') headers.push([name, value]);
        }
        this.answers.set(key, { status: res.statusCode, headers, body, checks });
        this.stats.stored++;
      }
      return send(body as never);
    }) as Response['send'];
  }
}
