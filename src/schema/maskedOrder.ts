import { builder } from './builder.js';
import { DOC } from './docs.js';
import { MaskedOrderItem, type MaskedOrderItemRow } from './maskedOrderItem.js';

/** A row of support.orders (sql/support/views.sql). */
export interface MaskedOrderRow {
  id: string;
  user_id: string;
  status: string;
  total_amount: string;
  currency: string;
  shipping_city: string | null;
  shipping_country: string | null;
  created_at: Date;
  paid_at: Date | null;
  shipped_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  items: MaskedOrderItemRow[];
}

export const MaskedOrder = builder.objectRef<MaskedOrderRow>('MaskedOrder').implement({
  description: 'An order as support staff see it: status, totals and items; the shipping address reduced to its city and country.',
  fields: (t) => ({
    rowId: t.field({ type: 'UUID', description: DOC.rowId, resolve: (r) => r.id }),
    userId: t.field({ type: 'UUID', description: 'The customer (`MaskedUser.rowId`).', resolve: (r) => r.user_id }),
    status: t.string({ description: '`created`, `paid`, `shipped`, `delivered` or `cancelled`.', resolve: (r) => r.status }),
    totalAmount: t.field({ type: 'Decimal', description: 'The order total (exact, a Decimal string).', resolve: (r) => r.total_amount }),
    currency: t.string({ description: 'ISO 4217 code.', resolve: (r) => r.currency }),
    shippingCity: t.string({ nullable: true, description: 'City of the shipping address (nothing finer); null when not given.', resolve: (r) => r.shipping_city }),
    shippingCountry: t.string({ nullable: true, description: 'Country of the shipping address; null when not given.', resolve: (r) => r.shipping_country }),
    createdAt: t.field({ type: 'DateTime', description: DOC.createdAt, resolve: (r) => r.created_at }),
    paidAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was paid; null until then.', resolve: (r) => r.paid_at }),
    shippedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it shipped; null until then.', resolve: (r) => r.shipped_at }),
    deliveredAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was delivered; null until then.', resolve: (r) => r.delivered_at }),
    cancelledAt: t.field({ type: 'DateTime', nullable: true, description: 'When it was cancelled; null unless it was.', resolve: (r) => r.cancelled_at }),
    // Loaded with the order (one query per page): a list, not a row per item.
    items: t.field({ type: [MaskedOrderItem], description: 'Its lines (loaded with the order).', resolve: (r) => r.items }),
  }),
});
