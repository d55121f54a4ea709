// Lint fixture (never imported): half of a deliberate import cycle, which import/no-cycle must reject.
import { second } from './second';

export const first = (): string => `first then ${second()}`;
