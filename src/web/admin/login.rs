//! Logging in and out of the editors' dashboard: the login form, its post (same-origin check,
//! rate limit, token compared in constant time, then the session cookie), and the logout post
//! that clears the cookie.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::access::{self, LOGIN};
use super::session;
use super::state::Admin;
use crate::web::error::WebError;
use crate::web::state::AppState;
use crate::web::views::Layout;

/// The login page.
#[derive(Template)]
#[template(path = "admin/login.html")]
pub(crate) struct LoginPage {
    pub layout: Layout,
    /// Why the visitor is (still) on this page, when there is something to say.
    pub message: Option<&'static str>,
}

/// The login form's fields.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    token: String,
}

/// How long a client waits after too many attempts, as told in `Retry-After`.
const RETRY_AFTER_SECONDS: &str = "60";

/// The dashboard's settings, or 404 when it is off (the scope's guard already keeps every
/// `/admin` address unrouted then; this is the same rule for a handler reached another way).
pub(crate) fn enabled(state: &AppState) -> Result<&Admin, WebError> {
    state.admin.as_ref().ok_or(WebError::NotFound)
}

/// `GET /admin/login`: the form, or straight to the dashboard with a valid session.
pub(crate) async fn form(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, WebError> {
    let admin = enabled(&state)?;
    if access::signed_in(&request, admin) {
        return Ok(access::see_other("/admin").finish());
    }
    page(&state, StatusCode::OK, None)
}

/// `POST /admin/login`: a session cookie and 303 to the dashboard for the right token; the form
/// again with 401 for a wrong one, 429 past the rate limit, 403 from another site.
pub(crate) async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, WebError> {
    let admin = enabled(&state)?;
    if !access::same_origin(&request) {
        return page(
            &state,
            StatusCode::FORBIDDEN,
            Some(
                "This form can only be sent from this site's own login page. Open it again and retry.",
            ),
        );
    }
    if !admin.allow_login(access::client(&request)) {
        tracing::warn!("admin login refused: too many attempts");
        let mut response = page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many attempts. Wait a minute, then try again."),
        )?;
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
        return Ok(response);
    }
    if !admin.token_matches(&form.token) {
        tracing::warn!("admin login refused: wrong token");
        return page(
            &state,
            StatusCode::UNAUTHORIZED,
            Some("That is not the admin token."),
        );
    }
    let cookie = session::issue(admin.session_key(), crate::store::now());
    Ok(access::see_other("/admin")
        .insert_header((
            header::SET_COOKIE,
            session::set_cookie(&cookie, access::is_https(&request)),
        ))
        .finish())
}

/// `POST /admin/logout`: clears the session cookie, 303 to the login page (403 from another
/// site, so no page elsewhere can log an editor out).
pub(crate) async fn logout(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, WebError> {
    enabled(&state)?;
    if !access::same_origin(&request) {
        return page(
            &state,
            StatusCode::FORBIDDEN,
            Some("Log out with the button on the dashboard."),
        );
    }
    Ok(access::see_other(LOGIN)
        .insert_header((
            header::SET_COOKIE,
            session::clear_cookie(access::is_https(&request)),
        ))
        .finish())
}

/// The login page with `status` and `message`.
pub(crate) fn page(
    state: &AppState,
    status: StatusCode,
    message: Option<&'static str>,
) -> Result<HttpResponse, WebError> {
    let snapshot = state.snapshot();
    let mut layout = Layout::new(
        &snapshot.site,
        "Editors' dashboard: log in",
        "Log in to the editors' dashboard.",
        LOGIN,
    );
    layout.canonical_url = None;
    layout.noindex = true;
    let html = LoginPage { layout, message }
        .render()
        .map_err(|error| WebError::internal("rendering the admin login page", error))?;
    Ok(access::private(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}
