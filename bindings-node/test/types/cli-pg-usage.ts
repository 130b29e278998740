// Type-checks the #11 declarations (npx trustcore's exports, the SQL plans,
// appendEvent / migrate / AppendError) against typical use (`npm run
// typecheck`, run by ci.sh). Never executed.
import {
  AppendError,
  AppendPlan,
  CLI_EXIT_BROKEN,
  CLI_EXIT_ERROR,
  CLI_EXIT_VALID,
  CLI_HELP,
  SQL_APPEND_ATTEMPTS,
  SQL_FETCH_ROWS,
  SecretKey,
  appendEvent,
  cliFailure,
  cliParse,
  migrate,
  osErrorText,
  progressLine,
  selectPlan,
  sqlMigration,
  sqlRetryable,
  sqlTable,
  type AppendResult,
  type AppendedRow,
  type CliCommand,
  type CliError,
  type CliOutcome,
  type CliPlan,
  type CliRun,
  type CliSelect,
  type CliTable,
  type PgClient,
  type PreparedAppend,
  type SqlSelectPlan,
  type SqlTable,
} from '../../index.js';

export async function cliUsage(args: string[], signers: Buffer): Promise<number> {
  let cmd: CliCommand;
  try {
    cmd = cliParse(args);
  } catch (e) {
    const err = e as CliError;
    const line: string = err.line;
    const code: number = err.exitCode;
    return line.length > 0 ? code : CLI_EXIT_ERROR;
  }
  if (cmd.print !== null) return CLI_EXIT_VALID + CLI_HELP.length * 0;
  const plan: CliPlan | null = cmd.plan;
  if (plan === null) return CLI_EXIT_ERROR;
  const source: 'database' | 'files' | 'stdin' = plan.source;
  const progress: 'auto' | 'always' | 'never' = plan.progress;
  const run: CliRun = cmd.start(signers, plan.profileIsBuiltin ? null : signers, null, undefined);
  if (source === 'database') {
    const table: CliTable = cmd.databaseTable();
    const params: Array<string | null | undefined> = table.columnsParams;
    const select: CliSelect = cmd.selectPlan(null, [['id', 'uuid']]);
    const fetch: number = select.fetchRows;
    const bounds: string | null | undefined = select.boundsSql;
    const count: string = select.countSql;
    run.feedRows([table.sql, select.sql, String(fetch), String(bounds), String(params.length)]);
    run.feedTableRows([count]);
    run.feedTableRow(Buffer.from('{}'));
  } else {
    run.feed(new Uint8Array([10]));
    run.feedRow('{}');
  }
  const position: number = run.position;
  const line: string = progressLine(position, 0, null, 1.5) + progressLine(1, 2, 3, 0) + progress;
  const failure: CliError = cliFailure('readFlag', osErrorText(2), { flag: '--signers', path: 'x' });
  const other: CliError = cliFailure('connect', 'refused');
  cliFailure('missingClient', '', { install: 'npm install pg pg-cursor' });
  const outcome: CliOutcome = run.finish();
  const state: string | null | undefined = outcome.state;
  return outcome.exitCode === CLI_EXIT_BROKEN ? line.length + failure.line.length + other.exitCode + (state ?? '').length : outcome.exitCode;
}

export async function pgUsage(client: PgClient, key: SecretKey): Promise<AppendResult> {
  const sql: string = await migrate(client, { table: 'audit_events', profile: 'trustcore/v1' });
  const local: AppendResult = await appendEvent(client, { signerId: 'kernel-signer', key }, { event_type: 'x', actor: 'a', payload: { sql } });
  try {
    return await appendEvent(
      client,
      { table: 'audit_events', profile: 'kernel/v1', signerId: 'kms', signer: async (m: Buffer) => key.sign(m), publicKey: key.publicKey(), alg: 'ed25519' },
      { event_type: 'x', payload: null },
    );
  } catch (e) {
    if (e instanceof AppendError) {
      const code: 'database_error' | 'connection_lost' = e.code;
      const state: string | null = e.sqlstate;
      const stage: string = e.stage;
      const attempts: number = e.attempts + local.attempts;
      if (state !== null && sqlRetryable(state) && attempts < SQL_APPEND_ATTEMPTS) return local;
      throw new Error(`${code} ${stage}`);
    }
    throw e;
  }
}

export function planUsage(columns: [string, string][], key: SecretKey, headRow: string | null): AppendedRow {
  const t: SqlTable = sqlTable('audit.events');
  const schema: string | null | undefined = t.schema;
  const select: SqlSelectPlan = selectPlan('trustcore/v1', t.name, columns);
  const plan: AppendPlan = AppendPlan.create({ type: 'trustcore.chain-profile/v1' }, 'audit_events', columns);
  const texts: string[] = [plan.lockSql, plan.lockKey, plan.headSql, plan.insertSql, plan.profileName, select.sql, select.windowSql, sqlMigration('kernel/v1', 't'), String(schema), String(SQL_FETCH_ROWS)];
  const prepared: PreparedAppend = plan.prepare(headRow, '0', 'kernel-signer', key.publicKey(), { payload: texts }, { now: '2026-03-01T00:00:00Z', newId: '6f1c2a4e-0000-4000-8000-000000000001', alg: 'ed25519' });
  const message: Buffer = prepared.message;
  const row: Record<string, unknown> = prepared.row;
  const signed: AppendedRow = message.length > 0 && row ? prepared.sign(key) : prepared.attach(key.sign(message));
  const params: Array<string | null | undefined> = signed.params;
  void prepared.attachWith(async (m) => key.sign(m)).then((r: AppendedRow) => r.hash + String(params.length));
  return signed;
}
