//! What every console page has around its work: who is signed in, the
//! links of their role, the sign-out button; and what a page does when
//! the API refuses (the session ended, a second factor is due, no right to
//! the page).

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::roles::Role;
use serde::Deserialize;

use super::Me;
use super::session::{self, Session};
use crate::WebState;
use crate::pages::assets;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::chrome;
use crate::pages::controls::Feedback;
use crate::pages::operation::{self, Failure};
use crate::pages::posted;

/// The console speaks Spanish.
pub(crate) fn tr() -> Tr {
    Tr::new(Lang::Es)
}

/// The page around the work.
pub(crate) struct Frame {
    pub(crate) t: Tr,
    pub(crate) title: Text,
    pub(crate) stylesheets: [String; 2],
    /// None on the sign-in page.
    pub(crate) me: Option<Me>,
    pub(crate) role_label: Option<Text>,
    pub(crate) nav: Vec<NavLink>,
    /// The hidden fields of the sign-out form (its token).
    pub(crate) sign_out: Vec<(String, String)>,
    /// Where the page hears that its cases changed, if it listens.
    pub(crate) live: Option<Live>,
}

/// A page's live notice: the console's script listens at `source` and,
/// at a change, shows a link to `reload`.
pub(crate) struct Live {
    pub(crate) script: String,
    pub(crate) source: String,
    pub(crate) reload: String,
}

/// One entry of the console's menu.
pub(crate) struct NavLink {
    pub(crate) href: &'static str,
    pub(crate) label: Text,
    pub(crate) current: bool,
}

impl Frame {
    /// A page for `me`; `current` is the menu entry it belongs to.
    pub(crate) fn signed_in(app: &WebState, session: &Session, me: Me, title: Text, current: &str) -> Self {
        let t = tr();
        let nav = menu(me.role)
            .iter()
            .map(|(href, id)| NavLink { href, label: t.t(id), current: *href == current })
            .collect();
        Self {
            t,
            title,
            stylesheets: stylesheets(),
            role_label: Some(Text::plain(me.role.label())),
            me: Some(me),
            nav,
            sign_out: posted::own_fields_for(app, t, &session.binding),
            live: None,
        }
    }

    /// The page listens at `source` (`/consola/vivo?…`) and offers to
    /// reload `reload` when something changed.
    pub(crate) fn listening(mut self, source: String, reload: String) -> Self {
        self.live = Some(Live { script: assets::console_script(), source, reload });
        self
    }

    /// A page for someone not signed in.
    pub(crate) fn signed_out(title: Text) -> Self {
        Self {
            t: tr(),
            title,
            stylesheets: stylesheets(),
            me: None,
            role_label: None,
            nav: Vec::new(),
            sign_out: Vec::new(),
            live: None,
        }
    }
}

fn stylesheets() -> [String; 2] {
    [assets::stylesheet(), assets::console_stylesheet()]
}

/// The menu of each role: its work first, then its account.
fn menu(role: Role) -> &'static [(&'static str, &'static str)] {
    const ACCOUNT: (&str, &str) = ("/consola/cuenta", "consola-menu-cuenta");
    const REGISTRY: (&str, &str) = ("/consola/registro", "consola-menu-registro");
    const MEETINGS: (&str, &str) = ("/consola/reuniones", "consola-menu-reuniones");
    match role {
        Role::Officer | Role::Supervisor => &[("/consola/casos", "consola-menu-casos"), MEETINGS, REGISTRY, ACCOUNT],
        Role::Coordinator => &[("/consola/medidas", "consola-menu-medidas"), MEETINGS, REGISTRY, ACCOUNT],
        Role::Auditor => &[("/consola/auditoria", "consola-menu-auditoria"), REGISTRY, ACCOUNT],
        Role::Admin => &[
            ("/consola/cuentas", "consola-menu-cuentas"),
            ("/consola/calendario", "consola-menu-calendario"),
            ("/consola/catalogos", "consola-menu-catalogos"),
            ("/consola/reglas", "consola-menu-reglas"),
            ACCOUNT,
        ],
        Role::Public | Role::System | Role::Device => &[ACCOUNT],
    }
}

