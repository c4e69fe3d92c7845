// tsyringe (used inside @peculiar/x509) needs the Reflect metadata API before the library loads;
// every PKI module imports x509 through this file so the order is guaranteed.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Pin Node's webcrypto so behaviour never depends on which global happens to exist.
x509.cryptoProvider.set(webcrypto as Parameters<typeof x509.cryptoProvider.set>[1]);

export { x509 };
