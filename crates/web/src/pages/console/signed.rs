//! What every console handler starts from, as extractors: the session
//! (none: to the sign-in) and, for a post, the form checked against the
//! session (not ours or another session's: refused before anything runs);
//! for the case page's post, a form that may carry a file.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};

use super::frame;
use super::session::{self, Session};
use crate::WebState;
use crate::pages::form_token::same_origin;
use crate::pages::posted::{self, Posted};
use crate::pages::upload::{self, Attached, Received};

impl FromRequestParts<WebState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &WebState) -> Result<Self, Response> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned().map(Extension);
        session::read(app, &parts.headers, peer).ok_or_else(|| frame::to_sign_in("sesion"))
    }
}

/// A form posted by this session's own page.
pub(crate) struct SignedPost {
    pub(crate) session: Session,
    pub(crate) posted: Posted,
}

impl FromRequest<WebState> for SignedPost {
    type Rejection = Response;

    async fn from_request(request: Request, app: &WebState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, app).await?;
        let headers = parts.headers.clone();
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, body), app)
            .await
            .map_err(IntoResponse::into_response)?;
        let posted =
            posted::receive_for(app, &headers, pairs, &session.binding).map_err(|_| frame::forbidden_post())?;
        Ok(Self { session, posted })
    }
}

/// A form posted by this session's own page that may carry a file
/// (`multipart/form-data`, under the upload limit). Its body is read only
/// once the session and the browser's word say it is ours; the form token
/// is checked as for any post.
pub(crate) struct SignedUpload {
    pub(crate) session: Session,
    pub(crate) posted: Posted,
    pub(crate) file: Attached,
}

impl FromRequest<WebState> for SignedUpload {
    type Rejection = Response;

    async fn from_request(request: Request, app: &WebState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, app).await?;
        let headers = parts.headers.clone();
        if !same_origin(&headers) {
            return Err(frame::forbidden_post());
        }
        let Received { pairs, file } = upload::receive(app, Request::from_parts(parts, body)).await?;
        let posted =
            posted::receive_for(app, &headers, pairs, &session.binding).map_err(|_| frame::forbidden_post())?;
        Ok(Self { session, posted, file })
    }
}
