// The backbone ids that presets are keyed by; one `as const` union shared by the CLI, GraphQL and
// Prisma enums. Public.

export const BACKBONE_IDS = ['rn50', 'vit-b32', 'vit-b16', 'vit-l14', 'vit-l14-336'] as const;
export type BackboneId = (typeof BACKBONE_IDS)[number];

export function isBackboneId(value: string): value is BackboneId {
  return (BACKBONE_IDS as readonly string[]).includes(value);
}
