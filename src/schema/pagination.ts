// Page sizes of every connection: `first`/`last` default to 20 and are capped at 100.
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
