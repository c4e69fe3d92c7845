/** Jinja2-syntax templating, as playbooks use it. */
export interface Templar {
  /** Renders a text template (a whole file, e.g. for the template module). */
  renderText(source: string, vars: Record<string, unknown>, sourceName?: string): string;
  /**
   * Renders a value from YAML: strings are templated, lists and maps walked.
   * A string that is one `{{ expr }}` keeps the expression's native type.
   */
  renderValue(value: unknown, vars: Record<string, unknown>): unknown;
  /**
   * renderValue for a value that is stored and read again (set_fact, loop
   * items): when host data went into it, the result comes back marked unsafe
   * so that later reads never render it.
   */
  renderData(value: unknown, vars: Record<string, unknown>): unknown;
  /** Evaluates a bare Jinja2 expression ("x is defined and y > 2"). */
  evaluate(expression: string, vars: Record<string, unknown>): unknown;
  /** `when:`-style condition(s): a string, bool or list of them (all must hold). */
  isTrue(condition: unknown, vars: Record<string, unknown>): boolean;
}
