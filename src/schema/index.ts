// Imports every type file (each registers itself on the builder), then builds.
import { builder } from './builder.js';
import './scalars.js';
import './query.js';
import './tenant.js';
import './tenantMembership.js';
import './user.js';
import './session.js';
import './loginAttempt.js';
import './account.js';
import './transaction.js';
import './category.js';
import './merchant.js';
import './receipt.js';
import './product.js';
import './location.js';
import './inventory.js';
import './cart.js';
import './cartItem.js';
import './order.js';
import './orderItem.js';
import './auditLog.js';
import './outboxEvent.js';
import './viewer.js';
import './authPayload.js';

export const schema = builder.toSchema({ sortSchema: true });
