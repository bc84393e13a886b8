// Everything the page needs from npm, in one script: React, GraphiQL and
// the graphql-ws client. The page's own logic is init.js, which finds these
// on `window.ResguardoGraphiQL`.
import * as React from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createClient } from "graphql-ws";
import { getOperationAST, parse } from "graphql";

window.ResguardoGraphiQL = Object.freeze({ React, createRoot, GraphiQL, createClient, getOperationAST, parse });
