//! What the administration pages' forms share: a post saved through the
//! API, and the API's problems placed next to the fields of the form that
//! was posted (each form's fields are named `{prefix}.{argument path}`).

use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::frame::{self, tr};
use super::session::Session;
use crate::WebState;
use crate::pages::catalogue::{Lang, Text};
use crate::pages::controls::{Feedback, Group, place_problems};
use crate::pages::operation::{self, Failure};
use crate::pages::posted::Posted;

/// How a save went, for the page to draw.
pub(crate) enum Saved<T> {
    /// Saved: the mutation's data, and the notice that says so.
    Done(T, Feedback),
    /// Not saved: draw the posted form again, with these problems
    /// (`{prefix}.{path}`) and this feedback.
    Again(Feedback, Vec<(String, Text)>),
    /// The page itself is refused (signed out, not an admin).
    Refused(Response),
}

/// Runs `query` with `variables` for the session, unless the page was
/// drawn too long ago.
pub(crate) async fn save<T: DeserializeOwned>(
    app: &WebState,
    session: &Session,
    posted: &Posted,
    prefix: &str,
    query: &'static str,
    variables: Value,
) -> Saved<T> {
    let t = tr();
    if posted.expired {
        return Saved::Again(Feedback { notice: Some(t.t("aviso-caducado")), ..Feedback::default() }, Vec::new());
    }
    match operation::run::<T>(app, &session.caller, query, variables).await {
        Ok(data) => Saved::Done(data, Feedback { notice: Some(t.t("consola-guardado")), ..Feedback::default() }),
        Err(Failure::Input(problems)) => Saved::Again(
            Feedback::default(),
            problems
                .into_iter()
                .map(|p| (format!("{prefix}.{}", p.path), Text::spanish(p.message, Lang::Es)))
                .collect(),
        ),
        Err(Failure::Refused { code, message, .. })
            if !matches!(code.as_str(), "UNAUTHENTICATED" | "SECOND_FACTOR_SETUP_REQUIRED" | "FORBIDDEN") =>
        {
            Saved::Again(
                Feedback { general: vec![Text::spanish(message, Lang::Es)], ..Feedback::default() },
                Vec::new(),
            )
        }
        Err(failure) => Saved::Refused(frame::refused(app, session, failure).await),
    }
}

/// Puts each problem next to its field in the form it names; the rest at
/// the top.
pub(crate) fn place<A>(forms: &mut [(A, Text, Vec<Group>)], problems: Vec<(String, Text)>, feedback: &mut Feedback) {
    let mut left = problems;
    for (_, _, groups) in forms.iter_mut() {
        let (mine, others): (Vec<_>, Vec<_>) =
            left.into_iter().partition(|(name, _)| groups.iter().any(|g| name.starts_with(&format!("{}.", g.prefix))));
        left = others;
        if !mine.is_empty() {
            feedback.summary.extend(place_problems(groups, &mine, &mut feedback.general));
        }
    }
    feedback.general.extend(left.into_iter().map(|(_, message)| message));
}
