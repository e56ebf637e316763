import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { AppConfig } from './app-config';

/** The row of `service_secrets` that holds the generated token secret. */
export const TOKEN_SECRET_NAME = 'jwt';

/**
 * The HS256 secret of the bearer tokens. A set JWT_SECRET wins; otherwise the secret generated
 * at first start (32 random bytes) is read from `service_secrets`, so that `npm start` works
 * without configuration, every API process and the CLI sign and verify with the same secret,
 * and no secret anyone could read in the code is ever accepted. Deleting the row and restarting
 * the API rotates it (docs/SECURITY.md).
 */
export async function tokenSecret(
  config: Pick<AppConfig, 'jwtSecret' | 'databaseUrl'>,
): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const client = new Client({
    connectionString: config.databaseUrl,
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    // racing first starts both insert; the loser's row is dropped and both read the winner's
    await client.query(
      `INSERT INTO service_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [TOKEN_SECRET_NAME, randomBytes(32).toString('base64url')],
    );
    const { rows } = await client.query<{ value: string }>(
      `SELECT value FROM service_secrets WHERE name = $1`,
      [TOKEN_SECRET_NAME],
    );
    return rows[0].value;
  } finally {
    await client.end();
  }
}

/** The configuration with its token secret settled (see tokenSecret). */
export async function withTokenSecret<C extends AppConfig>(config: C): Promise<C> {
  return { ...config, jwtSecret: await tokenSecret(config) };
}
