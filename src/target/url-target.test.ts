import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPassword, UrlTarget } from './url-target.js';

describe('--database-url password masking', () => {
  it('masks the password of a URL that does not parse, and leaves URLs without one alone', () => {
    assert.equal(maskPassword('postgres://bob:s3cr%t/x@host:5432/db'), 'postgres://bob:***@host:5432/db');
    assert.equal(maskPassword('postgres://bob:p@ss@h:99999999/db'), 'postgres://bob:***@h:99999999/db');
    assert.equal(maskPassword('postgres://bob@host/db'), 'postgres://bob@host/db');
  });

  it('a malformed URL is refused without echoing its password', () => {
    assert.throws(
      () => UrlTarget.parse('postgres://bob:hunter2@h:99999999/db'),
      (err: unknown) => !(err as Error).message.includes('hunter2') && /not a URL/.test((err as Error).message),
    );
  });
});
