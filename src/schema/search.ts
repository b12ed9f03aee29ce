// Text search filters. Prisma's `contains` becomes `ILIKE '%' || term || '%'`
// without escaping, so `%`, `_` and `\` in a search term would act as
// wildcards (`search: "%"` matched every row). They are escaped here so a term
// only ever matches itself; Postgres' default LIKE escape character is `\`.
export const escapeLike = (term: string) => term.replace(/[\\%_]/g, '\\$&');

/** Case-insensitive "contains", matching `term` literally. */
export const containsText = (term: string) => ({ contains: escapeLike(term), mode: 'insensitive' as const });
