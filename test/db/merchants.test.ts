import { describeReferenceData, describeTenantIsolation, useTenants, type TableSpec } from './isolation.js';

const ctx = useTenants('merchants');
const spec: TableSpec & { update: string } = {
  table: 'merchants',
  row: (fx) => fx.merchant,
  insert: (fx) => ({ tenant_id: fx.tenantId, name: 'probe' }),
  update: `name = name || '!'`,
};

describeTenantIsolation(spec, ctx);
describeReferenceData(spec, ctx);
