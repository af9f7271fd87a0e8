import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashToken, hashesEqual, newToken, tokenIdOf, type TokenKind, type TokenRecord } from './auth.ts';
import type { DeviceReport, ServerInfo } from './protocol.ts';
import type { PlanBasis } from './scenario.ts';

/**
 * The controller's durable state in one SQLite file: an append-only log of accepted reports,
 * the current device and server tables derived from it (written in the same transaction, so
 * they can never disagree), every plan, and the token hashes. WAL with synchronous=FULL: a
 * commit that returned is on disk, and only then is a report acknowledged.
 */
export interface StoredDevice {
  report: DeviceReport;
  /** The agent (server id) the last report came through, or null for a direct HTTP report. */
  via: string | null;
  updatedAt: number;
  /** Position of the last accepted report in the log. */
  logSeq: number;
  /** The device token that admitted it (null: unknown, e.g. stored before tokens were recorded). */
  tokenId: string | null;
}

export interface StoredServer {
  serverId: string;
  info: ServerInfo;
  updatedAt: number;
}

export interface StoredPlan {
  id: number;
  createdAt: number;
  algorithm: string;
  trigger: string;
  logSeq: number;
  status: string;
  verified: boolean;
  totalLatencyS: number;
  solveMs: number;
  scenario: unknown;
  result: unknown;
  /** deviceId -> the report [epoch, seq] each device's decision was based on. */
  basis: PlanBasis;
  /** deviceId -> agent the device reported through. */
  via: Record<string, string | null>;
}

export interface IncomingReport {
  report: DeviceReport;
  via: string | null;
  /** The device token it came under (null: unknown). */
  tokenId?: string | null;
}

/** (epoch, seq) of a report, the order in which a device's reports supersede each other. */
export const reportOrder = (r: { epoch?: number; seq: number }): [number, number] => [r.epoch ?? 0, r.seq];
export const isNewer = (a: [number, number], b: [number, number]): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

export type ReportOutcome = 'accepted' | 'duplicate';

/** Columns added after the first release (also in SCHEMA); a file from before gets them on open. */
const ADDED_COLUMNS: Array<[table: string, column: string, decl: string]> = [
  ['reports', 'device_epoch', 'INTEGER NOT NULL DEFAULT 0'],
  ['devices', 'device_epoch', 'INTEGER NOT NULL DEFAULT 0'],
  ['devices', 'token_id', 'TEXT'],
];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, hash TEXT NOT NULL,
  created_at REAL NOT NULL, revoked_at REAL);
CREATE TABLE IF NOT EXISTS reports (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, device_id TEXT NOT NULL,
  device_seq INTEGER, via TEXT, body TEXT, received_at REAL NOT NULL, device_epoch INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY, device_seq INTEGER NOT NULL, via TEXT, body TEXT NOT NULL,
  updated_at REAL NOT NULL, log_seq INTEGER NOT NULL, device_epoch INTEGER NOT NULL DEFAULT 0, token_id TEXT);
