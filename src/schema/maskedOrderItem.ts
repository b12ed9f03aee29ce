import { builder } from './builder.js';

/** One element of support.orders.items (sql/support/views.sql): money already text. */
export interface MaskedOrderItemRow {
  productName: string;
  sku: string;
  quantity: number;
  unitPrice: string;
  lineTotal: string;
  currency: string;
}

export const MaskedOrderItem = builder.objectRef<MaskedOrderItemRow>('MaskedOrderItem').implement({
  description: 'A line of an order as support staff see it (products are not personal data).',
  fields: (t) => ({
    productName: t.exposeString('productName', { description: 'The product name at checkout.' }),
    sku: t.exposeString('sku', { description: 'The product SKU at checkout.' }),
    quantity: t.exposeInt('quantity', { description: 'Units ordered.' }),
    unitPrice: t.field({ type: 'Decimal', description: 'Price of one unit (exact, a Decimal string).', resolve: (r) => r.unitPrice }),
    lineTotal: t.field({ type: 'Decimal', description: 'unitPrice × quantity (exact, a Decimal string).', resolve: (r) => r.lineTotal }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code.' }),
  }),
});
