// Types of dom.js, the console's DOM side (a browser module served as is). The project compiles
// without the DOM's types, so its nodes are opaque here.

import type { Element as Description } from './elements.js';

type Node = unknown;

export function $(id: string): Node;
export function render(node: Description | string | number): Node;
export function fill(container: Node, nodes: readonly (Description | string | number)[]): void;
export function byKey(key: string): Node;
export function rerender(container: Node, data: unknown, rows: () => readonly (Description | string | number)[]): void;
export function say(region: string, message: string): void;
export function showError(message: string): void;
export function showNotice(message: string): void;
export function reveal(section: Node): void;
