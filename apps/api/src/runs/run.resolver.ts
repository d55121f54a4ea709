// GraphQL operations shared by runs: cancelRun, runProgress (query and graphql-ws subscription).
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ApiContext } from '../context';
import { RunEvent, RunProgress } from './run.type';
import { NullArguments } from '../plugins/null-arguments.middleware';

@NullArguments()
@Resolver(() => RunProgress)
export class RunResolver {
  @FieldResolver(() => [RunEvent], {
    description: 'What happened to the run, oldest first: each attempt, its failure or hand-back, re-queues, the end',
  })
  history(@Root() progress: RunProgress, @Ctx() ctx: ApiContext): Promise<RunEvent[]> {
    return ctx.services.runs.history(progress.kind, progress.runId);
  }

  @Mutation(() => RunProgress, {
    description: 'Cancels a queued or running mining or evaluation run (CONFLICT if it already finished)',
  })
  cancelRun(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<RunProgress> {
    return ctx.services.runs.cancel(id);
  }

  @Query(() => RunProgress)
  runStatus(@Ctx() ctx: ApiContext, @Arg('runId', () => ID) runId: string): Promise<RunProgress> {
    return ctx.services.runs.progress(runId);
  }

  @Subscription(() => RunProgress, {
    description:
      'Progress of a mining or evaluation run; sends the current state, every change, and ends when the run finishes',
    subscribe: ({ args, context }) => (context as ApiContext).services.runs.watch(String(args['runId'])),
  })
  runProgress(@Root() progress: RunProgress, @Arg('runId', () => ID) _runId: string): RunProgress {
    return progress;
  }
}
