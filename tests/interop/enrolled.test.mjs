// An enrolled organisation's certificate, checked by Digital Bazaar's verifier given only
// the keys file its laptop writes (the hub's did:web document), with its revocation status
// read from the hub's signed W3C Bitstring Status List: not revoked, then revoked.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {verifyCredential} from './verify-credential.mjs';

// The CLI keeps each test database under a passphrase, as a script does.
process.env.MIXWELL_PASSPHRASE ??= 'interop test passphrase';
const mixwell = process.env.MIXWELL_BIN ?? resolve(import.meta.dirname, '../../target/debug/mixwell');
const run = (...args) => execFileSync(mixwell, args, {encoding: 'utf8'});

/** A hub on a free loopback port: its address, a way to make codes, and stop(). */
async function startHub(dir) {
  const database = join(dir, 'hub.sqlite');
  run('hub', 'init', '--database', database, '--org', 'Peak Youth Trust');
  const code = () => run('hub', 'enrol-device', '--database', database, '--role', 'coordinator').trim().split('\n').pop();
  const server = spawn(mixwell, ['hub', 'serve', '--database', database, '--listen', '127.0.0.1:0'], {stdio: ['ignore', 'pipe', 'inherit']});
  const url = await new Promise((ok, fail) => {
    let seen = '';
    server.stdout.on('data', chunk => {
      seen += chunk;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (m) ok(m[1]);
    });
    server.once('exit', status => fail(new Error(`the hub exited with ${status}: ${seen}`)));
  });
  return {url, code, stop: () => server.kill('SIGTERM')};
}

test("an enrolled organisation's certificate verifies, and its revocation shows in the status list", async t => {
  const dir = mkdtempSync(join(tmpdir(), 'mixwell-interop-hub-'));
  const hub = await startHub(dir);
  t.after(hub.stop);
  const db = join(dir, 'laptop.sqlite');
  run('--db', db, 'sync', 'enrol', '--hub', hub.url, '--code', hub.code());
  run('--db', db, 'demo', 'seed');
  const summary = JSON.parse(run('--db', db, 'hours', 'summary', '--wave', 'Sheffield volunteers', '--json'));
  const who = summary.find(p => p.verified_minutes > 0).participant_id;
  const pdf = join(dir, 'c.pdf');
  const [, number] = /^number (\S+) code/.exec(run('--db', db, 'certificates', 'export', '--participant', who, '--out', pdf).trim().split('\n').pop());
  run('--db', db, 'sync', 'now');
  run('--db', db, 'certificates', 'keys', '--out', join(dir, 'keys.json'));
  execFileSync('pdfdetach', ['-save', '1', '-o', join(dir, 'credential.json'), pdf]);
  const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'));
  const credential = JSON.parse(readFileSync(join(dir, 'credential.json'), 'utf8'));

  // The keys file is what the hub publishes for its did:web.
  const published = await (await fetch(`${hub.url}/.well-known/did.json`)).json();
  assert.deepEqual(keys, published);
  assert.equal(credential.issuer.id, keys.id);
  assert.equal(credential.credentialStatus.type, 'BitstringStatusListEntry');

  const before = await verifyCredential(credential, keys, {hub: hub.url});
  assert.deepEqual(before.errors, []);
  assert.equal(before.verified, true);
  assert.equal(before.revoked, false);

  run('--db', db, 'certificates', 'revoke', number, '--reason', 'hours voided');
  run('--db', db, 'sync', 'now');
  const after = await verifyCredential(credential, keys, {hub: hub.url});
  assert.equal(after.revoked, true, 'the status list says revoked');
});
