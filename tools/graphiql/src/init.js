// The page's own script (no inline script: the page runs under a CSP with
// script-src 'self'). Queries and mutations go to POST /graphql;
// subscriptions to a graphql-ws client on ws(s)://<this host>/graphql/ws,
// signed in with the Authorization header typed in the Headers tab (sent as
// connection_init's payload {"authorization": "Bearer …"}).
(function () {
  "use strict";
  const { React, createRoot, GraphiQL, createClient, getOperationAST, parse } = window.ResguardoGraphiQL;
  const httpUrl = new URL("/graphql", window.location.href).href;
  const wsUrl = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + "/graphql/ws";

  function authorizationOf(headers) {
    for (const [name, value] of Object.entries(headers || {})) {
      if (name.toLowerCase() === "authorization" && value != null && String(value).trim() !== "") {
        return String(value).trim();
      }
    }
    return undefined;
  }

  // One socket at a time, opened on the first subscription and again
  // whenever the Authorization header changes.
  let socket = null;
  function socketFor(authorization) {
    if (socket && socket.authorization === authorization) return socket.client;
    if (socket) socket.client.dispose();
    const client = createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: 0,
      connectionParams: authorization ? { authorization } : {},
    });
    socket = { authorization, client };
    return client;
  }

  // graphql-ws ends a refused subscription by throwing: GraphQL errors (an
  // `error` message) or the CloseEvent of a socket the server closed (4403
  // for a token it does not accept). The result pane shows either as a
  // GraphQL response.
  async function* subscribe(client, params) {
    try {
      yield* client.iterate(params);
    } catch (error) {
      if (Array.isArray(error)) {
        yield { errors: error };
      } else if (error && typeof error.code === "number" && "reason" in error) {
        const message = error.reason || "la conexión WebSocket se cerró";
        yield { errors: [{ message, extensions: { closeCode: error.code } }] };
      } else {
        throw error;
      }
    }
  }

  function isSubscription(params) {
    try {
      const operation = getOperationAST(parse(params.query), params.operationName || undefined);
      return operation != null && operation.operation === "subscription";
    } catch (_) {
      return false;
    }
  }

  async function overHttp(params, headers) {
    const response = await fetch(httpUrl, {
      method: "POST",
      credentials: "omit",
      headers: {
        accept: "application/graphql-response+json, application/json",
        ...headers,
        "content-type": "application/json",
      },
      body: JSON.stringify(params),
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch (_) {
      return { errors: [{ message: `HTTP ${response.status}: ${text}` }] };
    }
  }

  function fetcher(params, options) {
    const headers = (options && options.headers) || {};
    if (isSubscription(params)) return subscribe(socketFor(authorizationOf(headers)), params);
    return overHttp(params, headers);
  }

  const defaultQuery = [
    "# Resguardo: consultas a /graphql, suscripciones a /graphql/ws.",
    "#",
    "# Personal: inicie sesión con mutation { login(...) { token } } y añada en",
    '# la pestaña Headers {"Authorization": "Bearer <token>"}; las suscripciones',
    "# usan la misma cabecera.",
    "",
    "{",
    "  departments {",
    "    code",
    "    name",
    "  }",
    "}",
    "",
  ].join("\n");

  createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery,
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: false,
    }),
  );
})();
