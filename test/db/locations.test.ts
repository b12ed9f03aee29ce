import { describeReferenceData, describeTenantIsolation, useTenants, type TableSpec } from './isolation.js';

const ctx = useTenants('locations');
const spec: TableSpec & { update: string } = {
  table: 'locations',
  row: (fx) => fx.location,
  insert: (fx) => ({ tenant_id: fx.tenantId, code: 'PROBE', name: 'probe' }),
  update: `name = name || '!'`,
};

describeTenantIsolation(spec, ctx);
describeReferenceData(spec, ctx);
