// nunjucks' CPS pass (blocks, super()), which @types/nunjucks does not cover; nunjucks-internals.ts types it.
declare module 'nunjucks/src/transformer.js' {
  const transformer: unknown;
  export default transformer;
}
