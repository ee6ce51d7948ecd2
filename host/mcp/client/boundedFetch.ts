/**
 * A fetch for the Streamable HTTP client that stops reading a response body past `maxBytes`
 * (a server streaming without end would otherwise grow the host's memory until it dies): the
 * body errors, the request fails, and the agent gets a tool error.
 */
export function boundedFetch(maxBytes: number): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const response = await fetch(url, init);
    if (!response.body) return response;
    let seen = 0;
    const limited = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(new Error(`the server sent more than ${maxBytes} bytes in one response (flood)`));
        else controller.enqueue(chunk);
      },
    }));
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
