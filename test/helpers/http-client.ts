import http from 'node:http';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body sent as is, with the content type from `headers`. */
  rawBody?: string;
  headers?: Record<string, string>;
  bearer?: string;
}

/**
 * An HTTP client over a real socket from one loopback source address, with a
 * cookie jar, so that tests can act as several clients of one server.
 */
export class TestClient {
  readonly baseUrl: string;
  readonly localAddress: string;
  readonly cookies = new Map<string, string>();
  readonly defaultHeaders: Record<string, string>;

  constructor(baseUrl: string, localAddress = '127.0.0.1', defaultHeaders: Record<string, string> = {}) {
    this.baseUrl = baseUrl;
    this.localAddress = localAddress;
    this.defaultHeaders = defaultHeaders;
  }

  /** A client with the same server and source address and an empty cookie jar. */
  fresh(headers: Record<string, string> = this.defaultHeaders): TestClient {
    return new TestClient(this.baseUrl, this.localAddress, headers);
  }

  get(path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('POST', path, { ...options, body });
  }

  patch(path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('PATCH', path, { ...options, body });
  }

  delete(path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    return this.request('DELETE', path, options);
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    if (this.cookies.size > 0 && headers.cookie === undefined) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }

    return new Promise((resolvePromise, reject) => {
      const request = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: this.localAddress, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            this.#storeCookies(response.headers['set-cookie']);
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = undefined;
            if ((response.headers['content-type'] ?? '').includes('application/json') && text !== '') body = JSON.parse(text);
            resolvePromise({ status: response.statusCode ?? 0, headers: response.headers, text, body });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  #storeCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = value === '' || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