/// A rendered console page.
pub(crate) fn html(status: StatusCode, page: &impl Template) -> Response {
    chrome::html(status, Lang::Es, page)
}

/// A page with a form: 422 when it says what was wrong with a post.
pub(crate) fn with_feedback(page: &impl Template, feedback: &Feedback) -> Response {
    let status = if feedback.count() > 0 { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    html(status, page)
}

/// 303 to `location`.
pub(crate) fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// To the sign-in page, forgetting the session; `reason` says why.
pub(crate) fn to_sign_in(reason: &str) -> Response {
    let mut response = see_other(&format!("/consola/entrar?motivo={reason}"));
    response.headers_mut().insert(header::SET_COOKIE, session::clear_cookie());
    response
}

#[derive(Template)]
#[template(path = "consola/aviso.html")]
struct Notice {
    frame: Frame,
    heading: Text,
    body: Text,
}

/// Only who is signed in.
pub(crate) const ME_ONLY: &str = with_me!("query ConsolaYo { me { ...Yo } }");

#[derive(Deserialize)]
pub(crate) struct OnlyMe {
    pub(crate) me: Me,
}

/// Runs a page's operation for the session; what the API refused is
/// already the page to answer with.
pub(crate) async fn load<T: serde::de::DeserializeOwned>(
    app: &WebState,
    session: &Session,
    query: &'static str,
    variables: serde_json::Value,
) -> Result<T, Response> {
    match operation::run::<T>(app, &session.caller, query, variables).await {
        Ok(data) => Ok(data),
        Err(failure) => Err(refused(app, session, failure).await),
    }
}

/// What a page shows when the API refused its operation.
pub(crate) async fn refused(app: &WebState, session: &Session, failure: Failure) -> Response {
    let t = tr();
    let (status, heading, body) = match failure {
        Failure::Refused { code, .. } if code == "UNAUTHENTICATED" => return to_sign_in("sesion"),
        Failure::Refused { code, .. } if code == "SECOND_FACTOR_SETUP_REQUIRED" => {
            return see_other("/consola/segundo-factor");
        }
        Failure::Refused { code, .. } if code == "FORBIDDEN" => {
            (StatusCode::FORBIDDEN, "consola-sin-acceso-titulo", t.t("consola-sin-acceso"))
        }
        Failure::Refused { code, .. } if code == "NOT_FOUND" => {
            (StatusCode::NOT_FOUND, "consola-no-existe-titulo", t.t("consola-no-existe"))
        }
        Failure::TooMany { retry_after_seconds } => (
            StatusCode::TOO_MANY_REQUESTS,
            "consola-espere-titulo",
            t.t1("aviso-demasiadas-consultas", "minutos", retry_after_seconds.div_ceil(60).max(1) as usize),
        ),
        Failure::Refused { message, .. } => {
            (StatusCode::CONFLICT, "consola-no-se-pudo-titulo", Text::spanish(message, Lang::Es))
        }
        Failure::Input(_) | Failure::Unavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, "consola-no-disponible-titulo", t.t("aviso-no-disponible"))
        }
    };
    // The menu needs `me`; when even that fails, the page goes without it.
    let frame = match operation::run::<OnlyMe>(app, &session.caller, ME_ONLY, serde_json::json!({})).await {
        Ok(OnlyMe { me }) => Frame::signed_in(app, session, me, t.t(heading), ""),
        Err(_) => Frame::signed_out(t.t(heading)),
    };
    html(status, &Notice { frame, heading: t.t(heading), body })
}

/// A console post that did not come from this session's own page.
pub(crate) fn forbidden_post() -> Response {
    let t = tr();
    let page = Notice {
        frame: Frame::signed_out(t.t("aviso-origen-titulo")),
        heading: t.t("aviso-origen-titulo"),
        body: t.t("consola-origen"),
    };
    html(StatusCode::FORBIDDEN, &page)
}

/// "Listo: se registró «Acusar recibo»", after the step whose `accion`
/// value is `code` (the page it came back to says what was done).
pub(crate) fn done_notice(code: &'static str) -> Text {
    let t = tr();
    t.t1("consola-paso-hecho", "paso", t.t(&format!("paso-{code}")).as_str())
}
