// A certificate exported by the real `mixwell` binary, its credential taken out of the PDF
// with poppler's pdfdetach, checked by Digital Bazaar's verifier given only the keys file.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {verifyCredential} from './verify-credential.mjs';

// The CLI keeps each test database under a passphrase, as a script does.
process.env.MIXWELL_PASSPHRASE ??= 'interop test passphrase';
const mixwell = process.env.MIXWELL_BIN ?? resolve(import.meta.dirname, '../../target/debug/mixwell');

function run(db, ...args) {
  return execFileSync(mixwell, ['--db', db, ...args], {encoding: 'utf8'});
}

/** A demo database with one certificate exported: its credential and keys file. */
function exported(dir) {
  const db = join(dir, 'm.sqlite');
  run(db, 'demo', 'seed');
  const summary = JSON.parse(run(db, 'hours', 'summary', '--wave', 'Sheffield volunteers', '--json'));
  const who = summary.find(p => p.verified_minutes > 0).participant_id;
  const pdf = join(dir, 'c.pdf');
  run(db, 'certificates', 'export', '--participant', who, '--out', pdf);
  run(db, 'certificates', 'keys', '--out', join(dir, 'keys.json'));
  execFileSync('pdfdetach', ['-save', '1', '-o', join(dir, 'credential.json'), pdf]);
  const read = name => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  return {credential: read('credential.json'), keys: read('keys.json')};
}

const ours = exported(mkdtempSync(join(tmpdir(), 'mixwell-interop-')));

test('a certificate verifies with an independent implementation given only the keys file', async () => {
  const {verified, errors} = await verifyCredential(ours.credential, ours.keys);
  assert.deepEqual(errors, []);
  assert.equal(verified, true);
  assert.ok(ours.credential.type.includes('OpenBadgeCredential'));
  assert.equal(ours.credential.proof.cryptosuite, 'eddsa-rdfc-2022');
});

test('an edited credential does not verify', async () => {
  for (const edit of [
    c => { c.credentialSubject.result[0].value = '99 h'; },
    c => { c.credentialSubject.name = 'Someone Else'; },
    c => { c.issuer.name = 'Another Trust'; },
  ]) {
    const edited = structuredClone(ours.credential);
    edit(edited);
    const {verified} = await verifyCredential(edited, ours.keys);
    assert.equal(verified, false);
  }
});

test("another organisation's keys do not verify it", async () => {
  const theirs = exported(mkdtempSync(join(tmpdir(), 'mixwell-interop-')));
  assert.notEqual(theirs.keys.id, ours.keys.id);
  const {verified} = await verifyCredential(ours.credential, theirs.keys);
  assert.equal(verified, false);
});
