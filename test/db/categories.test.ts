import { describeReferenceData, describeTenantIsolation, useTenants, type TableSpec } from './isolation.js';

const ctx = useTenants('categories');
const spec: TableSpec & { update: string } = {
  table: 'categories',
  row: (fx) => fx.category,
  insert: (fx) => ({ tenant_id: fx.tenantId, name: 'probe' }),
  update: `name = name || '!'`,
};

describeTenantIsolation(spec, ctx);
describeReferenceData(spec, ctx);
