// Bounded errors through a real Apollo server on a small type-graphql schema (class-validator on):
// 5,000 invalid nested items and a 1 M-character string give a small response that lists each
// problem once, never echoes the input, and carries no stack in production.
import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { ArrayMaxSize, MaxLength, ValidateNested } from 'class-validator';
import { Arg, Field, InputType, Mutation, Query, Resolver, buildSchema } from 'type-graphql';
import {
  boundedErrorList,
  boundedErrorsPlugin,
  boundedFormattedError,
  boundedMessage,
  validationProblems,
  MAX_PROBLEMS,
} from './error-formatting';

@InputType()
class ItemInput {
  @Field()
  @MaxLength(5)
  name!: string;
}

@InputType()
class BatchInput {
  @Field(() => [ItemInput])
  @ValidateNested({ each: true })
  @ArrayMaxSize(10_000)
  items!: ItemInput[];

  @Field({ nullable: true })
  @MaxLength(200)
  search?: string;
}

@Resolver()
class BatchResolver {
  @Query(() => Boolean)
  ping(): boolean {
    return true;
  }

  @Mutation(() => Number)
  addBatch(@Arg('input', () => BatchInput) input: BatchInput): number {
    return input.items.length;
  }
}

async function server(production: boolean): Promise<ApolloServer> {
  const schema = await buildSchema({ resolvers: [BatchResolver], validate: { forbidUnknownValues: false } });
  const apollo = new ApolloServer({
    schema,
    includeStacktraceInErrorResponses: !production,
    formatError: (formatted) => boundedFormattedError(formatted, { production }),
    plugins: [boundedErrorsPlugin()],
  });
  await apollo.start();
  return apollo;
}

async function send(apollo: ApolloServer, query: string, variables: Record<string, unknown>): Promise<string> {
  const response = await apollo.executeOperation({ query, variables });
  return JSON.stringify(response.body.kind === 'single' ? response.body.singleResult : {});
}

describe('bounded errors through Apollo', () => {
  let apollo: ApolloServer;

  beforeAll(async () => {
    apollo = await server(true);
  });

  afterAll(async () => {
    await apollo.stop();
  });

  it('lists nested validation problems once each, at most MAX_PROBLEMS, without the input', async () => {
    const marker = 'ZZTOPSECRETZZ';
    const items = Array.from({ length: 5_000 }, (_, index) => ({ name: `${marker}-${index}` }));
    const body = await send(apollo, 'mutation($input: BatchInput!) { addBatch(input: $input) }', {
      input: { items, search: marker.repeat(100_000) },
    });
    expect(body.length).toBeLessThan(10_000);
    expect(body).not.toContain(marker);
    const result = JSON.parse(body) as {
      errors: Array<{
        message: string;
        extensions: { code: string; problems: Array<{ path: string; messages: string[] }>; problemCount: number };
      }>;
    };
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error!.extensions.code).toBe('BAD_USER_INPUT');
    expect(error!.extensions.problemCount).toBe(5_001);
    expect(error!.extensions.problems).toHaveLength(MAX_PROBLEMS);
    expect(error!.extensions.problems[0]).toEqual({
      path: 'items[0].name',
      messages: ['name must be shorter than or equal to 5 characters'],
    });
    expect(error!.extensions).not.toHaveProperty('stacktrace');
  });

  it('does not echo a value graphql-js could not coerce, and caps the list of coercion errors', async () => {
    const marker = 'QQLEAKQQ';
    const items = Array.from({ length: 500 }, (_, index) => ({ name: { nested: `${marker}${index}` } }));
    const body = await send(apollo, 'mutation($input: BatchInput!) { addBatch(input: $input) }', { input: { items } });
    expect(body).not.toContain(marker);
    const result = JSON.parse(body) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    // graphql-js stops at 50 coercion errors; the identical ones are listed once, and its "too many"
    // notice is the client's error, not an internal one.
    expect(result.errors.map((error) => error.extensions['code'])).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(result.errors[0]!.message).toBe(
      'Variable "$input" got an invalid value; String cannot represent a non string value',
    );
    expect(body.length).toBeLessThan(2_000);
  });
});

describe('error formatting pieces', () => {
  it('strips quoted input from graphql-js messages and bounds every message', () => {
    expect(
      boundedMessage('Variable "$input" got invalid value { items: [[Object], [Object]] }; Expected type "String".'),
    ).toBe('Variable "$input" got an invalid value; Expected type "String".');
    expect(boundedMessage('String cannot represent a non string value: { secret: 1 }')).toBe(
      'String cannot represent a non string value',
    );
    expect(boundedMessage('x'.repeat(10_000)).length).toBe(300);
  });

  it('merges messages of one path and keeps input order', () => {
    const errors = [
      {
        property: 'labels',
        constraints: {},
        children: [{ property: '3', constraints: { maxLength: 'too long', isNotEmpty: 'empty' } }],
      },
      { property: 'labels', children: [{ property: '3', constraints: { maxLength: 'too long' } }] },
      { property: 'filter', children: [{ property: 'search', constraints: { maxLength: 'search too long' } }] },
    ];
    expect(validationProblems(errors, 'input')).toEqual({
      problems: [
        { path: 'input.labels[3]', messages: ['too long', 'empty'] },
        { path: 'input.filter.search', messages: ['search too long'] },
      ],
      total: 2,
    });
  });

  it('keeps stack traces out in production only, and de-duplicates error lists', () => {
    const formatted = { message: 'boom', extensions: { code: 'X', stacktrace: ['at /abs/path.ts:1'] } };
    expect(boundedFormattedError(formatted, { production: true }).extensions).toEqual({ code: 'X' });
    expect(boundedFormattedError(formatted, { production: false }).extensions).toHaveProperty('stacktrace');
    const same = { message: 'same', extensions: { code: 'BAD_USER_INPUT' } };
    expect(boundedErrorList([same, same, same])).toEqual([same]);
    const many = Array.from({ length: 50 }, (_, index) => ({
      message: `problem ${index}`,
      extensions: { code: 'BAD_USER_INPUT' },
    }));
    const capped = boundedErrorList(many);
    expect(capped).toHaveLength(21);
    expect(capped.at(-1)).toEqual({
      message: '30 more errors are not listed',
      extensions: { code: 'BAD_USER_INPUT', omittedErrors: 30 },
    });
  });
});
