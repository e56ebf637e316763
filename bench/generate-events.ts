import { Client } from 'pg';

/**
 * Writes `targets` approved targets with `paymentsEach` disbursements each straight into the
 * events table, set-based (the shapes the domain writes, without going through it), so that a
 * test can have 100,000 events in a few seconds. Answers the number of events written.
 */
export async function generateApprovedTargets(
  url: string,
  targets: number,
  paymentsEach: number,
  prefix = 'G',
): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const meta = `jsonb_build_object('actor', jsonb_build_object('id', 'gen', 'name', 'gen', 'role', 'admin'), 'at', '2022-01-05T00:00:00.000Z', 'requestId', 'gen', 'command', 'Generate')`;
    const id = `'2022-314001-${prefix}' || lpad(t::text, 7, '0')`;
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO streams (stream_id, stream_type, version) SELECT 'target-' || ${id}, 'target', $2::int + 5 FROM generate_series(1, $1::int) t`,
      [targets, paymentsEach],
    );
    const lifecycle = [
      `'TargetCreated', jsonb_build_object('targetId', ${id}, 'fiscalYear', 2022, 'unitCode', '314001', 'projectCode', '${prefix}' || lpad(t::text, 7, '0'), 'source', 'api', 'content', jsonb_build_object('unitName', '民政局本级', 'projectName', '生成项目' || t, 'budget', jsonb_build_object('total', '1000000000', 'fiscal', '1000000000', 'other', '0'), 'purpose', '', 'plan', jsonb_build_object('M3', 25, 'M6', 50, 'M10', 75, 'M12', 100), 'goals', 'g', 'indicators', '[]'::jsonb))`,
      `'TargetSubmitted', jsonb_build_object('targetId', ${id}, 'contentRevision', 1)`,
      `'TargetReviewed', jsonb_build_object('targetId', ${id}, 'stage', 'department', 'grade', '优', 'opinion', '', 'outcome', 'passed', 'contentRevision', 1)`,
      `'TargetReviewed', jsonb_build_object('targetId', ${id}, 'stage', 'finance', 'grade', '优', 'opinion', '', 'outcome', 'passed', 'contentRevision', 1)`,
      `'TargetApproved', jsonb_build_object('targetId', ${id}, 'contentRevision', 1, 'approvedVersion', 1)`,
    ];
    for (const [v, ev] of lifecycle.entries()) {
      await client.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
         SELECT gen_random_uuid(), 'target-' || ${id}, ${v + 1}, ${ev}, ${meta} FROM generate_series(1, $1::int) t`,
        [targets],
      );
    }
    await client.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, data, metadata)
       SELECT gen_random_uuid(), 'target-' || ${id}, 5 + p, 'DisbursementRecorded',
              jsonb_build_object('targetId', ${id}, 'disbursementId', md5(t || '-' || p)::uuid::text,
                'amount', (100 + (t * 7 + p * 13) % 900)::text,
                'date', to_char(date '2022-01-01' + ((t + p * 3) % 365), 'YYYY-MM-DD'),
                'period', null, 'voucherNo', 'V' || p, 'source', 'fiscal', 'note', ''), ${meta}
         FROM generate_series(1, $1::int) t, generate_series(1, $2::int) p
        ORDER BY t, p`,
      [targets, paymentsEach],
    );
    await client.query('COMMIT');
    return targets * (paymentsEach + 5);
  } finally {
    await client.end();
  }
}

/** Net disbursed per target (non-zero only) and a count of payments, from two queries. */
async function netAndCount(
  url: string,
  netSql: string,
  countSql: string,
): Promise<{ targets: Record<string, string>; payments: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; net: string }>(netSql);
    const { rows: p } = await client.query<{ n: string }>(countSql);
    return {
      targets: Object.fromEntries(rows.map((r) => [r.id, r.net])),
      payments: Number(p[0].n),
    };
  } finally {
    await client.end();
  }
}

const SIGNED = `CASE WHEN type = 'DisbursementRecorded' THEN (data->>'amount')::bigint ELSE -(data->>'amount')::bigint END`;

/** What the execution projection must hold, computed from the events alone with SQL. */
export function executionFromScratch(url: string) {
  return netAndCount(
    url,
    `SELECT data->>'targetId' AS id, sum(${SIGNED})::text AS net FROM events
      WHERE type IN ('DisbursementRecorded', 'DisbursementReversed') GROUP BY 1 HAVING sum(${SIGNED}) <> 0`,
    `SELECT count(*) AS n FROM events WHERE type = 'DisbursementRecorded'`,
  );
}

/** What the execution projection holds now, in the same shape. */
export function executionProjected(url: string) {
  return netAndCount(
    url,
    `SELECT target_id AS id, sum(amount)::text AS net FROM exec_payments GROUP BY 1 HAVING sum(amount) <> 0`,
    `SELECT count(*) AS n FROM exec_payments`,
  );
}
