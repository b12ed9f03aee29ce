// PostGraphile v5 for the benchmark: same database, same roles, same RLS.
// pgSettings gives each request the role, tenant and user from the same JWT
// Fortress verifies. Needs Node >= 22 (run by bench/run.ts with Node 22 from npm,
// with NODE_ENV and GRAPHILE_ENV set to production).
//
// Production configuration (grafserv 1.x / grafast 1.x options, checked against their
// GrafservOptions and GrafastOptions types; BENCHMARKS.md lists them with the reasons):
// outputDataAsString on (Grafast builds the response JSON as a string instead of an object tree
// for JSON.stringify), no GraphiQL (nor on GET /graphql), no GraphQL over GET, no explain, no
// watch mode and no watch fixtures, no websockets, CORS not opened to all origins, masked errors
// (the default), the default parse-and-validate cache (500 documents; 4 are used).
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { createVerifier } from './jwt.mjs';

const verify = createVerifier(process.env.JWT_SECRET);

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
  gather: { installWatchFixtures: false },
  schema: { ignoreRBAC: true },
  grafserv: {
    port: Number(process.env.PORT),
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    graphqlOverGET: false,
    watch: false,
    websockets: false,
    dangerouslyAllowAllCORSRequests: false,
    outputDataAsString: true,
  },
  grafast: {
    explain: false,
    // PostGraphile runs each request in a transaction that applies pgSettings with set_config(…, true).
    async context(requestContext) {
      const header = requestContext.node?.req?.headers?.authorization;
      if (!header) return { pgSettings: { role: 'fortress_anonymous' } };
      const payload = await verify(header.replace(/^Bearer /i, ''));
      return { pgSettings: { role: 'fortress_user', 'app.current_tenant_id': payload.tid, 'app.current_user_id': payload.sub } };
    },
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.once('listening', () => console.log(`postgraphile listening on ${process.env.PORT}`));
serv.addTo(server).then(() => server.listen(Number(process.env.PORT), '127.0.0.1'));
