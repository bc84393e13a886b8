//! How a page runs a GraphQL operation: through [`crate::graphql_http::execute`],
//! the same path as `/graphql` (authorization, limits, rate limits, audit,
//! metrics), for the person in front of the page. A page never reaches the
//! data another way, so it can show nothing the API would not give them.

use api::Caller;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::WebState;

/// One problem the API found with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldProblem {
    /// The field's path in the operation's variables, without the
    /// argument's name (`beneficiaries[0].name` for `input.beneficiaries[0].name`).
    pub(crate) field: String,
    /// The whole path, the argument's name first (`input.beneficiaries[0].name`).
    pub(crate) path: String,
    /// Spanish, never repeating the value.
    pub(crate) message: String,
}

/// What went wrong, as a page tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// `BAD_USER_INPUT`: the fields to show the problems next to.
    Input(Vec<FieldProblem>),
    /// `RATE_LIMITED`: try again in this many seconds.
    TooMany { retry_after_seconds: u64 },
    /// Any other refusal the API explains in Spanish: its stable code and
    /// message (a wrong access key, a step not possible in this state),
    /// and the input it is about when it names one (an act's date).
    Refused { code: String, message: String, path: Option<String> },
    /// Something the person cannot fix (the API failed, a bug).
    Unavailable,
}

/// Runs `query` with `variables` for `caller`; `data` as `T`.
pub(crate) async fn run<T: DeserializeOwned>(
    app: &WebState,
    caller: &Caller,
    query: &'static str,
    variables: Value,
) -> Result<T, Failure> {
    run_with_file(app, caller, query, variables, None).await
}

/// Runs `query` with `variables` for `caller`, and `file` (a variable's
/// name and the file) as the GraphQL multipart spec would attach it: the
/// variable is the file's placeholder, its bytes in memory.
pub(crate) async fn run_with_file<T: DeserializeOwned>(
    app: &WebState,
    caller: &Caller,
    query: &'static str,
    mut variables: Value,
    file: Option<(&'static str, async_graphql::UploadValue)>,
) -> Result<T, Failure> {
    if let Some((name, _)) = &file {
        // `set_upload` fills a variable that is there.
        variables[*name] = Value::Null;
    }
    let mut request = async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables));
    if let Some((name, upload)) = file {
        request.set_upload(&format!("variables.{name}"), upload);
    }
    let response = match crate::graphql_http::execute(app, request, caller, false).await {
        Ok(response) => response,
        // Refused before running (a body too large, a limit): not a page's doing.
        Err(_) => return Err(Failure::Unavailable),
    };
    if let Some(error) = response.errors.first() {
        return Err(failure(&response.errors, error));
    }
    let data = response.data.into_json().map_err(|_| Failure::Unavailable)?;
    serde_json::from_value(data).map_err(|error| {
        tracing::error!(%error, "a page's operation answered in an unexpected shape");
        Failure::Unavailable
    })
}

fn failure(errors: &[async_graphql::ServerError], first: &async_graphql::ServerError) -> Failure {
    let extension = |error: &async_graphql::ServerError, key: &str| {
        error.extensions.as_ref().and_then(|e| e.get(key)).and_then(|v| v.clone().into_json().ok())
    };
    let code = extension(first, "code").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    match code.as_str() {
        "BAD_USER_INPUT" => Failure::Input(
            errors
                .iter()
                .flat_map(|error| {
                    // Every problem of an input, when the API listed several.
                    let listed: Vec<(String, String)> = match extension(error, "fields") {
                        Some(Value::Array(fields)) => fields
                            .iter()
                            .map(|f| {
                                let text = |key: &str| f[key].as_str().unwrap_or_default().to_owned();
                                (text("field"), text("message"))
                            })
                            .collect(),
                        _ => {
                            let field = extension(error, "field").and_then(|v| v.as_str().map(str::to_owned));
                            vec![(field.unwrap_or_default(), error.message.clone())]
                        }
                    };
                    listed.into_iter().map(|(field, message)| {
                        // `input.place.ubigeo` → `place.ubigeo`, the page's own
                        // name; an argument's own name (`answer`) stays.
                        let path = field.clone();
                        let field = field.split_once('.').map_or(field.clone(), |(_, rest)| rest.to_owned());
                        FieldProblem { field, path, message }
                    })
                })
                .collect(),
        ),
        "RATE_LIMITED" => Failure::TooMany {
            retry_after_seconds: extension(first, "retryAfter").and_then(|v| v.as_u64()).unwrap_or(60),
        },
        "INTERNAL" | "" => Failure::Unavailable,
        _ => Failure::Refused {
            code,
            message: first.message.clone(),
            path: extension(first, "field").and_then(|v| v.as_str().map(str::to_owned)),
        },
    }
}
