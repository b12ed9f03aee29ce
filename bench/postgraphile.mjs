// PostGraphile v5 for the benchmark: same database, same roles, same RLS.
// pgSettings gives each request the role, tenant and user from the same JWT
// Fortress verifies. Needs Node >= 22 (run by bench/run.ts with Node 22 from npm).
import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';

const key = new TextEncoder().encode(process.env.JWT_SECRET);
const verify = { issuer: 'fortress', audience: 'fortress-api', algorithms: ['HS256'] };

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.AUTHENTICATOR_URL,
      // Introspection reads the catalogs as the owner; requests run as the authenticator.
      superuserConnectionString: process.env.OWNER_URL,
      schemas: ['public'],
      poolConfig: { max: Number(process.env.DB_POOL_MAX ?? 10) },
    }),
  ],
  schema: { ignoreRBAC: true },
  grafserv: { port: Number(process.env.PORT), graphiql: false, watch: false },
  grafast: {
    explain: false,
    // PostGraphile runs each request in a transaction that applies pgSettings with set_config(…, true).
    async context(requestContext) {
      const header = requestContext.node?.req?.headers?.authorization;
      if (!header) return { pgSettings: { role: 'fortress_anonymous' } };
      const { payload } = await jwtVerify(header.replace(/^Bearer /i, ''), key, verify);
      return { pgSettings: { role: 'fortress_user', 'app.current_tenant_id': payload.tid, 'app.current_user_id': payload.sub } };
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.once('listening', () => console.log(`postgraphile listening on ${process.env.PORT}`));
serv.addTo(server).then(() => server.listen(Number(process.env.PORT), '127.0.0.1'));
