import { describe, expect, it } from 'vitest';
import { onRecord } from '../src/index.js';

describe('onRecord', () => {
  it("hands the record the path's :id names to the handler, and answers missing(id) when there is none", async () => {
    const records = new Map([['a', { name: 'first' }]]);
    const onItem = onRecord<object, { name: string }>(
      (id) => records.get(id),
      (id) => ({ status: 404, body: { missing: id } }),
    );
    const handler = onItem((found, { params }) => ({ status: 200, body: { ...found, id: params.id } }));
    const request = (id: string) => ({ params: { id } }) as never;
    expect(await handler(request('a'))).toEqual({ status: 200, body: { name: 'first', id: 'a' } });
    expect(await handler(request('b'))).toEqual({ status: 404, body: { missing: 'b' } });
  });
});
