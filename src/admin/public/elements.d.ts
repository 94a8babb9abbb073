// Types of elements.js: elements as plain data, made DOM nodes by dom.js's render().

export type Child = Element | string | number | null | undefined | false | readonly Child[];

export interface Element {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly children: readonly (Element | string | number)[];
}

export function h(tag: string, attrs?: Record<string, unknown> | null, ...children: Child[]): Element;
export function button(label: string, key: string, onclick: () => unknown, options?: { className?: string; busy?: ReadonlyMap<string, string>; changes?: boolean }): Element;
export function figure(name: string, value: string, level?: string): Element;
