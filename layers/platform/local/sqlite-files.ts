import Database from 'better-sqlite3';
import { DomainError } from '../../errors.ts';
import type { SqliteDatabase, SqliteFiles } from '../ports.ts';

// better-sqlite3 (12.x: 13 needs Node 22) for reading another tool's SQLite database. A file is
// opened read-only; uploaded bytes become an in-memory copy that nothing writes to.

function wrap(db: Database.Database): SqliteDatabase {
  return {
    all: <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    close: () => db.close(),
  };
}

export const localSqliteFiles: SqliteFiles = {
  open(source) {
    let db: Database.Database;
    try {
      db = typeof source === 'string' ? new Database(source, { readonly: true, fileMustExist: true }) : new Database(Buffer.from(source.buffer, source.byteOffset, source.byteLength));
      // A file that is not SQLite opens fine and fails on its first read.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      throw new DomainError('VALIDATION', `not a readable SQLite database: ${err instanceof Error ? err.message : String(err)}`, {
        errors: [{ field: 'database', message: 'not a readable SQLite database' }],
      });
    }
    return wrap(db);
  },
};
