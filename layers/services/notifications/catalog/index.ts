import type { Language } from '../format.ts';
import type { Catalog } from './catalog.ts';
import { en } from './en.ts';
import { ko } from './ko.ts';

export { fill, type Catalog, type FieldLabel, type Message, type Params } from './catalog.ts';

export const catalogs: Record<Language, Catalog> = { ko, en };
