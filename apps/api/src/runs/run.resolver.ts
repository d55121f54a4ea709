// GraphQL operations shared by runs: cancelRun, runProgress (query and graphql-ws subscription).
import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ApiContext } from '../context';
import { RunProgress } from './run.type';
import { NullArguments } from '../plugins/null-arguments.middleware';

@NullArguments()
@Resolver()
export class RunResolver {
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
