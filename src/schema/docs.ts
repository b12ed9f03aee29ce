// Descriptions shared by many schema elements. GraphiQL's docs pane is the
// first manual users open: every type, field, argument and enum value has a
// description (test/api/schema-docs.test.ts). Say what is true of the
// resolver and of the table's policy (sql/rls/<table>.sql), briefly.
export const DOC = {
  rowId: "The row's own key (UUID), as `<type>(rowId:)` and references such as `accountId` take it.",
  rowIdArg: 'The row\'s `rowId` (UUID).',
  byRowId: (what: string) => `One ${what} by its \`rowId\`; null when it does not exist or the viewer may not see it.`,
  createdAt: 'When the row was created.',
  updatedAt: 'When the row last changed.',
  json: (what: string) => `${what} (JSON; \`{}\` when unset).`,
  totalCount: 'How many items the whole list holds (every page, the same filters), counting only rows the viewer may see.',
  /** What row-level security shows of a table whose rows belong to a user. */
  ownOrAdmin: (things: string) => `Members see their own ${things}; owners/admins see all of the tenant's.`,
  /** Catalogue tables: readable by the tenant's users, writable by owners/admins. */
  catalogue: "Every user of the tenant reads them; owners/admins write them.",
  adminOnly: 'Owners/admins only (FORBIDDEN for members).',
  soleField: 'Must be the only field of its operation (BAD_USER_INPUT otherwise).',
  password: 'At least 12 characters, not the email, not a common password (WEAK_PASSWORD otherwise).',
} as const;
