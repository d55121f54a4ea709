// Lint fixture (never imported): the other half of the deliberate import cycle.
import { first } from './first';

export const second = (): string => 'second';
export const firstOfSecond = (): string => first();
