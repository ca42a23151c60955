import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../../../shared/schemas/auth.ts';
import type { UserRecord, UserRepository } from '../../domain/repositories.ts';
import type { DatabaseSchema, UsersTable } from '../schema.ts';

function toRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role as Role,
    mustChangePassword: row.must_change_password === 1,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class KyselyUserRepository implements UserRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async findById(id: string) {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByUsername(username: string) {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list() {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toRecord);
  }

  async countActiveAdmins() {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(user: UserRecord) {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        password_hash: user.passwordHash,
        role: user.role,
        must_change_password: user.mustChangePassword ? 1 : 0,
        disabled: user.disabled ? 1 : 0,
        created_at: user.createdAt,
        updated_at: user.updatedAt,
      })
      .execute();
  }

  async update(id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>) {
    const values: Partial<UsersTable> = {};
    if (patch.username !== undefined) values.username = patch.username;
    if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
    if (patch.role !== undefined) values.role = patch.role;
    if (patch.mustChangePassword !== undefined)
      values.must_change_password = patch.mustChangePassword ? 1 : 0;
    if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0;
    if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
    if (Object.keys(values).length === 0) return;
    await this.db.updateTable('users').set(values).where('id', '=', id).execute();
  }
}
