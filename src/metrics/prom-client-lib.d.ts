// prom-client's index also loads its cluster aggregator, push gateway and default metrics
// (node:cluster, node:zlib, node:perf_hooks and more) at import; the daemon needs three
// classes, so registry.ts loads their own files, typed here from the package's declarations.
declare module 'prom-client/lib/counter.js' {
  export { Counter as default } from 'prom-client';
}
declare module 'prom-client/lib/gauge.js' {
  export { Gauge as default } from 'prom-client';
}
declare module 'prom-client/lib/registry.js' {
  export { Registry as default } from 'prom-client';
}
