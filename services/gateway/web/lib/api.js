// The gateway's REST API as the browser sees it: bearer token, JSON in and out, errors
// turned into ApiError with the server's own explanation and its stable code.
import { errorText } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, detail, code = null) {
    super(detail);
    this.status = status;
    this.detail = detail;
    // The refusal's stable name (e.g. "attachment_empty"): the client translates it.
    this.code = code;
  }

  /** The refusal in the user's language, or the server's own text for an unknown code. */
  text() {
    return errorText(this.code, this.detail);
  }
}

/** FastAPI's 422 carries a list of problems; show their reasons, never raw JSON. */
function explain(detail, fallback) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((problem) => {
        const field = (problem.loc || []).filter((part) => typeof part === "string").pop();
        return field && field !== "body" ? `${field}: ${problem.msg}` : problem.msg;
      })
      .join("; ");
  }
  return fallback;
}

export class Api {
  constructor(base, token) {
    this.base = base.replace(/\/$/, "");
    this.token = token;
  }

  url(path, query = {}) {
    const url = new URL(this.base + path, window.location.href);
    for (const [name, value] of Object.entries(query)) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, value);
    }
    return url;
  }

  /** ws:// or wss:// for a socket path, with the token as the contract asks. */
  socketUrl(path) {
    const url = this.url(path, { token: this.token });
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.toString();
  }

  async request(method, path, { query, json, form, file, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (this.token) init.headers.Authorization = `Bearer ${this.token}`;
    if (json !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(json);
    } else if (form) {
      init.body = form;
    } else if (file) {
      // The bytes as they are: the gateway keeps a chat's file in memory, never as a form.
      init.headers["Content-Type"] = "application/octet-stream";
      init.body = file;
    }
    let response;
    try {
      response = await fetch(this.url(path, query), init);
    } catch {
      throw new ApiError(0, "network");
    }
    if (response.status === 204) return null;
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new ApiError(response.status, explain(body && body.detail, response.statusText), body && body.code);
    }
    return body;
  }

  get(path, query) {
    return this.request("GET", path, { query });
  }

  post(path, json) {
    return this.request("POST", path, { json });
  }

  put(path, json) {
    return this.request("PUT", path, { json });
  }

  /** A multipart form (a ticket or a reply with its one file). */
  send(path, form, headers) {
    return this.request("POST", path, { form, headers });
  }

  /** A file's bytes as the request body (a file shared in chat). */
  upload(path, file, query) {
    return this.request("POST", path, { query, file });
  }

  /** A file's bytes, fetched with the bearer token, which a plain link or <img> cannot send. */
  async blob(path, query) {
    let response;
    try {
      response = await fetch(this.url(path, query), { headers: { Authorization: `Bearer ${this.token}` } });
    } catch {
      throw new ApiError(0, "network");
    }
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new ApiError(response.status, explain(body && body.detail, response.statusText), body && body.code);
    }
    return response.blob();
  }

  /** Save a ticket's attachment as a file. */
  async download(attachment) {
    saveBlob(await this.blob(`/api/v1/attachments/${attachment.id}`), attachment.filename);
  }
}

/** Offer `blob` to the user as a downloaded file named `filename`. */
export function saveBlob(blob, filename) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** Any failure as a sentence for the user: a refusal translated by its code, else its text. */
export function refusal(error) {
  return error instanceof ApiError ? error.text() : String(error);
}

/** A key per submitted form, so a retried click never files a second ticket. */
export function idempotencyKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}
