import type { Kysely, Selectable } from 'kysely';
import type { SignedCertificate } from '../../../shared/schemas/certificates.ts';
import type {
  CertificateListOptions,
  CertificateRecord,
  CertificateRepository,
} from '../../domain/certificate-repositories.ts';
import type { CertificatesTable, DatabaseSchema } from '../schema.ts';

function toRecord(row: Selectable<CertificatesTable>): CertificateRecord {
  return {
    id: row.id,
    itemRef: row.item_ref,
    itemId: row.item_id,
    requestId: row.request_id,
    issuedAt: row.issued_at,
    certificate: {
      document: JSON.parse(row.document) as SignedCertificate['document'],
      signature: JSON.parse(row.signature) as SignedCertificate['signature'],
    },
  };
}

/** Certificates are written once and never updated: the signature covers the document. */
export class KyselyCertificateRepository implements CertificateRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(r: CertificateRecord) {
    await this.db
      .insertInto('certificates')
      .values({
        id: r.id,
        item_ref: r.itemRef,
        item_id: r.itemId,
        request_id: r.requestId,
        issued_at: r.issuedAt,
        document: JSON.stringify(r.certificate.document),
        signature: JSON.stringify(r.certificate.signature),
      })
      .execute();
  }

  async find(id: string) {
    const row = await this.db.selectFrom('certificates').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByItemId(itemId: string) {
    const row = await this.db
      .selectFrom('certificates')
      .selectAll()
      .where('item_id', '=', itemId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(opts: CertificateListOptions) {
    let base = this.db.selectFrom('certificates');
    if (opts.itemRef !== undefined) base = base.where('item_ref', '=', opts.itemRef);
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('issued_at', 'desc')
        .orderBy('id', 'desc')
        .limit(opts.limit)
        .offset(opts.offset)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toRecord), total: Number(count.n) };
  }
}