CREATE TABLE IF NOT EXISTS servers (server_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS reports_received ON reports (received_at);
CREATE TABLE IF NOT EXISTS plans (
  id INTEGER PRIMARY KEY AUTOINCREMENT, created_at REAL NOT NULL, algorithm TEXT NOT NULL,
  trigger TEXT NOT NULL, log_seq INTEGER NOT NULL, status TEXT NOT NULL, verified INTEGER NOT NULL,
  total_latency_s REAL NOT NULL, solve_ms REAL NOT NULL, scenario TEXT NOT NULL, result TEXT NOT NULL,
  basis TEXT NOT NULL, via TEXT NOT NULL);
`;

export class Store {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(path: string, opts: { synchronous?: 'FULL' | 'NORMAL' } = {}) {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
      // tokens' hashes and every report live here: owner-only. SQLite creates -wal and -shm with
      // the main file's mode, so creating (or fixing) the main file first covers all three.
      if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
      for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    // `mec token create` writes while the controller runs; wait for the lock instead of failing
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    for (const [table, column, decl] of ADDED_COLUMNS) {
      const cols = this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      if (cols.some((c) => c.name === column)) continue;
      try {
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${decl}`);
      } catch (err) {
        // another process opening the same old file added it first
        if (!/duplicate column/.test((err as Error).message)) throw err;
      }
    }
    this.db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1')").run();
    const db = this.db;
    this.stmts = {
      token: db.prepare('SELECT id, kind, subject, hash, created_at AS createdAt, revoked_at AS revokedAt FROM tokens WHERE id = ?'),
      insertToken: db.prepare('INSERT INTO tokens (id, kind, subject, hash, created_at) VALUES (?, ?, ?, ?, ?)'),
      revokeToken: db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      listTokens: db.prepare('SELECT id, kind, subject, created_at AS createdAt, revoked_at AS revokedAt FROM tokens ORDER BY created_at'),
      deviceSeq: db.prepare('SELECT device_epoch AS epoch, device_seq AS seq FROM devices WHERE device_id = ?'),
      appendLog: db.prepare('INSERT INTO reports (kind, device_id, device_epoch, device_seq, via, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      upsertDevice: db.prepare(`INSERT INTO devices (device_id, device_epoch, device_seq, via, body, updated_at, log_seq, token_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(device_id) DO UPDATE SET device_epoch = excluded.device_epoch, device_seq = excluded.device_seq, via = excluded.via,
        body = excluded.body, updated_at = excluded.updated_at, log_seq = excluded.log_seq, token_id = excluded.token_id`),
      deleteDevice: db.prepare('DELETE FROM devices WHERE device_id = ?'),
      devices: db.prepare('SELECT device_id AS deviceId, via, body, updated_at AS updatedAt, log_seq AS logSeq, token_id AS tokenId FROM devices'),
      pruneLog: db.prepare('DELETE FROM reports WHERE received_at < ?'),
      upsertServer: db.prepare(`INSERT INTO servers (server_id, body, updated_at) VALUES (?, ?, ?)
        ON CONFLICT(server_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`),
      servers: db.prepare('SELECT server_id AS serverId, body, updated_at AS updatedAt FROM servers'),
      insertPlan: db.prepare(`INSERT INTO plans (created_at, algorithm, trigger, log_seq, status, verified, total_latency_s, solve_ms, scenario, result, basis, via)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      latestPlan: db.prepare('SELECT * FROM plans WHERE verified = 1 ORDER BY id DESC LIMIT 1'),
      // the plan in force (the latest verified) is kept whatever its age: a restart reloads it
      prunePlans: db.prepare('DELETE FROM plans WHERE id <= ? AND id IS NOT (SELECT MAX(id) FROM plans WHERE verified = 1)'),
      logCount: db.prepare("SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS last FROM reports"),
      planCount: db.prepare('SELECT COUNT(*) AS n FROM plans'),
    };
  }

  close(): void {
    this.db.close();
  }

  // ---- tokens ----

  createToken(kind: TokenKind, subject: string): { record: TokenRecord; token: string } {
    const { id, token } = newToken(kind);
    const createdAt = Date.now();
    this.stmts.insertToken.run(id, kind, subject, hashToken(token), createdAt);
    return { record: { id, kind, subject, createdAt, revokedAt: null }, token };
  }

  /** The live token record a presented token stands for, or null (unknown, wrong or revoked). */
  checkToken(token: string): TokenRecord | null {
    const id = tokenIdOf(token);
    if (!id) return null;
    const row = this.stmts.token.get(id) as (TokenRecord & { hash: string }) | undefined;
    if (!row || row.revokedAt !== null || !hashesEqual(row.hash, hashToken(token))) return null;
    return { id: row.id, kind: row.kind, subject: row.subject, createdAt: row.createdAt, revokedAt: row.revokedAt };
  }

  /** Whether a token (by id) still exists and is not revoked. */
  checkTokenById(id: string): boolean {
    const row = this.stmts.token.get(id) as TokenRecord | undefined;
    return row !== undefined && row.revokedAt === null;
  }

  revokeToken(id: string): boolean {
    return this.stmts.revokeToken.run(Date.now(), id).changes > 0;
  }

  listTokens(): TokenRecord[] {
    return this.stmts.listTokens.all() as TokenRecord[];
  }

  // ---- reports ----

  /**
   * Commits a batch of reports in one transaction (one fsync for the lot). A report whose
   * (epoch, seq) is not above the stored one for its device is a resend or a late arrival:
   * acknowledged as a duplicate, not logged again, and it changes nothing.
   */
  commitReports(batch: IncomingReport[], now = Date.now()): { outcomes: ReportOutcome[]; logSeqs: number[] } {
    return this.db.transaction(() => {
      const outcomes: ReportOutcome[] = [];
      const logSeqs: number[] = [];
      const seen = new Map<string, [number, number]>();
      for (const { report, via, tokenId } of batch) {
        const stored = this.stmts.deviceSeq.get(report.deviceId) as { epoch: number; seq: number } | undefined;
        const prior = seen.get(report.deviceId) ?? (stored ? [stored.epoch, stored.seq] as [number, number] : [-1, -1] as [number, number]);
        const order = reportOrder(report);
        if (!isNewer(order, prior)) {
          outcomes.push('duplicate');
          logSeqs.push(0);
          continue;
        }
        const body = JSON.stringify(report);
        const logSeq = Number(this.stmts.appendLog.run('report', report.deviceId, order[0], report.seq, via, body, now).lastInsertRowid);
        this.stmts.upsertDevice.run(report.deviceId, order[0], report.seq, via, body, now, logSeq, tokenId ?? null);
        seen.set(report.deviceId, order);
        outcomes.push('accepted');
        logSeqs.push(logSeq);
      }
      return { outcomes, logSeqs };
    })();
  }

  /** A device leaves: logged, and dropped from the current devices. Returns whether it was known. */
  removeDevice(deviceId: string, via: string | null, now = Date.now()): boolean {
    return this.removeDevices([{ deviceId, via }], now)[0];
  }

  /** Devices leaving together, in one transaction; whether each was known. */
  removeDevices(items: Array<{ deviceId: string; via: string | null }>, now = Date.now()): boolean[] {
    return this.db.transaction(() => items.map(({ deviceId, via }) => {
      const known = this.stmts.deleteDevice.run(deviceId).changes > 0;
      if (known) this.stmts.appendLog.run('leave', deviceId, 0, null, via, null, now);
      return known;
    }))();
  }

  /** Runs `fn` in one transaction (the store's own transactions inside it become savepoints). */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  devices(): Map<string, StoredDevice> {
    const rows = this.stmts.devices.all() as Array<{ deviceId: string; via: string | null; body: string; updatedAt: number; logSeq: number; tokenId: string | null }>;
    return new Map(rows.map((r) => [r.deviceId, { report: JSON.parse(r.body) as DeviceReport, via: r.via, updatedAt: r.updatedAt, logSeq: r.logSeq, tokenId: r.tokenId }]));
  }

  /**
   * Retention: drops log entries received before `cutoff` (ms). The devices table keeps each
   * device's latest state whatever its age, so pruning never changes what is planned.
   */
  pruneLog(cutoff: number): number {
    return this.stmts.pruneLog.run(cutoff).changes;
  }

  logStats(): { reports: number; lastSeq: number; plans: number } {
    const { n, last } = this.stmts.logCount.get() as { n: number; last: number };
    const { n: plans } = this.stmts.planCount.get() as { n: number };
    return { reports: n, lastSeq: last, plans };
  }

  // ---- servers ----

  saveServer(serverId: string, info: ServerInfo, now = Date.now()): void {
    this.stmts.upsertServer.run(serverId, JSON.stringify(info), now);
  }

  servers(): StoredServer[] {
    return (this.stmts.servers.all() as Array<{ serverId: string; body: string; updatedAt: number }>)
      .map((r) => ({ serverId: r.serverId, info: JSON.parse(r.body) as ServerInfo, updatedAt: r.updatedAt }));
  }

  // ---- plans ----

  savePlan(p: Omit<StoredPlan, 'id'>, keep: number): number {
    return this.db.transaction(() => {
      const id = Number(this.stmts.insertPlan.run(p.createdAt, p.algorithm, p.trigger, p.logSeq, p.status, p.verified ? 1 : 0,
        p.totalLatencyS, p.solveMs, JSON.stringify(p.scenario), JSON.stringify(p.result), JSON.stringify(p.basis), JSON.stringify(p.via)).lastInsertRowid);
      if (keep > 0 && id > keep) this.stmts.prunePlans.run(id - keep);
      return id;
    })();
  }

  latestPlan(): StoredPlan | null {
    const r = this.stmts.latestPlan.get() as Record<string, unknown> | undefined;
    if (!r) return null;
    return {
      id: r.id as number, createdAt: r.created_at as number, algorithm: r.algorithm as string, trigger: r.trigger as string,
      logSeq: r.log_seq as number, status: r.status as string, verified: r.verified === 1, totalLatencyS: r.total_latency_s as number,
      solveMs: r.solve_ms as number, scenario: JSON.parse(r.scenario as string), result: JSON.parse(r.result as string),
      basis: JSON.parse(r.basis as string), via: JSON.parse(r.via as string),
    };
  }
}
