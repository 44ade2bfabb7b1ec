import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config.ts';
import { openEmbedded, openPostgres, type Database } from './engine.ts';

export interface OpenedDatabase {
  database: Database;
  close(): Promise<void>;
}

/**
 * PGlite loses writes silently when two processes open one data dir, so the embedded engine
 * takes a lock file naming its process; a stale lock from a dead process is taken over.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'redgrid.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`数据目录 ${dir} 正被进程 ${pid} 使用（another redgrid process owns this data dir; stop it first)`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openConfiguredDatabase(config: AppConfig): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const database = await openPostgres(config.databaseUrl);
    return { database, close: () => database.close() };
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    const database = await openEmbedded({ dataDir: path.join(config.dataDir, 'pgdata') });
    return {
      database,
      async close() {
        try {
          await database.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
