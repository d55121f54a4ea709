// GraphQL operations on validated sweeps: launchSweep, sweep, sweeps. Progress and cancellation go
// through runStatus / runProgress / cancelRun like every run.
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../context';
import { NullArguments } from '../../plugins/null-arguments.middleware';
import { connectionTypes, selectsField, type Page } from '../../shared/pagination';
import { LaunchSweepInput, SweepsArgs } from './sweep.input';
import { Sweep } from './sweep.type';

export const SweepConnection = connectionTypes(Sweep, 'Sweep');

@NullArguments()
@Resolver(() => Sweep)
export class SweepResolver {
  @Mutation(() => Sweep, {
    description:
      'Records a validated sweep (every grid point resolved and checked first) and enqueues its `sweep` job; the same idempotencyKey returns the same sweep',
  })
  launchSweep(@Ctx() ctx: ApiContext, @Arg('input', () => LaunchSweepInput) input: LaunchSweepInput): Promise<Sweep> {
    return ctx.services.sweeps.launch(input);
  }

  @Query(() => Sweep)
  sweep(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<Sweep> {
    return ctx.services.sweeps.get(id);
  }

  @Query(() => SweepConnection, { description: 'Sweeps, newest first' })
  sweeps(
    @Ctx() ctx: ApiContext,
    @Args(() => SweepsArgs) args: SweepsArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Sweep>> {
    return ctx.services.sweeps.list(args, { totalCount: selectsField(info, 'totalCount') });
  }
}
