// Typed documents more than one API test sends. A document only one file
// uses lives in that file, beside its assertions (test/helpers.ts `graphql`).
import { graphql } from '../helpers.js';

export const Login = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) { accessToken refreshToken user { rowId email } tenant { slug } }
  }
`);

export const RefreshSession = graphql(`
  mutation RefreshSession($input: RefreshSessionInput!) {
    refreshSession(input: $input) { accessToken refreshToken }
  }
`);

export const ViewerRole = graphql(`
  query ViewerRole { viewer { role tenant { slug } } }
`);

/** The rowIds of the accounts the caller sees. */
export const AccountIds = graphql(`
  query AccountIds { accounts { edges { node { rowId } } } }
`);

export const SignUp = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { accessToken refreshToken user { email role } tenant { slug name } }
  }
`);

export const CreateUser = graphql(`
  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { rowId email role } } }
`);

export const OpenAccount = graphql(`
  mutation OpenAccount($input: OpenAccountInput!) { openAccount(input: $input) { account { rowId name } } }
`);

export const CreateCategory = graphql(`
  mutation CreateCategory($input: CreateCategoryInput!) { createCategory(input: $input) { category { rowId name } } }
`);
