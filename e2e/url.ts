/** A URL predicate for toHaveURL: these query parameters have these values, in any order. */
export function withParams(expected: Record<string, string>) {
  return (url: URL) => Object.entries(expected).every(([key, value]) => url.searchParams.get(key) === value);
}
