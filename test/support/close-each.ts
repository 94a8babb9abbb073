type Closable = { close(): Promise<unknown> } | { dispose(): Promise<unknown> };

/** Closes what a spec opened, in the order given, passing over what its beforeAll never reached. */
export async function closeEach(...opened: (Closable | undefined)[]): Promise<void> {
  for (const resource of opened) {
    if (resource) await ('close' in resource ? resource.close() : resource.dispose());
  }
}
