import { builder } from './builder.js';
import { DOC } from './docs.js';

/** A row of support.users (sql/support/views.sql). */
export interface MaskedUserRow {
  id: string;
  email: string | null;
  phone: string | null;
  initials: string | null;
  role: string | null;
  is_active: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

export const MaskedUser = builder.objectRef<MaskedUserRow>('MaskedUser').implement({
  description: 'A user of the tenant as support staff see them: no raw email, phone or name.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', description: DOC.rowId, resolve: (r) => r.id }),
    email: t.string({ nullable: true, description: 'Masked: the first character of the local part and the domain (`j***@example.com`).', resolve: (r) => r.email }),
    phone: t.string({ nullable: true, description: 'Masked: only the last two digits (`***21`).', resolve: (r) => r.phone }),
    initials: t.string({ nullable: true, description: 'Initials of the display name (`A.L.`); null when there is none.', resolve: (r) => r.initials }),
    role: t.string({ nullable: true, description: 'Their role in the tenant (`owner`, `admin`, `member`); null without a membership.', resolve: (r) => r.role }),
    isActive: t.boolean({ description: 'Whether they may sign in.', resolve: (r) => r.is_active }),
    createdAt: t.field({ type: 'DateTime', description: DOC.createdAt, resolve: (r) => r.created_at }),
    lastLoginAt: t.field({ type: 'DateTime', nullable: true, description: 'Their last sign-in; null when never.', resolve: (r) => r.last_login_at }),
  }),
});
