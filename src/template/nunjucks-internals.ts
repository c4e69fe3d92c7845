import nunjucks from 'nunjucks';
import transformer from 'nunjucks/src/transformer.js';

/**
 * Typed views of the nunjucks internals this module drives directly: the
 * parser, compiler and runtime. @types/nunjucks only covers the public API.
 */

export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  [field: string]: unknown;
}

export type NjNodeCtor = new (lineno: number, colno: number, ...args: unknown[]) => NjNode;

export interface NjFrame {
  topLevel: boolean;
  lookup(name: string): unknown;
  push(isolate?: boolean): NjFrame;
}

export interface NjTemplate {
  path: string;
  blocks: Record<string, unknown>;
  rootRenderFunc: RootRenderFunc;
  compile(): void;
  render: (ctx: unknown, frame: unknown, cb?: unknown) => unknown;
  getExported: (ctx: unknown, frame: unknown, cb?: unknown) => unknown;
}

export type RenderCallback = (err: unknown, result?: string) => void;

export type RootRenderFunc = (
  env: unknown,
  context: unknown,
  frame: NjFrame,
  runtime: unknown,
  cb: RenderCallback,
) => void;

export interface NjEnvironment {
  opts: Record<string, unknown>;
  globals: Record<string, unknown>;
  asyncFilters: string[];
  extensionsList: unknown[];
  addFilter(name: string, fn: (...args: never[]) => unknown): void;
  addTest(name: string, fn: (...args: never[]) => unknown): void;
  addGlobal(name: string, value: unknown): void;
  getFilter(name: string): (...args: unknown[]) => unknown;
  getTest(name: string): (...args: unknown[]) => unknown;
  getTemplate: (...args: unknown[]) => unknown;
}

interface NjCompiler {
  compile(ast: NjNode): void;
  getCode(): string;
}

interface NunjucksInternals {
  Environment: new (loaders: unknown[], opts: Record<string, unknown>) => NjEnvironment;
  Template: new (src: { type: 'code'; obj: unknown }, env: NjEnvironment, path: string) => NjTemplate;
  parser: { parse(src: string, extensions: unknown[], opts: Record<string, unknown>): NjNode };
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => NjCompiler };
  runtime: Record<string, unknown> & { Frame: new () => NjFrame; SafeString: new (s: string) => object };
  nodes: Record<string, NjNodeCtor> & { Node: NjNodeCtor };
  lib: { TemplateError: new (message: string, lineno: number, colno: number) => Error };
  installJinjaCompat(): () => void;
}

export const nj = nunjucks as unknown as NunjucksInternals;

/**
 * The CPS pass nunjucks runs between parsing and compiling (blocks, super()). Imported, not
 * required at run time, so the CLI bundle holds one nunjucks whose nodes the pass recognises.
 */
export const njTransformer = transformer as {
  transform(ast: NjNode, asyncFilters: string[], name: string): NjNode;
};

// Jinja2 slices (`x[1:]`, `x[::-1]`) come from the compat layer's parser
// patch; its runtime patches are superseded by our own runtime object.
nj.installJinjaCompat();
