// Whether a field's selection stays inside an allowed tree of fields, through fragments: the
// immutable response cache stores a root field's answer only when everything the query reads under
// it is a value that never changes (e.g. a succeeded run's metrics, not its label set's name).
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** `true`: the field and everything under it; an object: only the fields it lists. */
export type AllowedSelection = { readonly [field: string]: true | AllowedSelection };

function within(
  selectionSet: SelectionSetNode,
  allowed: AllowedSelection,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): boolean {
  return selectionSet.selections.every((selection) => {
    if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet, allowed, fragments);
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments[selection.name.value];
      return fragment !== undefined && within(fragment.selectionSet, allowed, fragments);
    }
    const name = selection.name.value;
    if (name === '__typename') return true;
    const rule = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (rule === undefined) return false;
    if (rule === true || selection.selectionSet === undefined) return true;
    return within(selection.selectionSet, rule, fragments);
  });
}

/** True when every field selected under the resolver's field is allowed. */
export function selectionWithin(info: GraphQLResolveInfo, allowed: AllowedSelection): boolean {
  return info.fieldNodes.every(
    (node) => node.selectionSet === undefined || within(node.selectionSet, allowed, info.fragments),
  );
}

/** Fields allowed with everything under them (plain values). */
export function valueFields(names: readonly string[]): AllowedSelection {
  return Object.fromEntries(names.map((name) => [name, true as const]));
}

/** A connection's fields (shared/pagination.ts) over nodes allowed by `node`. */
export function connectionSelection(node: AllowedSelection): AllowedSelection {
  return { totalCount: true, pageInfo: true, edges: { cursor: true, node } };
}
