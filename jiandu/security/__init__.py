"""Security: org units, accounts, roles and permissions, tokens, sessions, row scope.

The room is a library used by the CLI and the web app; it never imports them. Modules:

- `errors`: the exceptions (bilingual, user errors); none of them tells an outsider
  whether a user or an object exists.
- `permissions`: what each role may do (code, not data).
- `passwords`: argon2id hashing and the password policy.
- `units`, `users`: the org tree and accounts (lockout included).
- `tokens`, `sessions`: API bearer tokens and server-side web sessions.
- `principal`: who is acting, with the permissions and units they may see.
- `audit`, `masking`, `clearance`, `approvals`: the audit chain, PII masking,
  sensitivity clearance and export approvals.
"""
