// `npm run bench`: every benchmark, each reporting ratios against a baseline run in the same process.
await import('./pki-handshake.js');
