import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyReturnKey } from '../../../sim/mongod/find-modifiers.js';
import { getnonceCommand } from '../../../sim/mongod/getnonce.js';

const docs = [{ _id: 1, x: 11 }, { _id: 2, x: 22 }];

test('returnKey: the _id index key when the sort or hint uses _id, {} otherwise', () => {
  assert.equal(applyReturnKey(docs, { find: 'c', returnKey: true, sort: { _id: 1 } }), [{ _id: 1 }, { _id: 2 }]);
  assert.equal(applyReturnKey(docs, { find: 'c', returnKey: true, hint: '_id_' }), [{ _id: 1 }, { _id: 2 }]);
  assert.equal(applyReturnKey(docs, { find: 'c', returnKey: true, hint: { _id: 1 } }), [{ _id: 1 }, { _id: 2 }]);
  assert.equal(applyReturnKey(docs, { find: 'c', returnKey: true }), [{}, {}]);
  assert.equal(applyReturnKey(docs, { find: 'c', sort: { _id: 1 } }), docs);
});

test('getnonce: answered up to 6.0, CommandNotFound (59) from 7.0', () => {
  const reply = getnonceCommand('6.0', 3, 7);
  assert.is(reply['ok'], 1);
  assert.match(String(reply['nonce']), /^[0-9a-f]{16}$/);
  assert.throws(() => getnonceCommand('7.0', 3, 7), (e: { code?: number }) => e.code === 59);
});

test.run();
